"""The domain event log, progress snapshots, outcomes, reflections and webhooks (the Evaluation step)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from campaigns.domain.model.base import json_field, utc_field


class EventRecord(SQLModel, table=True):
    """One past-tense fact. Append-only: the database refuses UPDATE and DELETE (see migrations)."""

    __tablename__ = "event"
    #: monotonically increasing position in the log
    position: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    )
    type: str = Field(max_length=40, index=True)
    org_id: int | None = Field(default=None, foreign_key="organisation.id")
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id")
    subject_type: str | None = Field(default=None, max_length=30)
    subject_id: int | None = None
    #: who did it, where it may be shown; None for the system or confidential acts
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    payload: dict = json_field()
    occurred_at: datetime = utc_field(default_now=True, index=True)

    #: feeds and the webhook planner read "this organisation's (or campaign's) latest events" by position:
    #: with these, that costs the same however long the log grows
    __table_args__ = (
        Index("ix_event_org_position", "org_id", "position"),
        Index("ix_event_campaign_position", "campaign_id", "position"),
    )


class GoalSnapshot(SQLModel, table=True):
    __tablename__ = "goal_snapshot"
    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goal.id", index=True)
    day: date
    value: float

    __table_args__ = (UniqueConstraint("goal_id", "day"),)


class Outcome(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    what_changed: str = Field(max_length=5000)
    result: str = Field(max_length=20)  #: achieved | partly | not_achieved | too_early
    evidence_url: str | None = Field(default=None, max_length=500)
    occurred_on: date
    review_on: date | None = Field(default=None, index=True)
    reviewed_at: datetime | None = utc_field()
    what_worked: str = Field(default="", max_length=5000)
    what_to_change: str = Field(default="", max_length=5000)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = utc_field(default_now=True)

    __table_args__ = (
        CheckConstraint(
            "result IN ('achieved', 'partly', 'not_achieved', 'too_early')", name="ck_outcome_result"
        ),
    )


class Reflection(SQLModel, table=True):
    """A participant's private empowerment answers; only ever shown to others as aggregates over k."""

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    phase: str = Field(max_length=6)  #: before | after
    influence: int  #: "I can influence decisions that affect my community" 1..5
    connected: int  #: "I feel connected to others who share this concern" 1..5
    know_how: int  #: "I know how to take action" 1..5
    #: PRIVATE to the person
    free_text: str = Field(default="", max_length=5000)
    created_at: datetime = utc_field(default_now=True)

    __table_args__ = (
        UniqueConstraint("campaign_id", "user_id", "phase"),
        CheckConstraint("phase IN ('before', 'after')", name="ck_reflection_phase"),
        CheckConstraint(
            "influence BETWEEN 1 AND 5 AND connected BETWEEN 1 AND 5 AND know_how BETWEEN 1 AND 5",
            name="ck_reflection_scale",
        ),
    )


class WebhookEndpoint(SQLModel, table=True):
    __tablename__ = "webhook_endpoint"
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    url: str = Field(max_length=500)
    #: the signing secret ("whsec_…"); shown once on creation and rotation
    secret: str = Field(max_length=100)
    event_types: list = json_field(list)
    enabled: bool = Field(default=True)
    #: first failure of the current failing streak; 3 days of it switches the endpoint off
    failing_since: datetime | None = utc_field()
    disabled_reason: str | None = Field(default=None, max_length=200)
    #: event log position up to which deliveries are planned (the planning job's cursor)
    planned_through: int = Field(default=0, sa_type=BigInteger)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = utc_field(default_now=True)


class CampaignTally(SQLModel, table=True):
    """Running totals of a campaign's verified contributions, kept by the progress handlers (never summed on read)."""

    __tablename__ = "campaign_tally"
    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True)
    hours: float = Field(default=0.0)
    #: distinct people with a verified contribution
    volunteers: int = Field(default=0)


class OrgTally(SQLModel, table=True):
    """Running totals of an organisation's verified contributions (its overview reads these)."""

    __tablename__ = "org_tally"
    org_id: int = Field(foreign_key="organisation.id", primary_key=True)
    hours: float = Field(default=0.0)
    #: distinct people with a verified contribution in any of its campaigns
    volunteers: int = Field(default=0)
