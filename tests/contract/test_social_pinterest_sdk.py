"""pinterest-api-sdk 0.2.7 (v5) against the sandbox: boards, a pin from an image URL, read back, analytics.

Pointed at the sandbox with ``PinterestSDKClient(configuration=Configuration(host=base + "/v5", access_token=...))``
(platform-apis.md §11); the token travels as ``Authorization: Bearer``.
"""

import datetime as dt

import pytest
from django.utils import timezone
from openapi_generated.pinterest_client.api.pins_api import PinsApi
from openapi_generated.pinterest_client.configuration import Configuration
from openapi_generated.pinterest_client.exceptions import ApiException, UnauthorizedException
from pinterest.client import PinterestSDKClient
from pinterest.organic.boards import Board
from pinterest.organic.pins import Pin

from platforms.content import PostDraft
from platforms.pinterest.content import PinterestContent
from sandbox.models import SandboxFault, SandboxToken
from tests.platform_fixtures import connect_store
from tests.social.conftest import SCOPES, media_url

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def connection(store, sandbox_url):
    return connect_store(store, "pinterest", scopes=SCOPES["pinterest"])


@pytest.fixture
def client(connection, sandbox_url):
    configuration = Configuration(host=f"{sandbox_url}/pinterest/v5", access_token=connection.access_token)
    # urllib3 under the SDK would wait out a 429's Retry-After three times before the SDK sees it: the error tests
    # want the SDK's own answer to the sandbox's first refusal, at once.
    configuration.retries = False
    return PinterestSDKClient(configuration=configuration)


def test_the_sdk_lists_boards_creates_a_pin_reads_it_back_and_reads_its_analytics(client):
    # when the SDK lists boards, pins an image URL to the first, reads the pin and its analytics
    boards, bookmark = Board.get_all(client=client)
    pin = Pin.create(
        board_id=boards[0].id,
        media_source={"source_type": "image_url", "url": media_url("pinterest")},
        title="Merino Trail Sock",
        description="Soft on long trail days.",
        link="https://shop.example.com/p/sock",
        client=client,
    )
    again = Pin(pin_id=pin.id, client=client)
    today = timezone.now().date()
    analytics = PinsApi(client).pins_analytics(
        pin_id=pin.id,
        start_date=today - dt.timedelta(days=7),
        end_date=today,
        metric_types=["IMPRESSION", "SAVE", "PIN_CLICK", "OUTBOUND_CLICK"],
        app_types="ALL",
        split_field="NO_SPLIT",
    )

    # then every answer parsed into the SDK's own types
    assert (len(boards), bookmark) == (1, None)
    assert (again.id, again.board_id, again.title) == (pin.id, boards[0].id, "Merino Trail Sock")
    assert again.link == "https://shop.example.com/p/sock"
    summary = analytics["all"]["summary_metrics"]
    assert set(summary) == {"IMPRESSION", "SAVE", "PIN_CLICK", "OUTBOUND_CLICK"}
    assert len(analytics["all"]["daily_metrics"]) == 8


def test_the_sdk_raises_its_own_errors_for_validation_rate_limits_and_expired_tokens(client, connection):
    boards, _ = Board.get_all(client=client)

    # a pin without media is refused: ApiException 400
    with pytest.raises(ApiException) as invalid:
        Pin.create(board_id=boards[0].id, media_source={"source_type": "pin_url"}, title="No media", client=client)
    assert invalid.value.status == 400

    # a rate limit: ApiException 429 with Retry-After
    SandboxFault.objects.create(platform="pinterest", rate_limit_rate=1.0, retry_after_seconds=1)
    with pytest.raises(ApiException) as limited:
        Board.get_all(client=client)
    assert (limited.value.status, limited.value.headers["Retry-After"]) == (429, "1")
    SandboxFault.objects.all().delete()

    # an expired token: UnauthorizedException
    SandboxToken.objects.filter(platform="pinterest").update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(UnauthorizedException):
        Board.get_all(client=client)


def test_a_pin_made_by_our_client_and_one_made_by_the_sdk_read_back_alike(client, connection):
    # given a pin created through our client and one through the SDK, same content
    fields = {"title": "Same pin", "link": "https://shop.example.com/p/sock"}
    ours = PinterestContent(access_token=connection.access_token).publish(
        PostDraft(marker="m", caption="Same description", media_urls=(media_url("pinterest"),), **fields),
        save_handle=lambda handle: None,
    )
    boards, _ = Board.get_all(client=client)
    theirs = Pin.create(
        board_id=boards[0].id,
        media_source={"source_type": "image_url", "url": media_url("pinterest")},
        description="Same description",
        client=client,
        **fields,
    )

    # when both are read back through the SDK
    a, b = Pin(pin_id=ours.external_id, client=client), Pin(pin_id=theirs.id, client=client)

    # then they are identical but for their ids and times
    same = ("board_id", "title", "description", "link", "alt_text", "creative_type", "is_owner", "media")
    assert [getattr(a, f) for f in same] == [getattr(b, f) for f in same]
