"""The dashboard in a real browser (Debian's Chromium via Playwright) against the live server, under the strict CSP.

Every test collects what the page writes to the console and any script error; a Content Security Policy violation
shows up there ("Refused to ..."), so an empty list means the pages kept the policy.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from stores.models import Role
from tests.factories import MembershipFactory, StoreFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


@pytest.fixture
def merchant():
    """A user who belongs to two stores: Northwind (owner, first by name, so the one they start on) and Tailspin
    (analyst)."""
    user = UserFactory(email="maria@northwind.test")
    MembershipFactory(user=user, store=StoreFactory(name="Northwind Outfitters", slug="northwind"), role=Role.OWNER)
    MembershipFactory(user=user, store=StoreFactory(name="Tailspin Toys", slug="tailspin"), role=Role.ANALYST)
    return user


def sign_in(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Sign in").click()


def test_signing_in_reaches_the_hub_of_the_users_store(page, live_server, console_problems):
    # given a store with one owner
    user = UserFactory(email="owner@northwind.test")
    MembershipFactory(user=user, store=StoreFactory(name="Northwind Outfitters", slug="northwind"), role=Role.OWNER)

    # when they sign in on the login page
    sign_in(page, live_server.url, "owner@northwind.test")

    # then they land on the hub, which shows their store's name, and the page broke no policy
    expect(page).to_have_url(f"{live_server.url}/hub/")
    expect(page.locator("h1.store-title")).to_have_text("Northwind Outfitters")
    expect(page.locator("#store-switcher .store-name")).to_have_text("Northwind Outfitters")
    assert console_problems == []


def test_a_wrong_password_stays_on_the_login_page(page, live_server, console_problems):
    # given a user
    UserFactory(email="owner@northwind.test")
    # when they sign in with a wrong password
    sign_in(page, live_server.url, "owner@northwind.test", password="not-the-password")
    # then the login page says so and no hub is shown
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator("form .errorlist")).to_contain_text("not correct")
    expect(page.locator("h1.store-title")).to_have_count(0)
    assert console_problems == []


def test_the_switcher_moves_the_hub_to_another_store_of_the_user(page, live_server, merchant, console_problems):
    # given a signed-in user of two stores, working on Northwind
    sign_in(page, live_server.url, merchant.email)
    expect(page.locator("h1.store-title")).to_have_text("Northwind Outfitters")

    # when they open the switcher and pick Tailspin
    page.locator("#store-switcher summary").click()
    page.locator("#store-switcher").get_by_role("button", name="Tailspin Toys").click()

    # then the hub shows Tailspin, with their role there, and says what happened
    expect(page.locator("h1.store-title")).to_have_text("Tailspin Toys")
    expect(page.locator("#store-switcher .role")).to_have_text("Analyst")
    expect(page.locator("#messages")).to_contain_text("Now working on Tailspin Toys.")
    # and the choice sticks on the next page
    page.goto(f"{live_server.url}/hub/ads/")
    expect(page.locator("h1.store-title")).to_have_text("Tailspin Toys")
    assert console_problems == []


def test_a_hub_tab_loads_as_an_htmx_fragment_and_pushes_its_url(page, live_server, merchant, console_problems):
    # given a signed-in user on the overview
    sign_in(page, live_server.url, merchant.email)
    expect(page.locator("#hub-tab-overview")).to_be_visible()
    page.evaluate("window.__sameDocument = true")

    # when they click the Social tab
    with page.expect_response(f"{live_server.url}/hub/social/") as response_info:
        page.locator("#tab-social").click()

    # then htmx (loaded from our own static files) swapped in just the tab, in the same document, and pushed its URL
    assert response_info.value.request.headers.get("hx-request") == "true"
    expect(page.locator("#hub-tab-social")).to_be_visible()
    expect(page.locator("#tab-social")).to_have_class("active")
    expect(page).to_have_url(f"{live_server.url}/hub/social/")
    assert page.evaluate("window.__sameDocument") is True
    assert console_problems == []


def test_the_policy_refuses_an_inline_script_and_the_browser_reports_it(page, live_server, merchant, console_problems):
    # given the hub, served with the strict Content Security Policy
    sign_in(page, live_server.url, merchant.email)
    expect(page.locator("h1.store-title")).to_have_text("Northwind Outfitters")

    # when something tries to run an inline script
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.__inlineRan = true";
            document.body.appendChild(script);
        }"""
    )

    # then the browser refuses it and reports the violation where the other tests look for it
    for _ in range(20):  # the console event arrives a moment after the refusal
        if console_problems:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("window.__inlineRan === true") is False
    assert len(console_problems) == 1
    assert "Content Security Policy" in console_problems[0]
