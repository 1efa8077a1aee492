"""Meta, Instagram and TikTok Ads calls send tokens, codes and the app secret in headers and POST bodies, never in
a URL: URLs are written to access logs (ours, when the sandbox is served by our gunicorn) and to every proxy's. The
two exceptions are calls the platforms document only as GETs with the app secret in the query (Instagram's
long-lived exchange, TikTok's advertiser list); the access log redacts it there.

Every request the clients send to the sandbox on the live server is recorded as it leaves ``requests``.
"""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings

from platforms.constants import GOOGLE_ADS, INSTAGRAM, META_ADS, TIKTOK_ADS
from platforms.registry import oauth_platform, platform
from sandbox.models import AccountKind, SandboxAccount, SandboxToken
from sandbox.oauth.grants import auth_code_create
from tests.platform_fixtures import sandbox_app, sandbox_token

pytestmark = pytest.mark.django_db(transaction=True)

CALLBACK = "https://growthhub.example.com/stores/connections/{}/callback/"


@pytest.fixture
def sent(monkeypatch) -> list[requests.PreparedRequest]:
    """Every request any ``requests`` session (ours and Authlib's) sends, in order."""
    recorded: list[requests.PreparedRequest] = []
    original = requests.Session.send

    def send(self: requests.Session, request: requests.PreparedRequest, **kwargs: object) -> requests.Response:
        recorded.append(request)
        return original(self, request, **kwargs)

    monkeypatch.setattr(requests.Session, "send", send)
    return recorded


def _user(platform: str, external_id: str, name: str) -> SandboxAccount:
    return SandboxAccount.objects.create(
        platform=platform, kind=AccountKind.USER, external_id=external_id, name=name, username=name.lower()
    )


def _form(request: requests.PreparedRequest) -> dict[str, str]:
    body = request.body.decode() if isinstance(request.body, bytes) else (request.body or "")
    return {key: values[0] for key, values in parse_qs(body).items()}


def _call(request: requests.PreparedRequest) -> tuple[str, str, dict[str, list[str]]]:
    parts = urlsplit(request.url)
    return request.method, parts.path.removeprefix("/sandbox/"), parse_qs(parts.query)


def test_a_meta_sign_in_sends_the_code_secret_and_tokens_only_in_bodies_and_headers(sandbox_url, sent):
    # given a Meta user with 51 ad accounts (two pages of 50) and the code of their consent
    app = sandbox_app(META_ADS)
    user = _user(META_ADS, "10200000000000001", "Nora Northwind")
    SandboxAccount.objects.bulk_create(
        SandboxAccount(
            platform=META_ADS, kind=AccountKind.AD_ACCOUNT, external_id=f"act_{1000 + n}", name=f"Ads {n}", owner=user
        )
        for n in range(51)
    )
    code = auth_code_create(
        app=app, account=user, redirect_uri=CALLBACK.format(META_ADS), scopes=["ads_management", "ads_read"]
    ).code
    meta = oauth_platform(META_ADS)

    # when the code is exchanged, the account and its ad accounts are read, and the grant is revoked
    token = meta.exchange_code(code=code, redirect_uri=CALLBACK.format(META_ADS))
    account = meta.fetch_account(access_token=token.access_token)
    ad_accounts = meta.list_ad_accounts(access_token=token.access_token)
    meta.revoke(access_token=token.access_token)

    # then every call did its work
    short = SandboxToken.objects.get(platform=META_ADS, long_lived=False)
    assert (account.id, account.name) == ("10200000000000001", "Nora Northwind")
    assert [a.id for a in ad_accounts] == [f"act_{1000 + n}" for n in range(51)]
    assert SandboxToken.objects.filter(platform=META_ADS, revoked_at__isnull=True).count() == 0
    # and the code, the app secret and both tokens went in POST bodies and the Authorization header only
    version = "v25.0"
    assert [_call(r) for r in sent] == [
        ("POST", f"meta_ads/{version}/oauth/access_token", {}),
        ("POST", f"meta_ads/{version}/oauth/access_token", {}),
        ("GET", f"meta_ads/{version}/me", {"fields": ["id,name"]}),
        (
            "GET",
            f"meta_ads/{version}/me/adaccounts",
            {"fields": ["id,account_id,name,currency,account_status"], "limit": ["50"]},
        ),
        (
            "GET",
            f"meta_ads/{version}/me/adaccounts",
            {
                "fields": ["id,account_id,name,currency,account_status"],
                "limit": ["50"],
                "after": [parse_qs(urlsplit(sent[4].url).query)["after"][0]],
            },
        ),
        ("DELETE", f"meta_ads/{version}/me/permissions", {}),
    ]
    secret = settings.PLATFORM_CREDENTIALS[META_ADS]["client_secret"]
    assert {k: _form(sent[0])[k] for k in ("code", "client_secret")} == {"code": code, "client_secret": secret}
    assert {k: _form(sent[1])[k] for k in ("grant_type", "client_secret", "fb_exchange_token")} == {
        "grant_type": "fb_exchange_token",
        "client_secret": secret,
        "fb_exchange_token": short.access_token,
    }
    assert [r.headers["Authorization"] for r in sent[2:]] == [f"Bearer {token.access_token}"] * 4


def test_an_instagram_sign_in_and_refresh_send_the_code_and_tokens_only_in_bodies_and_headers(sandbox_url, sent):
    # given an Instagram professional account and the code of its consent
    app = sandbox_app(INSTAGRAM)
    user = _user(INSTAGRAM, "17841400000000001", "northwind.outfitters")
    code = auth_code_create(
        app=app, account=user, redirect_uri=CALLBACK.format(INSTAGRAM), scopes=["instagram_business_basic"]
    ).code
    instagram = oauth_platform(INSTAGRAM)

    # when the code is exchanged (short-lived, then long-lived), the account read and the token refreshed
    token = instagram.exchange_code(code=f"{code}#_", redirect_uri=CALLBACK.format(INSTAGRAM))
    account = instagram.fetch_account(access_token=token.access_token)
    renewed = instagram.refresh(access_token=token.access_token)

    # then every call did its work
    short = SandboxToken.objects.get(platform=INSTAGRAM, long_lived=False)
    assert (account.id, account.name) == ("17841400000000001", "northwind.outfitters")
    assert renewed.access_token != token.access_token
    assert SandboxToken.objects.get(access_token=renewed.access_token).revoked_at is None
    # and the code went in the POST body, every token in the Authorization header; the app secret of the
    # long-lived exchange is the one secret in a URL, because Instagram documents that call only as a GET
    secret = settings.PLATFORM_CREDENTIALS[INSTAGRAM]["client_secret"]
    assert [_call(r) for r in sent] == [
        ("POST", "instagram/oauth/access_token", {}),
        ("GET", "instagram/access_token", {"grant_type": ["ig_exchange_token"], "client_secret": [secret]}),
        ("GET", "instagram/v25.0/me", {"fields": ["user_id,username"]}),
        ("GET", "instagram/refresh_access_token", {"grant_type": ["ig_refresh_token"]}),
    ]
    assert {k: _form(sent[0])[k] for k in ("code", "client_secret")} == {"code": code, "client_secret": secret}
    assert [r.headers["Authorization"] for r in sent[1:]] == [
        f"Bearer {short.access_token}",
        f"Bearer {token.access_token}",
        f"Bearer {token.access_token}",
    ]


def test_a_google_revoke_sends_the_refresh_token_in_the_form_body(sandbox_url, sent):
    # given a Google grant
    token = sandbox_token(GOOGLE_ADS, scopes=["https://www.googleapis.com/auth/adwords"])

    # when it is revoked
    oauth_platform(GOOGLE_ADS).revoke(access_token=token.access_token, refresh_token=token.refresh_token)

    # then the grant is revoked, and the refresh token travelled in the body, not the URL
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert [_call(r) for r in sent] == [("POST", "google_ads/revoke", {})]
    assert _form(sent[0]) == {"token": token.refresh_token}


def test_a_tiktok_ads_sign_in_and_client_send_the_token_only_in_the_access_token_header(sandbox_url, sent):
    # given a TikTok advertiser user with one ad account and the code of their consent
    app = sandbox_app(TIKTOK_ADS)
    user = _user(TIKTOK_ADS, "7100000000000000001", "Nora Northwind")
    SandboxAccount.objects.create(
        platform=TIKTOK_ADS, kind=AccountKind.AD_ACCOUNT, external_id="7000000000000000042", name="Ads", owner=user
    )
    code = auth_code_create(app=app, account=user, redirect_uri=CALLBACK.format(TIKTOK_ADS), scopes=["ads"]).code
    tiktok = oauth_platform(TIKTOK_ADS)

    # when the code is exchanged, the account and its advertisers read, a report asked for and the grant revoked
    token = tiktok.exchange_code(code=code, redirect_uri=CALLBACK.format(TIKTOK_ADS))
    tiktok.fetch_account(access_token=token.access_token)
    advertisers = tiktok.list_ad_accounts(access_token=token.access_token)
    client = platform(TIKTOK_ADS).client(access_token=token.access_token, account_id=advertisers[0].id)
    client.daily_insights(["1800000000000001"], dt.date(2026, 6, 1), dt.date(2026, 6, 2), currency="USD")
    tiktok.revoke(access_token=token.access_token)

    # then every call did its work
    assert [a.id for a in advertisers] == ["7000000000000000042"]
    assert SandboxToken.objects.filter(platform=TIKTOK_ADS, revoked_at__isnull=True).count() == 0
    # and the token never went in a URL: every call after the exchange carried it in the Access-Token header
    assert all(token.access_token not in r.url for r in sent)
    assert [r.headers.get("Access-Token") for r in sent[1:]] == [token.access_token] * (len(sent) - 1)
    # and the app secret is in a URL only on oauth2/advertiser/get, which TikTok documents as a GET taking
    # app_id and secret in its query (our access log redacts it, see growthhub.gunicorn_logging)
    secret = settings.PLATFORM_CREDENTIALS[TIKTOK_ADS]["client_secret"]
    assert [_call(r)[1] for r in sent if secret in r.url] == ["tiktok_ads/open_api/v1.3/oauth2/advertiser/get/"]
