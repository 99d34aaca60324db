"""The in-app channel: exactly once. The inbox row and the nudge's sent mark commit in one transaction, the
sent mark only takes a nudge this sender still holds the lease on, and inbox_item.nudge_id is UNIQUE — so a
nudge lands in an inbox once however many senders race for it or crash half way."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Row, update
from sqlmodel import Session, col

from campaigns.db import is_sqlite, transaction
from campaigns.delivery.messages import Message
from campaigns.domain.model import InboxItem, Nudge


def send_batch(session: Session, items: list[tuple[Row, Message]], *, worker: str, now: datetime) -> int:
    """Deliver claimed in-app nudges with their rendered messages. Returns how many were delivered."""
    if not items:
        return 0
    delivered = 0
    with transaction(session):
        for start in range(0, len(items), 400):
            chunk = items[start:start + 400]
            ids = [row.id for row, _ in chunk]
            statement = (update(Nudge).where(col(Nudge.id).in_(ids), Nudge.status == "sending",
                                             Nudge.leased_by == worker)
                         .values(status="sent", sent_at=now, lease_expires_at=None, leased_by=None)
                         .returning(Nudge.id))
            mine = set(session.exec(statement).scalars())  # type: ignore[call-overload]
            rows = [{"user_id": row.recipient_id, "nudge_id": row.id, "kind": row.kind,
                     "title": message.title[:200], "body": f"{message.body}\n\n{_lines(message)}".strip()[:5000],
                     "link": message.link, "created_at": now}
                    for row, message in chunk if row.id in mine]
            if rows:  # no RETURNING: the sent marks above already say what was delivered
                session.exec(_insert_ignore(session), params=rows)  # type: ignore[call-overload]
                delivered += len(rows)
    return delivered


def _insert_ignore(session: Session):
    """INSERT … ON CONFLICT (nudge_id) DO NOTHING, as one executemany: a nudge never lands twice."""
    if is_sqlite(session):
        from sqlalchemy.dialects.sqlite import insert
    else:
        from sqlalchemy.dialects.postgresql import insert
    return insert(InboxItem.__table__).on_conflict_do_nothing(index_elements=["nudge_id"])


def _lines(message: Message) -> str:
    return "\n".join(f"• {line}" for line in message.lines)


def send(session: Session, nudge) -> None:
    """The channel's one-at-a-time form (the dispatcher uses send_batch): put it in the inbox."""
    from campaigns import clock
    from campaigns.delivery.checks import Person
    from campaigns.delivery.messages import render
    from campaigns.domain.model import User
    from campaigns.services import inbox

    user = session.get(User, nudge.recipient_id)
    message = render(nudge, Person(user.id, user.email, user.display_name, user.locale, user.timezone))
    with transaction(session):
        inbox.deliver(session, user_id=user.id, kind=nudge.kind, title=message.title, body=message.body,
                      link=message.link, nudge_id=nudge.id)
        session.exec(update(Nudge).where(Nudge.id == nudge.id)  # type: ignore[call-overload]
                     .values(status="sent", sent_at=clock.now(), lease_expires_at=None, leased_by=None))
