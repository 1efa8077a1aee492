"""A newcomer brings a real store in: sign up, connect the sandbox Shopify shop through its install page, and see
its products and orders in the hub within a minute (synced by a real worker over HTTP), then plan a calendar from
them."""

import re
import time

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from sandbox.services import sandbox_bootstrap
from sandbox.shopify.seed import sandbox_shopify_seed
from social.models import SocialPost
from stores.models import BackfillState, Order, Product, StoreSync

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

SHOP = "newcomer-trail.myshopify.com"
PASSWORD = "a-long-and-unguessable-passphrase"


def reload_until(page: Page, url: str, selector: str, *, timeout: float = 60.0) -> None:
    """Open ``url`` again until ``selector`` is on it: what a merchant does while the first sync runs."""
    deadline = time.monotonic() + timeout
    while True:
        page.goto(url)
        if page.locator(selector).count() or time.monotonic() > deadline:
            break
        time.sleep(1.0)
    expect(page.locator(selector).first).to_be_visible()


def test_a_newcomer_connects_the_sandbox_shop_sees_products_and_orders_and_plans_a_calendar(
    page, live_server, celery_worker_process, console_problems
):
    # given the sandbox's Shopify shop with a catalogue and a month of orders
    sandbox_bootstrap()
    summary = sandbox_shopify_seed(domain=SHOP, products=8, days=30, orders_per_day=3, seed=11)
    base = live_server.url

    # when a visitor signs up, and confirms the address from the e-mail
    page.goto(f"{base}/accounts/signup/")
    page.fill("input[name=email]", "ines@trail-socks.example")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.fill("input[name=store_name]", "Trail Socks")
    page.get_by_role("button", name="Create account and store").click()
    expect(page.locator("body")).to_contain_text("Check your email")
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(f"{base}{link}")
    page.get_by_role("button", name="Confirm and open the hub").click()
    expect(page).to_have_url(re.compile(r"/hub/$"))

    # and connects their Shopify shop from the connections page, installing the app on Shopify's page
    page.goto(f"{base}/stores/connections/")
    page.fill("#shopify-shop", SHOP)
    page.get_by_role("button", name="Connect Shopify").click()
    expect(page.locator("#sandbox-consent")).to_contain_text(SHOP)
    page.get_by_role("button", name="Install").click()
    expect(page.locator("body")).to_contain_text("Shopify")

    # then within a minute the catalogue shows the shop's products and the orders page its orders
    reload_until(page, f"{base}/stores/trail-socks/products/", "#products tbody tr")
    expect(page.locator("#store-sync")).to_contain_text("From Shopify")
    celery_worker_process.wait_until(
        lambda: StoreSync.objects.filter(backfill_status=BackfillState.DONE).exists(), timeout=60
    )
    reload_until(page, f"{base}/stores/trail-socks/orders/", "#orders tbody tr")
    expect(page.locator("#orders-panel")).to_contain_text(f"{summary.orders} in all")
    assert Product.objects.count() == summary.products
    assert Order.objects.count() == summary.orders

    # when they plan two days of Instagram posts from the catalogue
    page.goto(f"{base}/social/plan/")
    page.fill("input[name=days]", "2")
    page.fill("input[name=posts_per_day]", "1")
    page.check("input[name=platforms][value=instagram]")
    page.get_by_role("button", name="Plan drafts").click()

    # then the drafts are of the shop's products, and nothing broke the page's policy on the way
    expect(page.locator(".preview-grid article.post-preview")).to_have_count(2)
    titles = set(Product.objects.values_list("title", flat=True))
    assert {post.product.title for post in SocialPost.objects.select_related("product")} <= titles
    assert console_problems == []
