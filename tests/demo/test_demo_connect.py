"""``manage.py demo_connect``: the demo store's seeded connections signed in at the sandbox with real consents over
HTTP (consent page, Allow, callback, ad account pick), the seeded rows reconnected with their history kept."""

import io

import pytest
import requests
from django.conf import settings
from django.core.management import CommandError, call_command

from demo.connect import (
    DemoConnectFailed,
    callback_redirect_uri,
    consent_allow,
    consent_form_parse,
    demo_owner_get,
    demo_store_data_wait,
)
from demo.connections import DEMO_CONNECTIONS, demo_connections_ensure
from demo.seed.commerce import demo_shop_ensure
from demo.seed.store import DEMO_SHOP, demo_store_ensure
from platforms.constants import ALL_PLATFORMS, META_ADS, SHOPIFY, X
from platforms.registry import oauth_platform
from sandbox.models import AccountKind, SandboxAccount, SandboxToken
from stores.connections.services import connection_authorize_begin
from stores.exceptions import ApplicationError
from stores.models import (
    BackfillState,
    ConnectionEvent,
    ConnectionEventKind,
    ConnectionStatus,
    OAuthState,
    PlatformConnection,
    Store,
    StoreSync,
)
from tests.factories import OrderFactory, ProductFactory, StoreFactory
from tests.stores.commerce_helpers import store_connection

pytestmark = pytest.mark.django_db(transaction=True)

# What each connection reads as once the platform's account reader has named the signed-in account.
CONNECTED_LINES = [
    f"Shopify: connected (Northwind Outfitters, {DEMO_SHOP})",
    "TikTok: connected (Northwind Outfitters)",
    "Instagram: connected (northwind.outfitters)",
    "Pinterest: connected (Northwind Outfitters)",
    "X: connected (@northwind_out)",
    "Meta Ads: connected (Nora Northwind, ad account Northwind Outfitters US)",
    "Google Ads: connected (nora@northwind.example, ad account Northwind Outfitters Search)",
    "TikTok Ads: connected (Nora Northwind, ad account Northwind Outfitters Ads)",
]


@pytest.fixture
def demo_store(demo_server) -> Store:
    # given the sandbox's demo accounts and demo shop, and the demo store as the seed leaves it: seven connections
    # without tokens, and no store connection yet
    demo_shop_ensure()
    store = demo_store_ensure(email=settings.DEMO_USER_EMAIL, password=settings.DEMO_USER_PASSWORD)
    demo_connections_ensure(store=store)
    return store


def run() -> list[str]:
    out = io.StringIO()
    call_command("demo_connect", stdout=out)
    return out.getvalue().splitlines()


def snapshot(store: Store) -> list[tuple]:
    return list(
        PlatformConnection.objects.filter(store=store)
        .order_by("pk")
        .values_list("pk", "status", "access_token_encrypted", "refresh_token_encrypted", "updated_at")
    )


def test_the_seeded_connections_are_signed_in_at_the_sandbox_and_keep_their_history(demo_store):
    seeded = {c.platform: c.pk for c in PlatformConnection.objects.filter(store=demo_store)}

    # when the command runs against the sandbox on the live server
    lines = run()

    # then it says one line per platform, and the same seven rows are active with the demo accounts
    assert lines == CONNECTED_LINES
    connections = list(PlatformConnection.objects.filter(store=demo_store, pk__in=seeded.values()).order_by("pk"))
    assert {c.platform: c.pk for c in connections} == seeded
    for connection in connections:
        demo = DEMO_CONNECTIONS[connection.platform]
        assert connection.status == ConnectionStatus.ACTIVE
        assert (connection.external_account_id, connection.ad_account_id) == (demo.account_id, demo.ad_account_id)
        # and each ad account carries the name and currency the platform reports for it
        assert (connection.ad_account_name, connection.ad_account_currency) == (demo.ad_account_name, demo.currency)
        assert connection.last_error == ""
        assert connection.connected_by.email == settings.DEMO_USER_EMAIL
        # and its token is one the sandbox issued for that account, which its account reader accepts
        token = SandboxToken.objects.get(access_token=connection.access_token)
        assert token.account.external_id == demo.account_id
        account = oauth_platform(connection.platform).fetch_account(access_token=connection.access_token)
        assert account.id == demo.account_id
    # and each keeps the seed's event, followed by the reconnect by the demo user
    history = list(
        ConnectionEvent.objects.filter(store=demo_store, connection__in=seeded.values())
        .order_by("connection_id", "pk")
        .values_list("connection_id", "kind", "actor_user__email")
    )
    assert history == [
        row
        for pk in sorted(seeded.values())
        for row in (
            (pk, ConnectionEventKind.EXPIRED, None),
            (pk, ConnectionEventKind.RECONNECTED, settings.DEMO_USER_EMAIL),
        )
    ]
    # and every consent it started is completed, none left open
    assert OAuthState.objects.filter(store=demo_store, completed_at__isnull=True).count() == 0
    assert OAuthState.objects.filter(store=demo_store).count() == len(ALL_PLATFORMS) + 1
    # and the store is installed on the demo shop
    shop = PlatformConnection.objects.get(store=demo_store, platform=SHOPIFY)
    assert (shop.external_account_id, shop.status) == (DEMO_SHOP, ConnectionStatus.ACTIVE)


def test_a_second_run_changes_nothing(demo_store):
    # given the connections were signed in once
    run()
    before = snapshot(demo_store)
    events = ConnectionEvent.objects.filter(store=demo_store).count()
    consents = OAuthState.objects.count()
    tokens = SandboxToken.objects.count()

    # when the command runs again
    lines = run()

    # then every platform is skipped and no row, event, consent or sandbox token is added or changed
    assert lines == [line.replace(": connected (", ": already active (") for line in CONNECTED_LINES]
    assert snapshot(demo_store) == before
    assert ConnectionEvent.objects.filter(store=demo_store).count() == events
    assert OAuthState.objects.count() == consents
    assert SandboxToken.objects.count() == tokens


def test_only_the_connections_that_are_not_active_are_signed_in(demo_store):
    # given X was signed in, and then the X token was revoked at the sandbox and the connection went expired
    run()
    x = PlatformConnection.objects.get(store=demo_store, platform=X)
    old_token = x.access_token
    PlatformConnection.objects.filter(pk=x.pk).update(status=ConnectionStatus.EXPIRED)
    others = [row for row in snapshot(demo_store) if row[0] != x.pk]

    # when the command runs
    lines = run()

    # then only X is signed in again, on the same row with a new token; the others are untouched
    assert lines[4] == "X: connected (@northwind_out)"
    assert [line for i, line in enumerate(lines) if i != 4] == [
        line.replace(": connected (", ": already active (") for i, line in enumerate(CONNECTED_LINES) if i != 4
    ]
    x.refresh_from_db()
    assert x.status == ConnectionStatus.ACTIVE
    assert x.access_token != old_token
    assert oauth_platform(X).fetch_account(access_token=x.access_token).id == DEMO_CONNECTIONS[X].account_id
    assert [row for row in snapshot(demo_store) if row[0] != x.pk] == others


def test_a_platform_whose_consent_page_offers_no_demo_account_fails_alone(demo_store):
    # given the sandbox's X account no longer goes by the demo account's name
    SandboxAccount.objects.filter(platform=X, external_id=DEMO_CONNECTIONS[X].account_id).update(name="Renamed")

    # when the command runs
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"^1 of 8 demo connections are not active\.$"):
        call_command("demo_connect", stdout=out)

    # then X says why it was not connected, and stays expired without a token or a new event
    lines = out.getvalue().splitlines()
    assert lines[4] == (
        "X: not connected: the consent page offers no single account named 'Northwind Outfitters' "
        "(offered: Renamed @northwind_out, Trailhead Demo @trailhead_demo)"
    )
    x = PlatformConnection.objects.get(store=demo_store, platform=X)
    assert (x.status, x.access_token_encrypted) == (ConnectionStatus.EXPIRED, "")
    assert list(ConnectionEvent.objects.filter(connection=x).values_list("kind", flat=True)) == ["expired"]
    # and the six others and the shop are connected all the same
    assert [line for i, line in enumerate(lines) if i != 4] == [
        line for i, line in enumerate(CONNECTED_LINES) if i != 4
    ]
    assert PlatformConnection.objects.filter(store=demo_store, status=ConnectionStatus.ACTIVE).count() == 7


def test_a_consent_that_signs_in_as_another_account_is_reported_and_leaves_the_demo_row_expired(demo_store):
    # given the sandbox's second X person now carries the demo account's name, and the demo person another
    demo_id = DEMO_CONNECTIONS[X].account_id
    SandboxAccount.objects.filter(platform=X, external_id=demo_id).update(name="Somebody Else")
    SandboxAccount.objects.filter(platform=X, external_id="1500000000000000002").update(name="Northwind Outfitters")

    # when the command runs
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("demo_connect", stdout=out)

    # then X reports the mismatch: the consent connected the account it signed in as, not the demo's row
    assert out.getvalue().splitlines()[4] == (
        "X: not connected: the consent saved another connection (account 1500000000000000002) instead of the demo's"
    )
    demo_row = PlatformConnection.objects.get(store=demo_store, platform=X, external_account_id=demo_id)
    assert demo_row.status == ConnectionStatus.EXPIRED


def test_a_missing_seeded_connection_is_reported_not_created(demo_store):
    # given the seed's X connection was deleted
    PlatformConnection.objects.filter(store=demo_store, platform=X).delete()

    # when the command runs
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"^1 of 8 demo connections are not active\.$"):
        call_command("demo_connect", stdout=out)

    # then X says so and no X connection or consent is made
    assert out.getvalue().splitlines()[4] == "X: no demo connection on record; run `manage.py seed_demo`"
    assert not PlatformConnection.objects.filter(store=demo_store, platform=X).exists()
    assert not OAuthState.objects.filter(platform=X).exists()


def test_outside_sandbox_mode_nothing_is_attempted(demo_store, settings):
    # given the platforms are the live ones
    settings.PLATFORM_MODE = "live"

    # when the command runs, then it refuses and starts no consent
    with pytest.raises(CommandError, match="set PLATFORM_MODE=sandbox"):
        run()
    assert not OAuthState.objects.exists()
    assert not PlatformConnection.objects.filter(status=ConnectionStatus.ACTIVE).exists()


def test_without_the_demo_store_it_asks_for_the_seed(sandbox_url):
    # given no demo store, when the command runs, then it refuses
    with pytest.raises(CommandError, match=r"run `manage\.py seed_demo` first"):
        run()
    assert not OAuthState.objects.exists()


def test_the_consent_form_is_read_as_a_browser_would_submit_it():
    # given a consent page with a form, hidden fields and two accounts, and a second form after it
    html = """
      <form method="POST" action="/sandbox/x/i/oauth2/authorize">
        <input type="hidden" name="csrfmiddlewaretoken" value="abc">
        <input type="hidden" name="state" value="s1">
        <label><input type="radio" name="account" value="7" checked> Northwind
          Outfitters <span class="muted">@northwind_out</span></label>
        <label><input type="radio" name="account" value="8"> Trailhead Demo</label>
        <label>Remember me <input type="checkbox" name="remember"></label>
        <button type="submit" name="decision" value="allow">Allow</button>
      </form>
      <form method="post" action="/elsewhere"><input type="hidden" name="other" value="1"></form>
    """

    # when it is parsed
    form = consent_form_parse(html)

    # then the first form's action, method, hidden fields and labelled accounts are what a browser would post
    assert form.action == "/sandbox/x/i/oauth2/authorize"
    assert form.method == "post"
    assert form.hidden == [("csrfmiddlewaretoken", "abc"), ("state", "s1")]
    assert form.accounts == [("7", "Northwind Outfitters @northwind_out"), ("8", "Trailhead Demo")]


def test_a_sandbox_that_does_not_answer_fails_every_platform_and_changes_nothing(demo_store, settings):
    # given the sandbox's address is one where nothing listens
    settings.SANDBOX_BASE_URL = "http://127.0.0.1:9/sandbox"
    before = snapshot(demo_store)

    # when the command runs
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"^8 of 8 demo connections are not active\.$"):
        call_command("demo_connect", stdout=out)

    # then each platform says the sandbox could not be reached, and no connection or event changed
    assert out.getvalue().splitlines() == [
        f"{line.split(':')[0]}: not connected: the sandbox could not be reached (ConnectionError)"
        for line in CONNECTED_LINES
    ]
    assert snapshot(demo_store) == before
    assert ConnectionEvent.objects.filter(store=demo_store).count() == len(ALL_PLATFORMS)


def test_a_sandbox_address_without_consent_pages_fails_every_platform(demo_store, settings, live_server):
    # given the sandbox's address points at the live server but not at the sandbox under it
    settings.SANDBOX_BASE_URL = f"{live_server.url}/nowhere"

    # when the command runs
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"^8 of 8 demo connections are not active\.$"):
        call_command("demo_connect", stdout=out)

    # then each platform reports the page that answered instead, and none became active
    assert (
        out.getvalue().splitlines()[4]
        == "X: not connected: the consent page answered HTTP 404 at /nowhere/x/i/oauth2/authorize"
    )
    assert not PlatformConnection.objects.filter(store=demo_store, status=ConnectionStatus.ACTIVE).exists()


def test_a_callback_the_connection_service_refuses_leaves_the_connections_expired(demo_store, settings):
    # given consents expire the moment they start
    settings.OAUTH_STATE_LIFETIME = 0

    # when the command runs
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"^8 of 8 demo connections are not active\.$"):
        call_command("demo_connect", stdout=out)

    # then each platform relays the service's refusal, and no connection became active or got a token
    assert out.getvalue().splitlines() == [
        f"{line.split(':')[0]}: not connected: The connection took too long and expired. Start again from Connections."
        for line in CONNECTED_LINES
    ]
    assert not PlatformConnection.objects.filter(store=demo_store).exclude(access_token_encrypted="").exists()
    assert not PlatformConnection.objects.filter(store=demo_store, status=ConnectionStatus.ACTIVE).exists()


def test_an_ad_consent_as_another_person_is_not_picked(demo_store):
    # given the sandbox's second Meta person, who manages two ad accounts, now carries the demo person's name
    tom = SandboxAccount.objects.get(platform=META_ADS, external_id="10200000000000002")
    SandboxAccount.objects.create(
        platform=META_ADS, kind=AccountKind.AD_ACCOUNT, external_id="act_1000009", name="Trailhead EU", owner=tom
    )
    SandboxAccount.objects.filter(platform=META_ADS, external_id="10200000000000001").update(name="Nora Renamed")
    SandboxAccount.objects.filter(pk=tom.pk).update(name="Nora Northwind")

    # when the command runs
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("demo_connect", stdout=out)

    # then Meta reports whom the consent signed in as, and no ad account was picked: no Meta connection is active
    assert out.getvalue().splitlines()[5] == (
        "Meta Ads: not connected: the consent signed in as account 10200000000000002, not 10200000000000001"
    )
    assert list(
        PlatformConnection.objects.filter(store=demo_store, platform=META_ADS).values_list(
            "external_account_id", "status"
        )
    ) == [("10200000000000001", ConnectionStatus.EXPIRED)]


def test_a_page_without_a_consent_form_is_not_submitted(demo_store, live_server):
    # given a page that answers but holds no consent form
    session = requests.Session()

    # when it is taken for the consent page, then the round trip stops there
    with pytest.raises(DemoConnectFailed, match="^the consent page holds no sign-in form"):
        consent_allow(
            session=session,
            authorization_url=f"{live_server.url}/healthz",
            account_name="Northwind Outfitters",
            redirect_uri=callback_redirect_uri(X),
        )


def test_a_consent_that_redirects_somewhere_other_than_the_callback_is_refused(demo_store):
    # given a real consent started for a redirect URI other than the one the round trip expects
    store, user = demo_owner_get()
    url = connection_authorize_begin(store=store, user=user, platform=X, redirect_uri="http://elsewhere.test/cb")

    # when the Allow redirects there, then the code is not taken
    with pytest.raises(
        DemoConnectFailed, match="^the consent redirected to http://elsewhere.test/cb, not the callback$"
    ):
        consent_allow(
            session=requests.Session(),
            authorization_url=url,
            account_name="Northwind Outfitters",
            redirect_uri=callback_redirect_uri(X),
        )


class Clock:
    """A clock that moves on by one second at every sleep, so waits take no time."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += 1.0


class Bar:
    def __init__(self) -> None:
        self.total = 0

    def update(self, n: int = 1) -> None:
        self.total += n


def shop_sync(store: Store, status: str, error: str = "") -> StoreSync:
    connection = store_connection(store, platform=SHOPIFY, account=DEMO_SHOP)
    return StoreSync.objects.create(store=store, connection=connection, backfill_status=status, backfill_error=error)


def test_the_wait_ends_when_the_history_is_in_and_moves_the_bar_with_the_orders():
    # given a store whose backfill is done, with its catalogue and two orders
    store = StoreFactory()
    shop_sync(store, BackfillState.DONE)
    ProductFactory(store=store)
    OrderFactory.create_batch(2, store=store)
    bar, clock = Bar(), Clock()
    # when the seed waits for it, then it is done at once, and the bar shows the orders
    summary = demo_store_data_wait(store=store, bar=bar, timeout=30, clock=clock, sleep=clock.sleep)
    assert summary == f"1 products and 2 orders synced from {DEMO_SHOP}"
    assert (bar.total, clock.now) == (2, 0.0)


def test_a_failed_backfill_stops_the_wait_with_its_reason():
    store = StoreFactory()
    shop_sync(store, BackfillState.FAILED, error="The bulk operation failed: ACCESS_DENIED")
    clock = Clock()
    with pytest.raises(ApplicationError, match="could not be synced: The bulk operation failed: ACCESS_DENIED"):
        demo_store_data_wait(store=store, bar=Bar(), timeout=30, clock=clock, sleep=clock.sleep)


def test_a_catalogue_that_never_arrives_is_a_timeout_that_names_the_worker():
    # given a connected store whose first sync never runs (no worker)
    store = StoreFactory()
    shop_sync(store, BackfillState.NOT_STARTED)
    clock = Clock()
    # when the seed waits 30 seconds, then it gives up then, and says what to look at
    with pytest.raises(ApplicationError, match="No product arrived .* within 30 seconds; is the Celery worker running"):
        demo_store_data_wait(store=store, bar=Bar(), timeout=30, clock=clock, sleep=clock.sleep)
    assert clock.now == 30.0


def test_a_history_still_arriving_at_the_timeout_lets_the_seed_go_on_with_the_catalogue():
    store = StoreFactory()
    shop_sync(store, BackfillState.INGESTING)
    ProductFactory(store=store)
    OrderFactory(store=store)
    clock = Clock()
    summary = demo_store_data_wait(store=store, bar=Bar(), timeout=5, clock=clock, sleep=clock.sleep)
    assert summary == "1 products and 1 orders synced so far; the rest keeps arriving"
