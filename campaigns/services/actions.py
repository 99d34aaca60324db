"""Actions (the Intervention step): plan, edit, move and call off actions; their tasks move with them.
Tasks and their capacity are in services/tasks.py, sign-ups in services/signups.py.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlmodel import Session, select

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain import events as ev
from campaigns.domain import rules_volunteering as rules
from campaigns.domain.model import Action, Task, User
from campaigns.services import messagebus, policy
from campaigns.services.errors import Conflict, Invalid
from campaigns.services.volunteering import action_for, check, locked

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
CLOSED_STAGES = frozenset({"closed", "archived"})
ACTION_DETAILS = ("kind", "title", "description", "address", "online_link", "address_public",
                  "accessibility_notes", "interpreter_languages", "content_note", "public")


def touch(action: Action) -> None:
    """A change volunteers should see: calendars update on a higher SEQUENCE."""
    action.sequence += 1
    action.updated_at = clock.now()


def utc_window(starts_at: datetime, ends_at: datetime, zone: str) -> tuple[datetime, datetime]:
    """Wall-clock start and end in `zone` (or aware moments) as UTC, end after start."""
    start = check(rules.to_utc, starts_at, zone, field="starts_at")
    end = check(rules.to_utc, ends_at, zone, field="ends_at")
    check(rules.check_window, start, end)
    return start, end


def _check_details(details: dict[str, Any]) -> None:
    if "kind" in details and details["kind"] not in rules.ACTION_KINDS:
        raise Invalid(_("Choose what kind of action this is."), field="kind")
    if "title" in details and not (details["title"] or "").strip():
        raise Invalid(_("Give the action a title."), field="title")
    if "address" in details or "online_link" in details:
        check(rules.check_place, details.get("address"), details.get("online_link"))


def plan_action(session: Session, *, campaign_id: int, user: User, kind: str, title: str, starts_at: datetime,
                ends_at: datetime, timezone: str, **details: Any) -> Action:
    """Plan an action of a campaign (times are wall-clock in `timezone`). Records ActionPlanned."""
    campaign = policy.campaign_for(session, user, campaign_id, "campaign.manage")
    if campaign.stage in CLOSED_STAGES:
        raise Conflict(_("This campaign has ended, so it can't have new actions."))
    details = {"kind": kind, "title": title, "address": None, "online_link": None, **details}
    unknown = set(details) - set(ACTION_DETAILS)
    if unknown:
        raise Invalid(_("Unknown fields: %(names)s.", names=", ".join(sorted(unknown))))
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
        raise Invalid(_("Unknown fields: %(names)s.", names=", ".join(sorted(unknown))))
    place = {"address": details.get("address", action.address),
             "online_link": details.get("online_link", action.online_link)}
    _check_details({**details, **place})
    with transaction(session):
        action = locked(session, Action, action_id)
        if action.status == "cancelled":
            raise Conflict(_("This action was cancelled, so it can't be changed."))
        changed = {k: v for k, v in details.items() if getattr(action, k) != v}
        if changed:
            for name, value in changed.items():
                setattr(action, name, value)
            if set(changed) - {"public"}:  # publishing changes nothing in volunteers' calendars
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
            raise Conflict(_("This action was cancelled. Plan a new one instead of moving it."))
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
