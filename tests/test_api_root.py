"""The JSON API root: Bearer store keys or the dashboard session, CSRF on session writes, analysts read-only,
and OpenAPI docs that work under the strict Content Security Policy."""

import re

import pytest
from django.http import HttpRequest
from django.test import Client
from django.urls import path
from ninja import NinjaAPI

from growthhub.api import application_error
from stores.api_auth import SessionStoreAuth, StoreApiKeyAuth
from stores.exceptions import ApplicationError
from stores.models import Role
from stores.services import api_key_create, api_key_revoke
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

# A write endpoint behind the same authentication as the real API, to show what every app's writes get.
probe_api = NinjaAPI(auth=[StoreApiKeyAuth(), SessionStoreAuth()], urls_namespace="probe-api")
probe_api.add_exception_handler(ApplicationError, application_error)


@probe_api.post("/echo")
def echo(request: HttpRequest) -> dict:
    return {"store": request.store.slug, "role": request.api_role}


urlpatterns = [path("probe/", probe_api.urls)]


def _bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


def test_the_api_root_says_where_the_docs_are(client):
    response = client.get("/api/")
    assert response.status_code == 200
    assert response.json() == {
        "name": "Growth Hub API",
        "version": "1.0.0",
        "docs": "/api/docs",
        "openapi": "/api/openapi.json",
    }


def test_the_docs_load_swagger_from_this_host_with_nothing_inline(client):
    # when someone opens the API docs
    response = client.get("/api/docs")
    body = response.content.decode()
    # then Swagger comes from our own static files, and the page runs no inline script
    assert response.status_code == 200
    assert '<script src="/static/ninja/swagger-ui-bundle.js"></script>' in body
    assert '<script src="/static/ninja/swagger-ui-init.js"></script>' in body
    scripts = re.findall(r"<script[^>]*>", body)
    assert all('src="/static/' in tag or 'type="application/json"' in tag for tag in scripts)
    assert "cdn" not in body.lower()
    assert re.findall(r"\sstyle=|<style", body) == []
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_openapi_document_describes_both_ways_to_authenticate(client):
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "Growth Hub API"
    assert schema["components"]["securitySchemes"] == {
        "StoreApiKeyAuth": {"type": "http", "scheme": "bearer"},
        "SessionStoreAuth": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
    }
    assert "/api/store" in schema["paths"]


def test_get_store_with_a_bearer_key(client, store, owner):
    _key, raw = api_key_create(store=store, name="ERP", created_by=owner)
    response = client.get("/api/store", headers=_bearer(raw))
    assert response.status_code == 200
    assert response.json() == {
        "id": store.id,
        "name": "Northwind Outfitters",
        "slug": "northwind",
        "currency": "USD",
        "timezone": "America/New_York",
    }


def test_get_store_with_the_dashboard_session(owner_client, store):
    response = owner_client.get("/api/store")
    assert response.status_code == 200
    assert response.json()["slug"] == "northwind"


def test_the_session_acts_for_the_current_store_only(client, store, other_store):
    user = UserFactory()
    MembershipFactory(store=store, user=user, role=Role.OWNER)
    MembershipFactory(store=other_store, user=user, role=Role.ANALYST)
    client.force_login(user)
    client.post("/stores/contoso/switch/")
    assert client.get("/api/store").json()["slug"] == "contoso"


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no credentials"),
        pytest.param({"Authorization": "Bearer gh_00000000_not-a-key"}, id="a wrong key"),
        pytest.param({"Authorization": "Basic b3duZXI6cGFzcw=="}, id="another scheme"),
    ],
)
def test_without_valid_credentials_the_api_answers_401(client, store, headers):
    response = client.get("/api/store", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_a_revoked_key_answers_401(client, store, owner):
    key, raw = api_key_create(store=store, name="ERP", created_by=owner)
    api_key_revoke(key=key)
    assert client.get("/api/store", headers=_bearer(raw)).status_code == 401


def test_a_signed_in_user_without_a_store_gets_401(client, db):
    client.force_login(UserFactory())
    assert client.get("/api/store").status_code == 401


@pytest.mark.urls("tests.test_api_root")
def test_a_key_of_store_a_writes_as_store_a_and_never_reaches_store_b(client, store, other_store, owner):
    _key, raw = api_key_create(store=store, name="ERP", created_by=owner)
    response = client.post("/probe/echo", headers=_bearer(raw))
    assert response.status_code == 200
    assert response.json() == {"store": "northwind", "role": Role.MARKETER}


@pytest.mark.urls("tests.test_api_root")
def test_a_write_with_a_wrong_key_is_401_not_a_csrf_error(client, store):
    response = client.post("/probe/echo", headers=_bearer("gh_00000000_not-a-key"))
    assert response.status_code == 401


@pytest.mark.urls("tests.test_api_root")
def test_session_writes_need_the_csrf_token(store, owner):
    # given the owner's browser session, with CSRF enforced as in a real browser
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    # when it posts without the token, then with the cookie's token in the header (as base.html's hx-headers do)
    without = client.post("/probe/echo")
    secret = "k" * 32
    client.cookies["csrftoken"] = secret
    with_token = client.post("/probe/echo", headers={"X-CSRFToken": secret})
    # then only the request carrying the token goes through
    assert without.status_code == 403
    assert without.json() == {"detail": "CSRF check Failed"}
    assert with_token.status_code == 200
    assert with_token.json() == {"store": "northwind", "role": Role.OWNER}


@pytest.mark.urls("tests.test_api_root")
def test_an_analyst_key_reads_but_cannot_write(client, store, owner):
    _key, raw = api_key_create(store=store, name="BI", created_by=owner, role=Role.ANALYST)
    response = client.post("/probe/echo", headers=_bearer(raw))
    assert response.status_code == 403
    assert response.json() == {"detail": "Analysts can read everything but change nothing.", "code": "forbidden"}


@pytest.mark.urls("tests.test_api_root")
def test_an_analyst_session_cannot_write(client, store, analyst):
    client.force_login(analyst)
    response = client.post("/probe/echo")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_an_analyst_key_reads_the_store(client, store, owner):
    _key, raw = api_key_create(store=store, name="BI", created_by=owner, role=Role.ANALYST)
    assert client.get("/api/store", headers=_bearer(raw)).status_code == 200
