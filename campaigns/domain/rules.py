"""Pure policy: rules that need no database, tested as rules."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_names() -> frozenset[str]:
    """Every IANA time zone name this system knows."""
    return _zones()


def is_valid_timezone(name: str) -> bool:
    return name in _zones()


def visible_count(count: int, k: int, *, is_author: bool = False) -> int | None:
    """The support count someone may see: exact at or above k (or for the author), else None ("fewer than k")."""
    return count if is_author or count >= k else None
