"""The demo's year of posts: deterministic, within limits, and consistent with what the sandbox reports."""

import datetime as dt

import pytest
from django.utils import timezone

from demo.seed.plan import demo_seed_plan
from demo.seed.social import demo_social_reset, demo_social_seed
from platforms.captions import caption_problems
from platforms.constants import X
from simulation.social_engagement import engagement, engagement_seed, historical_published_at
from social.models import PostMetrics, PostStatus, SocialPost
from social.services import engagement_sync
from stores.exceptions import ApplicationError
from tests.factories import ProductFactory
from tests.platform_fixtures import connect_store
from tests.social.conftest import SCOPES


class Silent:
    def __init__(self, *args):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False

    def update(self, n=1):
        return None


def seed(store, *, end):
    ProductFactory(store=store, title="Merino Trail Sock")
    ProductFactory(store=store, title="Alpine Down Jacket")
    plan = demo_seed_plan(store=store, seed=7, orders=1, end=end)
    return demo_social_seed(plan=plan, progress=Silent)


@pytest.mark.django_db
def test_the_demo_seeds_a_year_of_published_posts_within_limits_deterministically(store):
    # given a store with products, seeded up to a fixed day
    end = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    summary = seed(store, end=end)
    first = list(SocialPost.objects.order_by("external_id").values_list("platform", "external_id", "impressions"))

    # when it is reset and seeded again with the same seed
    demo_social_reset(store=store)
    assert SocialPost.objects.count() == 0
    store.products.all().delete()
    again = seed(store, end=end)
    second = list(SocialPost.objects.order_by("external_id").values_list("platform", "external_id", "impressions"))

    # then the same posts and numbers come back, every caption within its limits, each id in the historical range
    assert summary == again
    assert first == second
    assert 1000 < len(first) < 1500
    for post in SocialPost.objects.all():
        assert post.status == PostStatus.PUBLISHED
        assert caption_problems(post.platform, caption=post.caption, title=post.title) == []
        assert historical_published_at(post.external_id) == post.published_at.replace(microsecond=0)


@pytest.mark.django_db
def test_seeded_snapshots_follow_the_sandbox_engagement_model(store):
    # given a seeded year
    seed(store, end=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))

    # when a post's snapshots are compared with the shared model
    post = SocialPost.objects.filter(platform=X).order_by("published_at").first()
    snapshots = list(PostMetrics.objects.filter(post=post).order_by("captured_at"))

    # then each one is the model's value for that id at that time
    for snap in snapshots:
        expected = engagement(
            X, post.external_id, historical_published_at(post.external_id), at=snap.captured_at, seed=engagement_seed()
        )
        assert (snap.impressions, snap.likes, snap.clicks) == (expected.impressions, expected.likes, expected.clicks)
    assert post.impressions == snapshots[-1].impressions


@pytest.mark.django_db(transaction=True)
def test_engagement_sync_of_a_seeded_post_continues_its_curve_at_the_sandbox(store, sandbox_url):
    # given a year seeded up to now and an X connection at the sandbox
    connect_store(store, X, scopes=SCOPES[X])
    seed(store, end=timezone.now())
    post = SocialPost.objects.filter(platform=X, published_at__gte=timezone.now() - dt.timedelta(days=6)).first()
    before = post.impressions

    # when the hourly sync reads it from the sandbox
    engagement_sync(min_age=dt.timedelta(0), max_age=dt.timedelta(days=7))

    # then it carries on from the seeded history
    post.refresh_from_db()
    assert post.impressions >= before > 0


@pytest.mark.django_db
def test_seeding_a_store_that_already_has_posts_is_refused(store):
    # given a seeded store
    seed(store, end=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    count = SocialPost.objects.count()

    # when it is seeded again without a reset
    with pytest.raises(ApplicationError):
        demo_social_seed(plan=demo_seed_plan(store=store, seed=7, orders=1, end=timezone.now()), progress=Silent)

    # then nothing was added
    assert SocialPost.objects.count() == count
