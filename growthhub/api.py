"""The JSON API root (django-ninja) at /api/, with OpenAPI docs at /api/docs. Apps add their routers here."""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import NinjaAPI, Schema

from ads.api import router as ads_router
from social.api import router as social_router
from stores.api import router as connections_router
from stores.api_auth import SessionStoreAuth, StoreApiKeyAuth
from stores.api_commerce import router as store_data_router
from stores.exceptions import ApplicationError

api = NinjaAPI(
    title="Growth Hub API",
    version="1.0.0",
    description="Authenticate with a store API key (`Authorization: Bearer gh_...`) or a signed-in session.",
    auth=[StoreApiKeyAuth(), SessionStoreAuth()],
    urls_namespace="api",
)


class ErrorOut(Schema):
    detail: str
    code: str


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message, "code": exc.code, **exc.extra}, status=exc.status_code)


class ApiIndexOut(Schema):
    name: str
    version: str
    docs: str
    openapi: str


@api.get("/", response=ApiIndexOut, auth=None, tags=["meta"], summary="Where the docs and schema are")
def index(request: HttpRequest) -> dict[str, str]:
    """Needs no authentication.

    Example response: `{"name": "Growth Hub API", "version": "1.0.0", "docs": "/api/docs",
    "openapi": "/api/openapi.json"}`
    """
    return {
        "name": api.title,
        "version": api.version,
        "docs": reverse("api:openapi-view"),
        "openapi": reverse("api:openapi-json"),
    }


class StoreOut(Schema):
    id: int
    name: str
    slug: str
    currency: str
    timezone: str


@api.get("/store", response=StoreOut, tags=["stores"], summary="The store this request acts for")
def current_store(request: HttpRequest) -> object:
    """The store the key or session acts for.

    Example response: `{"id": 1, "name": "Northwind Outfitters", "slug": "northwind", "currency": "USD",
    "timezone": "America/New_York"}`
    """
    return request.store


api.add_router("/oauth/", connections_router)
api.add_router("/social/", social_router)
api.add_router("/ads/", ads_router)
api.add_router("/store/", store_data_router)
