"""JSON API for platform connections, mounted at /api/oauth/. Never returns a token."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from platforms.constants import ALL_PLATFORMS
from stores.connections.selectors import connections_overview
from stores.connections.services import connection_authorize_begin
from stores.connections.views import callback_uri
from stores.exceptions import ApplicationError

router = Router(tags=["connections"])


class ConnectionOut(Schema):
    id: int
    platform: str
    platform_name: str
    status: str
    account_id: str
    account_name: str
    ad_account_id: str
    ad_account_name: str
    scopes: list[str]
    expires_at: dt.datetime | None
    renewable: bool
    last_success_at: dt.datetime | None
    last_failure_at: dt.datetime | None
    last_error: str
    connected_at: dt.datetime


class AuthorizeIn(Schema):
    platform: str


class AuthorizeOut(Schema):
    authorization_url: str


@router.get("/connections", response=list[ConnectionOut], summary="The store's platform connections and health")
def connections_list(request: HttpRequest) -> list[dict]:
    """Connections that are not disconnected, with when the sign-in runs out and how the last call went.

    Example response: `[{"id": 3, "platform": "x", "platform_name": "X", "status": "active", "account_id":
    "1500000000000000001", "account_name": "@northwind_out", "ad_account_id": "", "ad_account_name": "",
    "scopes": ["tweet.read", "users.read"], "expires_at": null, "renewable": true, "last_success_at":
    "2026-11-26T09:00:00Z", "last_failure_at": null, "last_error": "", "connected_at": "2026-11-20T10:00:00Z"}]`
    """
    rows = connections_overview(store=request.store)["connections"]
    return [
        {
            "id": row.connection.pk,
            "platform": row.connection.platform,
            "platform_name": row.platform_name,
            "status": row.connection.status,
            "account_id": row.connection.external_account_id,
            "account_name": row.connection.external_account_name,
            "ad_account_id": row.connection.ad_account_id,
            "ad_account_name": row.connection.ad_account_name,
            "scopes": row.connection.scopes,
            "expires_at": row.expires_at,
            "renewable": row.renewable,
            "last_success_at": row.connection.last_success_at,
            "last_failure_at": row.connection.last_failure_at,
            "last_error": row.connection.last_error,
            "connected_at": row.connection.connected_at,
        }
        for row in rows
    ]


@router.post("/authorize", response=AuthorizeOut, summary="Start connecting a platform")
def authorize(request: HttpRequest, payload: AuthorizeIn) -> dict[str, str]:
    """Open the returned URL in the browser of the user the key was created by (or the signed-in user): after
    consent the platform sends them to Growth Hub's callback, which completes the connection.

    Example request: `{"platform": "pinterest"}`; response: `{"authorization_url":
    "https://www.pinterest.com/oauth/?response_type=code&client_id=...&state=..."}`
    """
    if payload.platform not in ALL_PLATFORMS:
        raise ApplicationError(f"Unknown platform {payload.platform!r}.", code="unknown_platform")
    user = getattr(request, "api_user", None)
    if user is None:
        raise ApplicationError("This API key has no user to connect on behalf of.", code="no_api_user")
    url = connection_authorize_begin(
        store=request.store,
        user=user,
        platform=payload.platform,
        redirect_uri=callback_uri(request, payload.platform),
    )
    return {"authorization_url": url}
