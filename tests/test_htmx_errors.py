"""Every 4xx answer to an htmx request is one htmx shows: the page's htmx config swaps 4xx answers, and the server
sends each as the error partial retargeted to #messages or as the re-rendered fragment with its inline errors."""

import json
import re

import pytest
from django.test import Client
from django.utils.html import escape

from ads.models import AdCampaign, CampaignStatus
from ads.services import ad_settings_for_store
from platforms.constants import META_ADS
from stores.models import Role, StoreApiKey
from stores.permissions import READ_ONLY_MESSAGE
from tests.factories import MembershipFactory, UserFactory
from tests.platform_fixtures import connect_store

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def error_partial(message: str) -> str:
    return f'<div class="message error" role="alert">{escape(message)}</div>'


def htmx_rule_for(config: dict, status: int) -> dict:
    """The responseHandling entry htmx 2 applies to ``status``: the first whose code pattern matches."""
    return next(
        (rule for rule in config["responseHandling"] if re.search(rule["code"], str(status))),
        {"swap": False},
    )


@pytest.fixture
def campaigns(store):
    """Two active Meta campaigns, USD 50.00 and USD 300.00 a day, under a daily cap of USD 500.00."""
    row = ad_settings_for_store(store=store)
    row.daily_spend_cap_minor, row.max_campaign_daily_budget_minor = 50_000, 100_000
    row.save()
    connection = connect_store(store, META_ADS, ad_account_id="act_1000001")
    return [
        AdCampaign.objects.create(
            store=store,
            platform=META_ADS,
            connection=connection,
            name=name,
            status=CampaignStatus.ACTIVE,
            daily_budget_minor=budget,
            currency="USD",
        )
        for name, budget in [("Merino socks", 5000), ("Trail boots", 30_000)]
    ]


def test_the_pages_htmx_config_swaps_4xx_answers_and_not_5xx_ones(owner_client):
    # given the hub page
    html = owner_client.get("/hub/").content.decode()
    # when its htmx-config meta is read
    config = json.loads(re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html).group(1))
    # then 2xx and 4xx answers are swapped (a 4xx is shown, not logged as an error), 204 and 5xx are not,
    # and htmx injects no inline indicator style (the CSP forbids it; static/css/app.css has the indicator)
    assert {s: htmx_rule_for(config, s).get("swap") for s in (200, 201, 204, 400, 403, 404, 409, 429, 500, 503)} == {
        200: True,
        201: True,
        204: False,
        400: True,
        403: True,
        404: True,
        409: True,
        429: True,
        500: False,
        503: False,
    }
    assert htmx_rule_for(config, 400)["error"] is False
    assert config["includeIndicatorStyles"] is False


@pytest.mark.parametrize(
    ("budget", "message"),
    [
        pytest.param(
            "250",
            "Active daily budgets would total USD 550.00, over the store's daily spend cap of USD 500.00 "
            "(USD 300.00 is already committed to other campaigns; at most USD 200.00 is left).",
            id="a budget over the daily cap",
        ),
        pytest.param("abc", "Daily budget: Enter a number.", id="a budget that is no number"),
    ],
)
def test_a_refused_inline_budget_answers_its_message_for_the_messages_region(owner_client, campaigns, budget, message):
    # given an active campaign of USD 50.00 a day
    campaign = campaigns[0]
    # when its budget is edited inline through htmx to a value the store refuses
    response = owner_client.post(f"/ads/campaigns/{campaign.pk}/budget/", {"daily_budget": budget}, headers=HTMX)
    # then the answer is the message, sent to #messages in place of the row, kept out of the history
    assert response.status_code == 400
    assert response.content.decode().strip() == error_partial(message)
    assert (response["HX-Retarget"], response["HX-Reswap"], response["HX-Push-Url"]) == (
        "#messages",
        "innerHTML",
        "false",
    )
    # and the budget did not change
    campaign.refresh_from_db()
    assert campaign.daily_budget_minor == 5000


def test_another_stores_campaign_answers_htmx_a_not_found_message(owner_client, other_store, campaigns):
    # given a campaign that belongs to another store
    AdCampaign.objects.filter(pk=campaigns[0].pk).update(store=other_store)
    # when the owner pauses it through htmx
    response = owner_client.post(f"/ads/campaigns/{campaigns[0].pk}/pause/", headers=HTMX)
    # then the answer is the not-found message for #messages, not Django's 404 page
    assert response.status_code == 404
    assert response.content.decode().strip() == error_partial(
        "That item was not found in this store. Reload the page to see what is current."
    )
    assert response["HX-Retarget"] == "#messages"
    # and the campaign is still active
    campaigns[0].refresh_from_db()
    assert campaigns[0].status == CampaignStatus.ACTIVE


def test_a_wrong_method_answers_htmx_a_message_and_names_the_allowed_one(owner_client, campaigns):
    # when a POST-only action is asked with GET through htmx
    response = owner_client.get(f"/ads/campaigns/{campaigns[0].pk}/pause/", headers=HTMX)
    # then it is refused with a message for #messages, still saying which method it takes
    assert response.status_code == 405
    assert response.content.decode().strip() == error_partial("That action is not available here.")
    assert (response["HX-Retarget"], response["Allow"]) == ("#messages", "POST")


def test_an_expired_csrf_token_answers_htmx_a_message_and_changes_nothing(store, owner, campaigns):
    # given a signed-in owner whose page's CSRF token is no longer valid
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    # when they pause a campaign through htmx
    response = client.post(f"/ads/campaigns/{campaigns[0].pk}/pause/", headers={**HTMX, "X-CSRFToken": "stale"})
    # then they are told to reload, in #messages
    assert response.status_code == 403
    assert response.content.decode().strip() == error_partial("This page has expired. Reload it and try again.")
    assert response["HX-Retarget"] == "#messages"
    # and nothing changed
    campaigns[0].refresh_from_db()
    assert campaigns[0].status == CampaignStatus.ACTIVE


def test_an_analyst_is_told_why_through_htmx(client, store, campaigns):
    # given an analyst of the store
    analyst = MembershipFactory(store=store, role=Role.ANALYST, user=UserFactory(email="ana@northwind.test")).user
    client.force_login(analyst)
    # when they pause a campaign through htmx
    response = client.post(f"/ads/campaigns/{campaigns[0].pk}/pause/", headers=HTMX)
    # then the role's refusal is the message in #messages
    assert response.status_code == 403
    assert response.content.decode().strip() == error_partial(READ_ONLY_MESSAGE)
    assert response["HX-Retarget"] == "#messages"
    campaigns[0].refresh_from_db()
    assert campaigns[0].status == CampaignStatus.ACTIVE


def test_a_form_panel_refused_through_htmx_comes_back_with_its_inline_errors(owner_client, store):
    # when an API key without a name is asked for from the keys panel through htmx
    response = owner_client.post("/stores/northwind/api-keys/", {"name": "", "role": Role.MARKETER}, headers=HTMX)
    # then the answer is the panel itself with the error next to the field, for the panel's own place
    html = response.content.decode()
    assert response.status_code == 400
    assert html.lstrip().startswith('<section id="api-keys-panel"')
    assert "This field is required." in html
    assert not response.has_header("HX-Retarget")
    assert response["HX-Push-Url"] == "false"
    # and no key was made
    assert StoreApiKey.objects.count() == 0


def test_a_not_found_without_htmx_is_still_the_page(owner_client, other_store, campaigns):
    # given another store's campaign
    AdCampaign.objects.filter(pk=campaigns[0].pk).update(store=other_store)
    # when it is opened as a page
    response = owner_client.get(f"/ads/campaigns/{campaigns[0].pk}/")
    # then the answer is a whole page, not a fragment for htmx
    assert response.status_code == 404
    assert not response.has_header("HX-Retarget")
    assert "<html" in response.content.decode().lower()


def test_a_signed_out_htmx_request_sends_the_whole_page_to_sign_in_and_back(client, campaigns):
    # given someone whose session has ended, on the ads tab
    headers = {**HTMX, "HX-Current-URL": "http://testserver/hub/ads/"}
    # when they save a budget inline
    response = client.post(f"/ads/campaigns/{campaigns[0].pk}/budget/", {"daily_budget": "60"}, headers=headers)
    # then the whole page goes to sign-in and comes back to the tab, instead of the form landing in the row
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/?next=/hub/ads/"
    assert response.content == b""
    # and nothing changed
    campaigns[0].refresh_from_db()
    assert campaigns[0].daily_budget_minor == 5000


def test_a_signed_out_page_request_is_still_redirected(client, campaigns):
    # when a signed-out person opens a campaign page without htmx
    response = client.get(f"/ads/campaigns/{campaigns[0].pk}/")
    # then it is the usual redirect to sign-in
    assert (response.status_code, response["Location"]) == (
        302,
        f"/accounts/login/?next=/ads/campaigns/{campaigns[0].pk}/",
    )
    assert not response.has_header("HX-Redirect")
