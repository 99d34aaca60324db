"""Helpers for the nudge tests: sign-ups as rows plus their events (so these tests never wait on the volunteering
feature's services), a fixed clock, and looking at what was delivered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from campaigns import clock
from campaigns.db import transaction
from campaigns.delivery import dispatcher
from campaigns.domain import events as ev
from campaigns.domain.model import Action, CampaignMember, InboxItem, Nudge, Signup, Task
from campaigns.services import messagebus

#: a Monday at noon in London (GMT): no quiet hours, no DST edge
NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def at(moment: datetime) -> datetime:
    clock.pin(moment)
    return moment


def sign_up(session, task: Task, user, *, status: str = "confirmed") -> Signup:
    """A sign-up row and its event, the way the volunteering use case records them."""
    with transaction(session):
        signup = Signup(task_id=task.id, user_id=user.id, status=status,
                        confirmed_at=clock.now() if status == "confirmed" else None)
        session.add(signup)
        session.flush()
        if status == "confirmed":
            task.taken += 1
            session.add(task)
        event = ev.SignupConfirmed if status == "confirmed" else ev.SignupWaitlisted
        messagebus.record(session, event(org_id=task.org_id, campaign_id=task.campaign_id, subject_id=signup.id,
                                         task_id=task.id))
    return signup


def cancel(session, signup: Signup) -> None:
    with transaction(session):
        task = session.get(Task, signup.task_id)
        was = signup.status
        signup.status, signup.cancelled_at = "cancelled", clock.now()
        session.add(signup)
        if was == "confirmed":
            task.taken -= 1
            session.add(task)
        messagebus.record(session, ev.SignupCancelled(org_id=task.org_id, campaign_id=task.campaign_id,
                                                      subject_id=signup.id, task_id=task.id, was=was))


def move(session, action: Action, starts_at: datetime) -> None:
    with transaction(session):
        old = action.starts_at
        length = action.ends_at - action.starts_at
        action.starts_at, action.ends_at = starts_at, starts_at + length
        action.sequence += 1
        session.add(action)
        messagebus.record(session, ev.ActionRescheduled(
            org_id=action.org_id, campaign_id=action.campaign_id, subject_id=action.id,
            old_starts_at=old.isoformat(), new_starts_at=starts_at.isoformat()))


def join(session, campaign, user, role: str = "member") -> None:
    session.add(CampaignMember(campaign_id=campaign.id, user_id=user.id, role=role))
    session.commit()


def dispatch(session) -> int:
    return dispatcher.dispatch_due(session)


def run_until(session, moment: datetime, step: timedelta = timedelta(minutes=10)) -> None:
    """Move the clock to `moment` in steps, dispatching at each, as a running scheduler would."""
    while clock.now() < moment:
        clock.pin(min(clock.now() + step, moment))
        dispatcher.recover_leases(session)
        dispatch(session)


def inbox(session, user, kind: str | None = None) -> list[InboxItem]:
    session.commit()  # a fresh snapshot: see what other sessions committed
    session.expire_all()
    query = select(InboxItem).where(InboxItem.user_id == user.id).order_by(col(InboxItem.id))
    if kind:
        query = query.where(InboxItem.kind == kind)
    return list(session.exec(query))


def nudges(session, *, kind: str | None = None, recipient=None, channel: str | None = None) -> list[Nudge]:
    session.commit()  # a fresh snapshot: see what other sessions committed
    session.expire_all()
    query = select(Nudge).order_by(col(Nudge.id))
    if kind:
        query = query.where(Nudge.kind == kind)
    if recipient is not None:
        query = query.where(Nudge.recipient_id == recipient.id)
    if channel:
        query = query.where(Nudge.channel == channel)
    return list(session.exec(query))
