"""Malformed requests are refused as a whole with a 4xx and a clear message, never a 500: page numbers past any
list, NUL characters and lone surrogates in any text, bodies over the size limit, and non-JSON bodies sent to the
JSON API."""

import json

import pytest

from ads.models import AdCreative
from stores.models import Store
from stores.services import api_key_create

pytestmark = pytest.mark.django_db

API_LISTS = [
    pytest.param("/api/social/posts", id="the social posts list"),
    pytest.param("/api/ads/campaigns", id="the campaigns list"),
]
CREATIVE = {
    "name": "Merino socks",
    "link_url": "https://shop.example.com/products/merino-socks",
    "headlines": ["Merino Trail Socks"],
}


@pytest.fixture
def bearer(store, owner) -> dict[str, str]:
    _key, raw = api_key_create(store=store, name="ERP", created_by=owner)
    return {"Authorization": f"Bearer {raw}"}


def _json_post(client, path: str, body: str, headers: dict[str, str]):
    return client.post(path, data=body.encode(), content_type="application/json", headers=headers)


@pytest.mark.parametrize("path", API_LISTS)
def test_a_page_number_past_any_list_is_a_422_naming_the_limit(client, bearer, path):
    # given an API client
    # when it asks for a page number that would overflow the database's OFFSET
    response = client.get(f"{path}?page=9223372036854775807", headers=bearer)
    # then it is told the bound instead of getting a server error
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert (error["loc"], error["msg"]) == (["query", "page"], "Input should be less than or equal to 10000")


@pytest.mark.parametrize("path", API_LISTS)
def test_the_last_allowed_page_of_a_short_list_is_empty(client, bearer, path):
    response = client.get(f"{path}?page=10000", headers=bearer)
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            r"Merino\u0000socks",
            "A text in the JSON body contains a NUL character (\\u0000), which no field accepts.",
            id="a NUL escape",
        ),
        pytest.param(
            r"Merino\ud800socks",
            "A text in the JSON body contains a lone surrogate (such as \\ud800), which is not a character.",
            id="a lone surrogate escape",
        ),
    ],
)
def test_json_text_with_a_nul_or_a_lone_surrogate_is_refused_and_nothing_is_created(client, bearer, text, message):
    # given a creative whose name holds a character no database column can store
    body = json.dumps(CREATIVE).replace('"Merino socks"', f'"{text}"')
    # when it is sent to the API
    response = _json_post(client, "/api/ads/creatives", body, bearer)
    # then the whole request is refused with the reason, and no creative exists
    assert response.status_code == 400
    assert response.json() == {"detail": message, "code": "invalid_text"}
    assert AdCreative.objects.count() == 0


def test_a_surrogate_pair_is_a_character_and_passes(client, bearer):
    # given a headline with an emoji written as a JSON surrogate pair
    body = json.dumps({**CREATIVE, "headlines": ["Socks \U0001f9e6"]})
    assert r"\ud83e\udde6" in body
    # when it is sent
    response = _json_post(client, "/api/ads/creatives", body, bearer)
    # then the creative is created with the emoji
    assert response.status_code == 201
    assert AdCreative.objects.get().headlines == ["Socks \U0001f9e6"]


def test_json_that_is_not_utf8_is_refused(client, bearer):
    response = client.post(
        "/api/ads/creatives", data=b'{"name": "Caf\xe9"}', content_type="application/json", headers=bearer
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "The JSON body is not valid UTF-8.", "code": "invalid_text"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param("status=%00", "The query string contains a NUL character, which no field accepts.", id="NUL"),
        pytest.param("status=%ED%A0%80", "The query string is not valid UTF-8 text.", id="an encoded surrogate"),
        pytest.param("status=%FF", "The query string is not valid UTF-8 text.", id="a byte that is no UTF-8"),
    ],
)
def test_a_query_string_with_nul_or_undecodable_text_is_a_400(client, bearer, query, message):
    response = client.get(f"/api/social/posts?{query}", headers=bearer)
    assert response.status_code == 400
    assert response.json() == {"detail": message, "code": "invalid_text"}


def test_a_form_with_a_nul_character_is_refused_with_the_error_page_and_changes_nothing(owner_client, store):
    # given the store's settings form
    # when a name with a NUL character is posted
    response = owner_client.post(
        "/stores/northwind/settings/", {"name": "North\x00wind", "currency": "USD", "timezone": "UTC"}
    )
    # then the error page says why, and the store is unchanged
    assert response.status_code == 400
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "The form contains a NUL character, which no field accepts." in response.content.decode()
    store.refresh_from_db()
    assert (store.name, store.timezone) == ("Northwind Outfitters", "America/New_York")


def test_a_form_with_an_encoded_lone_surrogate_is_refused(owner_client, store):
    response = owner_client.post(
        "/stores/northwind/settings/",
        data="name=North%ED%A0%80wind&currency=USD&timezone=UTC",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "The form is not valid UTF-8 text." in response.content.decode()
    store.refresh_from_db()
    assert store.name == "Northwind Outfitters"


def test_an_htmx_request_gets_the_error_partial_in_the_messages_area(owner_client, store):
    response = owner_client.post(
        "/stores/northwind/settings/", {"name": "North\x00wind"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 400
    assert response.content.decode().strip() == (
        '<div class="message error" role="alert">The form contains a NUL character, which no field accepts.</div>'
    )
    assert (response["HX-Retarget"], response["HX-Reswap"], response["HX-Push-Url"]) == (
        "#messages",
        "innerHTML",
        "false",
    )


def test_a_nul_character_in_the_address_is_a_400(client):
    response = client.get("/stores/north%00wind/settings/")
    assert response.status_code == 400
    assert "The address contains a NUL character." in response.content.decode()


def test_a_3_mb_json_body_is_a_413_with_a_json_error(client, bearer):
    # given a creative padded to 3 MB
    body = json.dumps({**CREATIVE, "primary_text": "x" * (3 * 1024 * 1024)})
    # when it is sent to the API
    response = _json_post(client, "/api/ads/creatives", body, bearer)
    # then the API says it is too large, and nothing is created
    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request body is larger than the 1024 KiB this server accepts.",
        "code": "request_too_large",
    }
    assert AdCreative.objects.count() == 0


def test_a_3_mb_form_is_a_413_page(owner_client, store):
    response = owner_client.post("/stores/new/", {"name": "x" * (3 * 1024 * 1024), "currency": "USD"})
    assert response.status_code == 413
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "The request body is larger than the 1024 KiB this server accepts." in response.content.decode()
    assert Store.objects.count() == 1


def test_a_multipart_form_posted_to_the_json_api_with_the_session_is_a_415(owner_client, store):
    # given a signed-in member
    # when a multipart form is posted to a JSON endpoint with the dashboard's session
    response = owner_client.post("/api/ads/creatives", {**CREATIVE, "headlines": "Merino Trail Socks"})
    # then the API says which body it takes, and nothing is created
    assert response.status_code == 415
    assert response.json() == {
        "detail": "The API accepts JSON bodies only (Content-Type: application/json), not multipart/form-data.",
        "code": "unsupported_media_type",
    }
    assert AdCreative.objects.count() == 0


def test_a_form_body_with_a_bearer_key_is_a_415_too(client, bearer):
    response = client.post(
        "/api/ads/creatives", data="name=Merino", content_type="application/x-www-form-urlencoded", headers=bearer
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_a_json_endpoint_called_without_a_body_is_not_refused(client, bearer):
    # A POST with no body (publish now takes none) is not a media-type question; the endpoint answers it.
    response = client.generic("POST", "/api/social/publish/999999", headers=bearer)
    assert response.status_code == 404
