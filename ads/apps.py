from django.apps import AppConfig


class AdsConfig(AppConfig):
    name = "ads"
    verbose_name = "Ads"

    def ready(self) -> None:
        """A new store gets its ad settings in its creating transaction (``stores.hooks.store_created``)."""
        from ads.services.guardrails import ad_settings_create
        from stores.hooks import store_created

        store_created.register(ad_settings_create)
