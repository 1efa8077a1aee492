"""Reads for the hub's own tabs."""

from typing import Any

from stores.connections.selectors import connections_overview
from stores.models import Store


def overview_hub_tab(*, store: Store) -> dict[str, Any]:
    return {
        "product_count": store.products.count(),
        "member_count": store.memberships.count(),
        **connections_overview(store=store),
    }


def automation_hub_tab(*, store: Store) -> dict[str, Any]:
    from django_celery_beat.models import PeriodicTask

    return {
        "periodic_tasks": list(PeriodicTask.objects.filter(enabled=True).order_by("name").values("name", "last_run_at"))
    }
