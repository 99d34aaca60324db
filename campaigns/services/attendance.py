"""After sign-up: rosters for coordinators, check-in with the action's code, attendance, and messaging volunteers.

Attendance is private: only the person and coordinators ever see it, and its event carries no person or value.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain import events as ev
from campaigns.domain import rules_volunteering as rules
from campaigns.domain.model import Action, Guest, Signup, Task, User
from campaigns.nudges import outbox as nudges
from campaigns.services import audit, messagebus, security, throttle
from campaigns.services.errors import Conflict, Invalid, NotFound
from campaigns.services.volunteering import action_for, task_for

CHECKIN_LIMIT = 5
CHECKIN_WINDOW = timedelta(minutes=15)


@dataclass
class RosterRow:
    task: Task
    signup: Signup
    user: User
    position: int | None = None  #: waitlist place
    #: their guest record, if they came from a public page (coordinators see them marked as guests)
    guest: Guest | None = None


def _tasks_in_scope(session: Session, user: User, *, action_id: int | None, task_id: int | None,
                    permission: str) -> tuple[list[Task], Action | None]:
    """The tasks of an action, or one task, if `user` may `permission` in their campaign."""
    if (action_id is None) == (task_id is None):
        raise Invalid(_("Choose an action or a task."))
    if action_id is not None:
        action = action_for(session, user, action_id, permission)
        return list(session.exec(select(Task).where(Task.action_id == action.id).order_by(col(Task.id)))), action
    task = task_for(session, user, task_id, permission)  # type: ignore[arg-type]
    return [task], None


def roster_query(task_ids: list[int], statuses: tuple[str, ...] = ("confirmed", "waitlisted")):
    """(Signup, User) rows of these tasks: holders first, then the waitlist in order (a query, for paging)."""
    return (select(Signup, User).join(User, col(User.id) == Signup.user_id)
            .where(col(Signup.task_id).in_(task_ids), col(Signup.status).in_(statuses))
            .order_by(col(Signup.task_id), col(Signup.status), col(Signup.queued_at), col(Signup.id)))


def roster_tasks(session: Session, *, viewer: User, action_id: int | None = None,
                 task_id: int | None = None) -> list[Task]:
    """The tasks whose roster `viewer` asks for, if they may see it (coordinators)."""
    tasks, _ = _tasks_in_scope(session, viewer, action_id=action_id, task_id=task_id, permission="roster.view")
    return tasks


def roster(session: Session, *, viewer: User, action_id: int | None = None, task_id: int | None = None,
           statuses: tuple[str, ...] = ("confirmed", "waitlisted")) -> list[RosterRow]:
    """Who holds and waits for each task (coordinators). Logs the read of each listed person's sign-up."""
    tasks = roster_tasks(session, viewer=viewer, action_id=action_id, task_id=task_id)
    by_id = {t.id: t for t in tasks}
    rows, places = [], {}
    for signup, user in session.exec(roster_query(list(by_id), statuses)):  # type: ignore[arg-type]
        position = None
        if signup.status == "waitlisted":
            places[signup.task_id] = position = places.get(signup.task_id, 0) + 1
        rows.append(RosterRow(by_id[signup.task_id], signup, user, position))
    if tasks:
        from campaigns.services.guest_admin import is_guest_in

        guests = is_guest_in(session, tasks[0].org_id, {r.user.id for r in rows})  # type: ignore[misc]
        for row in rows:
            row.guest = guests.get(row.user.id)  # type: ignore[arg-type]
    log_roster_read(session, viewer, {r.user.id for r in rows}, tasks, action_id=action_id)  # type: ignore[misc]
    return rows


def log_roster_read(session: Session, viewer: User, user_ids: set[int], tasks: list[Task], *,
                    action_id: int | None = None) -> None:
    """Record who read these people's sign-ups, naming the action (or the task) whose roster it was."""
    action = session.get(Action, action_id) if action_id else None
    if action is not None:
        audit.log_reads(session, viewer_id=viewer.id, subject_ids=user_ids, what="roster_of_action",  # type: ignore[arg-type]
                        title=action.title)
    elif tasks:
        audit.log_reads(session, viewer_id=viewer.id, subject_ids=user_ids, what="roster_of_task",  # type: ignore[arg-type]
                        title=tasks[0].title)


def record_attendance(session: Session, *, signup_id: int, user: User, attended: bool) -> Signup:
    """A coordinator marks a confirmed volunteer as attended or not. Records AttendanceRecorded (no person, no
    value: it is private)."""
    signup = session.get(Signup, signup_id)
    if signup is None:
        raise NotFound()
    task = task_for(session, user, signup.task_id, "campaign.manage")
    with transaction(session):
        signup = session.exec(select(Signup).where(Signup.id == signup_id).with_for_update()
                              .execution_options(populate_existing=True)).one()
        if signup.status != "confirmed":
            raise Conflict(_("Attendance is only kept for confirmed volunteers."))
        value = "attended" if attended else "absent"
        if signup.attendance != value:
            signup.attendance = value
            session.add(signup)
            messagebus.record(session, ev.AttendanceRecorded(
                org_id=task.org_id, campaign_id=task.campaign_id, subject_id=signup.id, task_id=task.id))
    return signup


def _confirmed_in_action(session: Session, user: User, action: Action) -> list[Signup]:
    query = select(Signup).join(Task, col(Task.id) == Signup.task_id).where(
        Task.action_id == action.id, Signup.user_id == user.id, Signup.status == "confirmed")
    return list(session.exec(query.execution_options(populate_existing=True)))


def check_in(session: Session, *, action_id: int, user: User, code: str) -> list[Signup]:
    """A confirmed volunteer checks themself in with the code shown at the action. Wrong codes are throttled.

    Records AttendanceRecorded for each of their confirmed sign-ups in the action.
    """
    action = action_for(session, user, action_id, "volunteer")
    keys = [throttle.key("checkin", "user", str(user.id))]
    throttle.check(session, keys, limit=CHECKIN_LIMIT, window=CHECKIN_WINDOW,
                   message="That's a few wrong codes in a row. Ask a coordinator to check you in, "
                           "or try again in 15 minutes.")
    signups = _confirmed_in_action(session, user, action)
    if action.status == "cancelled":
        raise Conflict(_("This action was cancelled, so there's nothing to check in to."))
    if not signups:
        raise Conflict(_("You don't hold a confirmed task in this action, so there's nothing to check in to."))
    if not rules.checkin_open(action.starts_at, action.ends_at, clock.now()):
        raise Conflict(_("Check-in opens an hour before the action starts and closes a few hours after it ends."))
    if not security.same((code or "").strip().upper(), action.checkin_code.upper()):
        with transaction(session):
            throttle.fail(session, keys)
        raise Invalid(_("That code doesn't match. Check the code shown at the action."), field="code")
    with transaction(session):
        for signup in _confirmed_in_action(session, user, action):
            if signup.attendance != "attended":
                signup.attendance, signup.checked_in_at = "attended", clock.now()
                session.add(signup)
                messagebus.record(session, ev.AttendanceRecorded(
                    org_id=action.org_id, campaign_id=action.campaign_id, subject_id=signup.id,
                    task_id=signup.task_id))
    return signups


def message_volunteers(session: Session, *, user: User, title: str, body: str, task_id: int | None = None,
                       action_id: int | None = None, link: str | None = None,
                       include_waitlisted: bool = False) -> int:
    """Message everyone confirmed (and optionally waitlisted) for a task or an action (coordinators).

    Plans one nudge per person (the nudges dispatcher delivers it in-app and by email, honouring their
    choices) and records VolunteersMessaged. Returns how many people it goes to.
    """
    if not (title or "").strip() or not (body or "").strip():
        raise Invalid(_("Write a subject and a message."), field="body" if (title or "").strip() else "title")
    tasks, action = _tasks_in_scope(session, user, action_id=action_id, task_id=task_id,
                                    permission="campaign.manage")
    statuses = ("confirmed", "waitlisted") if include_waitlisted else ("confirmed",)
    query = select(Signup.user_id).where(col(Signup.task_id).in_([t.id for t in tasks]),
                                         col(Signup.status).in_(statuses)).distinct()
    recipients = sorted(uid for uid in session.exec(query) if uid is not None)
    if not recipients:
        raise Conflict(_("Nobody has signed up yet, so there's no one to message."))
    owner: Action | Task = action or tasks[0]
    subject_type = "action" if action else "task"
    reason = f"message:{uuid.uuid4().hex}"
    with transaction(session):
        for recipient in recipients:
            nudges.plan(session, nudges.NudgeSpec(
                kind="message", reason=reason, recipient_id=recipient, subject_type=subject_type,
                subject_id=owner.id, org_id=owner.org_id, campaign_id=owner.campaign_id,
                channels=("inapp", "email"),
                payload={"title": title, "body": body, "link": link, "about": owner.title}))
        messagebus.record(session, ev.VolunteersMessaged(
            org_id=owner.org_id, campaign_id=owner.campaign_id, subject_id=None if action else owner.id,
            actor_id=user.id, recipients=len(recipients), action_id=action.id if action else None))
    return len(recipients)
