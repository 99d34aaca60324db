"""Planning reminders from rules. A *target* is a subject (an action, a task, a sign-up, a goal, a campaign) with
its anchor times; each enabled rule gives a due time from an anchor, its audience gives the recipients, and each
becomes a nudge row whose dedupe key holds the rule, the person, the subject and a checksum of the anchor time.

Event handlers plan in the same transaction as the change (`nudge_handlers.py`); `sweep()` re-plans every open
campaign periodically, and since planning is insert-or-ignore, running it again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.db import remembered, transaction
from campaigns.domain.model import Action, Campaign, Goal, Nudge, Signup, Task
from campaigns.domain.text import N_
from campaigns.nudges.outbox import NudgeSpec, anchor_checksum, plan_many, revive, with_texts
from campaigns.nudges.planning import rules as rn
from campaigns.nudges.planning.audiences import audience, coordinators, has_free_places  # noqa: F401 (used by others)

#: campaigns whose reminders are over
CLOSED_STAGES = ("closed", "archived")


@dataclass
class Target:
    """A subject of reminders, with the moments rules are timed from and the tasks whose volunteers count."""

    subject_type: str
    subject_id: int
    org_id: int
    campaign_id: int
    zone: str
    title: str
    anchors: dict[str, datetime]
    task_ids: tuple[int, ...] = ()
    #: for a sign-up: its person and status
    person: tuple[int | None, str] | None = None
    info: dict = field(default_factory=dict)
    _audiences: dict[str, set[int]] = field(default_factory=dict, repr=False)
    _checksums: dict[str, str] = field(default_factory=dict, repr=False)

    def checksum(self, anchor: str) -> str:
        if anchor not in self._checksums:
            self._checksums[anchor] = anchor_checksum(self.anchors[anchor])
        return self._checksums[anchor]


def action_target(session: Session, action: Action) -> Target | None:
    if action.status != "planned":
        return None
    task_ids = tuple(session.exec(select(Task.id).where(Task.action_id == action.id)))
    return Target("action", action.id, action.org_id, action.campaign_id, action.timezone, action.title,
                  {"action_start": action.starts_at, "action_end": action.ends_at}, task_ids,
                  info={"action_id": action.id})


def task_target(session: Session, task: Task) -> Target:
    action = session.get(Action, task.action_id) if task.action_id else None
    zone = action.timezone if action else _campaign_zone(session, task.campaign_id)
    anchors = {"task_deadline": task.deadline} if task.deadline else {}
    return Target("task", task.id, task.org_id, task.campaign_id, zone, task.title, anchors, (task.id,),
                  info={"task_id": task.id, "action_id": task.action_id})


def signup_target(session: Session, signup: Signup) -> Target:
    task = session.get(Task, signup.task_id)
    target = task_target(session, task)
    moment = signup.confirmed_at or signup.queued_at
    return Target("signup", signup.id, task.org_id, task.campaign_id, target.zone, task.title, {"signup": moment},
                  (task.id,), person=(signup.user_id, signup.status),
                  info={**target.info, "signup_id": signup.id})


def campaign_target(campaign: Campaign, task_ids: tuple[int, ...] = ()) -> Target:
    anchors = {"campaign_deadline": rn.day_start(campaign.deadline, campaign.timezone)} if campaign.deadline else {}
    return Target("campaign", campaign.id, campaign.org_id, campaign.id, campaign.timezone, campaign.name, anchors,
                  task_ids, info={"campaign_id": campaign.id})


def goal_target(session: Session, goal: Goal) -> Target:
    campaign = session.get(Campaign, goal.campaign_id)
    anchors = {"goal_due": rn.day_start(goal.due_on, campaign.timezone)} if goal.due_on else {}
    return Target("goal", goal.id, campaign.org_id, campaign.id, campaign.timezone, goal.name, anchors,
                  _campaign_tasks(session, campaign.id), info={"goal_id": goal.id})


def target_of(session: Session, subject_type: str, subject_id: int | None) -> Target | None:
    """The target a nudge is about, as it is now (None if it is gone or, for an action, cancelled)."""
    model = {"action": Action, "task": Task, "signup": Signup, "campaign": Campaign, "goal": Goal}.get(subject_type)
    row = session.get(model, subject_id) if model and subject_id is not None else None
    if row is None:
        return None
    if subject_type == "action":
        return action_target(session, row)
    if subject_type == "task":
        return task_target(session, row)
    if subject_type == "signup":
        return signup_target(session, row)
    if subject_type == "campaign":
        return campaign_target(row, _campaign_tasks(session, row.id))
    return goal_target(session, row)


def _campaign_zone(session: Session, campaign_id: int) -> str:
    return session.exec(select(Campaign.timezone).where(Campaign.id == campaign_id)).one()


def _campaign_tasks(session: Session, campaign_id: int) -> tuple[int, ...]:
    return tuple(session.exec(select(Task.id).where(Task.campaign_id == campaign_id)))


# -- planning -------------------------------------------------------------------------------------------------
def specs_for(session: Session, target: Target, rules: list[rn.RuleDef], *, now: datetime,
              only: int | None = None) -> list[NudgeSpec]:
    """The nudges `rules` ask for on this target (only for person `only`, if given)."""
    specs = []
    for rule in rules:
        anchor = target.anchors.get(rule.anchor)
        if anchor is None or rule.event_only or not rule.enabled:
            continue
        due = rn.due_at(rule, anchor, target.zone)
        expires = rn.expires_at(due, anchor)
        if not rn.worth_planning(due, expires, now):
            continue
        # for one person, ask about them alone: a busy action's whole audience is thousands of rows
        recipients = audience(session, rule.audience, target, None if only is None else {only})
        if rule.template == "unfilled_tasks" and recipients:
            recipients = recipients - _already_told(session, target) if has_free_places(session, target) else set()
        reason, payload = rule.reason(), rule_payload(rule, target, anchor)  # the same for every recipient
        for person in sorted(recipients if only is None else recipients & {only}):
            specs.append(rule_spec(rule, target, person, due=due, expires=expires, anchor=anchor, reason=reason,
                                   payload=payload))
    return specs


def rule_payload(rule: rn.RuleDef, target: Target, anchor: datetime | None, extra: dict | None = None) -> dict:
    """What a rule's nudge carries to its send-time checks and its wording."""
    payload = {"rule": rule.key, "anchor": rule.anchor, "audience": rule.audience, "title": target.title,
               "zone": target.zone, **target.info, **(extra or {})}
    if anchor is not None:
        payload["at"] = anchor.isoformat()
    return payload


def rule_spec(rule: rn.RuleDef, target: Target, person: int, *, due: datetime | None, expires: datetime | None,
              anchor: datetime | None, kind: str | None = None, extra: dict | None = None,
              reason: str | None = None, payload: dict | None = None) -> NudgeSpec:
    return NudgeSpec(recipient_id=person, kind=kind or rule.template, subject_type=target.subject_type,
                     subject_id=target.subject_id, reason=reason or rule.reason(), org_id=target.org_id,
                     campaign_id=target.campaign_id, due_at=due, expires_at=expires, anchor=anchor,
                     channels=rule.channels, rule_id=rule.rule_id,
                     payload=payload if payload is not None else rule_payload(rule, target, anchor, extra))


def _already_told(session: Session, target: Target) -> set[int]:
    """People already sent "places still free" for this action (at most once per person per action)."""
    query = select(Nudge.recipient_id).where(Nudge.kind == "unfilled_tasks", Nudge.subject_type == "action",
                                             Nudge.subject_id == target.subject_id,
                                             col(Nudge.status).in_(["sent", "sending"]))
    return {r for r in session.exec(query) if r is not None}


def plan_target(session: Session, target: Target | None, *, only: int | None = None,
                rules: list[rn.RuleDef] | None = None) -> int:
    """Plan every rule's nudges for one target, inside the caller's transaction. Returns rows added."""
    if target is None or _campaign_closed(session, target.campaign_id):
        return 0
    from campaigns.nudges.planning.defaults import effective_rules

    rules = effective_rules(session, target.campaign_id) if rules is None else rules
    specs = with_texts(session, specs_for(session, target, rules, now=clock.now(), only=only))
    added = plan_many(session, specs)
    if added < sum(len(spec.channels) for spec in specs):  # some were there already: skipped ones may come back
        revive(session, [spec.dedupe_key(channel)[:200] for spec in specs for channel in spec.channels])
    return added


def anchor_kind(kind: str, payload: dict) -> str | None:
    """Which of its target's anchors a nudge was planned from (a move notice is about the new start)."""
    if kind == "action_moved":
        return "action_start"
    found = payload.get("anchor")
    return found if found in rn.ANCHOR_SUBJECT else None


#: why a nudge's subject no longer takes it, by the subject's kind (stored as the English msgid, shown translated)
SUBJECT_GONE = {"action": N_("The action was cancelled"), "task": N_("The task is gone"),
                "signup": N_("The sign-up is gone"), "campaign": N_("The campaign is gone"),
                "goal": N_("The goal is gone")}


def stale_reason(target: Target | None, subject_type: str, kind: str, payload: dict,
                 checksum: str | None) -> str | None:
    """Why a nudge no longer fits its subject: the action was cancelled or moved, the deadline changed."""
    if kind == "action_cancelled":
        return None
    if target is None:
        return SUBJECT_GONE.get(subject_type, N_("What it was about is gone"))
    which = anchor_kind(kind, payload)
    if which is None or checksum is None:
        return None
    if which not in target.anchors:
        return N_("The moment it was timed from was removed")
    if target.checksum(which) != checksum:
        return N_("The action moved") if target.subject_type == "action" else N_("The date it was about changed")
    return None


def skip_stale(session: Session, target: Target) -> int:
    """Skip the target's unsent nudges that were planned for an anchor time it no longer has."""
    rows = session.exec(select(Nudge.id, Nudge.kind, Nudge.payload, Nudge.anchor_checksum).where(
        Nudge.subject_type == target.subject_type, Nudge.subject_id == target.subject_id,
        col(Nudge.status).in_(["planned", "failed"])))
    stale: dict[str, list[int]] = {}
    for nudge_id, kind, payload, checksum in rows:
        reason = stale_reason(target, target.subject_type, kind, payload or {}, checksum)
        if reason:
            stale.setdefault(reason, []).append(nudge_id)
    for reason, ids in stale.items():
        session.exec(update(Nudge).where(col(Nudge.id).in_(ids))  # type: ignore[call-overload]
                     .values(status="skipped", skip_reason=reason))
    return sum(len(ids) for ids in stale.values())


def _campaign_closed(session: Session, campaign_id: int) -> bool:
    stage = remembered(session, ("campaign stage", campaign_id),  # a sign-up asks for each target it plans
                       lambda: session.exec(select(Campaign.stage).where(Campaign.id == campaign_id)).first())
    return stage is None or stage in CLOSED_STAGES


#: the sweep looks this far around now for anchors (rules reach at most 30 days from theirs)
SWEEP_BEHIND = timedelta(days=rn.MAX_OFFSET_DAYS + 2)
SWEEP_AHEAD = timedelta(days=2 * rn.MAX_OFFSET_DAYS + 2)


def plan_campaign(session: Session, campaign: Campaign) -> int:
    """Plan every rule of one campaign for all its subjects near now (the sweep, and after a rule changes)."""
    if campaign.stage in CLOSED_STAGES:
        return 0
    from campaigns.nudges.planning.defaults import effective_rules

    rules = effective_rules(session, campaign.id)
    anchors = {rule.anchor for rule in rules if not rule.event_only}
    now = clock.now()
    low, high = now - SWEEP_BEHIND, now + SWEEP_AHEAD
    targets: list[Target | None] = []
    if anchors & {"action_start", "action_end"}:
        actions = session.exec(select(Action).where(Action.campaign_id == campaign.id, Action.status == "planned",
                                                    col(Action.starts_at).between(low, high)))
        targets += [action_target(session, a) for a in actions]
    if "task_deadline" in anchors:
        tasks = session.exec(select(Task).where(Task.campaign_id == campaign.id, col(Task.deadline).between(low, high)))
        targets += [task_target(session, t) for t in tasks]
    if "signup" in anchors:
        signups = session.exec(select(Signup).join(Task, col(Task.id) == Signup.task_id).where(
            Task.campaign_id == campaign.id, col(Signup.status) != "cancelled", col(Signup.queued_at) >= low))
        targets += [signup_target(session, s) for s in signups]
    if "campaign_deadline" in anchors:
        targets.append(campaign_target(campaign, _campaign_tasks(session, campaign.id)))
    if "goal_due" in anchors:
        targets += [goal_target(session, g) for g in session.exec(select(Goal).where(
            Goal.campaign_id == campaign.id, Goal.status == "accepted", col(Goal.due_on).is_not(None)))]
    return sum(plan_target(session, t, rules=rules) for t in targets if t is not None)


def sweep(session: Session) -> int:
    """Catch-up: re-plan every open campaign's reminders (idempotent). One transaction per campaign."""
    ids = list(session.exec(select(Campaign.id).where(col(Campaign.stage).not_in(CLOSED_STAGES))))
    session.commit()
    added = 0
    for campaign_id in ids:
        with transaction(session):
            campaign = session.get(Campaign, campaign_id)
            if campaign is not None:
                added += plan_campaign(session, campaign)
    return added
