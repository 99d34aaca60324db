"""The .ics file attached to a sign-up confirmation (RFC 5545), built with the icalendar library.

The UID is stable per action or task and SEQUENCE follows the action's, so a calendar that imports a later file
updates the same entry instead of adding another.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event
from sqlmodel import Session

from campaigns import clock
from campaigns.domain.model import Action, Task


def for_signup_subject(session: Session, payload: dict) -> bytes | None:
    """The calendar file for the action (or timed task) a confirmation is about; None if it has no time."""
    task = session.get(Task, payload["task_id"]) if payload.get("task_id") else None
    action_id = payload.get("action_id") or (task.action_id if task else None)
    action = session.get(Action, action_id) if action_id else None
    if action is not None:
        return event_file(uid=f"action-{action.id}", title=action.title, starts=action.starts_at,
                          ends=action.ends_at, location=action.address or action.online_link,
                          description=action.description, sequence=action.sequence)
    if task is not None and task.starts_at and task.ends_at:
        return event_file(uid=f"task-{task.id}", title=task.title, starts=task.starts_at, ends=task.ends_at,
                          description=task.description)
    return None


def event_file(*, uid: str, title: str, starts: datetime, ends: datetime, location: str | None = None,
               description: str = "", sequence: int = 0) -> bytes:
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "campaigns.local"
    calendar = Calendar()
    calendar.add("prodid", "-//Campaigns//Nudges//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{uid}@{host}")
    event.add("dtstamp", clock.now())
    event.add("dtstart", starts)
    event.add("dtend", ends)
    event.add("summary", title)
    event.add("sequence", sequence)
    if location:
        event.add("location", location)
    if description:
        event.add("description", description[:2000])
    calendar.add_component(event)
    return calendar.to_ical()
