"""Text messages: every text sent or received (the SMS log), numbers that replied STOP, and the codes that
verify a person's mobile number. A text's other party is a phone number (E.164), so a recipient may be a member
or someone without an account."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from campaigns.domain.model.base import utc_field


class TextMessage(SQLModel, table=True):
    __tablename__ = "text_message"
    id: int | None = Field(default=None, primary_key=True)
    #: whose budget it counts against (None: not a group's text, e.g. a verification code)
    org_id: int | None = Field(default=None, foreign_key="organisation.id")
    #: the member it went to or came from, when the number is theirs
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    #: unique: one text per nudge, however often its sending is retried
    nudge_id: int | None = Field(default=None, foreign_key="nudge.id", unique=True)
    direction: str = Field(max_length=3)  #: out | in
    #: the other party, E.164 (+447700900123)
    number: str = Field(max_length=16, index=True)
    kind: str = Field(max_length=40)  #: a nudge kind, or verification | answer | reply
    body: str = Field(max_length=1600)
    encoding: str = Field(default="GSM-7", max_length=5)
    segments: int = Field(default=1)
    #: the action the text was about: what a YES or NO reply answers
    action_id: int | None = Field(default=None, foreign_key="action.id")
    #: where its short link (/s/…) leads: a path in the app
    link: str | None = Field(default=None, max_length=500)
    #: sent even when the group's budget is spent: an action moved or cancelled, an answer to STOP or HELP
    essential: bool = Field(default=False)
    #: the same on every attempt: it names the text in its status callback URL, before its sid is known
    idempotency_key: str | None = Field(default=None, max_length=40, unique=True)
    #: the provider's message sid (SM…); received texts: the inbound sid, so a replayed webhook is recognised
    provider_sid: str | None = Field(default=None, max_length=64, unique=True)
    #: sending | queued | sent | delivered | undelivered | failed | received | stored (the local folder)
    status: str = Field(default="sending", max_length=12)
    error_code: int | None = None
    created_at: datetime = utc_field(default_now=True)
    updated_at: datetime | None = utc_field()

    __table_args__ = (
        CheckConstraint("direction IN ('out', 'in')", name="ck_text_direction"),
        CheckConstraint("segments >= 0", name="ck_text_segments"),
        #: a group's texts this month (the budget)
        Index("ix_text_org_created", "org_id", "created_at"),
    )


class TextOptOut(SQLModel, table=True):
    """A number that replied STOP: no text goes to it until it replies START."""

    __tablename__ = "text_opt_out"
    number: str = Field(max_length=16, primary_key=True)
    created_at: datetime = utc_field(default_now=True)


class MobileVerification(SQLModel, table=True):
    """A code texted to a number a person wants on their account; the number is theirs once they give it back."""

    __tablename__ = "mobile_verification"
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    number: str = Field(max_length=16)
    code_hash: str = Field(max_length=64)
    attempts: int = Field(default=0)
    sent_at: datetime = utc_field(nullable=False)
    expires_at: datetime = utc_field(nullable=False)
