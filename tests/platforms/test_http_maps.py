"""Each platform has one HTTP class, and so one error map: its OAuth spec and its API client read a failure the same
way. Meta and Instagram share the Graph API's map; TikTok Ads has one code set for both."""

import json

import pytest
import requests

from platforms.constants import ALL_PLATFORMS, INSTAGRAM, META_ADS, TIKTOK_ADS
from platforms.errors import AuthExpired, RateLimited, Rejected, Transient
from platforms.graph import GraphHttp
from platforms.registry import oauth_platform, platform


def answer(status: int, body: object, headers: dict[str, str] | None = None) -> requests.Response:
    """A response as the platform would send it, without sending anything."""
    response = requests.Response()
    response.status_code = status
    response.reason = "Bad Request" if status < 500 else "Server Error"
    response.headers.update(headers or {})
    response._content = json.dumps(body).encode()
    return response


def client_http(slug: str):
    """The HTTP object the platform's API client sends through: the content client itself, an ads client's http."""
    client = platform(slug).client(access_token="t0ken", account_id="1000001")
    return getattr(client, "http", client)


def mapped(http, response: requests.Response):
    error = http.error_from_body(response, response.json())
    return None if error is None else (type(error), error.platform, error.status, error.code, error.message)


@pytest.mark.parametrize("slug", ALL_PLATFORMS)
def test_the_oauth_spec_and_the_client_share_one_http_class(slug):
    # given the platform's OAuth spec and its client, when their HTTP objects are compared
    oauth_http, api_http = oauth_platform(slug).http, client_http(slug)
    # then both are the platform's one HTTP class (or the client is built on it), named for the platform
    assert isinstance(api_http, type(oauth_http))
    assert oauth_http.slug == api_http.slug == slug


GRAPH_ANSWERS = [
    (400, {"error": {"code": 80003, "message": "Custom audience calls are limited."}}, RateLimited),
    (400, {"error": {"code": 80005, "message": "Lead generation calls are limited."}}, RateLimited),
    (400, {"error": {"code": 80004, "message": "Too many calls to this ad account."}}, RateLimited),
    (400, {"error": {"code": 80000, "message": "Too many insights calls."}}, RateLimited),
    (400, {"error": {"code": 17, "error_subcode": 2446079, "message": "User request limit reached"}}, RateLimited),
    (400, {"error": {"code": 9, "error_subcode": 2207042, "message": "Publishing quota reached"}}, RateLimited),
    (401, {"error": {"code": 190, "error_subcode": 463, "message": "Session has expired"}}, AuthExpired),
    (403, {"error": {"code": 200, "message": "Permissions error"}}, AuthExpired),
    (400, {"error": {"code": 10, "message": "Permission denied"}}, AuthExpired),
    (400, {"error": {"code": 9007, "error_subcode": 2207027, "message": "Media not ready"}}, Transient),
    (500, {"error": {"code": 2, "message": "Service temporarily unavailable", "is_transient": True}}, Transient),
    (400, {"error": {"code": 100, "message": "Invalid parameter"}}, Rejected),
]


@pytest.mark.parametrize("slug", [META_ADS, INSTAGRAM])
@pytest.mark.parametrize(("status", "body", "expected"), GRAPH_ANSWERS)
def test_meta_and_instagram_read_a_graph_error_the_same_way_in_oauth_and_client(slug, status, body, expected):
    # given a Graph API error answer
    response = answer(status, body, {"Retry-After": "30"})
    # when the OAuth spec's and the client's HTTP map it
    from_oauth, from_client = mapped(oauth_platform(slug).http, response), mapped(client_http(slug), response)
    # then both give the same error, of the kind the Graph API documents, through the one Graph map
    assert from_oauth == from_client
    assert from_oauth == (expected, slug, status, body["error"]["code"], body["error"]["message"])
    assert isinstance(oauth_platform(slug).http, GraphHttp)


def test_a_graph_rate_limit_waits_as_long_as_the_platform_says():
    # given a business use case limit with Retry-After, and Instagram's publishing quota
    limit = answer(400, {"error": {"code": 80005, "message": "limited"}}, {"Retry-After": "42"})
    quota = answer(400, {"error": {"code": 9, "error_subcode": 2207042, "message": "quota"}})
    # when mapped; then the limit waits the hinted 42 s, the quota an hour
    assert oauth_platform(META_ADS).http.error_from_body(limit, limit.json()).retry_after == 42.0
    assert client_http(INSTAGRAM).error_from_body(quota, quota.json()).retry_after == 3600.0


TIKTOK_ADS_ANSWERS = [
    (200, {"code": 40110, "message": "Auth code is invalid or expired."}, AuthExpired),
    (200, {"code": 40105, "message": "Access token is incorrect or has been revoked."}, AuthExpired),
    (200, {"code": 40001, "message": "No permission to operate advertiser."}, AuthExpired),
    (200, {"code": 40100, "message": "Too many requests."}, RateLimited),
    (200, {"code": 40002, "message": "Invalid parameter."}, Rejected),
    (200, {"code": 51000, "message": "Internal error."}, Transient),
]


@pytest.mark.parametrize(("status", "body", "expected"), TIKTOK_ADS_ANSWERS)
def test_tiktok_ads_reads_a_code_the_same_way_in_oauth_and_client(status, body, expected):
    # given a Business API envelope with a non-zero code
    response = answer(status, body)
    # when the OAuth spec's and the ads client's HTTP map it
    from_oauth, from_client = (
        mapped(oauth_platform(TIKTOK_ADS).http, response),
        mapped(client_http(TIKTOK_ADS), response),
    )
    # then both give the same error
    assert from_oauth == from_client == (expected, TIKTOK_ADS, status, body["code"], body["message"])


@pytest.mark.parametrize("slug", ALL_PLATFORMS)
@pytest.mark.parametrize(
    ("status", "expected"),
    [(401, AuthExpired), (429, RateLimited), (503, Transient), (400, Rejected)],
    ids=["401", "429", "503", "400"],
)
def test_every_platform_reads_an_unshaped_failure_the_same_way_in_oauth_and_client(slug, status, expected):
    # given a failure without the platform's error shape (a gateway's answer)
    response = answer(status, {"unexpected": True})
    # when the OAuth spec's and the client's HTTP map it; then both say the same, by the HTTP status
    from_oauth, from_client = mapped(oauth_platform(slug).http, response), mapped(client_http(slug), response)
    assert from_oauth == from_client
    assert (from_oauth[0], from_oauth[1], from_oauth[2]) == (expected, slug, status)


@pytest.mark.parametrize("slug", ALL_PLATFORMS)
def test_a_success_is_no_error_for_either(slug):
    ok = {"code": 0, "data": {}} if slug == TIKTOK_ADS else {"data": {}, "error": {"code": "ok"}}
    response = answer(200, ok)
    assert mapped(oauth_platform(slug).http, response) is None
    assert mapped(client_http(slug), response) is None
