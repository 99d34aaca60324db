"""Rate limits for login, password reset, join and tokens, stored in the database so they hold across
web workers and hosts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, select

from campaigns import clock
from campaigns.domain.model import Throttle
from campaigns.services.errors import TooManyAttempts
from campaigns.services.security import token_hash


def key(kind: str, scope: str, value: str) -> str:
    """Account keys are hashed, so the table never holds an email address."""
    return f"{kind}:{scope}:{token_hash(value.lower())[:32] if scope == 'account' else value}"


def failures(session: Session, throttle_key: str, *, window: timedelta) -> int:
    since = clock.now() - window
    query = select(func.count()).select_from(Throttle).where(Throttle.key == throttle_key, Throttle.at >= since)
    return session.exec(query).one()


def check(session: Session, keys: list[str], *, limit: int, window: timedelta, message: str) -> None:
    """Refuse (429) when any key had `limit` failures within `window`."""
    if busy(session, keys, limit=limit, window=window):
        raise TooManyAttempts(message)


def busy(session: Session, keys: list[str], *, limit: int, window: timedelta) -> bool:
    """Whether any key had `limit` failures within `window` (for limits that refuse only some answers)."""
    return any(failures(session, k, window=window) >= limit for k in keys)


def fail(session: Session, keys: list[str]) -> None:
    for k in keys:
        session.add(Throttle(key=k))


def clear(session: Session, keys: list[str]) -> None:
    session.exec(delete(Throttle).where(Throttle.key.in_(keys)))  # type: ignore[attr-defined]


def prune(session: Session, *, older_than: timedelta = timedelta(days=1)) -> int:
    cutoff = clock.now() - older_than
    return session.exec(delete(Throttle).where(Throttle.at < cutoff)).rowcount  # type: ignore[arg-type]
