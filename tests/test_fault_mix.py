"""Nothing lost, nothing done twice, under a realistic mix of platform faults and a worker killed mid-run.

200 posts due now over TikTok, Instagram, Pinterest and X, and 50 campaigns over Meta, Google and TikTok Ads, go out
through a real Celery worker while every platform answers 25 % of requests with a 5xx, 10 % with a 429 (Retry-After
1 s), 5 % too late for the client's read timeout after acting, and 5 % with a 5xx after acting. Mid-run the worker is
killed with SIGKILL and another takes over its queue. The test plays beat (the publish sweep and the publishing
watchdog every few seconds). Then the faults stop, the sweeps finish the work, and the outcome is counted at the
sandbox's own tables: every post exists exactly once at its platform and is recorded published with that id; no post
is failed that exists there; every campaign's chain exists exactly once, level by level, and the campaign is in its
final state (paused, or active when it was to be activated on creation).

Time is scaled down to fit CI (see tests/fault_mix_helpers.py): a 1 s read timeout stands for 5 s and a "timeout"
fault answers after 1.5 s; backoff, settle, stuck and lease times are seconds; beat's sweeps (publish due, watchdog,
unconfirmed reconciliation, overdue campaign creations and changes) run every 8 s. The worker runs four threads, so
the kill cuts off several tasks at once.
"""

import uuid

import pytest

from social.models import AttemptOutcome, SocialPost
from tests.celery_worker import CeleryWorker
from tests.fault_mix_helpers import (
    AD_ACCOUNTS,
    ORGANIC_SCOPES,
    MixWorker,
    Run,
    Sweeper,
    ads_prepare,
    apply_settings,
    campaigns_create,
    campaigns_report,
    faults_off,
    faults_on,
    posts_create,
    posts_report,
    worker_env,
)
from tests.platform_fixtures import connect_store

pytestmark = [pytest.mark.celery_worker, pytest.mark.fault_mix, pytest.mark.django_db(transaction=True)]

POSTS_PER_PLATFORM = 50
CAMPAIGNS = 50
KILL_AFTER_PUBLISHED = 40  # the first worker dies once this many posts are out (or after KILL_AFTER_SECONDS)
KILL_AFTER_SECONDS = 35
FAULT_SECONDS = 100  # the faults stay on this long at most (the run usually finishes sooner)
SETTLE_SECONDS = 60  # then the sweeps have this long, with healthy platforms, to finish everything


@pytest.fixture
def mix(store, live_server, settings):
    """The store connected to the seven sandbox platforms over the live server, with the run's fast settings."""
    settings.PLATFORM_MODE = "sandbox"
    settings.SANDBOX_BASE_URL = f"{live_server.url}/sandbox"
    settings.SITE_URL = live_server.url
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"},
    }
    apply_settings(settings)
    for platform, scopes in ORGANIC_SCOPES.items():
        connect_store(store, platform, scopes=scopes)
    for platform, account in AD_ACCOUNTS.items():
        connect_store(store, platform, ad_account_id=account)
    return store


@pytest.fixture
def workers():
    """Workers started by the test; each is killed at teardown and the queue purged."""
    started: list[CeleryWorker] = []
    yield started
    for worker in started:
        worker.stop()
    if started:
        started[-1].purge()


def test_two_hundred_posts_and_fifty_campaigns_under_faults_and_a_killed_worker_end_once_each(mix, workers):
    # given every platform under the fault mix and a worker consuming the queue
    store = mix
    creative = ads_prepare(store=store)
    faults_on(seed=20261203)
    workers.append(MixWorker(extra_env=worker_env(), name="mix-first").start())
    run = Run(sweeper=Sweeper())

    # when 200 posts fall due and 50 campaigns are asked for
    posts = posts_create(store=store, per_platform=POSTS_PER_PLATFORM)
    campaigns = campaigns_create(store=store, creative=creative, count=CAMPAIGNS)
    # and the worker is killed mid-run (with work in hand) and another takes over its queue
    while not run.done() and run.elapsed() < FAULT_SECONDS:
        run.tick(workers[-1])
        if run.killed_with is None and (run.published() >= KILL_AFTER_PUBLISHED or run.elapsed() >= KILL_AFTER_SECONDS):
            run.kill(workers[-1])
            workers.append(MixWorker(takeover=True, extra_env=worker_env(), name="mix-second").start())
    # and the platforms recover while beat goes on
    run.faults_ended(faults_off)
    while not run.done() and run.elapsed() < FAULT_SECONDS + SETTLE_SECONDS:
        run.tick(workers[-1])

    # then the run met every fault and the kill
    assert run.killed_with is not None, f"The first worker was never killed {run.story()}"
    outcomes = set(SocialPost.objects.values_list("attempts__outcome", flat=True))
    assert {AttemptOutcome.TRANSIENT, AttemptOutcome.RATE_LIMITED, AttemptOutcome.AMBIGUOUS} <= outcomes
    # and, counted at the sandbox, no post was lost, doubled or wrongly failed
    post_problems = posts_report()
    for kind in ("duplicates", "false failures", "missing", "unfinished"):
        assert post_problems[kind] == [], f"Posts, {kind} {run.story()}:\n" + "\n".join(post_problems[kind][:20])
    assert len(posts) == 4 * POSTS_PER_PLATFORM
    # and every campaign's chain is at its platform once, in its final state
    campaign_problems = campaigns_report()
    for kind in ("duplicates", "broken chains", "wrong state", "pending actions"):
        assert campaign_problems[kind] == [], f"Campaigns, {kind} {run.story()}:\n" + "\n".join(
            campaign_problems[kind][:20]
        )
    assert len(campaigns) == CAMPAIGNS
