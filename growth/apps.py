from django.apps import AppConfig


class GrowthConfig(AppConfig):
    name = "growth"
    verbose_name = "Growth"

    def ready(self) -> None:
        """Growth holds and releases what depends on a connection when the connection goes bad or comes back."""
        from growth.connections import connection_dependents_sync
        from stores.hooks import connection_status_changed

        connection_status_changed.register(connection_dependents_sync)
