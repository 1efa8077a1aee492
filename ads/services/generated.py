"""Creatives written from the store's own product: headlines, descriptions and primary text from its title, price
(in the store's locale) and description, its image, and its page as the link, within what each ad platform takes.

``creative_draft_for_product`` only reads (the campaign form's preview shows it); ``campaign_create_for_product``
stores the draft as a real ``AdCreative`` and records the campaign with it, both or neither.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import transaction

from ads.models import AdCampaign
from ads.services.creation import campaign_create, creative_create
from platforms.constants import AD_PLATFORMS, PLATFORM_NAMES
from platforms.google_ads.ads import DESCRIPTION_MAX, HEADLINE_MAX
from platforms.registry import platform as platform_descriptor
from stores.actors import Actor
from stores.exceptions import ApplicationError
from stores.links import tag_link
from stores.models import Product, Store
from stores.money import format_money
from stores.selectors import product_get_for_store, products_best_sellers_in_stock

# The tightest of the three platforms' limits, so one creative runs everywhere: Google's responsive search ads
# take headlines of 30 and descriptions of 90 characters; TikTok's ad text is 100 (shared/platform-apis.md, §6).
GENERATED_HEADLINE_MAX = HEADLINE_MAX
GENERATED_DESCRIPTION_MAX = DESCRIPTION_MAX
GENERATED_PRIMARY_TEXT_MAX = 100
GENERATED_NAME_MAX = 200
ELLIPSIS = "…"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


@dataclass(frozen=True)
class CreativeDraft:
    """What a generated creative says and shows on one platform, and what that platform still lacks."""

    product: Product
    platform: str
    name: str
    headlines: list[str]
    descriptions: list[str]
    primary_text: str
    price: str  # the product's price as the store's locale writes it ("$24.00", "24,00 €")
    image_url: str
    link_url: str  # the product's page, as the creative stores it
    tagged_link: str  # the page with the platform's link words; the campaign's own marker is added once it exists
    video_id: str = ""
    problems: list[str] = field(default_factory=list)  # empty when the platform can run it


def _fit(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary with an ellipsis when it is longer than ``limit``."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–") + ELLIPSIS


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    return _SENTENCE_END.split(text, maxsplit=1)[0] if text else ""


def _distinct(texts: list[str], *, limit: int) -> list[str]:
    """Non-empty texts fitted to ``limit``, each once (platforms refuse repeated headlines)."""
    kept: list[str] = []
    for text in texts:
        fitted = _fit(text, limit)
        if fitted and fitted.casefold() not in {k.casefold() for k in kept}:
            kept.append(fitted)
    return kept


def creative_draft_for_product(*, store: Store, product: Product, platform: str, video_id: str = "") -> CreativeDraft:
    """The creative Growth Hub writes for ``product`` on the ad ``platform``; reads nothing, writes nothing.

    ``problems`` lists what the platform needs and the draft lacks (its descriptor's ``creative`` needs, such as
    TikTok's video); empty when it can run. The ads settings a campaign relies on (Meta's page, the pixels) are
    ``ad_settings_problems``'s. KeyError for a platform the registry does not have."""
    descriptor = platform_descriptor(platform)
    price = format_money(product.price_minor, product.currency, store.locale) if product.price_minor else ""
    title = product.title.strip()
    sentence = _first_sentence(product.description)
    headlines = _distinct(
        [title, f"Yours for {price}" if price else "", f"Shop {store.name}", f"{product.category} by {store.name}"],
        limit=GENERATED_HEADLINE_MAX,
    )
    descriptions = _distinct(
        [
            sentence or title,
            f"{title} for {price} at {store.name}." if price else f"{title} at {store.name}.",
            f"Order {title} online from {store.name}.",
        ],
        limit=GENERATED_DESCRIPTION_MAX,
    )
    primary_text = _fit(
        " ".join(part for part in (f"{title} for {price}." if price else title, sentence) if part),
        GENERATED_PRIMARY_TEXT_MAX,
    )
    video_id = video_id.strip()
    problems = [] if product.url else [f"“{title}” has no page on the store: add its URL in the catalogue."]
    needs = descriptor.creative
    if needs is not None:
        unmet = needs.problems(
            headlines=headlines,
            descriptions=descriptions,
            primary_text=primary_text,
            image_url=product.image_url,
            video_id=video_id,
        )
        if unmet and needs.needs_video and not video_id:
            unmet.append(f"“{title}” has no video in the catalogue: give the video id to use with this ad.")
        problems += unmet
    return CreativeDraft(
        product=product,
        platform=platform,
        name=_fit(f"{title} · {PLATFORM_NAMES[platform]}", GENERATED_NAME_MAX),
        headlines=headlines,
        descriptions=descriptions,
        primary_text=primary_text,
        price=price,
        image_url=product.image_url,
        link_url=product.url,
        tagged_link=tag_link(product.url, platform=platform, campaign=""),
        video_id=video_id,
        problems=problems,
    )


def product_for_ads(*, store: Store, product_id: int | None) -> Product:
    """The product to advertise: ``product_id`` of this store (404 for another store's), or, when none is given,
    the store's best seller in stock (``stores.selectors.products_best_sellers_in_stock``).

    Refuses (ApplicationError) a store with no active product in stock when no id is given."""
    if product_id is not None:
        return product_get_for_store(store=store, id=product_id)
    best = products_best_sellers_in_stock(store=store, limit=1)
    if not best:
        raise ApplicationError(
            "No active product is in stock to advertise: add products to the catalogue or connect your store first.",
            code="no_products_in_stock",
        )
    return best[0].product


@transaction.atomic
def campaign_create_for_product(
    *,
    store: Store,
    actor: Actor,
    platform: str,
    name: str,
    objective: str,
    daily_budget_minor: int,
    product: Product,
    video_id: str = "",
    activate: bool = False,
    end_at: dt.datetime | None = None,
) -> AdCampaign:
    """Write the creative from ``product`` for ``platform``, store it, and record the campaign with it.

    Refuses (ApplicationError, nothing written: the creative and the campaign are one transaction) a product of
    another store, a platform that needs what the product lacks (TikTok Ads without a video id), and everything
    ``campaign_create`` refuses. Under the API's Idempotency-Key the whole call runs once per key.
    """
    actor.require_write()
    if product.store_id != store.pk:
        raise ApplicationError("That product belongs to another store.", code="invalid_product")
    if platform not in AD_PLATFORMS:
        raise ApplicationError(f"{platform!r} is not an ad platform.", code="invalid_platform")
    draft = creative_draft_for_product(store=store, product=product, platform=platform, video_id=video_id)
    if draft.problems:
        raise ApplicationError(
            f"Cannot write a {PLATFORM_NAMES[platform]} ad for “{product.title}”: " + " ".join(draft.problems),
            code="invalid_creative",
        )
    creative = creative_create(
        store=store,
        name=draft.name,
        link_url=draft.link_url,
        headlines=draft.headlines,
        descriptions=draft.descriptions,
        primary_text=draft.primary_text,
        image_url=draft.image_url,
        video_id=draft.video_id,
        product=product,
        by=actor.membership,
    )
    return campaign_create(
        store=store,
        platform=platform,
        name=name,
        objective=objective,
        daily_budget_minor=daily_budget_minor,
        creative=creative,
        actor=actor,
        activate=activate,
        product=product,
        end_at=end_at,
    )


__all__ = [
    "CreativeDraft",
    "campaign_create_for_product",
    "creative_draft_for_product",
    "product_for_ads",
]
