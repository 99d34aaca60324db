"""The in-app inbox: what a person's nudges and messages become when delivered in-app."""

from __future__ import annotations

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.db import remember, remembered, transaction
from campaigns.domain.model import InboxItem, User
from campaigns.services.errors import NotFound


def deliver(session: Session, *, user_id: int, kind: str, title: str, body: str = "", link: str | None = None,
            nudge_id: int | None = None) -> InboxItem:
    """Put an item in someone's inbox, inside the caller's transaction (with the nudge's sent mark)."""
    item = InboxItem(user_id=user_id, kind=kind, title=title[:200], body=body[:5000], link=link, nudge_id=nudge_id)
    session.add(item)
    session.flush()
    return item


def items(session: Session, user: User, *, unread_only: bool = False):
    query = select(InboxItem).where(InboxItem.user_id == user.id).order_by(col(InboxItem.id).desc())
    if unread_only:
        query = query.where(col(InboxItem.read_at).is_(None))
    return query


def unread_query(user_id):
    """How many unread items `user_id` (a value or a column) has, as a query another one can embed."""
    return select(func.count()).select_from(InboxItem).where(
        InboxItem.user_id == user_id, col(InboxItem.read_at).is_(None))


def unread_count(session: Session, user: User) -> int:
    return remembered(session, ("unread", user.id), lambda: session.exec(unread_query(user.id)).one())


def remember_unread(session: Session, user: User, unread: int) -> None:
    remember(session, ("unread", user.id), unread)


def mark_read(session: Session, user: User, item_id: int | None = None) -> None:
    """Mark one item (or, with None, everything) as read. Someone else's item answers NotFound."""
    with transaction(session):
        statement = update(InboxItem).where(InboxItem.user_id == user.id, col(InboxItem.read_at).is_(None))
        if item_id is not None:
            item = session.get(InboxItem, item_id)
            if item is None or item.user_id != user.id:
                raise NotFound()
            statement = statement.where(InboxItem.id == item_id)
        session.exec(statement.values(read_at=clock.now()))  # type: ignore[call-overload]
