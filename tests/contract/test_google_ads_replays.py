# ruff: noqa: F811 - fixtures imported from tests/ads/conftest.py are requested by name
"""Google Ads API REST: the official library speaks gRPC only, so the contract is the documentation's own
request / response pairs (tests/contract/fixtures/google_ads/, each with its source URL), replayed in order
against the sandbox and checked field by field: the budget the first creates is the one the campaign uses, the
campaign the ad group's, and the search reads them all back."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings

from platforms.constants import GOOGLE_ADS
from sandbox.models import SandboxAdObject
from tests.ads.conftest import connections, own_cache_namespace  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "google_ads").glob("*.json"))
PLACEHOLDER = re.compile(r"\$\{(\w+)\}")
# Values the platform makes up each time (request ids): any non-empty value matches; they bind nothing.
FREE = {"REQUEST_ID"}


def fill(value: Any, bound: dict[str, str]) -> Any:
    """The fixture's request with its placeholders replaced by what is known."""
    if isinstance(value, str):
        return PLACEHOLDER.sub(lambda m: bound[m.group(1)], value)
    if isinstance(value, list):
        return [fill(v, bound) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, bound) for k, v in value.items()}
    return value


def match(expected: Any, actual: Any, bound: dict[str, str], where: str = "$") -> None:
    """Assert ``actual`` has exactly the documented shape: the same keys, the same JSON types, equal values, and
    placeholders standing for ids that are bound on first sight and must agree after."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
        assert set(actual) == set(expected), f"{where}: keys {sorted(actual)} != {sorted(expected)}"
        for key, value in expected.items():
            match(value, actual[key], bound, f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{where}: {actual!r}"
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            match(e, a, bound, f"{where}[{i}]")
    elif isinstance(expected, str) and PLACEHOLDER.search(expected):
        assert isinstance(actual, str), f"{where}: expected a string, got {actual!r}"
        names = PLACEHOLDER.findall(expected)
        pattern = ""
        for literal, name in zip(PLACEHOLDER.split(expected)[::2], [*names, None], strict=True):
            pattern += re.escape(literal)
            if name in FREE:
                pattern += r".+"
            elif name in bound:
                pattern += re.escape(bound[name])
            elif name is not None:
                pattern += rf"(?P<{name}>\d+)"
        found = re.fullmatch(pattern, actual)
        assert found, f"{where}: {actual!r} does not read as {expected!r} with {bound}"
        bound.update(found.groupdict())
    else:
        assert type(actual) in ((int, float) if isinstance(expected, int | float) else (type(expected),)), where
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


def test_the_documented_examples_replay_against_the_sandbox_field_by_field(sandbox_url, connections):
    token = connections[GOOGLE_ADS].access_token
    headers = {
        "Authorization": f"Bearer {token}",
        "developer-token": settings.GOOGLE_ADS_DEVELOPER_TOKEN,
        "login-customer-id": "1234567890",
        "Content-Type": "application/json",
    }
    bound = {"CUSTOMER_ID": "1234567890", "RANDOM": "20260"}
    for path in FIXTURES:
        example = json.loads(path.read_text())
        # every fixture says where it comes from
        assert example["source"].startswith("https://developers.google.com/google-ads/api/"), path.name
        response = requests.post(
            f"{sandbox_url}/google_ads/{fill(example['path'], bound)}",
            headers=headers,
            data=json.dumps(fill(example["request"], bound)),
            timeout=10,
        )
        assert response.status_code == 200, (path.name, response.text)
        match(example["response"], response.json(), bound, path.stem)
    # and the chain at the platform is the one the examples built, each level under the one before
    ad = SandboxAdObject.objects.get(platform=GOOGLE_ADS, kind="ad", external_id=bound["AD_ID"])
    assert ad.parent.external_id == bound["AD_GROUP_ID"]
    assert ad.campaign.external_id == bound["CAMPAIGN_ID"]
    assert ad.campaign.budget.external_id == bound["BUDGET_ID"]
    assert (ad.campaign.budget.daily_budget_minor, ad.campaign.objective) == (5000, "TARGET_SPEND")


@pytest.mark.parametrize(
    ("change", "status", "error"),
    [
        pytest.param(
            {"amountMicros": "50000001"},
            400,
            {"campaignBudgetError": "NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT"},
            id="a budget that is not a whole cent is refused",
        ),
        pytest.param({"name": ""}, 400, {"requestError": "REQUIRED_FIELD_MISSING"}, id="a budget needs a name"),
    ],
)
def test_a_documented_request_made_invalid_gets_the_documented_error_envelope(
    sandbox_url, connections, change, status, error
):
    example = json.loads(FIXTURES[0].read_text())
    body = fill(example["request"], {"CUSTOMER_ID": "1234567890", "RANDOM": "1"})
    body["operations"][0]["create"] |= change
    response = requests.post(
        f"{sandbox_url}/google_ads/v25/customers/1234567890/campaignBudgets:mutate",
        headers={
            "Authorization": f"Bearer {connections[GOOGLE_ADS].access_token}",
            "developer-token": settings.GOOGLE_ADS_DEVELOPER_TOKEN,
        },
        json=body,
        timeout=10,
    )
    assert response.status_code == status
    envelope = response.json()["error"]
    assert (envelope["code"], envelope["status"]) == (400, "INVALID_ARGUMENT")
    detail = envelope["details"][0]
    assert detail["@type"] == "type.googleapis.com/google.ads.googleads.v25.errors.GoogleAdsFailure"
    assert detail["errors"][0]["errorCode"] == error
    assert not SandboxAdObject.objects.exists()
