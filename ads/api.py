"""The ads JSON API, mounted at /api/ads/: campaigns (create, list, change status or budget) and creatives."""

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema
from ninja.pagination import paginate
from pydantic import BeforeValidator

from ads import selectors, services
from ads.models import (
    CREATIVE_DESCRIPTION_MAX_LENGTH,
    CREATIVE_DESCRIPTIONS_MAX,
    CREATIVE_HEADLINE_MAX_LENGTH,
    CREATIVE_HEADLINES_MAX,
    CREATIVE_PRIMARY_TEXT_MAX_LENGTH,
    MONEY_MAX_MINOR,
    URL_MAX_LENGTH,
    CampaignStatus,
)
from ads.selectors import ID_MAX
from stores.api_aliases import AD_PLATFORM_ALIASES, OBJECTIVE_ALIASES, alias_resolver, aliases_described
from stores.api_auth import api_actor
from stores.api_pagination import BoundedPageNumberPagination
from stores.exceptions import ApplicationError
from stores.idempotency import idempotent

router = Router(tags=["ads"])

RowId = Annotated[int, Field(ge=1, le=ID_MAX)]
Budget = Annotated[int, Field(ge=1, le=MONEY_MAX_MINOR)]
Headline = Annotated[str, Field(max_length=CREATIVE_HEADLINE_MAX_LENGTH)]
Description = Annotated[str, Field(max_length=CREATIVE_DESCRIPTION_MAX_LENGTH)]
CampaignId = Annotated[int, Path(ge=1, le=ID_MAX)]
# A platform or objective by its own word or one of the aliases of ``stores.api_aliases``.
AdPlatform = Annotated[str, BeforeValidator(alias_resolver(AD_PLATFORM_ALIASES))]
CampaignObjective = Annotated[str, BeforeValidator(alias_resolver(OBJECTIVE_ALIASES))]


class CampaignIn(Schema):
    name: str = Field(..., max_length=150, examples=["Merino socks – spring"])
    platform: AdPlatform = Field(
        ...,
        max_length=32,
        examples=["meta_ads", "meta"],
        description=f"meta_ads, google_ads or tiktok_ads; also accepted: {aliases_described(AD_PLATFORM_ALIASES)}",
    )
    objective: CampaignObjective = Field(
        "sales",
        max_length=16,
        examples=["sales", "conversions"],
        description=f"sales, traffic or awareness; also accepted: {aliases_described(OBJECTIVE_ALIASES)}",
    )
    daily_budget: Budget = Field(
        ...,
        examples=[5000],
        description=f"minor units of the store currency (5000 = 50.00), 1 to {MONEY_MAX_MINOR}",
    )
    creative_ids: list[RowId] = Field(
        default_factory=list,
        max_length=10,
        examples=[[12]],
        description=(
            "one creative of this store; leave it out to have the creative written from the store's product "
            "(`product_id`): headlines, descriptions and text from its title, price and description, its image, "
            "its page as the link"
        ),
    )
    product_id: RowId | None = Field(
        None,
        examples=[7],
        description=(
            "without creative_ids: the product to advertise (404 for a product of another store); left out, the "
            "store's best seller in stock"
        ),
    )
    video_id: str = Field(
        "",
        max_length=64,
        examples=["v10033g50000cq1"],
        description="without creative_ids: the video of the written creative (TikTok Ads needs one)",
    )
    activate: bool = Field(False, description="start delivering once created (subject to the spend cap)")
    end_date: dt.date | None = Field(
        None,
        examples=["2026-12-31"],
        description="last day it runs (store's calendar), from today to two years ahead; none = until stopped",
    )

    model_config = {
        "json_schema_extra": {
            "example": {
                "name": "Merino socks – spring",
                "platform": "meta_ads",
                "objective": "sales",
                "daily_budget": 5000,
                "creative_ids": [12],
            },
            "examples": [
                {
                    "name": "Merino socks – spring",
                    "platform": "meta_ads",
                    "objective": "sales",
                    "daily_budget": 5000,
                    "creative_ids": [12],
                },
                {"name": "Best seller – Meta", "platform": "meta", "objective": "conversions", "daily_budget": 5000},
                {"name": "Sock on Google", "platform": "google", "daily_budget": 3000, "product_id": 7},
            ],
        }
    }


class CampaignPatch(Schema):
    status: str | None = Field(None, max_length=16, examples=["paused"], description="active, paused or archived")
    daily_budget: Budget | None = Field(None, examples=[7500], description=f"minor units, 1 to {MONEY_MAX_MINOR}")

    model_config = {"json_schema_extra": {"example": {"status": "paused"}}}


class CampaignOut(Schema):
    id: int
    name: str
    platform: str
    objective: str
    status: str
    daily_budget: int = Field(..., alias="daily_budget_minor")
    currency: str
    spend: int = Field(..., alias="spend_minor")
    purchases: int
    purchase_value: int = Field(..., alias="purchase_value_minor")
    roas: float | None
    external_campaign_id: str
    platform_status: str = Field(
        ..., description="what the platform confirmed: active, paused, archived, or empty while it is being created"
    )
    pending_change: str = Field(
        ...,
        description="asked and not yet confirmed by the platform: pausing, activating, archiving, budget, or empty",
    )
    end_at: dt.datetime | None
    created_at: dt.datetime
    creative_id: int | None = Field(..., description="the creative it runs (written from the product when generated)")
    product_id: int | None

    model_config = {
        "json_schema_extra": {
            "example": {
                "id": 7,
                "name": "Merino socks – spring",
                "platform": "meta_ads",
                "objective": "sales",
                "status": "paused",
                "daily_budget": 5000,
                "currency": "USD",
                "spend": 0,
                "purchases": 0,
                "purchase_value": 0,
                "roas": None,
                "external_campaign_id": "120200000000001",
                "platform_status": "paused",
                "pending_change": "",
                "end_at": "2027-01-01T05:00:00Z",
                "created_at": "2026-03-01T12:00:00Z",
                "creative_id": 12,
                "product_id": 7,
            }
        }
    }


class CreativeIn(Schema):
    name: str = Field(..., max_length=200, examples=["Merino socks"])
    link_url: str = Field(..., max_length=URL_MAX_LENGTH, examples=["https://shop.example.com/products/merino-socks"])
    headlines: list[Headline] = Field(
        ...,
        max_length=CREATIVE_HEADLINES_MAX,
        examples=[["Merino Trail Socks", "Soft on long hikes", "Free returns"]],
        description=f"1 to {CREATIVE_HEADLINES_MAX}, each up to {CREATIVE_HEADLINE_MAX_LENGTH} characters",
    )
    descriptions: list[Description] = Field(
        default_factory=list,
        max_length=CREATIVE_DESCRIPTIONS_MAX,
        examples=[["Warm merino.", "Ships tomorrow."]],
        description=f"up to {CREATIVE_DESCRIPTIONS_MAX}, each up to {CREATIVE_DESCRIPTION_MAX_LENGTH} characters",
    )
    primary_text: str = Field(
        "", max_length=CREATIVE_PRIMARY_TEXT_MAX_LENGTH, examples=["Our best-selling socks are back."]
    )
    image_url: str = Field("", max_length=URL_MAX_LENGTH)
    video_id: str = Field("", max_length=64)


class CreativeOut(Schema):
    id: int
    name: str
    link_url: str
    headlines: list[str]
    descriptions: list[str]


@router.post("/campaigns", response={201: CampaignOut}, summary="Create a campaign (paused unless activate)")
@idempotent
def create_campaign(request: HttpRequest, payload: CampaignIn) -> tuple[int, object]:
    """Records the campaign and creates it at the platform in the background, exactly once.

    Example body: `{"name": "Merino socks – spring", "platform": "meta_ads", "objective": "sales",
    "daily_budget": 5000, "creative_ids": [12]}`. Without `creative_ids` the creative is written from the store's
    product (`product_id`, or the best seller in stock): `{"name": "Best seller", "platform": "meta",
    "objective": "conversions", "daily_budget": 5000}`; the written creative is a creative of the store like any
    other, and under one `Idempotency-Key` it and the campaign are created once. Refusals (budget under the
    platform minimum or over the guardrails, unconnected platform, unusable creative, a platform that needs what
    the product lacks such as TikTok's video, no product in stock) answer 400 with `{"detail", "code"}` and create
    nothing.
    """
    store, actor = request.store, api_actor(request)
    end_at = services.campaign_end_for(store=store, last_day=payload.end_date)
    if not payload.creative_ids:
        campaign = services.campaign_create_for_product(
            store=store,
            actor=actor,
            platform=payload.platform,
            name=payload.name,
            objective=payload.objective,
            daily_budget_minor=payload.daily_budget,
            product=services.product_for_ads(store=store, product_id=payload.product_id),
            video_id=payload.video_id,
            activate=payload.activate,
            end_at=end_at,
        )
        return 201, campaign
    if payload.product_id is not None or payload.video_id:
        raise ApplicationError(
            "Give creative_ids, or product_id and video_id for a written creative, not both.", code="invalid_creative"
        )
    if len(payload.creative_ids) != 1:
        raise ApplicationError("Give exactly one creative id.", code="invalid_creative")
    creative = selectors.creative_get_for_store(store=store, id=payload.creative_ids[0])
    campaign = services.campaign_create(
        store=store,
        platform=payload.platform,
        name=payload.name,
        objective=payload.objective,
        daily_budget_minor=payload.daily_budget,
        creative=creative,
        actor=actor,
        activate=payload.activate,
        end_at=end_at,
    )
    return 201, campaign


@router.get("/campaigns", response=list[CampaignOut], summary="The store's campaigns, newest first")
@paginate(BoundedPageNumberPagination)
def list_campaigns(request: HttpRequest) -> object:
    """Paginated (`?page=2`); a fixed number of queries per page."""
    return selectors.campaigns_for_store(store=request.store)


@router.get("/campaigns/{campaign_id}", response=CampaignOut, summary="One campaign")
def get_campaign(request: HttpRequest, campaign_id: CampaignId) -> object:
    return selectors.campaign_get_for_store(store=request.store, id=campaign_id)


@router.patch("/campaigns/{campaign_id}", response=CampaignOut, summary="Pause, resume, archive or change budget")
def patch_campaign(request: HttpRequest, campaign_id: CampaignId, payload: CampaignPatch) -> object:
    """Example bodies: `{"status": "paused"}`, `{"status": "active"}`, `{"daily_budget": 7500}`.

    Raising a budget or resuming is refused (400, code `spend_cap_exceeded`, with the numbers) when the store's
    active daily budgets would pass its cap. A committed change answers 200 with the new desired state and
    `pending_change` saying what the platform has yet to confirm (`pausing`, `activating`, `budget`...); asking
    for the same status again while it is pending makes sure it is on its way.
    """
    campaign = selectors.campaign_get_for_store(store=request.store, id=campaign_id)
    actor = api_actor(request)
    if payload.status is None and payload.daily_budget is None:
        raise ApplicationError("Give a status or a daily_budget.", code="nothing_to_change")
    if payload.daily_budget is not None and payload.daily_budget != campaign.daily_budget_minor:
        services.campaign_change_budget(campaign=campaign, daily_budget_minor=payload.daily_budget, actor=actor)
    if payload.status is not None:
        campaign.refresh_from_db()
        changes = {
            CampaignStatus.PAUSED: services.campaign_pause,
            CampaignStatus.ACTIVE: services.campaign_resume,
            CampaignStatus.ARCHIVED: services.campaign_archive,
        }
        if payload.status not in changes:
            raise ApplicationError("status is active, paused or archived.", code="invalid_status")
        # The same status again while the platform has not confirmed it: the service makes sure it is queued.
        pending = {CampaignStatus.PAUSED: "pausing", CampaignStatus.ACTIVE: "activating"}.get(
            payload.status, "archiving"
        )
        if payload.status != campaign.status or campaign.pending_change == pending:
            changes[payload.status](campaign=campaign, actor=actor, reason="Changed through the API.")
    return selectors.campaign_get_for_store(store=request.store, id=campaign_id)


@router.post("/creatives", response={201: CreativeOut}, summary="Create a creative to use in campaigns")
@idempotent
def create_creative(request: HttpRequest, payload: CreativeIn) -> tuple[int, object]:
    """Example body: `{"name": "Merino socks", "link_url": "https://shop.example.com/products/merino-socks",
    "headlines": ["Merino Trail Socks", "Soft on long hikes", "Free returns"], "descriptions": ["Warm merino.",
    "Ships tomorrow."], "primary_text": "Back in stock."}`"""
    creative = services.creative_create(store=request.store, **payload.dict())
    return 201, creative
