"""Helpers for the progress tests: verified contributions and other events recorded the way features do."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from campaigns.db import engine, transaction
from campaigns.domain import events as ev
from campaigns.domain.model import Campaign, Contribution, Goal
from campaigns.services import messagebus


def verify(session, goal: Goal, amount: float, *, user=None, hours: float = 0.0) -> Contribution:
    """A verified contribution toward `goal`, through the event (its handlers move the counter and progress)."""
    campaign = session.get(Campaign, goal.campaign_id)
    with transaction(session):
        contribution = Contribution(org_id=campaign.org_id, campaign_id=campaign.id, goal_id=goal.id,
                                    user_id=user.id if user else None, amount=amount, hours=hours,
                                    status="verified")
        session.add(contribution)
        session.flush()
        messagebus.record(session, ev.ContributionVerified(
            org_id=campaign.org_id, campaign_id=campaign.id, subject_id=contribution.id, goal_id=goal.id,
            amount=amount, actor_id=user.id if user else None))
    session.refresh(goal)
    session.refresh(campaign)
    return contribution


def record(session, event_: ev.Event):
    with transaction(session):
        return messagebus.record(session, event_)


def events_of(session, type_: str, campaign_id: int | None = None) -> list:
    from sqlmodel import select

    from campaigns.domain.model import EventRecord

    query = select(EventRecord).where(EventRecord.type == type_)
    if campaign_id is not None:
        query = query.where(EventRecord.campaign_id == campaign_id)
    return list(session.exec(query.order_by(EventRecord.position)))


class QueryCounter:
    """The SQL statements seen (without transaction control); call it for how many."""

    def __init__(self):
        self.statements: list[str] = []

    def __call__(self) -> int:
        return len(self.statements)


@contextmanager
def count_queries():
    """Counts the SQL statements the app's engine runs inside the block: `with count_queries() as n: …; n()`."""
    counter = QueryCounter()

    def _count(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
            counter.statements.append(statement)

    target = engine()
    event.listen(target, "before_cursor_execute", _count)
    try:
        yield counter
    finally:
        event.remove(target, "before_cursor_execute", _count)
