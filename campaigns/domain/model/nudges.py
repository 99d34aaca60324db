"""Nudges as rows, the rules that plan them, the inbox they land in, and each person's settings."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from campaigns.domain.model.base import json_field, utc_field


class ReminderRule(SQLModel, table=True):
    """When to nudge whom about what: an offset from an anchor, or a local clock time relative to it."""

    __tablename__ = "reminder_rule"
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id", index=True)
    #: stable key of a built-in default ('day_before', ...); None for a coordinator's own rule
    builtin: str | None = Field(default=None, max_length=40)
    name: str = Field(max_length=120)
    anchor: str = Field(max_length=30)  #: action_start | action_end | task_deadline | ... | signup
    offset_minutes: int = Field(default=0)  #: negative: before the anchor
    #: if set: at this local time on the day given by offset_days relative to the anchor
    local_time: time | None = None
    offset_days: int = Field(default=0)
    audience: str = Field(max_length=30)  #: confirmed | waitlisted | members_without_signup | ...
    channels: list = json_field(lambda: ["inapp", "email"])
    template: str = Field(max_length=60)
    enabled: bool = Field(default=True)
    created_at: datetime = utc_field(default_now=True)

    #: one override per built-in rule and campaign (NULL builtins, a coordinator's own rules, never clash)
    __table_args__ = (UniqueConstraint("campaign_id", "builtin"),)


class Nudge(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    #: rule + recipient + subject + checksum of the anchor time: planning twice inserts once
    dedupe_key: str = Field(max_length=200, unique=True)
    org_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id", index=True)
    #: indexed by ix_nudge_recipient_sent, which leads with it (an index of its own would only cost writes)
    recipient_id: int | None = Field(default=None, foreign_key="user.id")
    #: for the webhook channel: the endpoint instead of a person
    endpoint_id: int | None = Field(default=None, foreign_key="webhook_endpoint.id", index=True)
    kind: str = Field(max_length=40)
    rule_id: int | None = Field(default=None, foreign_key="reminder_rule.id")
    subject_type: str = Field(max_length=30)  #: action | task | signup | goal | campaign | event …
    subject_id: int | None = None
    #: checksum of the anchor time the nudge was planned for; a moved anchor makes it stale
    anchor_checksum: str | None = Field(default=None, max_length=16)
    channel: str = Field(max_length=10)  #: inapp | email | webhook | sms
    due_at: datetime = utc_field(nullable=False)
    #: latest moment it still makes sense to send; after it the nudge is skipped
    expires_at: datetime | None = utc_field()
    status: str = Field(default="planned", max_length=10)
    skip_reason: str | None = Field(default=None, max_length=120)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = utc_field(nullable=False)
    lease_expires_at: datetime | None = utc_field()
    leased_by: str | None = Field(default=None, max_length=80)
    last_error: str | None = Field(default=None, max_length=2000)
    payload: dict = json_field()
    sent_at: datetime | None = utc_field()
    created_at: datetime = utc_field(default_now=True)

    __table_args__ = (
        CheckConstraint(
            "status IN ('planned', 'sending', 'sent', 'skipped', 'failed', 'dead')", name="ck_nudge_status"
        ),
        CheckConstraint("channel IN ('inapp', 'email', 'webhook', 'sms')", name="ck_nudge_channel"),
        Index("ix_nudge_due", "status", "next_attempt_at"),
        Index("ix_nudge_subject", "subject_type", "subject_id"),
        #: caps count what a person was sent in the last week
        Index("ix_nudge_recipient_sent", "recipient_id", "sent_at"),
    )


class InboxItem(SQLModel, table=True):
    __tablename__ = "inbox_item"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    #: unique: the in-app channel delivers each nudge exactly once
    nudge_id: int | None = Field(default=None, foreign_key="nudge.id", unique=True)
    kind: str = Field(max_length=40)
    title: str = Field(max_length=200)
    body: str = Field(default="", max_length=5000)
    link: str | None = Field(default=None, max_length=500)
    created_at: datetime = utc_field(default_now=True, index=True)
    read_at: datetime | None = utc_field()


class NotificationSettings(SQLModel, table=True):
    __tablename__ = "notification_settings"
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    email_enabled: bool = Field(default=True)
    inapp_enabled: bool = Field(default=True)
    quiet_start: time = Field(default=time(21, 0))
    quiet_end: time = Field(default=time(8, 0))
    daily_cap: int = Field(default=3)
    weekly_cap: int = Field(default=10)
    digest: str = Field(default="immediate", max_length=10)  #: immediate | daily | weekly
    #: "step back": no nudges until then
    pause_until: datetime | None = utc_field()
    #: kinds the person switched off, e.g. ["unfilled_tasks"]
    muted_kinds: list = json_field(list)
    #: kinds the person also wants as a text (to their verified mobile); none until they choose
    sms_kinds: list = json_field(list)

    __table_args__ = (
        CheckConstraint("daily_cap >= 0 AND weekly_cap >= 0", name="ck_notification_caps"),
        CheckConstraint("digest IN ('immediate', 'daily', 'weekly')", name="ck_notification_digest"),
    )
