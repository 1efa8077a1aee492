"""The ads pages: new campaign, campaign page (daily chart, action log), inline pause / resume / budget edits,
rules with a preview, and guardrail settings. Thin: parse, authorise, one service or selector call, render."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ads import selectors, services
from ads.forms import AdSettingsForm, BudgetForm, CampaignForm, RuleForm
from ads.services.rules import rule_create, rule_delete, rule_evaluate
from stores.actors import Actor
from stores.exceptions import ApplicationError
from stores.htmx import render_page_or_fragment
from stores.money import to_major
from stores.permissions import store_member_required


def _form_error(form: CampaignForm | BudgetForm | RuleForm | AdSettingsForm) -> ApplicationError:
    problems = [
        f"{form.fields[f].label or f.replace('_', ' ').capitalize()}: {e}" if f in form.fields else e
        for f, es in form.errors.items()
        for e in es
    ]
    return ApplicationError(" ".join(problems), code="invalid_form")


@store_member_required(write=True)
def campaign_new(request: HttpRequest) -> HttpResponse:
    store = request.membership.store
    form = CampaignForm(request.POST or None, store=store)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "ads/campaign_form.html", {"form": form}, status=400)
        data = form.cleaned_data
        campaign = services.campaign_create_with_creative(
            store=store,
            actor=Actor.member(request.membership),
            platform=data["platform"],
            name=data["name"],
            objective=data["objective"],
            daily_budget_minor=data["daily_budget"],
            activate=data["activate"],
            link_url=data["link_url"],
            headlines=form.lines("headlines"),
            descriptions=form.lines("descriptions"),
            primary_text=data["primary_text"],
            image_url=data["image_url"],
            video_id=data["video_id"],
            last_day=data["last_day"],
        )
        messages.success(request, f"“{campaign.name}” is being created at the platform, paused until it is ready.")
        return redirect("ads:campaign", campaign_id=campaign.pk)
    return render(request, "ads/campaign_form.html", {"form": form})


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
