"""The fault-mix run's pieces: the mix, the worker's settings, the posts and campaigns it makes, the sweeps beat
would run, and the counts taken at the sandbox's own tables.

Time is scaled down so that the run fits CI (a few minutes on two cores): the client's read timeout is 1 s instead
of 5 s and a "timeout" fault answers after 1.5 s instead of 7.5 s, keeping the ratio (the answer comes half a read
timeout too late); backoff, settle and stuck thresholds are seconds instead of minutes.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from ads.models import ActionResult, AdCampaign, AdCreative, CampaignAction, CampaignStatus
from ads.services import ad_settings_for_store, campaign_create
from ads.services.remote import LEVEL_FIELDS
from ads.tasks import ads_campaign_changes_sweep_task, ads_campaign_creations_sweep_task
from platforms.ads_common import LEVEL_SUFFIX
from platforms.constants import GOOGLE_ADS, INSTAGRAM, META_ADS, PINTEREST, TIKTOK, TIKTOK_ADS, X
from platforms.registry import platform as platform_descriptor
from sandbox.ads.common import ON_STATUSES
from sandbox.models import SandboxAdObject, SandboxFault, SandboxPost
from social.models import PostStatus, SocialPost
from social.services import post_create
from social.tasks import posts_publish_due_task, posts_reconcile_unconfirmed_task, publishing_watchdog_task
from stores.actors import SYSTEM
from stores.models import Store
from tests.celery_worker import CeleryWorker
from tests.factories import ProductFactory
from tests.social.conftest import SCOPES, media_url

ORGANIC = (TIKTOK, INSTAGRAM, PINTEREST, X)
PAID = (META_ADS, GOOGLE_ADS, TIKTOK_ADS)
AD_ACCOUNTS = {META_ADS: "act_1000001", GOOGLE_ADS: "1234567890", TIKTOK_ADS: "7000000001"}
ORGANIC_SCOPES = SCOPES

READ_TIMEOUT_SECONDS = 1.0  # stands for the 5 s of production's fault test
# Every request of a platform draws once: 25 % a 5xx before acting, 10 % a 429 with Retry-After, 5 % acting and then
# answering 1.5 read timeouts late, 5 % acting and then answering a 5xx (so 30 % of answers are 5xx in all).
FAULT_MIX: dict[str, Any] = {
    "error_rate": 0.25,
    "rate_limit_rate": 0.10,
    "retry_after_seconds": 1,
    "timeout_rate": 0.05,
    "timeout_seconds": 1.5 * READ_TIMEOUT_SECONDS,
    "error_after_rate": 0.05,
}

# The same values reach the worker (as its environment) and this process (where the sweeps run).
FAST_SETTINGS: dict[str, Any] = {
    "PLATFORM_HTTP_READ_TIMEOUT": READ_TIMEOUT_SECONDS,
    "PLATFORM_HTTP_CONNECT_TIMEOUT": 2.0,
    "SOCIAL_RETRY_BASE_SECONDS": 0.5,
    "SOCIAL_RETRY_MAX_SECONDS": 2.0,
    # Longer than a late answer takes to arrive, so a look-up after an unanswered create sees what it made.
    "SOCIAL_AMBIGUOUS_SETTLE_SECONDS": 2.0,
    # Longer than one publish takes under this mix (a few calls, each at most one read timeout).
    "SOCIAL_PUBLISHING_STUCK_SECONDS": 12,
    "SOCIAL_STATUS_POLL_SECONDS": 1.0,
    "SOCIAL_STATUS_POLL_INTERVAL": 0.05,
    # Half the requests fail: a budget of 8 would give up some posts for faults alone. The run asserts that
    # nothing is lost or doubled, so the budget is set well beyond what the mix can exhaust.
    "SOCIAL_PUBLISH_MAX_ATTEMPTS": 40,
    "SOCIAL_MEDIA_CHECK_TIMEOUT": 5.0,
    # A campaign push past due by this long is handed to a worker again by the sweep.
    "ADS_OUTBOX_DEADLINE_SECONDS": 8,
    # Creation retries back off 0.5 s, 1 s, 2 s ... instead of 5 s, 10 s, 20 s; a campaign a dead worker was
    # pushing is free again after 15 s instead of 10 minutes.
    # The same for a campaign creation: nine attempts in a row that store nothing are likely under this mix.
    "ADS_CREATE_MAX_STALLED_ATTEMPTS": 40,
    "ADS_RETRY_BASE_SECONDS": 0.5,
    "ADS_RETRY_MAX_SECONDS": 4.0,
    "ADS_PUSH_LEASE_SECONDS": 15.0,
}

# The sandbox runs in the test's live server (this process): its own limits must not add 429s of their own.
SANDBOX_SETTINGS: dict[str, Any] = {
    "SANDBOX_SOCIAL_DAILY_LIMITS": dict.fromkeys(ORGANIC, 1000),
    "SANDBOX_PUBLISH_PROCESSING_SECONDS": 0.2,
    "SANDBOX_TIKTOK_INIT_PER_MINUTE": 10_000,
    "SANDBOX_TIKTOK_STATUS_PER_MINUTE": 10_000,
    "SANDBOX_X_READS_PER_WINDOW": 100_000,
}


def worker_env() -> dict[str, str]:
    return {key: str(value) for key, value in FAST_SETTINGS.items()} | {"LOG_LEVEL": "WARNING"}


def apply_settings(overrides: Any) -> None:
    """Give the test's ``settings`` fixture the run's values (the sweeps run here, the sandbox serves from here)."""
    for key, value in {**FAST_SETTINGS, **SANDBOX_SETTINGS}.items():
        setattr(overrides, key, value)


def faults_on(*, seed: int) -> None:
    """The mix on every platform. (Connections hold tokens good for an hour, so no token endpoint is called.)"""
    for n, platform in enumerate(ORGANIC + PAID):
        SandboxFault.objects.update_or_create(
            platform=platform, defaults={**FAULT_MIX, "enabled": True, "seed": seed + n}
        )


def faults_off() -> None:
    SandboxFault.objects.update(enabled=False)


# Tasks in hand at once per worker, as a production worker has (a kill cuts off all of them); the waits for late
# answers overlap instead of adding up.
WORKER_THREADS = 4


class MixWorker(CeleryWorker):
    """The run's worker: ``WORKER_THREADS`` threads; ``takeover`` starts it on the queue as a killed worker left it,
    without the purge a fresh test's worker does first."""

    def __init__(self, *, takeover: bool = False, **kwargs: Any) -> None:
        super().__init__(pool="threads", concurrency=WORKER_THREADS, **kwargs)
        self.takeover = takeover

    def purge(self) -> int:
        return 0 if self.takeover else super().purge()


def tag(platform: str, n: int) -> str:
    """A word only this post's text carries, to find it among the sandbox's posts."""
    return f"FM{platform.upper()}{n:03d}Z"


def posts_create(*, store: Store, per_platform: int) -> list[SocialPost]:
    due = timezone.now() - dt.timedelta(seconds=1)
    return [
        post_create(
            store=store,
            platform=platform,
            caption=f"{tag(platform, n)} Trail day {n}: the Merino Trail Sock keeps up. #merino",
            title=f"Merino Trail Sock {n}" if platform == PINTEREST else "",
            media_urls=[media_url(platform)],
            link=f"https://shop.example.com/p/sock?utm_content=mix{n}",
            scheduled_at=due,
        )
        for platform in ORGANIC
        for n in range(per_platform)
    ]


def ads_prepare(*, store: Store) -> AdCreative:
    row = ad_settings_for_store(store=store)
    row.meta_page_id, row.meta_pixel_id, row.tiktok_pixel_id = "104000000000001", "880000000000001", "C0PIXEL01"
    row.daily_spend_cap_minor, row.max_campaign_daily_budget_minor = 10_000_000, 20_000
    row.save()
    product = ProductFactory(store=store, external_id="SOCK-1", url="https://shop.example.com/products/sock-1")
    return AdCreative.objects.create(
        store=store,
        name="Merino socks",
        product=product,
        headlines=["Merino Trail Socks", "Soft on long hikes", "Free returns"],
        descriptions=["Warm, breathable merino wool for every trail.", "Order today, ships tomorrow."],
        primary_text="Our best-selling merino socks are back in stock.",
        link_url=product.url,
        image_url="https://shop.example.com/images/sock-1.jpg",
        video_id="v10033g50000cq1",
    )


def campaigns_create(*, store: Store, creative: AdCreative, count: int) -> list[AdCampaign]:
    """``count`` campaigns round the three ad platforms; every other one is activated on creation."""
    return [
        campaign_create(
            store=store,
            platform=PAID[n % len(PAID)],
            name=f"Sock drop {n}",
            objective="sales",
            daily_budget_minor=5000,
            creative=creative,
            actor=SYSTEM,
            activate=n % 2 == 1,
        )
        for n in range(count)
    ]


@dataclass
class Sweeper:
    """What beat does, every ``every`` seconds: the sweeps run here and hand work to the worker over the broker."""

    sweeps: tuple[Callable[[], Any], ...] = (
        posts_publish_due_task,
        publishing_watchdog_task,
        posts_reconcile_unconfirmed_task,
        ads_campaign_creations_sweep_task,
        ads_campaign_changes_sweep_task,
    )
    every: float = 8.0
    last: float = 0.0
    runs: int = 0

    def tick(self) -> None:
        if time.monotonic() - self.last < self.every:
            return
        self.last = time.monotonic()
        self.runs += 1
        for sweep in self.sweeps:
            sweep()


@dataclass
class Run:
    """The run's clock and story: what was left every ten seconds, when the worker was killed, when faults ended."""

    sweeper: Sweeper
    started: float = field(default_factory=time.monotonic)
    killed_with: tuple[float, int, int] | None = None
    faults_ended_at: float | None = None
    snapshots: list[str] = field(default_factory=list)
    last_snapshot: float = -10.0

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def published(self) -> int:
        return SocialPost.objects.filter(status=PostStatus.PUBLISHED).count()

    def done(self) -> bool:
        return not posts_left() and not campaigns_left()

    def tick(self, worker: CeleryWorker) -> None:
        """One beat of the run: the sweeps when due, a note of what is left every ten seconds, a short sleep."""
        if not worker.alive:
            raise AssertionError(f"The worker died {self.story()}:\n{worker.log_tail()}")
        self.sweeper.tick()
        if self.elapsed() - self.last_snapshot >= 10:
            self.last_snapshot = self.elapsed()
            self.snapshots.append(
                f"{self.elapsed():.0f} s: posts {dict(posts_left())}, campaigns {dict(campaigns_left())}"
            )
        time.sleep(0.2)

    def kill(self, worker: CeleryWorker) -> None:
        publishing = SocialPost.objects.filter(status=PostStatus.PUBLISHING).count()
        self.killed_with = (self.elapsed(), self.published(), publishing)
        worker.stop()

    def faults_ended(self, faults_off: Callable[[], None]) -> None:
        faults_off()
        self.faults_ended_at = self.elapsed()

    def story(self) -> str:
        killed = (
            "never killed"
            if self.killed_with is None
            else "killed at {:.0f} s with {} published and {} publishing".format(*self.killed_with)
        )
        ended = "still on" if self.faults_ended_at is None else f"off at {self.faults_ended_at:.0f} s"
        return (
            f"(after {self.elapsed():.0f} s; worker {killed}; faults {ended}; {self.sweeper.runs} sweeps; "
            f"left over time: {'; '.join(self.snapshots)})"
        )


def posts_left() -> Counter:
    return Counter(SocialPost.objects.exclude(status=PostStatus.PUBLISHED).values_list("status", flat=True))


def campaigns_left() -> Counter:
    """Campaigns not yet created, and created ones with a change still to reach the platform (an activation the
    platform has not confirmed is pushed again by the sweeps)."""
    left = Counter(
        AdCampaign.objects.exclude(status__in=(CampaignStatus.PAUSED, CampaignStatus.ACTIVE)).values_list(
            "status", flat=True
        )
    )
    pending = CampaignAction.objects.filter(result=ActionResult.PENDING).values("campaign").distinct().count()
    if pending:
        left["with a pending change"] = pending
    return left


def posts_report() -> dict[str, list[str]]:
    """Every way a post went wrong, counted at the sandbox: each list empty when nothing was lost or doubled."""
    problems: dict[str, list[str]] = {"duplicates": [], "false failures": [], "missing": [], "unfinished": []}
    for post in SocialPost.objects.order_by("platform", "pk"):
        word = post.caption.split(" ", 1)[0]
        theirs = list(
            SandboxPost.objects.filter(platform=post.platform)
            .filter(Q(text__contains=word) | Q(title__contains=word))
            .values_list("external_id", flat=True)
        )
        label = f"{post.platform} post {post.pk} ({word}, {post.status}, attempts {post.attempt_count})"
        if len(theirs) > 1:
            problems["duplicates"].append(f"{label}: {len(theirs)} at the platform {theirs}")
        if post.status == PostStatus.FAILED and theirs:
            problems["false failures"].append(f"{label}: failed ({post.last_error}) but at the platform {theirs}")
        if post.status == PostStatus.PUBLISHED and theirs != [post.external_id]:
            problems["missing"].append(f"{label}: published as {post.external_id!r}, the platform holds {theirs}")
        if post.status != PostStatus.PUBLISHED:
            problems["unfinished"].append(f"{label}: {post.last_error or post.hold_reason}; platform holds {theirs}")
    return problems


def campaigns_report() -> dict[str, list[str]]:
    """Every way a campaign went wrong, counted at the sandbox: each list empty when the chains are whole and single."""
    problems: dict[str, list[str]] = {"duplicates": [], "broken chains": [], "wrong state": [], "pending actions": []}
    for campaign in AdCampaign.objects.select_related("connection").order_by("platform", "pk"):
        client = platform_descriptor(campaign.platform).client_class
        label = (
            f"{campaign.platform} campaign {campaign.pk} ({campaign.status}, attempts {campaign.create_attempts}, "
            f"last error {campaign.last_error!r}, next push {campaign.next_push_at}, claimed until "
            f"{campaign.push_claimed_until}, connection {campaign.connection.status})"
        )
        for level in client.levels:
            name = (
                campaign.platform_name if level == "campaign" else f"{campaign.platform_name} · {LEVEL_SUFFIX[level]}"
            )
            theirs = list(
                SandboxAdObject.objects.filter(platform=campaign.platform, kind=level, name=name).values_list(
                    "external_id", flat=True
                )
            )
            ours = getattr(campaign, LEVEL_FIELDS[level])
            if len(theirs) > 1:
                problems["duplicates"].append(f"{label}: {len(theirs)} of level {level} at the platform {theirs}")
            elif theirs != [ours]:
                problems["broken chains"].append(f"{label}: level {level} is {ours!r} here, {theirs} at the platform")
        wanted = CampaignStatus.ACTIVE if campaign.activate_on_create else CampaignStatus.PAUSED
        at_platform = (
            SandboxAdObject.objects.filter(platform=campaign.platform, kind="campaign", name=campaign.platform_name)
            .values_list("status", flat=True)
            .first()
        )
        if campaign.status != wanted or (at_platform in ON_STATUSES) != campaign.activate_on_create:
            problems["wrong state"].append(f"{label}: wanted {wanted}, at the platform {at_platform!r}")
    for action in CampaignAction.objects.exclude(result=ActionResult.APPLIED).order_by("pk"):
        problems["pending actions"].append(f"campaign {action.campaign_id} {action.kind} is {action.result}")
    return problems
