"""The sandbox's authorization servers refuse what the real ones refuse, in each platform's own words."""

import base64
import json

import pytest
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.utils import timezone

from sandbox.admin import SandboxAppAdmin
from sandbox.models import SandboxAccount, SandboxApp, SandboxAuthCode, SandboxFault, SandboxToken
from sandbox.oauth import grants
from sandbox.services import sandbox_app_for_client, sandbox_bootstrap, sandbox_faults_apply
from tests.platform_fixtures import sandbox_token

pytestmark = pytest.mark.django_db

CALLBACK = "http://testserver/stores/connections/x/callback/"


@pytest.fixture
def apps_ready(db):
    sandbox_bootstrap()
    return {app.platform: app for app in SandboxApp.objects.all()}


def _code(apps_ready, platform: str, **kwargs) -> SandboxAuthCode:
    app = apps_ready[platform]
    account = SandboxAccount.objects.filter(platform=platform, kind="user").first()
    return grants.auth_code_create(app=app, account=account, redirect_uri=CALLBACK, scopes=["users.read"], **kwargs)


def _basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param("client_id=nobody&redirect_uri=https://a.test/cb", "No X app is registered", id="unknown app"),
        pytest.param("client_id=growthhub-x&redirect_uri=ftp://a.test/cb", "not an http(s) URL", id="bad redirect"),
    ],
)
def test_a_broken_authorize_request_gets_an_error_page(client, apps_ready, query, message):
    response = client.get(f"/sandbox/x/i/oauth2/authorize?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("query", "error"),
    [
        pytest.param("response_type=token&code_challenge=abc", "unsupported_response_type", id="implicit grant"),
        pytest.param("response_type=code", "invalid_request", id="x without a pkce challenge"),
    ],
)
def test_an_invalid_authorize_request_is_sent_back_with_an_error(client, apps_ready, query, error):
    response = client.get(
        f"/sandbox/x/i/oauth2/authorize?client_id=growthhub-x&redirect_uri=https://a.test/cb?x=1&state=s1&{query}"
    )
    assert response.status_code == 302
    assert response["Location"].startswith(f"https://a.test/cb?x=1&error={error}")
    assert response["Location"].endswith("&state=s1")


def test_allow_without_an_account_shows_an_error(client, apps_ready):
    response = client.post(
        "/sandbox/pinterest/oauth/",
        {"client_id": "growthhub-pinterest", "redirect_uri": CALLBACK, "response_type": "code", "decision": "allow"},
    )
    assert response.status_code == 400
    assert SandboxAuthCode.objects.count() == 0


def test_the_configured_app_is_created_on_first_use(db):
    assert sandbox_app_for_client(platform="x", client_id="growthhub-x").client_id == "growthhub-x"
    assert sandbox_app_for_client(platform="x", client_id="someone-else") is None


@pytest.mark.parametrize(
    ("headers", "data", "status", "error"),
    [
        pytest.param({}, {"grant_type": "authorization_code"}, 401, "invalid_client", id="pinterest without basic"),
        pytest.param(
            {"HTTP_AUTHORIZATION": _basic("growthhub-pinterest", "wrong")},
            {"grant_type": "authorization_code"},
            401,
            "invalid_client",
            id="pinterest with a wrong secret",
        ),
        pytest.param(
            {"HTTP_AUTHORIZATION": _basic("growthhub-pinterest", "growthhub-pinterest-secret")},
            {"grant_type": "password"},
            400,
            "unsupported_grant_type",
            id="pinterest password grant",
        ),
        pytest.param(
            {"HTTP_AUTHORIZATION": _basic("growthhub-pinterest", "growthhub-pinterest-secret")},
            {"grant_type": "refresh_token", "refresh_token": "nope"},
            400,
            "invalid_grant",
            id="pinterest unknown refresh token",
        ),
    ],
)
def test_the_token_endpoint_refuses_bad_requests(client, apps_ready, headers, data, status, error):
    response = client.post("/sandbox/pinterest/v5/oauth/token", data, **headers)
    assert response.status_code == status
    assert response.json()["error"] == error
    assert SandboxToken.objects.count() == 0


def test_a_code_only_works_for_its_redirect_uri(client, apps_ready):
    code = _code(apps_ready, "google_ads")
    response = client.post(
        "/sandbox/google_ads/token",
        {
            "grant_type": "authorization_code",
            "code": code.code,
            "redirect_uri": "https://evil.test/cb",
            "client_id": "growthhub-google_ads",
            "client_secret": "growthhub-google_ads-secret",
        },
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "The redirect_uri does not match the one of the authorization request.",
    }


def test_a_public_x_client_must_prove_pkce(client, apps_ready):
    # given a consent with a plain PKCE challenge
    code = _code(apps_ready, "x", code_challenge="verifier-1234", code_challenge_method="plain")

    # when the public client (no secret) exchanges it with the verifier
    response = client.post(
        "/sandbox/x/2/oauth2/token",
        {
            "grant_type": "authorization_code",
            "code": code.code,
            "redirect_uri": CALLBACK,
            "client_id": "growthhub-x",
            "code_verifier": "verifier-1234",
        },
    )

    # then X grants a token without a refresh token (no offline.access)
    body = response.json()
    assert response.status_code == 200
    assert "refresh_token" not in body
    assert body["scope"] == "users.read"


def test_google_refresh_keeps_the_refresh_token(client, apps_ready):
    token = grants.token_issue(
        app=apps_ready["google_ads"], account=_code(apps_ready, "google_ads").account, scopes=["openid"]
    )
    response = client.post(
        "/sandbox/google_ads/token",
        {"grant_type": "refresh_token", "refresh_token": token.refresh_token},
        HTTP_AUTHORIZATION=_basic("growthhub-google_ads", "growthhub-google_ads-secret"),
    )
    body = response.json()
    assert response.status_code == 200
    assert "refresh_token" not in body
    token.refresh_from_db()
    assert token.access_token == body["access_token"]


@pytest.mark.parametrize(
    ("url", "error_code"),
    [
        pytest.param("/sandbox/instagram/access_token?grant_type=nope", 100, id="instagram wrong exchange grant"),
        pytest.param(
            "/sandbox/instagram/access_token?grant_type=ig_exchange_token&access_token=x", 190, id="unknown ig token"
        ),
        pytest.param("/sandbox/instagram/refresh_access_token?grant_type=nope", 100, id="instagram wrong refresh"),
        pytest.param(
            "/sandbox/instagram/refresh_access_token?grant_type=ig_refresh_token&access_token=x",
            190,
            id="refresh of an unknown ig token",
        ),
    ],
)
def test_instagram_token_calls_answer_graph_errors(client, apps_ready, url, error_code):
    response = client.get(url)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == error_code


def test_instagram_refuses_to_refresh_a_short_lived_token(client, apps_ready):
    short = grants.code_redeem(
        app=apps_ready["instagram"], code=_code(apps_ready, "instagram").code, redirect_uri=None, code_verifier=""
    )
    response = client.get(
        f"/sandbox/instagram/refresh_access_token?grant_type=ig_refresh_token&access_token={short.access_token}"
    )
    assert response.json()["error"]["message"] == "Only long-lived tokens can be refreshed."


@pytest.mark.parametrize(
    ("query", "code"),
    [
        pytest.param("client_id=growthhub-meta_ads&client_secret=bad&code=c", 101, id="meta wrong secret"),
        pytest.param("client_id=growthhub-meta_ads&client_secret=growthhub-meta_ads-secret", 100, id="meta no code"),
        pytest.param(
            "client_id=growthhub-meta_ads&client_secret=growthhub-meta_ads-secret&code=used", 100, id="meta bad code"
        ),
    ],
)
def test_meta_token_errors_are_graph_errors(client, apps_ready, query, code):
    response = client.get(f"/sandbox/meta_ads/v26.0/oauth/access_token?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def test_meta_ad_accounts_page_the_way_the_sdk_expects(client, apps_ready):
    # given a Meta user managing two ad accounts
    token = grants.token_issue(
        app=apps_ready["meta_ads"], account=_code(apps_ready, "meta_ads").account, scopes=["ads_read"]
    )
    url = "/sandbox/meta_ads/v26.0/me/adaccounts"

    # when the SDK asks one per page
    first = client.get(
        url, {"access_token": token.access_token, "limit": 1, "summary": "true", "fields": "name"}
    ).json()
    after = first["paging"]["cursors"]["after"]
    second = client.get(url, {"access_token": token.access_token, "limit": 1, "after": after}).json()

    # then the first page points to the next and the last page omits "next"
    assert first["data"] == [{"id": "act_1000001", "name": "Northwind Outfitters US"}]
    assert first["summary"] == {"total_count": 2}
    assert "after=" in first["paging"]["next"]
    assert second["data"] == [{"id": "act_1000002"}]
    assert "next" not in second["paging"]
    bad = client.get(url, {"access_token": token.access_token, "after": "%%%"})
    assert bad.status_code == 400


def test_google_needs_a_developer_token_to_list_customers(client, apps_ready):
    token = grants.token_issue(
        app=apps_ready["google_ads"],
        account=_code(apps_ready, "google_ads").account,
        scopes=["https://www.googleapis.com/auth/adwords"],
    )
    response = client.get(
        "/sandbox/google_ads/v25/customers:listAccessibleCustomers",
        HTTP_AUTHORIZATION=f"Bearer {token.access_token}",
    )
    assert response.status_code == 400
    assert response.json()["error"]["status"] == "INVALID_ARGUMENT"


def test_tiktok_ads_checks_the_app_secret_on_advertiser_get(client, apps_ready):
    token = grants.token_issue(app=apps_ready["tiktok_ads"], account=_code(apps_ready, "tiktok_ads").account, scopes=[])
    response = client.get(
        "/sandbox/tiktok_ads/open_api/v1.3/oauth2/advertiser/get/?app_id=growthhub-tiktok_ads&secret=wrong",
        HTTP_ACCESS_TOKEN=token.access_token,
    )
    assert response.json()["code"] == 40101


@pytest.mark.parametrize(
    ("body", "code"),
    [
        pytest.param({"app_id": "growthhub-tiktok_ads", "secret": "bad", "auth_code": "x"}, 40101, id="bad secret"),
        pytest.param(
            {"app_id": "growthhub-tiktok_ads", "secret": "growthhub-tiktok_ads-secret", "auth_code": "x"},
            40110,
            id="bad auth code",
        ),
    ],
)
def test_tiktok_ads_token_errors_use_the_envelope(client, apps_ready, body, code):
    response = client.post(
        "/sandbox/tiktok_ads/open_api/v1.3/oauth2/access_token/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["code"] == code


def test_tiktok_ads_revoke_checks_the_app(client, apps_ready):
    response = client.post(
        "/sandbox/tiktok_ads/open_api/v1.3/oauth2/revoke_token/",
        json.dumps({"app_id": "growthhub-tiktok_ads", "secret": "bad", "access_token": "x"}),
        content_type="application/json",
    )
    assert response.json()["code"] == 40101


def test_google_revoke_of_an_unknown_token_is_refused(client, apps_ready):
    response = client.post("/sandbox/google_ads/revoke?token=unknown")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_token"


def test_the_admin_action_revokes_every_token_of_an_app(rf, apps_ready, admin_user):
    # given two live X tokens and one Pinterest token
    sandbox_token("x")
    sandbox_token("x")
    other = sandbox_token("pinterest")
    request = rf.post("/admin/")
    request.user = admin_user
    request._messages = type("M", (), {"add": lambda *a, **k: None})()

    # when staff revoke all tokens of the X app
    SandboxAppAdmin(SandboxApp, site).revoke_all_tokens(request, SandboxApp.objects.filter(platform="x"))

    # then only X's tokens are revoked
    assert SandboxToken.objects.filter(platform="x", revoked_at__isnull=True).count() == 0
    other.refresh_from_db()
    assert other.revoked_at is None


def test_faults_are_set_from_settings_or_json(db, settings):
    settings.SANDBOX_FAULTS = {"*": {"latency_ms": 5}, "x": {"error_rate": 0.5}}
    call_command("sandbox_faults", "--from-settings")
    assert SandboxFault.objects.get(platform="").latency_ms == 5
    assert SandboxFault.objects.get(platform="x").error_rate == 0.5

    call_command("sandbox_faults", '{"pinterest": {"rate_limit_rate": 1.0}}', "--replace")
    assert list(SandboxFault.objects.values_list("platform", "rate_limit_rate")) == [("pinterest", 1.0)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param([], "Give a JSON object of faults or --from-settings.", id="nothing given"),
        pytest.param(["{oops"], "Not valid JSON", id="broken json"),
        pytest.param(["[1]"], "Faults must be a JSON object keyed by platform.", id="a list"),
        pytest.param(['{"myspace": {}}'], "Unknown platform 'myspace'.", id="unknown platform"),
        pytest.param(['{"x": {"boom": 1}}'], "Unknown fault settings: boom.", id="unknown field"),
    ],
)
def test_bad_fault_settings_change_nothing(db, args, message):
    with pytest.raises(CommandError, match=message.replace(".", r"\.").replace("(", r"\(")):
        call_command("sandbox_faults", *args)
    assert SandboxFault.objects.count() == 0


def test_bootstrap_command_reports(db, capsys):
    call_command("sandbox_bootstrap")
    assert "8 apps and 24 accounts created" in capsys.readouterr().out


def test_app_revoke_service_counts(apps_ready):
    sandbox_token("x")
    assert sandbox_faults_apply(faults={}) == 0
    from sandbox.services import sandbox_app_revoke_all_tokens

    assert sandbox_app_revoke_all_tokens(app=SandboxApp.objects.get(platform="x")) == 1
    assert SandboxToken.objects.filter(revoked_at__lte=timezone.now()).count() == 1
