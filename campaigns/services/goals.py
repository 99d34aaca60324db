"""Community goals of a campaign: set by coordinators, proposed by members in collaboration, accepted or
declined, edited, and (for yes/no milestones) marked achieved.

A goal's `current` is 0 until contributions exist; the contribution handlers keep it, not this module.
"""

from __future__ import annotations

import math
from datetime import date

from flask_babel import format_date, format_decimal, format_number
from flask_babel import gettext as _
from sqlalchemy import case
from sqlmodel import Session, col, or_, select

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain import events as ev
from campaigns.domain import stages
from campaigns.domain.model import Campaign, Goal, User
from campaigns.services import messagebus, policy
from campaigns.services.errors import Conflict, Invalid, NotFound

#: units offered by name; any other short text is a custom unit
UNITS = ("letters", "signatures", "attendees", "hours", "meetings_held")
KINDS = ("measure", "milestone")
MILESTONE_UNIT = "milestone"
MAX_TARGET = 1_000_000
MAX_WEIGHT = 100.0


# -- reading -------------------------------------------------------------------------------------------------
def goal_for(session: Session, *, user: User | None, goal_id: int) -> tuple[Goal, Campaign]:
    """The goal and its campaign if `user` may see the campaign; NotFound otherwise."""
    goal = session.get(Goal, goal_id)
    if goal is None:
        raise NotFound()
    return goal, policy.campaign_for(session, user, goal.campaign_id)


def visible_query(session: Session, *, viewer: User, campaign: Campaign, status: str | None = None):
    """Goals the viewer may see: accepted and proposed ones; declined ones only to managers and proposers."""
    query = select(Goal).where(Goal.campaign_id == campaign.id)
    if not policy.allowed(session, viewer, "campaign.manage", campaign.org_id, campaign_id=campaign.id):
        query = query.where(or_(Goal.status != "declined", Goal.proposed_by_id == viewer.id))
    if status:
        query = query.where(Goal.status == status)
    by_status = case({"accepted": 0, "proposed": 1, "declined": 2}, value=Goal.status)
    return query.order_by(by_status, col(Goal.due_on).is_(None), Goal.due_on, Goal.id)


def visible(session: Session, *, viewer: User, campaign: Campaign) -> dict[str, list[Goal]]:
    """The viewer's goals of a campaign, grouped by status."""
    grouped: dict[str, list[Goal]] = {"accepted": [], "proposed": [], "declined": []}
    for goal in session.exec(visible_query(session, viewer=viewer, campaign=campaign)):
        grouped[goal.status].append(goal)
    return grouped


# -- the rules of a goal ---------------------------------------------------------------------------------------
def _checked(campaign: Campaign, *, name: str, kind: str = "measure", unit: str | None = None,
             target: int | None = None, due_on: date | None = None, weight: float | None = None) -> dict:
    """A goal's fields, cleaned, or Invalid naming the field at fault."""
    name = (name or "").strip()
    if not name or len(name) > 140:
        raise Invalid(_("Give the goal a name of up to 140 characters."), field="name")
    if kind not in KINDS:
        raise Invalid(_("Choose a measure (a number to reach) or a milestone (done or not)."), field="kind")
    if kind == "milestone":
        if target not in (None, 1):
            raise Invalid(_("A milestone is done or not: its target is 1."), field="target")
        unit, target = MILESTONE_UNIT, 1
    else:
        unit = _unit(unit)
        target = _target(target)
    return {"name": name, "kind": kind, "unit": unit, "target": target,
            "due_on": _due_on(campaign, due_on), "weight": _weight(weight)}


def _unit(unit: str | None) -> str:
    unit = (unit or "").strip()
    if not unit or len(unit) > 40:
        raise Invalid(_("Choose a unit, like letters or signatures, or write your own (up to 40 characters)."),
                      field="unit")
    return unit


def _target(target: int | None) -> int:
    if target is None or isinstance(target, bool) or not isinstance(target, int):
        raise Invalid(_("Choose a target: a whole number of 1 or more."), field="target")
    if target <= 0:
        raise Invalid(_("Choose a target of 1 or more."), field="target")
    if target > MAX_TARGET:
        raise Invalid(_("Choose a target of up to %(n)s.", n=format_number(MAX_TARGET)), field="target")
    return target


def _due_on(campaign: Campaign, due_on: date | None) -> date | None:
    due_on = due_on or campaign.deadline  # a goal is due by the campaign's deadline unless said otherwise
    if due_on is None:
        return None
    if campaign.deadline is not None and due_on > campaign.deadline:
        raise Invalid(_("Choose a due date on or before the campaign's deadline (%(date)s).",
                        date=format_date(campaign.deadline)),
                      field="due_on")
    if due_on < campaign.starts_on:
        raise Invalid(_("Choose a due date on or after the campaign's start (%(date)s).",
                        date=format_date(campaign.starts_on)),
                      field="due_on")
    return due_on


def _weight(weight: float | None) -> float:
    if weight is None:
        return 1.0
    if isinstance(weight, bool) or not math.isfinite(weight) or not 0 < weight <= MAX_WEIGHT:
        raise Invalid(_("Choose a weight above 0 and up to %(n)s.", n=format_decimal(MAX_WEIGHT)), field="weight")
    return float(weight)


def _require_active(campaign: Campaign) -> None:
    if campaign.stage not in stages.ACTIVE:
        raise Conflict(_("This campaign is closed or archived; its goals can't change."))


# -- use cases -------------------------------------------------------------------------------------------------
def set_goal(session: Session, *, actor: User, campaign: Campaign, name: str, kind: str = "measure",
             unit: str | None = None, target: int | None = None, due_on: date | None = None,
             weight: float | None = None) -> Goal:
    """A coordinator (or the campaign's lead/organiser) adds an accepted goal. Records GoalSet."""
    policy.authorize(session, actor, "campaign.manage", campaign.org_id, campaign_id=campaign.id)
    _require_active(campaign)
    fields = _checked(campaign, name=name, kind=kind, unit=unit, target=target, due_on=due_on, weight=weight)
    with transaction(session):
        goal = Goal(campaign_id=campaign.id, status="accepted", **fields)
        session.add(goal)
        session.flush()
        _record_set(session, campaign, goal, actor)
    return goal


def propose_goal(session: Session, *, actor: User, campaign: Campaign, name: str, kind: str = "measure",
                 unit: str | None = None, target: int | None = None, due_on: date | None = None,
                 weight: float | None = None) -> Goal:
    """A member proposes a goal while the campaign is in collaboration. Records GoalProposed."""
    policy.authorize(session, actor, "goal.propose", campaign.org_id, campaign_id=campaign.id)
    if campaign.stage != "collaboration":
        raise Conflict(_("Goals can be proposed while the campaign is in collaboration."))
    fields = _checked(campaign, name=name, kind=kind, unit=unit, target=target, due_on=due_on, weight=weight)
    with transaction(session):
        goal = Goal(campaign_id=campaign.id, status="proposed", proposed_by_id=actor.id, **fields)
        session.add(goal)
        session.flush()
        messagebus.record(session, ev.GoalProposed(org_id=campaign.org_id, campaign_id=campaign.id,
                                                   subject_id=goal.id, actor_id=actor.id, name=goal.name))
    return goal


def submit_goal(session: Session, *, actor: User, campaign: Campaign, **fields) -> Goal:
    """A goal from the campaign page: managers set it directly, everyone else proposes it."""
    if policy.allowed(session, actor, "campaign.manage", campaign.org_id, campaign_id=campaign.id):
        return set_goal(session, actor=actor, campaign=campaign, **fields)
    return propose_goal(session, actor=actor, campaign=campaign, **fields)


def _proposed(session: Session, goal: Goal, actor: User, campaign: Campaign) -> Goal:
    policy.authorize(session, actor, "campaign.manage", campaign.org_id, campaign_id=campaign.id)
    _require_active(campaign)
    goal = session.get(Goal, goal.id, with_for_update=True, populate_existing=True)  # type: ignore[assignment]
    if goal.status != "proposed":
        raise Conflict(_("This goal is already %(status)s.", status=goal.status))
    return goal


def accept_goal(session: Session, *, actor: User, goal: Goal, campaign: Campaign) -> Goal:
    """A coordinator accepts a proposed goal. Records GoalSet."""
    with transaction(session):
        goal = _proposed(session, goal, actor, campaign)
        _due_on(campaign, goal.due_on)  # the deadline may have moved since it was proposed
        goal.status = "accepted"
        session.add(goal)
        _record_set(session, campaign, goal, actor)
    return goal


def decline_goal(session: Session, *, actor: User, goal: Goal, campaign: Campaign, reason: str) -> Goal:
    """A coordinator declines a proposed goal, saying why. Records GoalDeclined."""
    policy.authorize(session, actor, "campaign.manage", campaign.org_id, campaign_id=campaign.id)  # before input
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise Invalid(_("Say briefly why (up to 500 characters), so the person who proposed it understands."),
                      field="reason")
    with transaction(session):
        goal = _proposed(session, goal, actor, campaign)
        goal.status, goal.decline_reason = "declined", reason
        session.add(goal)
        messagebus.record(session, ev.GoalDeclined(org_id=campaign.org_id, campaign_id=campaign.id,
                                                   subject_id=goal.id, actor_id=actor.id, name=goal.name))
    return goal


def edit_goal(session: Session, *, actor: User, goal: Goal, campaign: Campaign, **changes) -> Goal:
    """Change a goal's name, target, due date or weight. Records GoalChanged for an accepted goal."""
    policy.authorize(session, actor, "campaign.manage", campaign.org_id, campaign_id=campaign.id)
    _require_active(campaign)
    unknown = set(changes) - {"name", "target", "due_on", "weight"}
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    with transaction(session):
        goal = session.get(Goal, goal.id, with_for_update=True, populate_existing=True)  # type: ignore[assignment]
        if goal.status == "declined":
            raise Conflict(_("A declined goal can't be changed; propose or add a new one."))
        current = {"name": goal.name, "kind": goal.kind, "unit": goal.unit, "target": goal.target,
                   "due_on": goal.due_on, "weight": goal.weight}
        fields = _checked(campaign, **{**current, **changes})
        for name in ("name", "target", "due_on", "weight"):
            setattr(goal, name, fields[name])
        session.add(goal)
        if goal.status == "accepted":
            messagebus.record(session, ev.GoalChanged(
                org_id=campaign.org_id, campaign_id=campaign.id, subject_id=goal.id, actor_id=actor.id,
                name=goal.name, target=goal.target, due_on=goal.due_on.isoformat() if goal.due_on else None))
    return goal


def mark_achieved(session: Session, *, actor: User, goal: Goal, campaign: Campaign) -> Goal:
    """A coordinator marks a yes/no milestone achieved. Records GoalReached."""
    policy.authorize(session, actor, "campaign.manage", campaign.org_id, campaign_id=campaign.id)
    _require_active(campaign)
    with transaction(session):
        goal = session.get(Goal, goal.id, with_for_update=True, populate_existing=True)  # type: ignore[assignment]
        if goal.kind != "milestone" or goal.status != "accepted":
            raise Conflict(_("Only an accepted milestone is marked achieved; measures fill up with contributions."))
        if goal.achieved_at is not None:
            raise Conflict(_("This milestone is already marked achieved."))
        now = clock.now()
        # milestone_reached=100: the progress handlers then know the 100% mark is already recorded
        goal.current, goal.achieved_at, goal.milestone_reached = 1, now, 100
        session.add(goal)
        live = session.get(Campaign, campaign.id)
        live.last_activity_at = now  # type: ignore[union-attr]
        session.add(live)
        messagebus.record(session, ev.GoalReached(org_id=campaign.org_id, campaign_id=campaign.id,
                                                  subject_id=goal.id, actor_id=actor.id, name=goal.name))
    return goal


def _record_set(session: Session, campaign: Campaign, goal: Goal, actor: User) -> None:
    messagebus.record(session, ev.GoalSet(org_id=campaign.org_id, campaign_id=campaign.id, subject_id=goal.id,
                                          actor_id=actor.id, name=goal.name, target=goal.target))
