"""Concerns, their supports, and assessments (the Assessment step)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from campaigns.domain.model.base import json_field, utc_field


class Concern(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    #: CONFIDENTIAL: shown to nobody but this person, on any page, response, export or feed
    author_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    #: the worker who raised it for the author under consent (seen by those two only)
    on_behalf_by_id: int | None = Field(default=None, foreign_key="user.id")
    title: str = Field(max_length=140)
    description: str = Field(default="", max_length=5000)
    tags: list = json_field(list)
    status: str = Field(default="open", max_length=20, index=True)
    #: distinct supporters including the author; kept by the support use cases
    support_count: int = Field(default=1)
    shared_at: datetime | None = utc_field()
    merged_into_id: int | None = Field(default=None, foreign_key="concern.id")
    created_at: datetime = utc_field(default_now=True)

    __table_args__ = (
        CheckConstraint(
            "status IN ('open', 'shared', 'in_campaign', 'closed', 'merged')", name="ck_concern_status"
        ),
        CheckConstraint("support_count >= 0", name="ck_concern_support_count"),
    )


class ConcernCategory(SQLModel, table=True):
    __tablename__ = "concern_category"
    concern_id: int = Field(foreign_key="concern.id", primary_key=True)
    category: str = Field(max_length=30, primary_key=True, index=True)


class ConcernSupport(SQLModel, table=True):
    __tablename__ = "concern_support"
    id: int | None = Field(default=None, primary_key=True)
    concern_id: int = Field(foreign_key="concern.id", index=True)
    #: None once the supporter erased their account: the support still counts, anonymously
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    on_behalf_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = utc_field(default_now=True)

    __table_args__ = (UniqueConstraint("concern_id", "user_id"),)


class Assessment(SQLModel, table=True):
    """The social context of one or more shared concerns. Names no client."""

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    affected: str = Field(default="", max_length=5000)
    root_causes: str = Field(default="", max_length=5000)
    stakeholders: str = Field(default="", max_length=5000)
    targets: str = Field(default="", max_length=5000)  #: the decision-makers who could change it
    notes: str = Field(default="", max_length=5000)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = utc_field(default_now=True)
    updated_at: datetime | None = utc_field()


class AssessmentConcern(SQLModel, table=True):
    __tablename__ = "assessment_concern"
    assessment_id: int = Field(foreign_key="assessment.id", primary_key=True)
    concern_id: int = Field(foreign_key="concern.id", primary_key=True)
