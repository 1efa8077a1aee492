"""In a real browser: an inline budget edit that the store refuses shows its message where the person is looking,
keeps what they typed and their focus, and changes nothing; a save in flight shows that it is loading."""

import re

import pytest
from playwright.sync_api import Page, Route, expect

from ads.models import AdCampaign, CampaignStatus
from platforms.constants import META_ADS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVER_CAP = (
    "Active daily budgets would total USD 550.00, over the store's daily spend cap of USD 500.00 "
    "(USD 300.00 is already committed to other campaigns; at most USD 200.00 is left)."
)
NOT_A_NUMBER = "Daily budget: Enter a number."
REFUSED_IN_CONSOLE = "error: Failed to load resource: the server responded with a status of 400 (Bad Request)"


@pytest.fixture
def campaigns(store, connections, ad_settings):
    """Two active Meta campaigns, USD 50.00 and USD 300.00 a day, under the store's daily cap of USD 500.00 (the
    per-campaign maximum raised out of the way)."""
    ad_settings.max_campaign_daily_budget_minor = 100_000
    ad_settings.save()
    return [
        AdCampaign.objects.create(
            store=store,
            platform=META_ADS,
            connection=connections[META_ADS],
            name=name,
            status=CampaignStatus.ACTIVE,
            daily_budget_minor=budget,
            currency="USD",
        )
        for name, budget in [("Merino socks", 5000), ("Trail boots", 30_000)]
    ]


def open_ads_tab(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", "correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base_url}/hub/")
    page.locator("#tab-ads").click()
    expect(page).to_have_url(f"{base_url}/hub/ads/")


def test_a_refused_inline_budget_shows_its_message_and_keeps_the_input(
    page, live_server, owner, campaigns, console_problems
):
    # given the owner on the ads tab, scrolled down to Merino socks at USD 50.00 a day on a short screen
    socks = campaigns[0]
    page.set_viewport_size({"width": 1280, "height": 480})
    open_ads_tab(page, live_server.url, owner.email)
    budget = page.get_by_label("Daily budget of Merino socks")
    expect(budget).to_have_value("50.00")
    budget.scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 0

    # when they type a budget that takes the store over its daily cap and press Enter
    budget.fill("250")
    budget.press("Enter")

    # then the reason shows in the message region, as an alert in view, and the row keeps what they typed and the
    # focus
    alert = page.locator("#messages .message.error[role=alert]")
    expect(alert).to_have_text(OVER_CAP)
    expect(alert).to_be_in_viewport()
    expect(budget).to_have_value("250")
    expect(budget).to_be_focused()
    expect(page).to_have_url(f"{live_server.url}/hub/ads/")
    socks.refresh_from_db()
    assert socks.daily_budget_minor == 5000

    # when they type something that is no number
    budget.fill("abc")
    budget.press("Enter")

    # then that reason replaces the first one
    expect(alert).to_have_text(NOT_A_NUMBER)
    expect(page.locator("#messages .message")).to_have_count(1)
    expect(budget).to_be_focused()
    socks.refresh_from_db()
    assert socks.daily_budget_minor == 5000

    # when they enter a budget that fits
    budget.fill("60")
    budget.press("Enter")

    # then the row shows it, the stale error is gone, and the campaign has it
    expect(page.get_by_label("Daily budget of Merino socks")).to_have_value("60.00")
    expect(page.locator("#messages .message.error")).to_have_count(0)
    socks.refresh_from_db()
    assert socks.daily_budget_minor == 6000
    # and the only problems the browser saw are the two refusals (no CSP violation, no script error)
    budget_url = f"{live_server.url}/ads/campaigns/{socks.pk}/budget/"
    assert sorted(console_problems) == sorted([f"400: {budget_url}", REFUSED_IN_CONSOLE] * 2)


def test_a_budget_save_in_flight_shows_that_it_is_loading(page, live_server, owner, campaigns, console_problems):
    # given the owner on the ads tab, and the budget answer held back until the test lets it through
    socks = campaigns[0]
    open_ads_tab(page, live_server.url, owner.email)
    held: list[Route] = []
    page.route(f"**/ads/campaigns/{socks.pk}/budget/", lambda route: held.append(route))
    row = page.locator(f"#campaign-{socks.pk}")

    # when they save a new budget
    page.get_by_label("Daily budget of Merino socks").fill("70")
    row.get_by_role("button", name="Save").click()

    # then, while the answer is on its way, the row is marked busy and its form is loading
    expect(row).to_have_attribute("aria-busy", "true")
    expect(row.locator("form.budget-form")).to_have_class(re.compile(r"\bhtmx-request\b"))
    # and once the answer is in, the new row is not busy
    held[0].continue_()
    expect(page.get_by_label("Daily budget of Merino socks")).to_have_value("70.00")
    expect(page.locator(f"#campaign-{socks.pk}")).not_to_have_attribute("aria-busy", "true")
    assert console_problems == []


@pytest.mark.parametrize(
    ("fail", "message"),
    [
        pytest.param(
            lambda route: route.fulfill(status=500, body="<!doctype html><html><body>Server Error</body></html>"),
            "Something went wrong on our side. Try again; if it keeps happening, reload the page.",
            id="the server fails",
        ),
        pytest.param(
            lambda route: route.abort(),
            "Growth Hub could not be reached. Check your connection and try again.",
            id="the network fails",
        ),
    ],
)
def test_a_save_that_fails_says_so_and_leaves_the_row(
    page, live_server, owner, campaigns, console_problems, fail, message
):
    # given the owner on the ads tab, and the budget save failing before it reaches Growth Hub
    socks = campaigns[0]
    open_ads_tab(page, live_server.url, owner.email)
    page.route(f"**/ads/campaigns/{socks.pk}/budget/", fail)
    budget = page.get_by_label("Daily budget of Merino socks")
    # when they save a new budget
    budget.fill("70")
    budget.press("Enter")
    # then a message says what happened, and the row is left as it was, with what they typed
    expect(page.locator("#messages .message.error[role=alert]")).to_have_text(message)
    expect(budget).to_have_value("70")
    expect(page.locator(f"#campaign-{socks.pk}")).not_to_have_attribute("aria-busy", "true")
    socks.refresh_from_db()
    assert socks.daily_budget_minor == 5000
    # and no script broke
    assert [p for p in console_problems if p.startswith("pageerror")] == []
