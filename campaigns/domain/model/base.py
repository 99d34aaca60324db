"""Column types and helpers shared by every table."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, TypeDecorator
from sqlmodel import Field

from campaigns import clock


class UTCDateTime(TypeDecorator):
    """Stored as naive UTC, always returned timezone-aware, identically on SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware one")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


def utc_field(*, default_now: bool = False, nullable: bool = True, index: bool = False) -> Any:
    """A UTC timestamp column."""
    if default_now:
        return Field(default_factory=clock.now, sa_type=UTCDateTime, nullable=False, index=index)
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


def json_field(default_factory=dict) -> Any:
    return Field(default_factory=default_factory, sa_type=JSON, nullable=False)
