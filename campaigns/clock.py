"""The one source of time. Everything asks `now()`; tests pin it with `freeze()`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

_pinned: datetime | None = None


def now() -> datetime:
    """The current moment, timezone-aware in UTC."""
    return _pinned if _pinned is not None else datetime.now(UTC)


def pin(moment: datetime | None) -> None:
    """Stop time at `moment` (None lets it run again)."""
    global _pinned
    if moment is not None and moment.tzinfo is None:
        raise ValueError("pin an aware datetime")
    _pinned = moment.astimezone(UTC) if moment else None


def advance(delta: timedelta) -> datetime:
    """Move pinned time forward, as if `delta` had passed."""
    pin(now() + delta)
    return now()


@contextmanager
def frozen(moment: datetime) -> Iterator[None]:
    previous = _pinned
    pin(moment)
    try:
        yield
    finally:
        pin(previous)
