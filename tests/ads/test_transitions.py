"""One lifecycle for campaigns: every move along ``ALLOWED`` saves the status and writes exactly one action, every
other move is refused with nothing written, and no code in the ads app sets a campaign's status anywhere else."""

import ast
from pathlib import Path

import pytest
from django.db import transaction

from ads.models import ActionKind, ActionResult, AdCampaign, CampaignAction, CampaignStatus
from ads.services.transitions import ALLOWED, TransitionRefused, campaign_transition
from platforms.constants import META_ADS
from stores.actors import SYSTEM, Actor
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STATUSES = list(CampaignStatus.values)
ALLOWED_PAIRS = [pytest.param(a, b, id=f"{a}->{b}") for a in STATUSES for b in sorted(ALLOWED[a])]
FORBIDDEN_PAIRS = [pytest.param(a, b, id=f"{a}->{b}") for a in STATUSES for b in STATUSES if b not in ALLOWED[a]]
ADS = Path(__file__).resolve().parents[2] / "ads"


def campaign_in(store, connection, status: str) -> AdCampaign:
    return AdCampaign.objects.create(
        store=store,
        platform=META_ADS,
        connection=connection,
        name="Sock drop",
        daily_budget_minor=5000,
        currency="USD",
        status=status,
    )


def test_every_status_has_its_row_in_the_map():
    assert set(ALLOWED) == set(STATUSES)
    assert all(to in STATUSES and to != status for status, targets in ALLOWED.items() for to in targets)


@pytest.mark.parametrize(("start", "to"), ALLOWED_PAIRS)
def test_an_allowed_move_saves_the_status_and_writes_one_action(store, connections, start, to):
    # given a campaign in the first status, and a staff member acting
    campaign = campaign_in(store, connections[META_ADS], start)
    staff = UserFactory(email="staff@growthhub.test")
    actor = Actor.staff(staff)
    # when it is moved to the second
    with transaction.atomic():
        action = campaign_transition(
            campaign=campaign, to=to, actor=actor, kind=ActionKind.HOLD, reason="why", result=ActionResult.APPLIED
        )
    # then the row holds the new status and one action says who moved it from where to where
    campaign.refresh_from_db()
    assert campaign.status == to
    assert list(CampaignAction.objects.values_list("pk", flat=True)) == [action.pk]
    action.refresh_from_db()
    assert (action.kind, action.actor_kind, action.actor_user, action.actor_label) == ("hold", "user", staff, "admin")
    assert (action.before, action.after, action.reason, action.result) == (
        {"status": start},
        {"status": to},
        "why",
        ActionResult.APPLIED,
    )
    assert (action.store_id, action.campaign_id) == (store.pk, campaign.pk)
    assert action.finished_at is not None


@pytest.mark.parametrize(("start", "to"), FORBIDDEN_PAIRS)
def test_a_forbidden_move_is_refused_and_changes_nothing(store, connections, start, to):
    # given a campaign in the first status
    campaign = campaign_in(store, connections[META_ADS], start)
    # when it is asked to move where the map does not go
    with pytest.raises(TransitionRefused) as refused, transaction.atomic():
        campaign_transition(campaign=campaign, to=to, actor=SYSTEM, kind=ActionKind.PAUSE, hold_reason="x")
    # then the refusal says so, the row is as it was and nothing is logged
    assert refused.value.message == f"A {start} campaign cannot become {to}."
    assert (refused.value.code, refused.value.extra) == ("invalid_transition", {"from": start, "to": to})
    assert AdCampaign.objects.values_list("status", "hold_reason").get(pk=campaign.pk) == (start, "")
    assert not CampaignAction.objects.exists()


def test_a_move_that_settles_logged_actions_finishes_them_instead_of_writing_another(store, connections):
    # given a draft with its pending create action, and a pending pause logged before it
    campaign = campaign_in(store, connections[META_ADS], CampaignStatus.DRAFT)
    pause = CampaignAction.objects.create(store=store, campaign=campaign, kind=ActionKind.PAUSE)
    create = CampaignAction.objects.create(store=store, campaign=campaign, kind=ActionKind.CREATE)
    # when the platform refuses the creation
    with transaction.atomic():
        settled = campaign_transition(
            campaign=campaign,
            to=CampaignStatus.ERROR,
            actor=SYSTEM,
            kind=ActionKind.CREATE,
            result=ActionResult.FAILED,
            error="No.",
            settles=CampaignAction.objects.filter(campaign=campaign, kind=ActionKind.CREATE),
            last_error="No.",
        )
    # then the campaign is in error, its create action failed with the message, and no action was added
    campaign.refresh_from_db()
    assert (campaign.status, campaign.last_error) == (CampaignStatus.ERROR, "No.")
    assert settled.pk == create.pk
    assert list(CampaignAction.objects.order_by("pk").values_list("kind", "result", "error")) == [
        (ActionKind.PAUSE, ActionResult.PENDING, ""),
        (ActionKind.CREATE, ActionResult.FAILED, "No."),
    ]
    assert settled.finished_at is not None
    pause.refresh_from_db()
    assert pause.finished_at is None


def _status_writes(tree: ast.AST) -> list[tuple[int, str]]:
    """Where a module sets a ``status``: ``x.status = ...``, ``setattr(x, "status", ...)`` or a setattr whose field
    is computed (an ads rule's own fields aside), or ``status=`` given to a model constructor, ``.create(...)`` or
    ``.update(...)`` (filters and lookups read, they do not set)."""
    found = []
    for node in ast.walk(tree):
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign):
            targets = [
                t for target in node.targets for t in (target.elts if isinstance(target, ast.Tuple) else [target])
            ]
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        found += [(node.lineno, "attribute") for t in targets if isinstance(t, ast.Attribute) and t.attr == "status"]
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        target = ast.unparse(node.args[0]) if node.args else ""
        if name == "setattr" and len(node.args) > 1 and not isinstance(node.args[1], ast.Constant) and target != "rule":
            found.append((node.lineno, "setattr with a computed field name"))
        if name == "setattr" and len(node.args) > 1 and getattr(node.args[1], "value", None) == "status":
            found.append((node.lineno, "setattr"))
        writes = name in ("update", "create", "get_or_create", "update_or_create", "AdCampaign")
        for keyword in node.keywords:
            if writes and keyword.arg == "status":
                draft = ast.unparse(keyword.value) == "CampaignStatus.DRAFT" and name == "AdCampaign"
                found.append((node.lineno, "new draft" if draft else f"{name}(status=...)"))
    return found


def test_a_campaign_status_is_set_only_in_transitions():
    # given every module of the ads app (migrations aside)
    modules = [p for p in sorted(ADS.rglob("*.py")) if "migrations" not in p.parts]
    assert ADS / "services" / "transitions.py" in modules
    # when their status writes are listed
    writes = {
        str(path.relative_to(ADS)): _status_writes(ast.parse(path.read_text(), filename=str(path))) for path in modules
    }
    # then the only ones outside transitions.py are the new draft row of a created campaign, and the field names
    # set from a variable are those of the transition itself
    outside = {
        module: found
        for module, found in writes.items()
        if found and module != "services/transitions.py" and found != [(found[0][0], "new draft")]
    }
    assert outside == {}
    assert [kind for _, kind in writes["services/creation.py"]] == ["new draft"]
    assert {kind for _, kind in writes["services/transitions.py"]} == {
        "attribute",
        "setattr with a computed field name",
    }


def test_the_status_write_finder_sees_every_way_of_setting_a_status():
    # given a module that sets a status in each way the lifecycle forbids outside transitions.py
    source = """
campaign.status = CampaignStatus.PAUSED
campaign.status_before_hold, campaign.status = campaign.status, CampaignStatus.HELD
setattr(campaign, "status", "active")
setattr(locked, field, value)
AdCampaign.objects.filter(pk=1, status=CampaignStatus.DRAFT).update(status=CampaignStatus.ERROR)
AdCampaign.objects.create(status=CampaignStatus.ACTIVE)
AdCampaign(status=CampaignStatus.DRAFT)
AdCampaign.objects.filter(status=CampaignStatus.ACTIVE).exclude(status=CampaignStatus.HELD)
setattr(rule, key, value)
"""
    # when its writes are listed, then each is found once and the reads (filter, exclude) and a rule's fields are not
    assert _status_writes(ast.parse(source)) == [
        (2, "attribute"),
        (3, "attribute"),
        (4, "setattr"),
        (5, "setattr with a computed field name"),
        (6, "update(status=...)"),
        (7, "create(status=...)"),
        (8, "new draft"),
    ]
