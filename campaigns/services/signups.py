"""Sign-ups (the Intervention step): take seats that never overbook, and waitlists that promote themselves.
Actions are in services/actions.py; tasks and their capacity in services/tasks.py.

Capacity (ARCHITECTURE.md): every change to who holds a seat runs in one transaction that first locks the task
row (FOR UPDATE on PostgreSQL; BEGIN IMMEDIATE already holds SQLite's write lock), then takes a seat only with
`UPDATE task SET taken = taken + 1 WHERE id = :id AND taken < capacity`. The CHECK (0 <= taken <= capacity) and
UNIQUE (task, user) constraints back it. Because sign-ups of one task are serialised by that lock, `queued_at`
(stamped after the lock) is the order people arrived in, and the waitlist is promoted in that order.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain import events as ev
from campaigns.domain import rules_volunteering as rules
from campaigns.domain.model import Action, Signup, Task, User
from campaigns.services import consents, messagebus, policy
from campaigns.services.errors import Conflict, NotFound
from campaigns.services.volunteering import locked, task_for


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
    A guest request waiting for its confirmation (pending) is taken over: signed in, they need no code.
    """
    task = task_for(session, user, task_id, "volunteer")
    volunteer = _volunteer(session, user, task, on_behalf_of)
    with transaction(session):
        task = locked(session, Task, task_id)
        signup = signup_of(session, task.id, volunteer.id)  # type: ignore[arg-type]
        if signup is not None and signup.status not in ("cancelled", "pending"):
            return signup
        signup = signup or Signup(task_id=task.id, user_id=volunteer.id)
        signup.on_behalf_by_id = user.id if volunteer.id != user.id else None
        take_place(session, task, signup)
    return signup


def take_place(session: Session, task: Task, signup: Signup) -> Signup:
    """The one way anyone gets a place (members, and guests once they confirm): a seat while one is free, else
    the waitlist. The caller holds the task's lock. Records SignupConfirmed or SignupWaitlisted."""
    reason = closed_reason(session, task)
    if reason:
        raise Conflict(reason)
    seated, now = _take_seat(session, task.id), clock.now()  # type: ignore[arg-type]
    signup.status = "confirmed" if seated else "waitlisted"
    signup.queued_at, signup.confirmed_at, signup.cancelled_at = now, now if seated else None, None
    signup.attendance = signup.checked_in_at = None  # (a guest's hold stays: their code keeps answering "done")
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
        if was == "pending":  # an unconfirmed guest request: it held no place, so nothing happened
            return signup
        if was == "confirmed":
            _release_seat(session, task.id)  # type: ignore[arg-type]
        messagebus.record(session, ev.SignupCancelled(
            org_id=task.org_id, campaign_id=task.campaign_id, subject_id=signup.id, task_id=task.id, was=was))
        # nobody is moved up into an action that is over or called off
        if was == "confirmed" and closed_reason(session, task) is None:
            promote_waitlist(session, task)
    return signup
