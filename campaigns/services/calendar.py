"""iCalendar (RFC 5545) feeds: a person's confirmed tasks at a secret URL, a campaign's actions, one action.

UIDs are stable across edits (`action-<id>@<host>`), SEQUENCE is Action.sequence (bumped on every change
volunteers should see), times carry their TZID with VTIMEZONE definitions, and a cancelled action stays in the feed
with STATUS:CANCELLED so calendars remove it. A private place is only in feeds of people who may see it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar
from flask_babel import gettext as _
from sqlmodel import Session, col, select

from campaigns.db import transaction
from campaigns.domain import rules_volunteering as rules
from campaigns.domain.model import Action, Campaign, Signup, Task, User
from campaigns.i18n import local_moment, word_list
from campaigns.services import audit, security, volunteering

#: link(kind, id) -> the absolute URL of the page of an action ("action") or a task ("task")
Linker = Callable[[str, int], str]
PRODID = "-//Campaigns//Volunteering//EN"


# -- the secret personal feed token -------------------------------------------------------------------------
def issue_token(session: Session, *, user: User) -> str:
    """A new secret for the person's feed URL (any older one stops working). Only its hash is stored."""
    secret = security.new_token(24)
    with transaction(session):
        user.calendar_token_hash = security.token_hash(secret)
        session.add(user)
        audit.log(session, "calendar_feed_issued", actor_id=user.id, target=f"user:{user.id}")
    return secret


def revoke_token(session: Session, *, user: User) -> None:
    """Turn the personal feed off: its URL stops working at once."""
    with transaction(session):
        if user.calendar_token_hash is not None:
            user.calendar_token_hash = None
            session.add(user)
            audit.log(session, "calendar_feed_revoked", actor_id=user.id, target=f"user:{user.id}")


def user_for_token(session: Session, token: str) -> User | None:
    """Whose feed this secret opens, found by its hash; None for unknown, revoked or inactive."""
    if not token or len(token) > 100:
        return None
    user = session.exec(select(User).where(User.calendar_token_hash == security.token_hash(token))).first()
    if user is None or not user.is_active or user.erased_at is not None:
        return None
    return user


# -- building calendars -------------------------------------------------------------------------------------
def _calendar(name: str, components: Iterable[icalendar.Component]) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    starts = []
    for component in components:
        cal.add_component(component)
        if "DTSTART" in component:
            starts.append(component.decoded("DTSTART").date())
    if starts:  # VTIMEZONEs only for the years the events span keep feeds small
        cal.add_missing_timezones(first_date=min(starts) - timedelta(days=366),
                                  last_date=max(starts) + timedelta(days=366))
    return cal.to_ical()


def _describe(action: Action, show_place: bool, extra: str = "") -> str:
    parts = [action.description, extra]
    if show_place and action.online_link:
        parts.append(_("Online: %(link)s", link=action.online_link))
    if not show_place and (action.address or action.online_link):
        parts.append(_("The place is shared with confirmed volunteers."))
    if action.accessibility_notes:
        parts.append(_("Accessibility: %(notes)s", notes=action.accessibility_notes))
    if action.interpreter_languages:
        parts.append(_("Interpreters: %(languages)s", languages=word_list(action.interpreter_languages)))
    if action.content_note:
        parts.append(_("Content note: %(note)s", note=action.content_note))
    return "\n\n".join(p for p in parts if p)


def action_event(action: Action, *, host: str, link: Linker, show_place: bool, extra: str = "") -> icalendar.Event:
    """One action as a VEVENT (the same UID in every feed, whatever changes)."""
    zone = ZoneInfo(action.timezone)
    event = icalendar.Event()
    event.add("uid", f"action-{action.id}@{host}")
    event.add("sequence", action.sequence)
    event.add("dtstamp", action.updated_at or action.created_at)
    event.add("last-modified", action.updated_at or action.created_at)
    event.add("dtstart", action.starts_at.astimezone(zone))
    event.add("dtend", action.ends_at.astimezone(zone))
    event.add("summary", action.title)
    event.add("status", "CANCELLED" if action.status == "cancelled" else "CONFIRMED")
    event.add("url", link("action", action.id))  # type: ignore[arg-type]
    description = _describe(action, show_place, extra)
    if description:
        event.add("description", description)
    if show_place and (action.address or action.online_link):
        event.add("location", action.address or action.online_link)
    return event


def _task_todo(task: Task, *, host: str, link: Linker) -> icalendar.Todo:
    """A standalone task, due by its deadline."""
    todo = icalendar.Todo()
    todo.add("uid", f"task-{task.id}@{host}")
    todo.add("dtstamp", task.created_at)
    todo.add("summary", task.title)
    todo.add("due", task.deadline)
    todo.add("url", link("task", task.id))  # type: ignore[arg-type]
    if task.description:
        todo.add("description", task.description)
    return todo


def personal_feed(session: Session, user: User, *, host: str, link: Linker) -> bytes:
    """The person's confirmed tasks: one event per action they help at, one to-do per standalone task."""
    query = (select(Signup, Task).join(Task, col(Task.id) == Signup.task_id)
             .where(Signup.user_id == user.id, Signup.status == "confirmed").order_by(col(Task.id)))
    by_action: dict[int, list[Task]] = {}
    components: list[icalendar.Component] = []
    for _signup, task in session.exec(query):
        if task.action_id is None:
            components.append(_task_todo(task, host=host, link=link))
        else:
            by_action.setdefault(task.action_id, []).append(task)
    actions = session.exec(select(Action).where(col(Action.id).in_(list(by_action))).order_by(col(Action.starts_at)))
    for action in actions:
        shifts = [_shift_line(t, action) for t in by_action[action.id]]  # type: ignore[index]
        components.append(action_event(action, host=host, link=link, show_place=True,
                                       extra=_("Your part: %(shifts)s", shifts="; ".join(shifts))))
    return _calendar(_("My tasks · %(name)s", name=user.display_name), components)


def _shift_line(task: Task, action: Action) -> str:
    if task.starts_at is None or task.ends_at is None:
        return task.title
    start, end = (local_moment(moment, action.timezone, "time") for moment in (task.starts_at, task.ends_at))
    return f"{task.title} ({start}–{end} {action.timezone})"


def campaign_feed(session: Session, campaign: Campaign, *, viewer: User | None, host: str, link: Linker) -> bytes:
    """A campaign's actions. `viewer` None is the public feed (public campaigns only; public places only)."""
    actions = list(session.exec(volunteering.actions_of_campaign(campaign.id)))  # type: ignore[arg-type]
    coordinator = viewer is not None and volunteering.is_coordinator(session, viewer, campaign.id, campaign.org_id)
    confirmed = volunteering.confirmed_action_ids(session, viewer, [a.id for a in actions]) if viewer else set()
    events = [action_event(a, host=host, link=link, show_place=rules.may_see_place(
        address_public=a.address_public, is_coordinator=coordinator, is_confirmed=a.id in confirmed)) for a in actions]
    return _calendar(campaign.name, events)


def action_calendar(session: Session, action: Action, *, viewer: User | None, host: str, link: Linker) -> bytes:
    """One action, for an .ics download from its page."""
    event = action_event(action, host=host, link=link, show_place=volunteering.may_see_place(session, viewer, action))
    return _calendar(action.title, [event])
