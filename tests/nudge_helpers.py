"""Helpers for the nudge tests: signing up, stepping back and moving actions through the real use cases (so
the row locks, the waitlist and promotion are the ones users get), a fixed clock, and looking at what was
delivered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from campaigns import clock
from campaigns.domain.model import Action, CampaignMember, InboxItem, Nudge, Signup, Task, User
from campaigns.nudges.dispatch import dispatcher
from campaigns.services import actions, signups

#: a Monday at noon in London (GMT): no quiet hours, no DST edge
NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def at(moment: datetime) -> datetime:
    clock.pin(moment)
    return moment


def sign_up(session, task: Task, user, *, status: str = "confirmed") -> Signup:
    """Sign up through the volunteering use case (seat lock, waitlist), expecting `status`."""
    signup = signups.sign_up(session, task_id=task.id, user=user)
    assert signup.status == status, f"expected a {status} sign-up, got {signup.status}"
    session.expire(task)  # its seat count moved in the database (read again when next used)
    return signup


def cancel(session, signup: Signup, *, by=None) -> Signup:
    """Step back through the volunteering use case (the freed seat goes to the first on the waitlist)."""
    return signups.cancel(session, signup_id=signup.id, user=by or session.get(User, signup.user_id))


def move(session, action: Action, starts_at: datetime, *, by) -> Action:
    """Move an action through its use case, keeping its length; `by` is a coordinator."""
    return actions.reschedule_action(session, action_id=action.id, user=by, starts_at=starts_at,
                                     ends_at=starts_at + (action.ends_at - action.starts_at))


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
