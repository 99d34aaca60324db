"""Actions, tasks, sign-ups and contributions (the Intervention step)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from campaigns.domain.model.base import json_field, utc_field


class Action(SQLModel, table=True):
    """An advocacy activity of a campaign: a meeting, a town hall, letter writing…"""

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    kind: str = Field(max_length=30)
    title: str = Field(max_length=140)
    description: str = Field(default="", max_length=5000)
    starts_at: datetime = utc_field(nullable=False, index=True)
    ends_at: datetime = utc_field(nullable=False)
    timezone: str = Field(max_length=64)  #: IANA zone the action happens in
    address: str | None = Field(default=None, max_length=500)
    online_link: str | None = Field(default=None, max_length=500)
    #: False: only confirmed volunteers (and coordinators) see the address
    address_public: bool = Field(default=True)
    accessibility_notes: str = Field(default="", max_length=2000)
    interpreter_languages: list = json_field(list)
    content_note: str | None = Field(default=None, max_length=500)
    #: on the public page /p/actions/<id>, where anyone may sign up as a guest (whatever the campaign's setting)
    public: bool = Field(default=False)
    status: str = Field(default="planned", max_length=12)  #: planned | cancelled
    #: RFC 5545 SEQUENCE: bumped on every change volunteers should see
    sequence: int = Field(default=0)
    checkin_code: str = Field(max_length=12)
    created_at: datetime = utc_field(default_now=True)
    updated_at: datetime | None = utc_field()
    #: the group's own translations of its words, {language: {field: text}} (services/content_translations.py)
    translations: dict = json_field()

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ck_action_window"),
        CheckConstraint("status IN ('planned', 'cancelled')", name="ck_action_status"),
    )


class Task(SQLModel, table=True):
    """A volunteer role or shift, in an action or standalone with a deadline."""

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    action_id: int | None = Field(default=None, foreign_key="action.id", index=True)
    goal_id: int | None = Field(default=None, foreign_key="goal.id")
    title: str = Field(max_length=140)
    description: str = Field(default="", max_length=5000)
    starts_at: datetime | None = utc_field()
    ends_at: datetime | None = utc_field()
    deadline: datetime | None = utc_field(index=True)
    skills: list = json_field(list)
    capacity: int
    #: confirmed seats; only ever changed by a conditional UPDATE (see services/signups)
    taken: int = Field(default=0)
    created_at: datetime = utc_field(default_now=True)

    __table_args__ = (
        CheckConstraint("capacity >= 1 AND capacity <= 10000", name="ck_task_capacity"),
        CheckConstraint("taken >= 0 AND taken <= capacity", name="ck_task_taken"),
    )


class Signup(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    #: confirmed | waitlisted | cancelled | pending (a guest's request, holding no seat until it is confirmed)
    status: str = Field(max_length=12)
    #: waitlist order: earliest first
    queued_at: datetime = utc_field(default_now=True)
    confirmed_at: datetime | None = utc_field()
    cancelled_at: datetime | None = utc_field()
    on_behalf_by_id: int | None = Field(default=None, foreign_key="user.id")
    #: PRIVATE: seen by the person and coordinators only. None, 'attended' or 'absent'
    attendance: str | None = Field(default=None, max_length=10)
    checked_in_at: datetime | None = utc_field()
    #: when the volunteer said "still coming" from the day-before reminder's one-click link
    reconfirmed_at: datetime | None = utc_field()
    #: a pending guest sign-up lapses at this moment unless confirmed (released by the guest_holds job)
    hold_expires_at: datetime | None = utc_field()

    __table_args__ = (
        UniqueConstraint("task_id", "user_id"),
        CheckConstraint("status IN ('confirmed', 'waitlisted', 'cancelled', 'pending')", name="ck_signup_status"),
        CheckConstraint("status <> 'pending' OR hold_expires_at IS NOT NULL", name="ck_signup_pending_hold"),
        Index("ix_signup_task_status_queue", "task_id", "status", "queued_at"),
    )


class Contribution(SQLModel, table=True):
    """A counted result toward a goal: 12 letters, 40 signatures, 3 hours."""

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    goal_id: int = Field(foreign_key="goal.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    task_id: int | None = Field(default=None, foreign_key="task.id")
    action_id: int | None = Field(default=None, foreign_key="action.id")
    amount: float
    hours: float = Field(default=0.0)
    note: str = Field(default="", max_length=1000)
    status: str = Field(default="pending", max_length=10)  #: pending | verified | rejected
    #: whether `amount` is in goal.current now, so verifying or rejecting never counts it twice
    counted: bool = Field(default=False)
    reject_reason: str | None = Field(default=None, max_length=500)
    reviewed_by_id: int | None = Field(default=None, foreign_key="user.id")
    reviewed_at: datetime | None = utc_field()
    created_at: datetime = utc_field(default_now=True)

    __table_args__ = (
        CheckConstraint("amount >= 0 AND amount <= 100000", name="ck_contribution_amount"),
        CheckConstraint("hours >= 0 AND hours <= 1000", name="ck_contribution_hours"),
        CheckConstraint("status IN ('pending', 'verified', 'rejected')", name="ck_contribution_status"),
    )

    @property
    def self_verified(self) -> bool:
        """Verified by the person who logged it: allowed only where no one else could review it."""
        return self.status == "verified" and self.user_id is not None and self.reviewed_by_id == self.user_id
