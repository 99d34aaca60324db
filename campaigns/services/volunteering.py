"""Actions and sign-ups (the Intervention step): plan and move actions, take seats that never overbook, and
waitlists that promote themselves. Tasks and their capacity are in services/tasks.py.

Capacity (ARCHITECTURE.md): every change to who holds a seat runs in one transaction that first locks the task
row (FOR UPDATE on PostgreSQL; BEGIN IMMEDIATE already holds SQLite's write lock), then takes a seat only with
`UPDATE task SET taken = taken + 1 WHERE id = :id AND taken < capacity`. The CHECK (0 <= taken <= capacity) and
UNIQUE (task, user) constraints back it. Because sign-ups of one task are serialised by that lock, `queued_at`
(stamped after the lock) is the order people arrived in, and the waitlist is promoted in that order.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain import events as ev
from campaigns.domain import rules_volunteering as rules
from campaigns.domain.model import Action, Signup, Task, User
from campaigns.services import consents, messagebus, policy
from campaigns.services.errors import Conflict, Invalid, NotFound

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
CLOSED_STAGES = frozenset({"closed", "archived"})
ACTION_DETAILS = ("kind", "title", "description", "address", "online_link", "address_public",
                  "accessibility_notes", "interpreter_languages", "content_note")


def check(rule: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Apply a pure rule; a broken one becomes a field-level Invalid."""
    try:
        return rule(*args, **kwargs)
    except rules.RuleBroken as broken:
        raise Invalid(broken.message, field=broken.field) from None


# -- finding things, with access ------------------------------------------------------------------------------
def action_for(session: Session, user: User | None, action_id: int, permission: str = "campaign.view") -> Action:
    """The action if `user` may `permission` in its campaign; NotFound for outsiders and unknown ids."""
    action = session.get(Action, action_id)
    if action is None:
        raise NotFound()
    policy.campaign_for(session, user, action.campaign_id, permission)
    return action


def task_for(session: Session, user: User | None, task_id: int, permission: str = "campaign.view") -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound()
    policy.campaign_for(session, user, task.campaign_id, permission)
    return task


def locked(session: Session, model: type, row_id: int) -> Any:
    """A fresh copy of a row, locked until the transaction ends (on SQLite the write lock is already held)."""
    query = select(model).where(model.id == row_id).with_for_update().execution_options(populate_existing=True)
    row = session.exec(query).first()
    if row is None:
        raise NotFound()
    return row


def touch(action: Action) -> None:
    """A change volunteers should see: calendars update on a higher SEQUENCE."""
    action.sequence += 1
    action.updated_at = clock.now()


# -- actions --------------------------------------------------------------------------------------------------
def utc_window(starts_at: datetime, ends_at: datetime, zone: str) -> tuple[datetime, datetime]:
    """Wall-clock start and end in `zone` (or aware moments) as UTC, end after start."""
    start = check(rules.to_utc, starts_at, zone, field="starts_at")
    end = check(rules.to_utc, ends_at, zone, field="ends_at")
    check(rules.check_window, start, end)
    return start, end


def _check_details(details: dict[str, Any]) -> None:
    if "kind" in details and details["kind"] not in rules.ACTION_KINDS:
        raise Invalid("Choose what kind of action this is.", field="kind")
    if "title" in details and not (details["title"] or "").strip():
        raise Invalid("Give the action a title.", field="title")
    if "address" in details or "online_link" in details:
        check(rules.check_place, details.get("address"), details.get("online_link"))


def plan_action(session: Session, *, campaign_id: int, user: User, kind: str, title: str, starts_at: datetime,
                ends_at: datetime, timezone: str, **details: Any) -> Action:
    """Plan an action of a campaign (times are wall-clock in `timezone`). Records ActionPlanned."""
    campaign = policy.campaign_for(session, user, campaign_id, "campaign.manage")
    if campaign.stage in CLOSED_STAGES:
        raise Conflict("This campaign has ended, so it can't have new actions.")
    details = {"kind": kind, "title": title, "address": None, "online_link": None, **details}
    unknown = set(details) - set(ACTION_DETAILS)
    if unknown:
        raise Invalid(f"Unknown fields: {', '.join(sorted(unknown))}.")
    _check_details(details)
    start, end = utc_window(starts_at, ends_at, timezone)
    with transaction(session):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        action = Action(org_id=campaign.org_id, campaign_id=campaign.id, starts_at=start, ends_at=end,
                        timezone=timezone, checkin_code=code, updated_at=clock.now(), **details)
        action.interpreter_languages = list(action.interpreter_languages or [])
        session.add(action)
        session.flush()
        messagebus.record(session, ev.ActionPlanned(
            org_id=action.org_id, campaign_id=action.campaign_id, subject_id=action.id, actor_id=user.id,
            title=action.title, starts_at=start.isoformat()))
    return action


def edit_action(session: Session, *, action_id: int, user: User, **details: Any) -> Action:
    """Change an action's description, place, privacy or notes (not its time: see reschedule_action)."""
    action = action_for(session, user, action_id, "campaign.manage")
    unknown = set(details) - set(ACTION_DETAILS)
    if unknown:
        raise Invalid(f"Unknown fields: {', '.join(sorted(unknown))}.")
    place = {"address": details.get("address", action.address),
             "online_link": details.get("online_link", action.online_link)}
    _check_details({**details, **place})
    with transaction(session):
        action = locked(session, Action, action_id)
        if action.status == "cancelled":
            raise Conflict("This action was cancelled, so it can't be changed.")
        changed = {k: v for k, v in details.items() if getattr(action, k) != v}
        if changed:
            for name, value in changed.items():
                setattr(action, name, value)
            touch(action)
            session.add(action)
    return action


def reschedule_action(session: Session, *, action_id: int, user: User, starts_at: datetime, ends_at: datetime,
                      timezone: str | None = None) -> Action:
    """Move an action (wall-clock times in its zone, or aware moments); its shifts move with it.

    Records ActionRescheduled (old and new start) so reminders are re-planned; nothing if the time is unchanged.
    """
    action = action_for(session, user, action_id, "campaign.manage")
    zone = timezone or action.timezone
    start, end = utc_window(starts_at, ends_at, zone)
    with transaction(session):
        action = locked(session, Action, action_id)
        if action.status == "cancelled":
            raise Conflict("This action was cancelled. Plan a new one instead of moving it.")
        if (action.starts_at, action.ends_at, action.timezone) == (start, end, zone):
            return action
        old = action.starts_at
        for task in session.exec(select(Task).where(Task.action_id == action.id)):
            if task.starts_at is not None and task.ends_at is not None:
                task.starts_at, task.ends_at = task.starts_at + (start - old), task.ends_at + (start - old)
                session.add(task)
        action.starts_at, action.ends_at, action.timezone = start, end, zone
        touch(action)
        session.add(action)
        messagebus.record(session, ev.ActionRescheduled(
            org_id=action.org_id, campaign_id=action.campaign_id, subject_id=action.id, actor_id=user.id,
            old_starts_at=old.isoformat(), new_starts_at=start.isoformat()))
    return action


def cancel_action(session: Session, *, action_id: int, user: User) -> Action:
    """Call an action off. Records ActionCancelled once; calling it off again changes nothing."""
    action_for(session, user, action_id, "campaign.manage")
    with transaction(session):
        action = locked(session, Action, action_id)
        if action.status != "cancelled":
            action.status = "cancelled"
            touch(action)
            session.add(action)
            messagebus.record(session, ev.ActionCancelled(
                org_id=action.org_id, campaign_id=action.campaign_id, subject_id=action.id, actor_id=user.id,
                title=action.title))
    return action


# -- sign-ups -------------------------------------------------------------------------------------------------
def _take_seat(session: Session, task_id: int) -> bool:
    """The one way a seat is taken: conditional, so two people can never get the last seat."""
    statement = update(Task).where(col(Task.id) == task_id, col(Task.taken) < col(Task.capacity)) \
        .values(taken=col(Task.taken) + 1)
    return session.exec(statement).rowcount == 1  # type: ignore[call-overload]


def _release_seat(session: Session, task_id: int) -> None:
    statement = update(Task).where(col(Task.id) == task_id, col(Task.taken) > 0).values(taken=col(Task.taken) - 1)
    session.exec(statement)  # type: ignore[call-overload]


def promote_waitlist(session: Session, task: Task) -> list[Signup]:
    """Give free seats to the waitlist, earliest first (the caller holds the task's lock). Records SignupPromoted."""
    free = task.capacity - task.taken
    if free <= 0:
        return []
    query = (select(Signup).where(Signup.task_id == task.id, Signup.status == "waitlisted")
             .order_by(col(Signup.queued_at), col(Signup.id)).limit(free)
             .with_for_update().execution_options(populate_existing=True))
    promoted = []
    for signup in list(session.exec(query)):
        if not _take_seat(session, task.id):
            break
        signup.status, signup.confirmed_at = "confirmed", clock.now()
        session.add(signup)
        promoted.append(signup)
    session.flush()
    for signup in promoted:
        messagebus.record(session, ev.SignupPromoted(
            org_id=task.org_id, campaign_id=task.campaign_id, subject_id=signup.id, task_id=task.id))
    return promoted


def _volunteer(session: Session, user: User, task: Task, on_behalf_of: int | None) -> User:
    if on_behalf_of is None or on_behalf_of == user.id:
        return user
    return consents.require_live(session, worker=user, client_id=on_behalf_of, scope="sign_up", org_id=task.org_id)


def closed_reason(session: Session, task: Task) -> str | None:
    """Why a task takes no sign-ups (or promotions) now, or None.

    Reads its action FOR SHARE: sign-ups to one action's tasks run side by side, but the action cannot be called
    off meanwhile.
    """
    action = None
    if task.action_id is not None:
        query = select(Action).where(Action.id == task.action_id).with_for_update(read=True)
        action = session.exec(query.execution_options(populate_existing=True)).one()
    return rules.signup_closed_reason(
        action_status=action.status if action else None,
        ends_at=task.ends_at or (action.ends_at if action else None), deadline=task.deadline, now=clock.now())


def signup_of(session: Session, task_id: int, user_id: int) -> Signup | None:
    query = select(Signup).where(Signup.task_id == task_id, Signup.user_id == user_id)
    return session.exec(query.execution_options(populate_existing=True)).first()


def sign_up(session: Session, *, task_id: int, user: User, on_behalf_of: int | None = None) -> Signup:
    """Take a free seat on a task, or join its waitlist. Records SignupConfirmed or SignupWaitlisted.

    `user` is who acts; with `on_behalf_of` a worker signs up a client who gave them a live sign-up consent.
    Signing up twice returns the same sign-up; after stepping back it re-activates it (at the back of the queue).
    """
    task = task_for(session, user, task_id, "volunteer")
    volunteer = _volunteer(session, user, task, on_behalf_of)
    with transaction(session):
        task = locked(session, Task, task_id)
        signup = signup_of(session, task.id, volunteer.id)  # type: ignore[arg-type]
        if signup is not None and signup.status != "cancelled":
            return signup
        reason = closed_reason(session, task)
        if reason:
            raise Conflict(reason)
        seated, now = _take_seat(session, task.id), clock.now()  # type: ignore[arg-type]
        signup = signup or Signup(task_id=task.id, user_id=volunteer.id)
        signup.status = "confirmed" if seated else "waitlisted"
        signup.queued_at, signup.confirmed_at, signup.cancelled_at = now, now if seated else None, None
        signup.attendance = signup.checked_in_at = None
        signup.on_behalf_by_id = user.id if volunteer.id != user.id else None
        session.add(signup)
        session.flush()
        event = ev.SignupConfirmed if seated else ev.SignupWaitlisted
        messagebus.record(session, event(org_id=task.org_id, campaign_id=task.campaign_id, subject_id=signup.id,
                                         task_id=task.id))  # type: ignore[arg-type]
    return signup


def _may_cancel(session: Session, user: User, signup: Signup, task: Task) -> None:
    """The volunteer, their consenting worker, or a coordinator; anyone else is told nothing exists."""
    if signup.user_id == user.id:
        return
    if policy.allowed(session, user, "campaign.manage", task.org_id, campaign_id=task.campaign_id):
        return
    if consents.live(session, worker=user, client_id=signup.user_id, scope="sign_up",  # type: ignore[arg-type]
                     org_id=task.org_id) and policy.allowed(session, user, "act_for_client", task.org_id):
        return
    raise NotFound()


def cancel(session: Session, *, signup_id: int, user: User) -> Signup:
    """Step back from a task (one click, never a penalty). A freed seat goes to the first on the waitlist.

    Records SignupCancelled, then SignupPromoted for whoever moves up, in one transaction. Idempotent.
    """
    signup = session.get(Signup, signup_id)
    task = session.get(Task, signup.task_id) if signup else None
    if signup is None or task is None:
        raise NotFound()
    _may_cancel(session, user, signup, task)
    with transaction(session):
        task = locked(session, Task, task.id)  # type: ignore[arg-type]
        signup = locked(session, Signup, signup_id)
        if signup.status == "cancelled":
            return signup
        was = signup.status
        signup.status, signup.cancelled_at = "cancelled", clock.now()
        session.add(signup)
        if was == "confirmed":
            _release_seat(session, task.id)  # type: ignore[arg-type]
        messagebus.record(session, ev.SignupCancelled(
            org_id=task.org_id, campaign_id=task.campaign_id, subject_id=signup.id, task_id=task.id, was=was))
        # nobody is moved up into an action that is over or called off
        if was == "confirmed" and closed_reason(session, task) is None:
            promote_waitlist(session, task)
    return signup
