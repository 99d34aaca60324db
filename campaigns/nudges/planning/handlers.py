"""What nudges follow each domain event, planned in the same transaction as the change (registered in
`bootstrap.event_handlers()`). The sweep plans the same rows again if anything was missed; keys make that harmless.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.domain import events as ev
from campaigns.domain.model import Action, Campaign, EventRecord, Goal, Signup, Task
from campaigns.domain.text import N_
from campaigns.nudges.outbox import RELATIONSHIP_ENDED, plan_many, skip_planned
from campaigns.nudges.planning import audiences, planner
from campaigns.nudges.planning import rules as rn


def _rule(session: Session, campaign_id: int, key: str) -> rn.RuleDef | None:
    from campaigns.nudges.planning.defaults import effective_rules

    return next((r for r in effective_rules(session, campaign_id) if r.key == key), None)


def _notice(session: Session, key: str, target: planner.Target, people: set[int], *, anchor=None,
            extra: dict | None = None, kind: str | None = None, reason_suffix: str = "") -> int:
    """Plan an at-once notice from a built-in event rule (if the campaign has it switched on)."""
    rule = _rule(session, target.campaign_id, key)
    if rule is None or not people:
        return 0
    if reason_suffix:
        rule = replace(rule, key=f"{rule.key}:{reason_suffix}")
    specs = [planner.rule_spec(rule, target, person, due=None, expires=clock.now() + rn.AFTER_WINDOW,
                               anchor=anchor, kind=kind, extra=extra) for person in sorted(people)]
    return plan_many(session, specs)


# -- sign-ups -------------------------------------------------------------------------------------------------
def on_signup_confirmed(session: Session, event: ev.SignupConfirmed, _row: EventRecord) -> None:
    """A confirmation at once (with an .ics by email), then the reminders the volunteer will need."""
    _signed_up(session, event, "signup_confirmed")


def on_signup_promoted(session: Session, event: ev.SignupPromoted, _row: EventRecord) -> None:
    """Someone got a place from the waiting list: tell them at once, then plan their reminders."""
    _signed_up(session, event, "signup_promoted")


def on_signup_waitlisted(session: Session, event: ev.SignupWaitlisted, _row: EventRecord) -> None:
    signup = _still(session, event.subject_id, "waitlisted")
    if signup is not None:
        target = planner.signup_target(session, signup)
        _notice(session, "signup_waitlisted", target, {signup.user_id}, anchor=target.anchors["signup"])
        _plan_for_person(session, signup)


def _still(session: Session, signup_id: int | None, status: str) -> Signup | None:
    """The sign-up as it is now, if a member's and still `status` (these handlers run after the sign-up's commit,
    when it may already have changed). Read FOR SHARE: a cancel waits until these plans are in, and then skips them."""
    query = select(Signup).where(Signup.id == signup_id).with_for_update(read=True)
    signup = session.exec(query.execution_options(populate_existing=True)).first()
    return signup if signup is not None and signup.user_id is not None and signup.status == status else None


def _signed_up(session: Session, event: ev.Event, key: str) -> None:
    signup = _still(session, event.subject_id, "confirmed")
    if signup is None:
        return
    task = session.get(Task, signup.task_id)
    # held for the whole handler, so the planner's lookups of the action find it in the session (whose map of
    # loaded rows holds only what someone references) instead of reading it again each time
    action = session.get(Action, task.action_id) if task and task.action_id else None
    target = planner.signup_target(session, signup)
    _notice(session, key, target, {signup.user_id}, anchor=target.anchors["signup"], extra=_starts(task, action))
    _plan_for_person(session, signup)
    _capacity_alert(session, task)


def _starts(task: Task | None, action: Action | None) -> dict:
    """When the place begins (the task's own time, else its action's): what a confirmation should name, not
    the moment of signing up or of the promotion."""
    moment = (task.starts_at if task else None) or (action.starts_at if action else None)
    return {"starts": moment.isoformat()} if moment else {}


def _plan_for_person(session: Session, signup: Signup) -> None:
    task = session.get(Task, signup.task_id)
    planner.plan_target(session, planner.task_target(session, task), only=signup.user_id)
    planner.plan_target(session, planner.signup_target(session, signup), only=signup.user_id)
    action = session.get(Action, task.action_id) if task.action_id else None
    if action is not None:
        target = planner.action_target(session, action)
        planner.plan_target(session, target, only=signup.user_id)
        # the workers of this volunteer (the others' were planned at their own clients' sign-ups)
        clients = {signup.user_id} if signup.status == "confirmed" else set()
        for worker in audiences.workers_of(session, action.org_id, clients) if target else ():
            planner.plan_target(session, target, only=worker)


def on_signup_cancelled(session: Session, event: ev.SignupCancelled, _row: EventRecord) -> None:
    """Nothing more about that shift for them (and its "places free" reminders go to others again)."""
    signup = session.get(Signup, event.subject_id)
    if signup is None or signup.user_id is None:
        return
    task = session.get(Task, signup.task_id)
    skip_planned(session, reason=RELATIONSHIP_ENDED, subject_type="signup", subject_ids=[signup.id])
    skip_planned(session, reason=RELATIONSHIP_ENDED, subject_type="task", subject_ids=[task.id],
                 recipient_id=signup.user_id)
    if task.action_id is not None and not _still_in_action(session, signup.user_id, task.action_id):
        skip_planned(session, reason=RELATIONSHIP_ENDED, subject_type="action", subject_ids=[task.action_id],
                     recipient_id=signup.user_id, kinds=_VOLUNTEER_KINDS)


#: reminders that only make sense while signed up (not "places still free", which they may now get)
_VOLUNTEER_KINDS = ["day_before", "two_hours_before", "after_action", "reminder", "task_deadline"]


def _still_in_action(session: Session, user_id: int, action_id: int) -> bool:
    query = select(Signup.id).join(Task, col(Task.id) == Signup.task_id).where(
        Task.action_id == action_id, Signup.user_id == user_id, col(Signup.status) != "cancelled")
    return session.exec(query.limit(1)).first() is not None


def _capacity_alert(session: Session, task: Task | None) -> None:
    """Tell coordinators when a task passes 50, 80 or 100 % full: the highest step reached, each step once."""
    if task is None or task.capacity <= 0:
        return
    percent = task.taken * 100 // task.capacity
    reached = [step for step in rn.CAPACITY_STEPS if percent >= step]
    if reached:
        target = planner.task_target(session, task)
        people = planner.coordinators(session, task.org_id, task.campaign_id)
        _notice(session, "capacity_alert", target, people, extra={"percent": reached[-1]},
                reason_suffix=str(reached[-1]))


# -- actions and tasks ----------------------------------------------------------------------------------------
def on_action_planned(session: Session, event: ev.ActionPlanned, _row: EventRecord) -> None:
    action = session.get(Action, event.subject_id)
    if action is not None:
        planner.plan_target(session, planner.action_target(session, action))


def on_action_rescheduled(session: Session, event: ev.ActionRescheduled, _row: EventRecord) -> None:
    """Reminders for the old time are skipped, new ones planned, and volunteers told at once."""
    action = session.get(Action, event.subject_id)
    if action is None:
        return
    target = planner.action_target(session, action)
    if target is None:
        return
    planner.skip_stale(session, target)
    people = planner.audience(session, "confirmed", target) | planner.audience(session, "waitlisted", target)
    _safety_notice(session, target, people, "action_moved", anchor=action.starts_at,
                   extra={"old_at": event.old_starts_at, "at": action.starts_at.isoformat()})
    planner.plan_target(session, target)


_ANCHORED_KINDS = ["day_before", "two_hours_before", "after_action", "unfilled_tasks", "reminder", "action_moved"]


def on_action_cancelled(session: Session, event: ev.ActionCancelled, _row: EventRecord) -> None:
    """Every reminder about it is skipped; everyone who had a place or was waiting is told at once."""
    action = session.get(Action, event.subject_id)
    if action is None:
        return
    task_ids = list(session.exec(select(Task.id).where(Task.action_id == action.id)))
    reason = N_("The action was cancelled")
    skip_planned(session, reason=reason, subject_type="action", subject_ids=[action.id], kinds=_ANCHORED_KINDS)
    skip_planned(session, reason=reason, subject_type="task", subject_ids=task_ids)
    # whoever was on it a moment ago: the cancel use case may have cancelled their sign-ups just before
    recently = clock.now() - timedelta(minutes=5)
    query = select(Signup.user_id).where(col(Signup.task_id).in_(task_ids or [-1])).where(
        (col(Signup.status) != "cancelled") | (col(Signup.cancelled_at) >= recently))
    people = {u for u in session.exec(query) if u is not None}
    target = planner.Target("action", action.id, action.org_id, action.campaign_id, action.timezone, action.title,
                            {}, tuple(task_ids), info={"action_id": action.id})
    _safety_notice(session, target, people, "action_cancelled", anchor=action.starts_at)


def _safety_notice(session: Session, target: planner.Target, people: set[int], kind: str, *, anchor,
                   extra: dict | None = None) -> None:
    """A notice that is always on: coordinators cannot switch it off and it skips quiet hours and caps."""
    rule = rn.RuleDef(key=kind, name=kind, anchor="event", audience="recorded", template=kind)
    specs = [planner.rule_spec(rule, target, person, due=None, expires=anchor if anchor > clock.now() else None,
                               anchor=anchor, extra=extra) for person in sorted(people)]
    plan_many(session, specs)


def on_task_created(session: Session, event: ev.TaskCreated, _row: EventRecord) -> None:
    task = session.get(Task, event.subject_id)
    if task is None:
        return
    planner.plan_target(session, planner.task_target(session, task))
    action = session.get(Action, task.action_id) if task.action_id else None
    if action is not None:
        planner.plan_target(session, planner.action_target(session, action))


def on_task_capacity_changed(session: Session, event: ev.TaskCapacityChanged, _row: EventRecord) -> None:
    _capacity_alert(session, session.get(Task, event.subject_id))


def on_member_joined(session: Session, event: ev.MemberJoinedCampaign, _row: EventRecord) -> None:
    """A new member hears about upcoming actions that still need people, like everyone else."""
    if event.actor_id is None or event.campaign_id is None:
        return
    now = clock.now()
    actions = session.exec(select(Action).where(Action.campaign_id == event.campaign_id, Action.status == "planned",
                                                col(Action.starts_at) > now))
    for action in actions:
        planner.plan_target(session, planner.action_target(session, action), only=event.actor_id)


# -- goals and campaigns --------------------------------------------------------------------------------------
def on_goal_milestone(session: Session, event: ev.GoalMilestoneReached | ev.GoalReached, _row: EventRecord) -> None:
    """Coordinators hear of 25/50/75/100 % once each (GoalReached is the 100 % step)."""
    goal = session.get(Goal, event.subject_id)
    if goal is None:
        return
    percent = getattr(event, "percent", 100)
    target = planner.goal_target(session, goal)
    people = planner.coordinators(session, target.org_id, target.campaign_id)
    _notice(session, "goal_milestone", target, people, extra={"percent": percent}, reason_suffix=str(percent))


def on_goal_set(session: Session, event: ev.Event, _row: EventRecord) -> None:
    goal = session.get(Goal, event.subject_id)
    if goal is not None and goal.status == "accepted":
        planner.plan_target(session, planner.goal_target(session, goal))


def on_campaign_stalled(session: Session, event: ev.CampaignStalled, _row: EventRecord) -> None:
    """One alert per quiet spell: keyed by the last activity, so a new spell alerts again."""
    campaign = session.get(Campaign, event.campaign_id or event.subject_id)
    if campaign is None:
        return
    target = planner.campaign_target(campaign)
    people = planner.coordinators(session, campaign.org_id, campaign.id)
    _notice(session, "campaign_stalled", target, people, anchor=campaign.last_activity_at,
            extra={"days": event.days})


def on_campaign_stage_changed(session: Session, event: ev.CampaignStageChanged, _row: EventRecord) -> None:
    """A closed or archived campaign sends no more reminders."""
    if event.to_stage in planner.CLOSED_STAGES and event.campaign_id is not None:
        from sqlalchemy import update

        from campaigns.domain.model import Nudge

        session.exec(update(Nudge).where(Nudge.campaign_id == event.campaign_id,  # type: ignore[call-overload]
                                         col(Nudge.status).in_(["planned", "failed"]))
                     .values(status="skipped", skip_reason=N_("The campaign has closed")))
