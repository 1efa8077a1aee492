"""The social pages in a real browser (Debian's Chromium via Playwright) under the strict CSP: the composer's
per-platform character counters (static/js/social.js) and the calendar → preview → "Schedule all" flow.

Every console error or warning, script error and failed request is collected; a Content Security Policy
violation shows up there ("Refused to ..."), so an empty list means the pages kept the policy.
"""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from social.models import PostStatus, SocialPost
from tests.factories import ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in(page: Page, live_server, owner) -> Page:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", owner.email)
    page.fill("input[name=password]", "correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/hub/")
    return page


def test_the_composer_counts_characters_the_way_each_platform_does(signed_in, live_server, console_problems):
    # given the composer
    page = signed_in
    page.goto(f"{live_server.url}/social/compose/")
    counter = page.locator("#caption-counter")

    # when a caption with a link is typed for X
    page.select_option("select[name=platform]", "x")
    page.fill("textarea[name=caption]", "Trail-ready #merino https://shop.example.com/products/merino-trail-sock")

    # then X's counter counts the link as 23 characters, and the preview shows the text
    expect(counter).to_have_text("X: 43 / 280 characters")
    expect(page.locator("#preview-caption")).to_have_text(
        "Trail-ready #merino https://shop.example.com/products/merino-trail-sock"
    )

    # when the platform changes to Instagram, the same text counts every character and its hashtags
    page.select_option("select[name=platform]", "instagram")
    expect(counter).to_have_text("Instagram: 71 / 2200 characters · 1 / 30 hashtags")
    expect(counter).not_to_have_class("counter over")

    # when the caption runs past X's limit (wide characters count 2 there), the counter says so
    page.select_option("select[name=platform]", "x")
    page.fill("textarea[name=caption]", "靴" * 141)
    expect(counter).to_have_text("X: 282 / 280 characters")
    expect(counter).to_have_class("counter over")

    # and nothing broke the page's policy
    assert console_problems == []


def test_a_planned_calendar_is_previewed_and_scheduled_all_at_once(
    signed_in, live_server, store, connections, console_problems
):
    # given a product and a connected X account; the plan starts next Monday so its days share one week
    ProductFactory(store=store, title="Merino Trail Sock", external_id="P00001")
    today = timezone.now().date()
    monday = today + dt.timedelta(days=7 - today.weekday())
    page = signed_in

    # when the merchant plans two days of one X post a day
    page.goto(f"{live_server.url}/social/plan/")
    page.select_option("select[name=product]", label="Merino Trail Sock")
    page.fill("input[name=days]", "2")
    page.fill("input[name=posts_per_day]", "1")
    page.check("input[name=platforms][value=x]")
    page.fill("input[name=start_date]", monday.isoformat())
    page.get_by_role("button", name="Plan drafts").click()

    # then the preview shows both drafts, each with its caption and the sandbox's image
    expect(page.locator(".preview-grid article.post-preview")).to_have_count(2)
    expect(page.locator(".preview-grid .badge.draft")).to_have_count(2)
    expect(page.locator(".preview-grid article img")).to_have_count(2)
    # the images load from the sandbox; on a busy machine that takes a moment, so wait for them (or time out)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.preview-grid article img')]"
        ".every(i => i.complete && i.naturalWidth > 0)",
        timeout=15000,
    )

    # when they schedule all
    page.get_by_role("button", name="Schedule all").click()

    # then the week calendar shows both posts as scheduled, and the database agrees
    expect(page.locator("#messages")).to_contain_text("2 posts scheduled.")
    expect(page.locator("#calendar-body a.slot.status-scheduled")).to_have_count(2)
    assert list(SocialPost.objects.values_list("status", flat=True)) == [PostStatus.SCHEDULED] * 2

    # when they switch to the month view (an htmx swap of the calendar only), the posts are still there
    page.locator("#calendar-body .views a", has_text="Month").click()
    expect(page.locator("table.calendar.month")).to_be_visible()
    expect(page.locator("#calendar-body a.slot.status-scheduled")).to_have_count(2)

    # and nothing broke the pages' policy
    assert console_problems == []
