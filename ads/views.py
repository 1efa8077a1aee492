"""The ads pages: new campaign, campaign page (daily chart, action log), inline pause / resume / budget edits,
rules with a preview, and guardrail settings. Thin: parse, authorise, one service or selector call, render."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ads import selectors, services
from ads.forms import AdSettingsForm, BudgetForm, CampaignForm, CreativePreviewForm, RuleForm
from ads.models import Objective
from ads.services.rules import rule_create, rule_delete, rule_evaluate
from platforms.constants import AD_PLATFORMS
from stores.actors import Actor
from stores.exceptions import ApplicationError
from stores.htmx import render_page_or_fragment
from stores.models import Store
from stores.money import to_major
from stores.permissions import store_member_required
from stores.selectors import product_get_for_store, products_active_for_store, products_best_sellers_in_stock


def _form_error(form: CampaignForm | BudgetForm | RuleForm | AdSettingsForm) -> ApplicationError:
    problems = [
        f"{form.fields[f].label or f.replace('_', ' ').capitalize()}: {e}" if f in form.fields else e
        for f, es in form.errors.items()
        for e in es
    ]
    return ApplicationError(" ".join(problems), code="invalid_form")


def _preview_context(*, store: Store, data: QueryDict | dict[str, object]) -> dict[str, object]:
    """The written ad the preview shows for ``data`` (platform, product, objective, video id), with what the
    platform or the ads settings still lack; no preview when the data names no product. 404 for a product of
    another store."""
    query = CreativePreviewForm(data)
    if not query.is_valid():
        return {"preview": None, "preview_problems": []}
    picked = query.cleaned_data
    product = product_get_for_store(store=store, id=picked["product"])
    draft = services.creative_draft_for_product(
        store=store, product=product, platform=picked["platform"], video_id=picked["video_id"]
    )
    settings_lack = services.ad_settings_problems(
        store=store, platform=picked["platform"], objective=picked["objective"] or Objective.SALES
    )
    return {"preview": draft, "preview_problems": [*draft.problems, *settings_lack]}


def _first_pick(*, store: Store, products: list[tuple[int, str]]) -> dict[str, object]:
    """What the new-campaign page opens on: the first ad platform and the best seller in stock (else the first
    product), so the preview shows an ad at once."""
    best = products_best_sellers_in_stock(store=store, limit=1)
    product_id = best[0].product.pk if best else (products[0][0] if products else None)
    return {"platform": AD_PLATFORMS[0], "product": product_id, "objective": Objective.SALES}


@store_member_required(write=True)
def campaign_new(request: HttpRequest) -> HttpResponse:
    """The new-campaign page; an htmx GET (a product or platform picked) answers only the ad's preview."""
    membership = request.membership
    store = membership.store
    products = [(p.pk, p.title) for p in products_active_for_store(store=store)]
    first = _first_pick(store=store, products=products)
    form = CampaignForm(
        request.POST or None,
        store=store,
        products=products,
        preview_url=reverse("ads:campaign_new"),
        initial={**first, **request.GET.dict()},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = services.campaign_create_for_product(
                    store=store,
                    actor=Actor.member(membership),
                    platform=data["platform"],
                    name=data["name"],
                    objective=data["objective"],
                    daily_budget_minor=data["daily_budget"],
                    product=product_get_for_store(store=store, id=data["product"]),
                    video_id=data["video_id"],
                    activate=data["activate"],
                    end_at=services.campaign_end_for(store=store, last_day=data["last_day"]),
                )
            except ApplicationError as refusal:
                form.add_error(None, refusal.message)  # shown on the form, with what the merchant entered
            else:
                messages.success(
                    request, f"“{campaign.name}” is being created at the platform, paused until it is ready."
                )
                return redirect("ads:campaign", campaign_id=campaign.pk)
        status = 400
    picked = request.POST if request.method == "POST" else (request.GET or first)
    context = {"form": form, "has_products": bool(products), **_preview_context(store=store, data=picked)}
    return render_page_or_fragment(request, "ads/campaign_form.html", "creative-preview", context, status=status)


@store_member_required()
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_store(store=request.membership.store, id=campaign_id)
    context = {
        "campaign": campaign,
        "daily": selectors.campaign_daily(campaign=campaign),
        "actions": selectors.campaign_actions(campaign=campaign),
    }
    return render_page_or_fragment(request, "ads/campaign_detail.html", "campaign-body", context)


def _row_response(request: HttpRequest, campaign_id: int) -> HttpResponse:
    store = request.membership.store
    if not request.htmx:
        return redirect("growth:ads")
    campaign = selectors.campaign_get_for_store(store=store, id=campaign_id)
    row = selectors.campaign_rows(campaigns=[campaign], store=store)[0]
    return render(request, "ads/hub_tab.html#campaign-row", {"row": row})


@require_POST
@store_member_required(write=True)
def campaign_pause(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_store(store=request.membership.store, id=campaign_id)
    services.campaign_pause(campaign=campaign, actor=Actor.member(request.membership), reason="Paused in the hub.")
    return _row_response(request, campaign_id)


@require_POST
@store_member_required(write=True)
def campaign_resume(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_store(store=request.membership.store, id=campaign_id)
    services.campaign_resume(campaign=campaign, actor=Actor.member(request.membership), reason="Resumed in the hub.")
    return _row_response(request, campaign_id)


@require_POST
@store_member_required(write=True)
def campaign_budget(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_store(store=request.membership.store, id=campaign_id)
    form = BudgetForm(request.POST, currency=campaign.currency)
    if not form.is_valid():
        raise _form_error(form)
    services.campaign_change_budget(
        campaign=campaign,
        daily_budget_minor=form.cleaned_data["daily_budget"],
        actor=Actor.member(request.membership),
        reason="Budget edited in the hub.",
    )
    return _row_response(request, campaign_id)


@store_member_required()
def rules(request: HttpRequest) -> HttpResponse:
    store = request.membership.store
    form = RuleForm(request.POST or None, currency=store.currency)
    if request.method == "POST":
        if not form.is_valid():
            raise _form_error(form)
        data = form.cleaned_data
        rule_create(
            store=store,
            by=request.membership,
            user=request.user,
            name=data["name"],
            platform=data["platform"] or "",
            metric=data["metric"],
            operator=data["operator"],
            threshold=data["threshold"],
            window_days=data["window_days"],
            min_spend_minor=data["min_spend"],
            action=data["action"],
            change_percent=data["change_percent"] or 0,
            cooldown_hours=data["cooldown_hours"],
        )
        messages.success(request, f"Rule “{data['name']}” saved. It runs every hour.")
        return redirect("ads:rules")
    return render(request, "ads/rules.html", {"form": form, "rules": selectors.rules_for_store(store=store)})


@store_member_required()
def rule_preview(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = selectors.rule_get_for_store(store=request.membership.store, id=rule_id)
    results = rule_evaluate(rule=rule, dry_run=True)
    return render_page_or_fragment(request, "ads/rule_preview.html", "rule-preview", {"rule": rule, "results": results})


@require_POST
@store_member_required(write=True)
def rule_remove(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = selectors.rule_get_for_store(store=request.membership.store, id=rule_id)
    rule_delete(rule=rule, by=request.membership)
    messages.success(request, "Rule deleted.")
    return redirect("ads:rules")


@store_member_required()
def ad_settings(request: HttpRequest) -> HttpResponse:
    store = request.membership.store
    current = selectors.ad_settings_get(store=store)
    initial = {
        "daily_spend_cap": to_major(current.daily_spend_cap_minor, store.currency),
        "max_campaign_daily_budget": to_major(current.max_campaign_daily_budget_minor, store.currency),
        "meta_page_id": current.meta_page_id,
        "meta_pixel_id": current.meta_pixel_id,
        "tiktok_pixel_id": current.tiktok_pixel_id,
    }
    form = AdSettingsForm(request.POST or None, initial=initial, currency=store.currency)
    if request.method == "POST":
        if not form.is_valid():
            raise _form_error(form)
        data = form.cleaned_data
        services.ad_settings_update(
            store=store,
            by=request.membership,
            daily_spend_cap_minor=data["daily_spend_cap"],
            max_campaign_daily_budget_minor=data["max_campaign_daily_budget"],
            meta_page_id=data["meta_page_id"],
            meta_pixel_id=data["meta_pixel_id"],
            tiktok_pixel_id=data["tiktok_pixel_id"],
        )
        messages.success(request, "Ad settings saved.")
        return redirect(reverse("ads:settings"))
    return render(request, "ads/settings.html", {"form": form, "ad_settings": current})
