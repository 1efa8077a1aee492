"""No token, client secret, authorization code, PKCE verifier, password or session id reaches a log file.

The end-to-end test runs Growth Hub the way production does: gunicorn with ``growthhub.gunicorn_conf`` on a free
port of 127.0.0.1, serving both the app and the sandbox (so every platform call of the app crosses gunicorn's
access log too), and a real Celery worker; both on this test's database. A merchant signs in over HTTP, connects
Instagram, X and Meta Ads through the sandbox's consent pages, composes an Instagram post that the worker
publishes, creates a Meta campaign that the worker builds, and disconnects Meta. Afterwards every secret value that
took part is read from the database (sandbox tokens and codes, consent states and verifiers, app secrets, the
session cookie, the password) and none may appear in the access log, the error log, the web process's own output
or the worker's log.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from django.conf import global_settings, settings
from django.utils import timezone
from gunicorn.config import Config

from ads.models import AdCampaign
from ads.services import ad_settings_for_store
from growthhub.gunicorn_logging import RedactingLogger
from platforms.constants import INSTAGRAM, META_ADS, X
from sandbox.models import SandboxApp, SandboxAuthCode, SandboxToken
from sandbox.services import sandbox_bootstrap
from social.models import PostStatus, SocialPost
from social.services import post_schedule
from social.tasks import posts_publish_due_task
from stores.models import ConnectionStatus, OAuthState, PlatformConnection, Role
from tests.celery_worker import CeleryWorker
from tests.factories import MembershipFactory, ProductFactory, StoreFactory, UserFactory

PASSWORD = "correct-horse-battery"
# gunicorn's default access format, plus the atoms that would hold a secret if anything did.
ACCESS_FORMAT = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" q=%(q)s auth=%({authorization}i)s '
    "cookie=%({cookie}i)s location=%({location}o)s set_cookie=%({set-cookie}o)s"
)
# The worker and the web process publish and build at once, without the sandbox's processing delays.
FAST = {
    "SANDBOX_PUBLISH_PROCESSING_SECONDS": "0",
    "SOCIAL_STATUS_POLL_SECONDS": "5",
    "SOCIAL_STATUS_POLL_INTERVAL": "0.05",
    "SOCIAL_RETRY_BASE_SECONDS": "0",
    "SOCIAL_RETRY_MAX_SECONDS": "0",
}
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
ACCOUNT = re.compile(r'<input type="radio" name="account" value="(\d+)"')
AD_ACCOUNT = re.compile(r'<input type="radio" name="ad_account" value="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """``gunicorn growthhub.wsgi`` with the project's config, its access, error and own output in ``log_dir``."""

    def __init__(self, *, log_dir: Path, port: int, env: dict[str, str]) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.port = port
        self.env = env
        self.access_log = log_dir / "access.log"
        self.error_log = log_dir / "error.log"
        self.output_log = log_dir / "web.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Gunicorn:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "growthhub.wsgi:application",
            "--config",
            "python:growthhub.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            "1",
            "--threads",
            "8",
            "--timeout",
            "60",
            "--no-control-socket",
            "--access-logfile",
            str(self.access_log),
            "--error-logfile",
            str(self.error_log),
            "--access-logformat",
            ACCESS_FORMAT,
        ]
        with self.output_log.open("wb") as output:
            self.process = subprocess.Popen(  # noqa: S603 - a fixed command line, no shell
                command, cwd=settings.BASE_DIR, env=self.env, stdout=output, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.logs()}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=10).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within 60 s:\n{self.logs()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None

    def logs(self) -> str:
        return "\n".join(
            path.read_text(errors="replace")
            for path in (self.access_log, self.error_log, self.output_log)
            if path.exists()
        )


@pytest.fixture
def server(transactional_db, settings, tmp_path) -> Iterator[tuple[Gunicorn, CeleryWorker]]:
    """Gunicorn serving app and sandbox, and a Celery worker, both pointed at that gunicorn; stopped at teardown."""
    port = _free_port()
    # The users this test makes sign in at the gunicorn process, which hashes with the production hashers.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    settings.PLATFORM_MODE = "sandbox"
    settings.SITE_URL = f"http://127.0.0.1:{port}"
    settings.SANDBOX_BASE_URL = f"{settings.SITE_URL}/sandbox"
    worker = CeleryWorker(extra_env=FAST, name="logs")
    web = Gunicorn(log_dir=tmp_path, port=port, env=worker.environment()).start()
    try:
        worker.start()
        yield web, worker
    finally:
        worker.stop()
        worker.purge()
        web.stop()


class Merchant:
    """A browser: cookies, CSRF token on every POST, redirects followed only where the test says so."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()

    def get(self, path: str, **kwargs: object) -> requests.Response:
        return self.session.get(self._url(path), timeout=30, **kwargs)

    def post(self, path: str, data: dict[str, str], **kwargs: object) -> requests.Response:
        data = {**data, "csrfmiddlewaretoken": self.session.cookies.get("csrftoken", "")}
        return self.session.post(self._url(path), data=data, timeout=30, **kwargs)

    def _url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base}{path}"

    def sign_in(self, email: str) -> None:
        self.get("/accounts/login/")
        answer = self.post("/accounts/login/", {"login": email, "password": PASSWORD}, allow_redirects=False)
        assert answer.status_code == 302, answer.text[:500]

    def connect(self, platform: str) -> requests.Response:
        """Connect, Allow at the sandbox's consent page, come back through the callback (and pick an ad account)."""
        started = self.post(f"/stores/connections/{platform}/connect/", {}, allow_redirects=False)
        assert started.status_code == 302, started.text[:500]
        consent_url = started.headers["Location"]
        page = self.get(consent_url)
        assert page.status_code == 200, page.text[:500]
        fields = {name: html.unescape(value) for name, value in HIDDEN.findall(page.text)}
        fields["csrfmiddlewaretoken"] = CSRF.search(page.text).group(1)
        accounts = ACCOUNT.findall(page.text)
        assert accounts, page.text[:3000]
        fields["account"] = accounts[0]
        fields["decision"] = "allow"
        parts = urlsplit(consent_url)
        allowed = self.session.post(
            f"{parts.scheme}://{parts.netloc}{parts.path}", data=fields, allow_redirects=False, timeout=30
        )
        assert allowed.status_code == 302, allowed.text[:500]
        back = self.get(allowed.headers["Location"], allow_redirects=False)
        assert back.status_code == 302, back.text[:500]
        if "/connections/pick/" in back.headers["Location"]:
            pick = self.get(back.headers["Location"])
            back = self.post(
                urlsplit(back.headers["Location"]).path,
                {"ad_account": AD_ACCOUNT.findall(pick.text)[0]},
                allow_redirects=False,
            )
            assert back.status_code == 302, back.text[:500]
        return back


def _secrets_of_the_run(merchant: Merchant) -> dict[str, str]:
    """Every secret value that took part, by a name that says where it came from."""
    found: dict[str, str] = {"password": PASSWORD, "session cookie": merchant.session.cookies["sessionid"]}
    for token in SandboxToken.objects.all():
        found[f"{token.platform} access token {token.pk}"] = token.access_token
        if token.refresh_token:
            found[f"{token.platform} refresh token {token.pk}"] = token.refresh_token
    for code in SandboxAuthCode.objects.all():
        found[f"{code.platform} authorization code {code.pk}"] = code.code
    for state in OAuthState.objects.all():
        found[f"{state.platform} state {state.pk}"] = state.state
        if state.code_verifier:
            found[f"{state.platform} PKCE verifier {state.pk}"] = state.code_verifier
    for app in SandboxApp.objects.all():
        found[f"{app.platform} client secret"] = app.client_secret
    for connection in PlatformConnection.objects.all():
        if connection.access_token:
            found[f"{connection.platform} connection access token"] = connection.access_token
        if connection.refresh_token:
            found[f"{connection.platform} connection refresh token"] = connection.refresh_token
    return found


@pytest.mark.celery_worker
def test_no_secret_reaches_any_log_after_a_connect_a_publish_and_a_campaign(server):
    web, worker = server
    # given the sandbox's apps and accounts, and a store whose owner signs in over HTTP
    sandbox_bootstrap()
    store = StoreFactory(name="Northwind Outfitters", slug="northwind")
    owner = UserFactory(email="owner@northwind.test")
    EmailAddress.objects.update_or_create(user=owner, email=owner.email, defaults={"verified": True, "primary": True})
    MembershipFactory(store=store, user=owner, role=Role.OWNER)
    ad_settings = ad_settings_for_store(store=store)
    ad_settings.meta_page_id, ad_settings.meta_pixel_id = "104000000000001", "880000000000001"
    ad_settings.daily_spend_cap_minor, ad_settings.max_campaign_daily_budget_minor = 50_000, 20_000
    ad_settings.save()
    product = ProductFactory(
        store=store, external_id="SOCK-1", title="Merino Trail Socks", url="https://shop.example.com/products/sock-1"
    )
    merchant = Merchant(web.url)
    merchant.sign_in(owner.email)

    # when the merchant connects Instagram, X (with PKCE) and Meta Ads through the consent pages
    for platform in (INSTAGRAM, X, META_ADS):
        merchant.connect(platform)
    assert sorted(
        PlatformConnection.objects.filter(status=ConnectionStatus.ACTIVE).values_list("platform", flat=True)
    ) == [
        INSTAGRAM,
        META_ADS,
        X,
    ]
    # and composes an Instagram post that the worker publishes once it is due
    composed = merchant.post(
        "/social/compose/",
        {
            "platform": INSTAGRAM,
            "caption": "Merino Trail Socks are back.",
            "media_kind": "image",
            "media_urls": f"{settings.SANDBOX_BASE_URL}/media/sock-1080x1350.jpg",
        },
        allow_redirects=False,
    )
    assert composed.status_code == 302, composed.text[:500]
    post = SocialPost.objects.get(store=store)
    post_schedule(post=post, scheduled_at=timezone.now() - dt.timedelta(seconds=1))
    posts_publish_due_task.delay()
    worker.wait_until(lambda: SocialPost.objects.filter(pk=post.pk, status=PostStatus.PUBLISHED).exists(), timeout=60)
    # and creates a Meta campaign that the worker builds at the platform
    created = merchant.post(
        "/ads/campaigns/new/",
        {
            "platform": META_ADS,
            "name": "Spring socks",
            "objective": "sales",
            "daily_budget": "40.00",
            "product": str(product.pk),
        },
        allow_redirects=False,
    )
    assert created.status_code == 302, created.text[:500]
    worker.wait_until(lambda: AdCampaign.objects.filter(store=store).exclude(external_ad_id="").exists(), timeout=60)
    # and disconnects Meta (the grant is revoked at the platform)
    meta = PlatformConnection.objects.get(platform=META_ADS)
    meta_tokens = list(SandboxToken.objects.filter(platform=META_ADS).values_list("access_token", flat=True))
    assert merchant.post(f"/stores/connections/{meta.pk}/disconnect/", {}, allow_redirects=False).status_code == 302
    worker_log = worker.log()
    secrets = _secrets_of_the_run(merchant)
    web.stop()

    # then not one secret of the run is in any log (access, error, web output, worker)
    logs = {
        "access log": web.access_log.read_text(errors="replace"),
        "error log": web.error_log.read_text(errors="replace"),
        "web output": web.output_log.read_text(errors="replace"),
        "worker log": worker_log,
    }
    assert len([name for name in secrets if "access token" in name]) >= 6
    leaks = sorted(
        f"{name} in the {log}" for name, value in secrets.items() for log, text in logs.items() if value in text
    )
    assert leaks == []
    # and the logs are the ones of this run, with each step in them
    access = logs["access log"]
    assert "GET /stores/connections/instagram/callback/?" in access
    assert access.count("POST /sandbox/meta_ads/v25.0/oauth/access_token HTTP/1.1") == 2
    assert re.search(r'"POST /sandbox/instagram/v25\.0/\d+/media_publish', access)
    assert re.search(r'"POST /sandbox/meta_ads/v25\.0/act_\d+/campaigns', access)
    assert "DELETE /sandbox/meta_ads/v25.0/me/permissions HTTP/1.1" in access
    assert "Worker exiting" in logs["error log"]
    assert "platform call" in logs["web output"]
    assert SandboxToken.objects.filter(access_token__in=meta_tokens, revoked_at__isnull=True).count() == 0


def _atoms(environ: dict[str, str], headers: list[tuple[str, str]], response_headers: list[tuple[str, str]]) -> dict:
    class Response:
        status = "302 Found"
        sent = 0

    Response.headers = response_headers

    class Request:
        pass

    Request.headers = headers
    base = {"REQUEST_METHOD": "GET", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1"}
    return RedactingLogger(Config()).atoms(Response(), Request(), {**base, **environ}, dt.timedelta(seconds=1))


def test_the_access_log_atoms_carry_no_secret_and_keep_everything_else():
    # given an OAuth callback request with a session cookie, answered with a redirect that repeats a code
    atoms = _atoms(
        {
            "RAW_URI": "/stores/connections/x/callback/?state=st-1&code=cd-1&lang=en",
            "PATH_INFO": "/stores/connections/x/callback/",
            "QUERY_STRING": "state=st-1&code=cd-1&lang=en",
            "HTTP_AUTHORIZATION": "Bearer at-1",
            "HTTP_USER_AGENT": "Mozilla/5.0 (X11)",
            "HTTP_REFERER": "https://x.com/i/oauth2/authorize?client_id=gh&code_challenge=ch-1&state=st-1",
        },
        [("AUTHORIZATION", "Bearer at-1"), ("COOKIE", "sessionid=sess-1"), ("USER-AGENT", "Mozilla/5.0 (X11)")],
        [("Location", "/next/?access_token=at-2&page=2"), ("Set-Cookie", "sessionid=sess-2; HttpOnly")],
    )

    # when gunicorn builds the access line from them, then secrets are gone and the rest is as it was
    assert atoms["r"] == "GET /stores/connections/x/callback/?state=[redacted]&code=[redacted]&lang=en HTTP/1.1"
    assert atoms["q"] == "state=[redacted]&code=[redacted]&lang=en"
    assert atoms["U"] == "/stores/connections/x/callback/"
    assert atoms["f"] == "https://x.com/i/oauth2/authorize?client_id=gh&code_challenge=ch-1&state=[redacted]"
    assert atoms["a"] == "Mozilla/5.0 (X11)"
    assert (atoms["{authorization}i"], atoms["{cookie}i"], atoms["{user-agent}i"]) == (
        "[redacted]",
        "[redacted]",
        "Mozilla/5.0 (X11)",
    )
    assert (atoms["{location}o"], atoms["{set-cookie}o"]) == ("/next/?access_token=[redacted]&page=2", "[redacted]")
    assert (atoms["{http_authorization}e"], atoms["{raw_uri}e"]) == ("[redacted]", atoms["r"].split(" ")[1])
    assert atoms["s"] == "302"
