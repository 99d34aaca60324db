"""Campaigns, their team, and goals (the Collaboration step)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from campaigns.domain.model.base import json_field, utc_field


class Campaign(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=140)
    summary: str = Field(default="", max_length=5000)
    ask: str = Field(default="", max_length=2000)  #: what must change
    target: str = Field(default="", max_length=500)  #: who decides
    starts_on: date
    deadline: date | None = None
    timezone: str = Field(default="Europe/London", max_length=64)
    visibility: str = Field(default="members", max_length=10)
    stage: str = Field(default="assessment", max_length=20, index=True)
    intervention_began_at: datetime | None = utc_field()
    closing_summary: str | None = Field(default=None, max_length=5000)
    #: weighted mean of accepted goals' progress (0..1), kept by the progress handlers
    progress: float = Field(default=0.0)
    #: last verified contribution, sign-up or stage change: drives "stalled"
    last_activity_at: datetime = utc_field(default_now=True)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = utc_field(default_now=True)
    #: the group's own translations of its words, {language: {field: text}} (services/content_translations.py)
    translations: dict = json_field()

    __table_args__ = (
        CheckConstraint(
            "stage IN ('assessment', 'collaboration', 'intervention', 'evaluation', 'closed', 'archived')",
            name="ck_campaign_stage",
        ),
        CheckConstraint("visibility IN ('members', 'public')", name="ck_campaign_visibility"),
    )


class CampaignConcern(SQLModel, table=True):
    __tablename__ = "campaign_concern"
    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True)
    concern_id: int = Field(foreign_key="concern.id", primary_key=True)


class CampaignMember(SQLModel, table=True):
    __tablename__ = "campaign_member"
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    role: str = Field(default="member", max_length=20)
    joined_at: datetime = utc_field(default_now=True)

    __table_args__ = (
        UniqueConstraint("campaign_id", "user_id"),
        CheckConstraint("role IN ('lead', 'organiser', 'member')", name="ck_campaign_member_role"),
    )


class Goal(SQLModel, table=True):
    """A community goal: a measure toward a target, or a yes/no milestone."""

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    name: str = Field(max_length=140)
    kind: str = Field(default="measure", max_length=10)  #: measure | milestone
    unit: str = Field(default="letters", max_length=40)
    target: int = Field(default=1)
    due_on: date | None = None
    weight: float = Field(default=1.0)
    status: str = Field(default="accepted", max_length=10)  #: proposed | accepted | declined
    proposed_by_id: int | None = Field(default=None, foreign_key="user.id")
    decline_reason: str | None = Field(default=None, max_length=500)
    #: counted amount toward target, kept incrementally by the contribution handlers
    current: float = Field(default=0.0)
    #: highest milestone recorded (0, 25, 50, 75, 100) so each is recorded once
    milestone_reached: int = Field(default=0)
    achieved_at: datetime | None = utc_field()
    created_at: datetime = utc_field(default_now=True)

    __table_args__ = (
        CheckConstraint("target > 0", name="ck_goal_target"),
        CheckConstraint("weight > 0", name="ck_goal_weight"),
        CheckConstraint("kind IN ('measure', 'milestone')", name="ck_goal_kind"),
        CheckConstraint("status IN ('proposed', 'accepted', 'declined')", name="ck_goal_status"),
    )


class PersonalGoal(SQLModel, table=True):
    """A participant's private goal: seen by them, and their worker only if they share it."""

    __tablename__ = "personal_goal"
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    text: str = Field(max_length=500)
    shared_with_worker: bool = Field(default=False)
    done_at: datetime | None = utc_field()
    created_at: datetime = utc_field(default_now=True)

    #: one personal goal per person and campaign
    __table_args__ = (UniqueConstraint("campaign_id", "user_id"),)
