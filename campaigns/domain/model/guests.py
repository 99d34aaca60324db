"""Guests: people who signed up from a public action page without an account."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from campaigns.domain.model.base import json_field, utc_field


class Guest(SQLModel, table=True):
    """A person who took part in a group's public actions without joining it.

    The person is a `user` row without a password (so the sign-up, waitlist, reminder and erasure machinery is
    the members' own), and this row says what they agreed to in this group: the channels they may be reached on
    and the accessibility needs they told its coordinators. A guest has no membership, so they see nothing of the
    group, and nobody but its coordinators sees them.
    """

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    #: channels they ticked for reminders: any of "email", "sms" (unticked by default; may be empty)
    channels: list = json_field(list)
    #: PRIVATE: shown to the group's coordinators only
    accessibility_needs: str = Field(default="", max_length=1000)
    #: what their latest unconfirmed request asked for (name, channels, needs): applied only once they confirm,
    #: so typing someone's address on a public page never changes anything of theirs
    requested: dict = json_field()
    created_at: datetime = utc_field(default_now=True)
    #: when they first confirmed a sign-up (double opt-in); None while they never have
    confirmed_at: datetime | None = utc_field()
    #: when a coordinator last invited them to join the group
    invited_at: datetime | None = utc_field()

    __table_args__ = (UniqueConstraint("org_id", "user_id"),)
