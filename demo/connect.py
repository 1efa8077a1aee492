"""Connect the demo store to the sandbox's demo accounts with real consents, once the demo server is up.

The demo seed runs before any server answers, so it records the store's seven connections without tokens (see
``demo.connections``). ``demo_connections_connect`` then does for each of them what a merchant does in the
browser, over HTTP against the running sandbox: start the consent through ``stores.connections``, open the consent
page, choose the demo account and Allow, take the code from the redirect back to Growth Hub's callback (without
following it), complete the callback as the demo user and, on the ad platforms, pick the demo ad account. Because
connections are matched on store, platform, account and ad account, the seeded rows themselves become active and
keep their history. The sandbox is only reached over HTTP (the apps never import it).

The store itself is connected the same way: ``demo_shop_connect`` installs Growth Hub on the sandbox's Shopify shop
(its install page, Install, the hmac-signed callback), which starts the catalogue sync and the history backfill in
the worker; ``demo_store_data_wait`` waits for them, so the steps that need the catalogue (posts, campaigns) run
on the products the store synced.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse

from demo.connections import DEMO_CONNECTIONS, DemoConnection
from demo.seed.plan import DemoSeedPlan, ProgressBar, ProgressFactory
from demo.seed.store import DEMO_SHOP, DEMO_STORE_SLUG
from platforms.base import default_timeout
from platforms.constants import PLATFORM_NAMES, SHOPIFY
from platforms.errors import PlatformError
from stores.connections.services import (
    connection_authorize_begin,
    connection_authorize_complete,
    connection_pick_ad_account,
)
from stores.connections.services.store_consent import shopify_connection_begin, shopify_connection_complete
from stores.exceptions import ApplicationError
from stores.models import (
    BackfillState,
    ConnectionStatus,
    Membership,
    Order,
    PlatformConnection,
    Product,
    Role,
    Store,
    StoreSync,
)

# How long the seed waits for the store's first sync (catalogue and order history) to arrive from the worker.
DEMO_SYNC_TIMEOUT = 300.0


class DemoConnectFailed(Exception):
    """One platform's consent round trip could not be completed; the message says where it stopped."""


@dataclass(frozen=True)
class DemoConnectOutcome:
    platform: str
    status: str  # "connected", "skipped" (already active), "missing" (not seeded) or "failed"
    detail: str

    @property
    def line(self) -> str:
        return f"{PLATFORM_NAMES[self.platform]}: {self.detail}"


@dataclass
class ConsentForm:
    """The consent page's form as a browser would submit it."""

    action: str = ""
    method: str = "get"
    hidden: list[tuple[str, str]] = field(default_factory=list)
    # (radio value, the label's text) for each account offered
    accounts: list[tuple[str, str]] = field(default_factory=list)


class _ConsentFormParser(HTMLParser):
    """Reads the first form of a consent page: its action, hidden fields and the account choices with labels."""

    def __init__(self) -> None:
        super().__init__()
        self.form = ConsentForm()
        self._in_form = False
        self._done = False
        self._label_value: str | None = None
        self._label_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._done:
            return
        values = {name: value or "" for name, value in attrs}
        if tag == "form" and not self._in_form:
            self._in_form = True
            self.form.action = values.get("action", "")
            self.form.method = values.get("method", "get").lower()
        elif not self._in_form:
            return
        elif tag == "label":
            self._label_value, self._label_text = None, []
        elif tag == "input" and values.get("type") == "hidden" and values.get("name"):
            self.form.hidden.append((values["name"], values.get("value", "")))
        elif tag == "input" and values.get("type") == "radio" and values.get("name") == "account":
            self._label_value = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if not self._in_form or self._done:
            return
        if tag == "label" and self._label_value is not None:
            self.form.accounts.append((self._label_value, " ".join("".join(self._label_text).split())))
            self._label_value = None
        elif tag == "form":
            self._done = True

    def handle_data(self, data: str) -> None:
        if self._in_form and self._label_value is not None:
            self._label_text.append(data)


def consent_form_parse(html: str) -> ConsentForm:
    parser = _ConsentFormParser()
    parser.feed(html)
    parser.close()
    return parser.form


def _account_choice(form: ConsentForm, *, name: str) -> str:
    """The radio value of the account labelled ``name`` (the label reads "Name @username")."""
    matches = [value for value, text in form.accounts if text == name or text.startswith(f"{name} @")]
    if len(matches) != 1:
        offered = ", ".join(text for _, text in form.accounts) or "none"
        raise DemoConnectFailed(f"the consent page offers no single account named {name!r} (offered: {offered})")
    return matches[0]


def callback_redirect_uri(platform: str) -> str:
    """Growth Hub's callback for ``platform`` on SITE_URL: the same redirect URI the connect view registers."""
    path = reverse("stores:connection_callback", kwargs={"platform": platform})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def consent_allow(
    *, session: requests.Session, authorization_url: str, account_name: str | None, redirect_uri: str
) -> dict:
    """Open the consent page, Allow as the account named ``account_name`` (``None``: a page that asks for no
    account, like Shopify's app install); return the callback's query parameters.

    The redirect back to Growth Hub is read, not followed: its code and state are what the callback view receives.
    """
    page = session.get(authorization_url, allow_redirects=False, timeout=default_timeout())
    if page.status_code != 200:
        raise DemoConnectFailed(f"the consent page answered HTTP {page.status_code} at {urlsplit(page.url).path}")
    form = consent_form_parse(page.text)
    if form.method != "post" or (account_name is not None and not form.accounts):
        raise DemoConnectFailed("the consent page holds no sign-in form with accounts to choose from")
    data = list(form.hidden)
    if account_name is not None:
        data.append(("account", _account_choice(form, name=account_name)))
    data.append(("decision", "allow"))
    answer = session.post(urljoin(page.url, form.action), data=data, allow_redirects=False, timeout=default_timeout())
    location = answer.headers.get("Location", "")
    if answer.status_code not in (301, 302, 303, 307, 308) or not location:
        raise DemoConnectFailed(f"the consent page answered the Allow with HTTP {answer.status_code}, not a redirect")
    back = urlsplit(location)
    expected = urlsplit(redirect_uri)
    if (back.scheme, back.netloc, back.path) != (expected.scheme, expected.netloc, expected.path):
        raise DemoConnectFailed(f"the consent redirected to {back.scheme}://{back.netloc}{back.path}, not the callback")
    return dict(parse_qsl(back.query, keep_blank_values=True))


def demo_owner_get() -> tuple[Store, AbstractBaseUser]:
    """The demo store and its owner, the demo user (both made by ``seed_demo``)."""
    store = Store.objects.filter(slug=DEMO_STORE_SLUG).first()
    user = get_user_model().objects.filter(email__iexact=settings.DEMO_USER_EMAIL).order_by("pk").first()
    if store is None or user is None or not Membership.objects.filter(store=store, user=user, role=Role.OWNER):
        raise ApplicationError(
            "There is no demo store owned by the demo user; run `manage.py seed_demo` first.", code="demo_missing"
        )
    return store, user


def demo_connection_connect(
    *,
    store: Store,
    user: AbstractBaseUser,
    connection: PlatformConnection,
    demo: DemoConnection,
    session: requests.Session,
) -> PlatformConnection:
    """One real consent round trip that reconnects ``connection`` to the demo account it names."""
    platform = connection.platform
    redirect_uri = callback_redirect_uri(platform)
    url = connection_authorize_begin(store=store, user=user, platform=platform, redirect_uri=redirect_uri)
    params = consent_allow(
        session=session, authorization_url=url, account_name=demo.account_name, redirect_uri=redirect_uri
    )
    result = connection_authorize_complete(user=user, platform=platform, params=params, redirect_uri=redirect_uri)
    if result.pending is not None:
        signed_in_as = result.pending.pending_account["id"]
        if signed_in_as != connection.external_account_id:
            raise DemoConnectFailed(
                f"the consent signed in as account {signed_in_as}, not {connection.external_account_id}"
            )
        saved = connection_pick_ad_account(
            user=user, store=store, state_id=result.pending.pk, ad_account_id=connection.ad_account_id
        )
    else:
        saved = result.connection
    if saved.pk != connection.pk:
        raise DemoConnectFailed(
            f"the consent saved another connection (account {saved.external_account_id}) instead of the demo's"
        )
    return saved


def demo_shop_connect(*, store: Store, user: AbstractBaseUser, session: requests.Session) -> DemoConnectOutcome:
    """Install Growth Hub on the sandbox's demo Shopify shop unless the store is already connected to it."""
    active = PlatformConnection.objects.filter(
        store=store, platform=SHOPIFY, external_account_id=DEMO_SHOP, status=ConnectionStatus.ACTIVE
    ).first()
    if active is not None:
        return DemoConnectOutcome(SHOPIFY, "skipped", f"already active ({active.external_account_name}, {DEMO_SHOP})")
    redirect_uri = callback_redirect_uri(SHOPIFY)
    try:
        url = shopify_connection_begin(store=store, user=user, shop=DEMO_SHOP, redirect_uri=redirect_uri)
        params = consent_allow(session=session, authorization_url=url, account_name=None, redirect_uri=redirect_uri)
        connection = shopify_connection_complete(user=user, params=params)
    except (DemoConnectFailed, ApplicationError, PlatformError, requests.RequestException) as exc:
        return DemoConnectOutcome(SHOPIFY, "failed", f"not connected: {_reason(exc)}")
    return DemoConnectOutcome(SHOPIFY, "connected", f"connected ({connection.external_account_name}, {DEMO_SHOP})")


def demo_connections_connect(
    *, store: Store, user: AbstractBaseUser, session: requests.Session | None = None
) -> list[DemoConnectOutcome]:
    """Install Growth Hub on the demo Shopify shop, then reconnect each demo connection that is not active with a
    real consent at the sandbox; skip active ones.

    One outcome per platform, the shop first (its sync runs in the worker while the consents go on), then in
    ``DEMO_CONNECTIONS`` order. A platform that fails does not stop the others. Only for ``PLATFORM_MODE=sandbox``:
    elsewhere the consent pages are the real platforms'.
    """
    if settings.PLATFORM_MODE != "sandbox":
        raise ApplicationError(
            "The demo accounts live in the sandbox; set PLATFORM_MODE=sandbox to connect them.", code="not_sandbox"
        )
    session = session or requests.Session()
    session.headers["User-Agent"] = "GrowthHub-demo/1.0"
    outcomes = [demo_shop_connect(store=store, user=user, session=session)]
    for platform, demo in DEMO_CONNECTIONS.items():
        connection = PlatformConnection.objects.filter(
            store=store, platform=platform, external_account_id=demo.account_id, ad_account_id=demo.ad_account_id
        ).first()
        if connection is None:
            outcomes.append(
                DemoConnectOutcome(platform, "missing", "no demo connection on record; run `manage.py seed_demo`")
            )
            continue
        if connection.status == ConnectionStatus.ACTIVE:
            outcomes.append(DemoConnectOutcome(platform, "skipped", f"already active ({_label(connection)})"))
            continue
        try:
            saved = demo_connection_connect(store=store, user=user, connection=connection, demo=demo, session=session)
        except (DemoConnectFailed, ApplicationError, PlatformError, requests.RequestException) as exc:
            outcomes.append(DemoConnectOutcome(platform, "failed", f"not connected: {_reason(exc)}"))
            continue
        outcomes.append(DemoConnectOutcome(platform, "connected", f"connected ({_label(saved)})"))
    return outcomes


def _label(connection: PlatformConnection) -> str:
    name = connection.external_account_name or connection.external_account_id
    return f"{name}, ad account {connection.ad_account_name}" if connection.ad_account_id else name


def _reason(exc: Exception) -> str:
    if isinstance(exc, (ApplicationError, PlatformError)):
        return exc.message
    if isinstance(exc, requests.RequestException):
        return f"the sandbox could not be reached ({type(exc).__name__})"
    return str(exc)


def demo_store_data_wait(
    *,
    store: Store,
    bar: ProgressBar,
    timeout: float,
    poll: float = 0.5,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Wait until the store's Shopify sync has brought the catalogue and the whole order history in (the worker
    does it); ``bar`` moves with the orders synced. Returns a summary line; raises ApplicationError when the
    backfill failed, or when nothing arrived within ``timeout`` seconds (the catalogue is what later steps need)."""
    deadline = clock() + timeout
    shown = 0
    while True:
        sync = StoreSync.objects.filter(store=store, connection__platform=SHOPIFY).first()
        orders = Order.objects.filter(store=store).count()
        bar.update(orders - shown)
        shown = orders
        products = Product.objects.filter(store=store).count()
        if sync is not None and sync.backfill_status == BackfillState.FAILED:
            raise ApplicationError(
                f"The demo shop's order history could not be synced: {sync.backfill_error}", code="demo_sync_failed"
            )
        if sync is not None and sync.backfill_status == BackfillState.DONE and products:
            return f"{products} products and {orders} orders synced from {DEMO_SHOP}"
        if clock() >= deadline:
            if products:
                return f"{products} products and {orders} orders synced so far; the rest keeps arriving"
            raise ApplicationError(
                f"No product arrived from {DEMO_SHOP} within {timeout:.0f} seconds; is the Celery worker running?",
                code="demo_sync_timeout",
            )
        sleep(poll)


def demo_connect_seed(*, plan: DemoSeedPlan, progress: ProgressFactory) -> str:
    """Seed step, with the demo server and its worker up: install Growth Hub on the demo shop, sign the seven
    connections in, and wait for the shop's catalogue and year of orders to sync. Refuses (ApplicationError) when
    the shop could not be connected: without its catalogue there is nothing to post or advertise."""
    _, user = demo_owner_get()
    outcomes = demo_connections_connect(store=plan.store, user=user)
    shop = outcomes[0]
    if shop.status == "failed":
        raise ApplicationError(
            f"{shop.line}. The demo store syncs from the sandbox served by the running demo (SITE_URL "
            f"{settings.SITE_URL}); start it with scripts/demo.",
            code="demo_shop_not_connected",
        )
    with progress("orders synced", plan.orders) as bar:
        synced = demo_store_data_wait(store=plan.store, bar=bar, timeout=DEMO_SYNC_TIMEOUT)
    active = sum(outcome.status in ("connected", "skipped") for outcome in outcomes)
    failed = "; ".join(outcome.line for outcome in outcomes if outcome.status not in ("connected", "skipped"))
    return f"{active} of {len(outcomes)} connections active{f' ({failed})' if failed else ''}; {synced}"
