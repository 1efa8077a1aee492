"""Read queries of the ads app."""

from typing import Any

from stores.models import Store


def ads_hub_tab(*, store: Store) -> dict[str, Any]:
    """Context for the hub's Ads tab."""
    return {}
