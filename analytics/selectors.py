"""Read queries of the analytics app."""

from typing import Any

from stores.models import Store


def analytics_hub_tab(*, store: Store) -> dict[str, Any]:
    """Context for the hub's Analytics tab."""
    return {}
