"""The hub's tabs: each one's content comes from its own app (a selector and a template)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ads.selectors import ads_hub_tab
from analytics.selectors import analytics_hub_tab
from growth.selectors import automation_hub_tab, overview_hub_tab
from social.selectors import social_hub_tab
from stores.models import Store


@dataclass(frozen=True)
class HubTab:
    slug: str
    title: str
    template: str
    context: Callable[..., dict[str, Any]]  # called as context(store=store)


HUB_TABS: dict[str, HubTab] = {
    tab.slug: tab
    for tab in [
        HubTab("overview", "Overview", "growth/tabs/overview.html", overview_hub_tab),
        HubTab("social", "Social", "social/hub_tab.html", social_hub_tab),
        HubTab("ads", "Ads", "ads/hub_tab.html", ads_hub_tab),
        HubTab("analytics", "Analytics", "analytics/hub_tab.html", analytics_hub_tab),
        HubTab("automation", "Automation", "growth/tabs/automation.html", automation_hub_tab),
    ]
}


def hub_tab_context(*, store: Store, slug: str) -> dict[str, Any]:
    tab = HUB_TABS[slug]
    return {"tab": tab, "tabs": list(HUB_TABS.values()), **tab.context(store=store)}
