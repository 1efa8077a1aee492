"""In a real browser, the sign-in page, the API docs and the authenticator page run under the strict CSP with no
violations."""

import pytest
from allauth.account.models import EmailAddress

from tests.factories import MembershipFactory, StoreFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _watch_csp(page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    return violations


def test_swagger_docs_render_without_csp_violations(live_server, page):
    violations = _watch_csp(page)
    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector("text=Growth Hub API")
    page.locator(".opblock-summary-path", has_text="/api/store").first.wait_for()
    assert violations == []


def test_sign_in_and_the_authenticator_page_work_without_csp_violations(live_server, page):
    # given an owner with a verified email
    user = UserFactory(email="owner@northwind.test")
    EmailAddress.objects.get_or_create(user=user, email=user.email, verified=True, primary=True)
    MembershipFactory(store=StoreFactory(name="Northwind Outfitters"), user=user)
    violations = _watch_csp(page)
    # when they sign in, open Security and start turning on the authenticator app
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "owner@northwind.test")
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/hub/")
    page.click("text=Security")
    page.click("text=Activate")
    page.fill("main input[name=password]", "correct-horse-battery")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/accounts/2fa/totp/activate/")
    # then the QR code is drawn (a data: image) and nothing was blocked
    width = page.eval_on_selector("p.qr img", "img => img.naturalWidth")
    assert width > 0
    assert violations == []
