"""Read queries of the social app."""

from typing import Any

from stores.models import Store


def social_hub_tab(*, store: Store) -> dict[str, Any]:
    """Context for the hub's Social tab."""
    return {}
