from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        """Orders written in stores mark their journeys for building (``order_written``); erasures in stores erase
        the tracking data too (``customer_erased``, ``shop_erased``)."""
        from analytics.services.journey_runs import journeys_mark_stale
        from analytics.services.retention import customer_tracking_erase, shop_tracking_erase
        from stores.hooks import customer_erased, order_written, shop_erased

        order_written.register(journeys_mark_stale)
        customer_erased.register(customer_tracking_erase)
        shop_erased.register(shop_tracking_erase)
