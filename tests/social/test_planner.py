"""The content planner: every post within its platform's limits, no two alike, links tagged, good hours."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from platforms.captions import caption_problems
from platforms.constants import INSTAGRAM, PINTEREST, SOCIAL_PLATFORMS, TIKTOK, X
from platforms.content import hashtag_count, x_weighted_length
from platforms.registry import platform_limits
from social.models import ContentCalendar, PostStatus, SocialPost
from social.planner import ProductBrief, _reading, plan_posts
from social.services import calendar_plan, calendar_schedule_all
from social.services.planning import DEFAULT_HOURS, best_hours
from stores.exceptions import ApplicationError
from stores.links import tag_link
from tests.factories import ProductFactory
from tests.platform_fixtures import connect_store
from tests.social.factories import SocialPostFactory

product_text = st.text(min_size=0, max_size=400)
briefs = st.builds(
    ProductBrief,
    title=st.text(min_size=0, max_size=220),
    description=st.text(min_size=0, max_size=3000),
    tags=st.lists(st.text(min_size=0, max_size=60), max_size=40).map(tuple),
    category=product_text,
    price=st.sampled_from(["", "24.00 USD", "1,299.99 EUR"]),
    url=st.sampled_from(["", "https://shop.example.com/products/sock", "https://shop.example.com/p?id=1&utm_source=x"]),
)


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(brief=briefs, days=st.integers(1, 7), per_day=st.integers(1, 4))
@example(brief=ProductBrief(title="漢" * 220, description="word " * 900, tags=("t" * 60,) * 40), days=2, per_day=4)
@example(brief=ProductBrief(title="Sock", description="Soft. " * 600, price="24.00 USD"), days=7, per_day=4)
@example(brief=ProductBrief(title="", description=""), days=7, per_day=4)
def test_for_any_product_text_every_generated_post_fits_its_platform(brief, days, per_day):
    # given any product text and plan shape
    platforms = list(SOCIAL_PLATFORMS)
    markers = [f"gh{n:010d}" for n in range(days * per_day * len(platforms))]

    # when the calendar is planned
    posts = plan_posts(brief, platforms=platforms, days=days, posts_per_day=per_day, campaign="launch", markers=markers)

    # then every post is within its platform's limits, and no two read the same
    assert len(posts) == days * per_day * len(platforms)
    for post in posts:
        assert caption_problems(post.platform, caption=post.caption, title=post.title) == []
        assert len(post.title) <= 100
        if post.platform == INSTAGRAM:
            assert hashtag_count(post.caption) <= 30
    readings = [_reading(p.caption) for p in posts]
    assert len(set(readings)) == len(readings)


def test_x_counts_every_link_as_23_characters_and_wide_characters_as_two():
    # given a post with a long link and two CJK characters
    text = "Hi 漢字 https://shop.example.com/" + "a" * 200

    # when X's weighted length is counted
    length = x_weighted_length(text)

    # then the link is 23 and each wide character 2
    assert length == len("Hi ") + 4 + len(" ") + 23
    assert platform_limits(X).caption == 280


def test_links_carry_utm_tags_for_platform_medium_campaign_and_post():
    # given a product link that already carries its own UTM source
    url = "https://shop.example.com/p?id=1&utm_source=newsletter"

    # when it is tagged for a post
    tagged = tag_link(url, platform=PINTEREST, campaign="spring-launch", content="gh0001")

    # then the old UTM is replaced and the four tags are present
    assert parse_qs(urlsplit(tagged).query) == {
        "id": ["1"],
        "utm_source": ["pinterest"],
        "utm_medium": ["social"],
        "utm_campaign": ["spring-launch"],
        "utm_content": ["gh0001"],
    }


@pytest.mark.django_db
def test_a_calendar_plans_days_times_posts_per_day_per_platform_at_distinct_good_hours(store):
    # given a product and a store with no posting history
    product = ProductFactory(store=store, title="Merino Trail Sock", url="https://shop.example.com/p/sock")
    connect_store(store, X, scopes=["tweet.write"])

    # when a 3-day, 2-a-day calendar is planned for X and Instagram
    calendar = calendar_plan(
        store=store,
        product=product,
        days=3,
        posts_per_day=2,
        platforms=[X, INSTAGRAM],
        start_date=dt.date(2028, 3, 6),
    )

    # then 12 drafts exist at the default best hours in the store's time zone, none at the same moment
    posts = list(calendar.posts.order_by("platform", "scheduled_at"))
    assert len(posts) == 12
    assert {p.status for p in posts} == {PostStatus.DRAFT}
    x_hours = sorted({p.scheduled_at.astimezone(store.tzinfo).hour for p in posts if p.platform == X})
    assert x_hours == sorted(DEFAULT_HOURS[X][:2])
    assert len({p.scheduled_at for p in posts}) == 12
    assert all("utm_campaign=" + calendar.utm_campaign in p.link for p in posts)
    assert all(f"utm_content={p.marker}" in p.link for p in posts)


@pytest.mark.django_db
def test_best_hours_follow_the_store_history_of_engagement(store):
    # given Instagram posts that did far better at 07:00 local than at other hours
    for n in range(3):
        for hour, rate in ((7, 0.09), (11, 0.01), (19, 0.02)):
            local = dt.datetime(2026, 11, 2 + n, hour, 0, tzinfo=store.tzinfo)
            SocialPostFactory(
                store=store,
                platform=INSTAGRAM,
                status=PostStatus.PUBLISHED,
                published_at=local,
                impressions=1000,
                engagement_rate=rate,
                external_id=f"h{n}{hour}",
            )

    # when the best two hours are asked for
    hours = best_hours(store=store, platform=INSTAGRAM, count=2)

    # then 07:00 leads, topped up by the next best hour of history
    assert hours == [7, 19]


@pytest.mark.django_db
def test_schedule_all_schedules_connected_platforms_and_holds_the_rest(store):
    # given a planned calendar for X (connected) and TikTok (not connected)
    product = ProductFactory(store=store)
    connect_store(store, X, scopes=["tweet.write"])
    calendar = calendar_plan(store=store, product=product, days=1, posts_per_day=1, platforms=[X, TIKTOK])

    # when everything is scheduled
    counts = calendar_schedule_all(calendar=calendar)

    # then the X post is scheduled and the TikTok one held with the reason
    assert counts == {"scheduled": 1, "held": 1}
    held = calendar.posts.get(platform=TIKTOK)
    assert (held.status, held.hold_reason) == (PostStatus.HELD, "Connect TikTok to publish this post.")
    assert calendar.posts.get(platform=X).status == PostStatus.SCHEDULED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("days", "per_day", "platforms", "message"),
    [
        (0, 1, [X], "Plan between 1 and 31 days."),
        (3, 9, [X], "Plan between 1 and 4 posts a day."),
        (3, 1, [], "Choose at least one platform."),
    ],
    ids=["zero days is refused", "too many posts a day is refused", "no platform is refused"],
)
def test_an_invalid_plan_is_refused_and_creates_nothing(store, days, per_day, platforms, message):
    # given a product
    product = ProductFactory(store=store)

    # when an invalid calendar is asked for
    with pytest.raises(ApplicationError) as refusal:
        calendar_plan(store=store, product=product, days=days, posts_per_day=per_day, platforms=platforms)

    # then it is refused with the reason and nothing was created
    assert refusal.value.message == message
    assert ContentCalendar.objects.count() == 0
    assert SocialPost.objects.count() == 0


class ChatCompletions(BaseHTTPRequestHandler):
    """A tiny OpenAI-compatible chat-completions server; ``answer`` decides the message content."""

    answer = staticmethod(lambda request: "{}")
    requests: list = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        ChatCompletions.requests.append({"body": body, "auth": self.headers.get("Authorization")})
        content = ChatCompletions.answer(body)
        payload = json.dumps({"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload.encode())

    def log_message(self, *args):
        return


@pytest.fixture
def chat_server(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), ChatCompletions)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ChatCompletions.requests = []
    settings.SOCIAL_LLM_URL = f"http://127.0.0.1:{server.server_port}/v1/chat/completions"
    settings.SOCIAL_LLM_MODEL = "tiny-model"
    settings.SOCIAL_LLM_API_KEY = "sk-test-key"
    yield ChatCompletions
    server.shutdown()


def llm_posts(body):
    wanted = json.loads(body["messages"][1]["content"])
    posts = [
        {
            "platform": p,
            "hook": f"Fresh take {n} on socks for {p}",
            "body": "Warm, soft, tough.",
            "cta": "Shop now",
            "hashtags": ["socks", "#merino"],
        }
        for p in wanted["platforms"]
        for n in range(wanted["posts_per_platform"])
    ]
    return json.dumps({"posts": posts})


@pytest.mark.django_db
def test_the_chat_completions_backend_writes_the_captions_when_switched_on(store, chat_server):
    # given a chat-completions backend that answers well-formed posts
    chat_server.answer = staticmethod(llm_posts)
    product = ProductFactory(store=store)

    # when a calendar is planned
    calendar = calendar_plan(store=store, product=product, days=2, posts_per_day=1, platforms=[X, INSTAGRAM])

    # then the backend's wording is used, fitted to each platform, and the key went in the header
    assert calendar.generator == "llm"
    x_post = calendar.posts.filter(platform=X).order_by("scheduled_at").first()
    assert x_post.caption.startswith("Fresh take 0 on socks for x Shop now https://")
    assert x_post.caption.endswith("#socks #merino")
    assert chat_server.requests[0]["auth"] == "Bearer sk-test-key"
    assert chat_server.requests[0]["body"]["model"] == "tiny-model"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "answer",
    ["not json", json.dumps({"posts": []}), json.dumps({"posts": [{"platform": "x", "hook": 5}]})],
    ids=["garbage falls back", "too few posts fall back", "wrong types fall back"],
)
def test_an_unusable_backend_answer_falls_back_to_the_built_in_generator(store, chat_server, answer):
    # given a backend that answers something unusable
    chat_server.answer = staticmethod(lambda body: answer)
    product = ProductFactory(store=store, title="Merino Trail Sock")

    # when a calendar is planned
    calendar = calendar_plan(store=store, product=product, days=1, posts_per_day=1, platforms=[X])

    # then the built-in generator wrote it
    assert calendar.generator == "builtin"
    assert calendar.posts.get().caption.startswith("Meet Merino Trail Sock.")
