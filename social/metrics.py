"""Business counters of the social agent, exported at /metrics by django-prometheus."""

from prometheus_client import Counter

POSTS_PUBLISHED = Counter("growth_social_posts_published_total", "Posts published to a social platform.", ["platform"])
PUBLISH_FAILURES = Counter(
    "growth_social_publish_failures_total",
    "Publishing attempts that did not publish, by platform and reason.",
    ["platform", "reason"],
)
LOOP_FAILURES = Counter(
    "growth_social_loop_failures_total",
    "Items (posts or connections) a beat loop of the social agent could not process, by loop.",
    ["loop"],
)
