"""People, organisations, memberships and the security records around them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from campaigns.domain.model.base import json_field, utc_field


class Role(StrEnum):
    client = "client"
    worker = "worker"
    coordinator = "coordinator"


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)  #: stored lower-cased
    #: the safe, pseudonymous name everyone else sees
    display_name: str = Field(max_length=80)
    #: only shown where the person chose to (show_real_name)
    real_name: str | None = Field(default=None, max_length=120)
    show_real_name: bool = Field(default=False)
    password_hash: str = Field(max_length=255)
    timezone: str = Field(default="Europe/London", max_length=64)
    locale: str = Field(default="en", max_length=10)
    is_admin: bool = Field(default=False)
    is_active: bool = Field(default=True)
    #: sha256 of the secret in the personal calendar feed URL
    calendar_token_hash: str | None = Field(default=None, max_length=64, unique=True)
    #: E.164 (+447700900123), verified by a code or by a guest's confirmed sign-up; texts go here
    mobile: str | None = Field(default=None, max_length=16, unique=True, index=True)
    mobile_verified_at: datetime | None = utc_field()
    created_at: datetime = utc_field(default_now=True)
    erased_at: datetime | None = utc_field()


class Organisation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    slug: str = Field(max_length=60, unique=True, index=True)
    #: people who know it join as clients
    join_code: str | None = Field(default=None, max_length=32, unique=True)
    #: k: supporters needed for a concern to be shared; counts below k are hidden
    share_threshold: int = Field(default=3)
    #: whether contributions still awaiting verification count toward goals
    count_pending_contributions: bool = Field(default=False)
    timezone: str = Field(default="Europe/London", max_length=64)
    #: ISO 3166 country: phone numbers written without +country are read as this country's
    country: str = Field(default="GB", max_length=2)
    #: SMS segments the group may send in a calendar month (its time zone); safety notices go beyond it
    sms_monthly_budget: int = Field(default=500)
    #: how long a guest's unconfirmed sign-up waits for the emailed or texted confirmation
    guest_hold_hours: int = Field(default=24)
    created_at: datetime = utc_field(default_now=True)

    #: (sms_monthly_budget and guest_hold_hours are bounded by the settings use case: a new CHECK would mean
    #: rebuilding this table, which every other table references)
    __table_args__ = (CheckConstraint("share_threshold >= 1", name="ck_org_share_threshold"),)


class Membership(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    role: str = Field(max_length=20)
    joined_at: datetime = utc_field(default_now=True)

    __table_args__ = (
        UniqueConstraint("org_id", "user_id"),
        CheckConstraint("role IN ('client', 'worker', 'coordinator')", name="ck_membership_role"),
    )


class Invitation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    email: str = Field(max_length=254)
    role: str = Field(max_length=20)
    token_hash: str = Field(max_length=64, unique=True)
    invited_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = utc_field(default_now=True)
    expires_at: datetime = utc_field(nullable=False)
    used_at: datetime | None = utc_field()


class AuthSession(SQLModel, table=True):
    """A server-side login session: the cookie only names it, so logout really ends it."""

    __tablename__ = "auth_session"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = utc_field(default_now=True)
    last_seen_at: datetime = utc_field(default_now=True)
    revoked_at: datetime | None = utc_field()
    ip: str | None = Field(default=None, max_length=64)


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    name: str = Field(max_length=80)
    #: first characters, shown so people can tell tokens apart
    prefix: str = Field(max_length=12)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = utc_field(default_now=True)
    last_used_at: datetime | None = utc_field()
    expires_at: datetime | None = utc_field()
    revoked_at: datetime | None = utc_field()


class Throttle(SQLModel, table=True):
    """A failed attempt at something rate limited (login, reset, join, token), keyed by account or address."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, index=True)  #: e.g. "login:addr:1.2.3.4" (hashed for accounts)
    at: datetime = utc_field(default_now=True, index=True)


class AuditLog(SQLModel, table=True):
    """Append-only security events (ASVS 7.1): never a secret."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    org_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    action: str = Field(max_length=60)
    target: str | None = Field(default=None, max_length=200)
    ip: str | None = Field(default=None, max_length=64)
    at: datetime = utc_field(default_now=True, index=True)
    details: dict = json_field()


class ReadAccess(SQLModel, table=True):
    """Who looked at another person's personal data, so that person can see it."""

    __tablename__ = "read_access"
    id: int | None = Field(default=None, primary_key=True)
    viewer_id: int = Field(foreign_key="user.id", index=True)
    subject_user_id: int = Field(foreign_key="user.id", index=True)
    #: a code of services.audit.READ_WORDS (older rows: an English sentence), and the values its words take
    what: str = Field(max_length=120)
    at: datetime = utc_field(default_now=True, index=True)
    details: dict = json_field()


class Consent(SQLModel, table=True):
    """A client's permission for a worker to act for them in one scope."""

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    client_id: int = Field(foreign_key="user.id", index=True)
    worker_id: int = Field(foreign_key="user.id", index=True)
    scope: str = Field(max_length=30)
    given_at: datetime = utc_field(default_now=True)
    expires_at: datetime | None = utc_field()
    revoked_at: datetime | None = utc_field()

    __table_args__ = (
        CheckConstraint(
            "scope IN ('raise_concerns', 'support_concerns', 'sign_up')", name="ck_consent_scope"
        ),
    )
