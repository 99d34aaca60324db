"""The in-app channel: exactly once. The inbox row and the nudge's sent mark commit in one transaction, the
sent mark only takes a nudge this sender still holds the lease on, and inbox_item.nudge_id is UNIQUE — so a
nudge lands in an inbox once however many senders race for it or crash half way."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text, update
from sqlmodel import Session

from campaigns.db import is_sqlite, transaction
from campaigns.domain.model import InboxItem, Nudge
from campaigns.nudges.messages import Message
from campaigns.nudges.outbox import among, insert_new, json_rows

_table = Nudge.__table__


def send_batch(session: Session, items: list[tuple[Any, Message]], *, worker: str, now: datetime) -> int:
    """Deliver claimed in-app nudges with their rendered messages. Returns how many were delivered."""
    if not items:
        return 0
    if not is_sqlite(session):
        return _send_batch_postgres(session, items, worker=worker, now=now)
    with transaction(session):
        # the table, not the ORM entity: an ORM UPDATE … RETURNING looks every id up in the identity map
        statement = (update(_table).where(among(session, _table.c.id, [row.id for row, _ in items]),
                                          _table.c.status == "sending", _table.c.leased_by == worker)
                     .values(status="sent", sent_at=now, lease_expires_at=None, leased_by=None)
                     .returning(_table.c.id))
        mine = set(session.exec(statement).scalars())  # type: ignore[call-overload]
        rows = _inbox_rows([(row, message) for row, message in items if row.id in mine], now)
        insert_new(session, InboxItem.__table__, rows, unique=["nudge_id"])  # the sent marks say what was new
    return len(rows)


#: PostgreSQL: the sent marks and the inbox rows of a whole batch in one statement (its parts commit together);
#: only the nudges this sender still holds the lease on get an inbox row
_MARK_AND_INSERT = text(
    "WITH mine AS (UPDATE nudge SET status = 'sent', sent_at = CAST(:now AS timestamp), lease_expires_at = NULL, "
    "leased_by = NULL WHERE id = ANY(CAST(:ids AS bigint[])) AND status = 'sending' AND leased_by = :worker "
    "RETURNING id) "
    "INSERT INTO inbox_item (user_id, nudge_id, kind, title, body, link, created_at) "
    "SELECT r.user_id, r.nudge_id, r.kind, r.title, r.body, r.link, r.created_at "
    "FROM jsonb_populate_recordset(NULL::inbox_item, CAST(:rows AS jsonb)) AS r JOIN mine ON mine.id = r.nudge_id "
    "ON CONFLICT (nudge_id) DO NOTHING")


def _send_batch_postgres(session: Session, items: list[tuple[Any, Message]], *, worker: str, now: datetime) -> int:
    rows = _inbox_rows(items, now)
    params = {"now": now.astimezone(UTC).replace(tzinfo=None),  # stored as naive UTC (see UTCDateTime)
              "ids": [row.id for row, _ in items], "worker": worker, "rows": json_rows(rows)}
    with transaction(session):
        return session.exec(_MARK_AND_INSERT, params=params).rowcount  # type: ignore[call-overload]


def _inbox_rows(items: list[tuple[Any, Message]], now: datetime) -> list[dict]:
    texts: dict[int, tuple] = {}  # a batch shares its rendered messages (items keep them alive): shape each once
    rows = []
    for row, message in items:
        if id(message) not in texts:
            texts[id(message)] = (message.title[:200], f"{message.body}\n\n{_lines(message)}".strip()[:5000],
                                  message.link)
        title, body, link = texts[id(message)]
        rows.append({"user_id": row.recipient_id, "nudge_id": row.id, "kind": row.kind, "title": title,
                     "body": body, "link": link, "created_at": now})
    return rows


def _lines(message: Message) -> str:
    return "\n".join(f"• {line}" for line in message.lines)


def send(session: Session, nudge) -> None:
    """The channel's one-at-a-time form (the dispatcher uses send_batch): put it in the inbox."""
    from campaigns import clock
    from campaigns.domain.model import User
    from campaigns.nudges import inbox
    from campaigns.nudges.dispatch.checks import Person
    from campaigns.nudges.messages import render

    user = session.get(User, nudge.recipient_id)
    message = render(nudge, Person(user.id, user.email, user.display_name, user.locale, user.timezone))
    with transaction(session):
        inbox.deliver(session, user_id=user.id, kind=nudge.kind, title=message.title, body=message.body,
                      link=message.link, nudge_id=nudge.id)
        session.exec(update(Nudge).where(Nudge.id == nudge.id)  # type: ignore[call-overload]
                     .values(status="sent", sent_at=clock.now(), lease_expires_at=None, leased_by=None))


#: the name every channel sends one nudge by (the dispatcher calls channels alike)
send_nudge = send
