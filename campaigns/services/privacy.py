"""A person's own data: everything about them as JSON, who looked at it, and how long logs are kept.

The export has named sections for what people look for (profile, concerns, sign-ups…) and an `other` section
that walks every remaining table with a reference to the person, so a table added later is exported too.
Secrets (hashes, signing secrets) are never exported, and neither are other people's identities.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Table, select
from sqlmodel import Session, col

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain.model import (
    ApiToken,
    AuditLog,
    AuthSession,
    Campaign,
    CampaignMember,
    Concern,
    ConcernSupport,
    Consent,
    Contribution,
    Goal,
    InboxItem,
    Membership,
    NotificationSettings,
    Organisation,
    PersonalGoal,
    ReadAccess,
    Reflection,
    Signup,
    Task,
    User,
)
from campaigns.services import audit, throttle
from campaigns.services.erasure import references_to_user

FORMAT = "campaigns.my-data/1"
#: columns never exported, whoever asks: they grant access or sign things
SECRET_WORDS = ("hash", "secret", "password", "checkin_code", "dedupe_key")


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _row(obj: Any, *, drop: tuple[str, ...] = ()) -> dict[str, Any]:
    data = obj.model_dump() if hasattr(obj, "model_dump") else dict(obj._mapping)
    return {k: _value(v) for k, v in data.items() if k not in drop and not any(w in k for w in SECRET_WORDS)}


def _profile(session: Session, user: User) -> dict[str, Any]:
    return _row(user)


def _memberships(session: Session, user: User) -> list[dict[str, Any]]:
    query = (select(Membership, Organisation).join(Organisation, Organisation.id == Membership.org_id)
             .where(Membership.user_id == user.id))
    return [{"org": org.name, "org_slug": org.slug, "role": m.role, "joined_at": _value(m.joined_at)}
            for m, org in session.exec(query)]


def _support_count(concern: Concern, k: int) -> int | str:
    # the k rule holds here too: a small count could single out a supporter
    return concern.support_count if concern.support_count >= k else _("fewer than %(k)s", k=k)


def _concerns(session: Session, user: User) -> list[dict[str, Any]]:
    """Concerns they raised: the one place their authorship is shown, to them."""
    query = (select(Concern, Organisation.share_threshold).join(Organisation, Organisation.id == Concern.org_id)
             .where(Concern.author_id == user.id).order_by(Concern.id))
    return [{**_row(c, drop=("author_id", "on_behalf_by_id", "support_count")), "you_raised_it": True,
             "raised_for_you_by_a_worker": c.on_behalf_by_id is not None, "supporters": _support_count(c, k)}
            for c, k in session.exec(query)]


def _supports(session: Session, user: User) -> list[dict[str, Any]]:
    query = (select(ConcernSupport, Concern.title).join(Concern, Concern.id == ConcernSupport.concern_id)
             .where(ConcernSupport.user_id == user.id).order_by(ConcernSupport.id))
    return [{"concern_id": s.concern_id, "concern": title, "at": _value(s.created_at),
             "recorded_by_a_worker": s.on_behalf_by_id is not None} for s, title in session.exec(query)]


def _consents(session: Session, user: User, *, mine: Any, other: Any) -> list[dict[str, Any]]:
    query = (select(Consent, User.display_name).join(User, User.id == other)
             .where(mine == user.id).order_by(Consent.id))
    return [{**_row(c, drop=("client_id", "worker_id")), "with": name} for c, name in session.exec(query)]


def _signups(session: Session, user: User) -> list[dict[str, Any]]:
    query = (select(Signup, Task.title).join(Task, Task.id == Signup.task_id)
             .where(Signup.user_id == user.id).order_by(Signup.id))
    return [{**_row(s, drop=("user_id", "on_behalf_by_id")), "task": title} for s, title in session.exec(query)]


def _contributions(session: Session, user: User) -> list[dict[str, Any]]:
    query = (select(Contribution, Goal.name, Goal.unit).join(Goal, Goal.id == Contribution.goal_id)
             .where(Contribution.user_id == user.id).order_by(Contribution.id))
    return [{**_row(c, drop=("user_id", "reviewed_by_id")), "goal": name, "unit": unit}
            for c, name, unit in session.exec(query)]


def _campaigns(session: Session, user: User) -> list[dict[str, Any]]:
    query = (select(CampaignMember, Campaign.name).join(Campaign, Campaign.id == CampaignMember.campaign_id)
             .where(CampaignMember.user_id == user.id))
    return [{"campaign_id": m.campaign_id, "campaign": name, "role": m.role, "joined_at": _value(m.joined_at)}
            for m, name in session.exec(query)]


def _reads(session: Session, user: User) -> list[dict[str, Any]]:
    return [{"who": name, **audit.read_out(r), "at": _value(r.at)} for r, name in session.exec(reads_query(user.id))]


def _own(model: Any, column: str = "user_id", **kwargs) -> Callable[[Session, User], list[dict[str, Any]]]:
    def section(session: Session, user: User) -> list[dict[str, Any]]:
        query = select(model).where(getattr(model, column) == user.id).order_by(*model.__table__.primary_key)
        return [_row(obj, drop=(column, *kwargs.get("drop", ()))) for obj in session.exec(query).scalars()]

    return section


#: section name -> how to collect it
SECTIONS: dict[str, Callable[[Session, User], Any]] = {
    "profile": _profile,
    "memberships": _memberships,
    "campaigns": _campaigns,
    "concerns_you_raised": _concerns,
    "concerns_you_support": _supports,
    "consents_you_gave": lambda s, u: _consents(s, u, mine=Consent.client_id, other=Consent.worker_id),
    "consents_given_to_you": lambda s, u: _consents(s, u, mine=Consent.worker_id, other=Consent.client_id),
    "signups": _signups,
    "contributions": _contributions,
    "personal_goals": _own(PersonalGoal),
    "reflections": _own(Reflection),
    "inbox": _own(InboxItem, drop=("nudge_id",)),
    "notification_settings": _own(NotificationSettings),
    "api_tokens": _own(ApiToken),
    "login_sessions": _own(AuthSession),
    "security_events": _own(AuditLog, "actor_id"),
    "who_looked_at_your_data": _reads,
}

#: (table, column) pairs the named sections already export; everything else referencing the person goes to "other"
COVERED = {
    ("user", "id"), ("membership", "user_id"), ("campaign_member", "user_id"), ("concern", "author_id"),
    ("concern_support", "user_id"), ("consent", "client_id"), ("consent", "worker_id"), ("signup", "user_id"),
    ("contribution", "user_id"), ("personal_goal", "user_id"), ("reflection", "user_id"), ("inbox_item", "user_id"),
    ("notification_settings", "user_id"), ("api_token", "user_id"), ("auth_session", "user_id"),
    ("audit_log", "actor_id"), ("read_access", "subject_user_id"),
}


def _user_columns(table: Table) -> set[str]:
    return {fk.parent.name for fk in table.foreign_keys if fk.column.table.name == "user"}


def _other(session: Session, user: User) -> dict[str, list[dict[str, Any]]]:
    """Rows of every other table that point at the person, without other people's ids or any secret."""
    other: dict[str, list[dict[str, Any]]] = {}
    for table, column in references_to_user():
        if (table.name, column.name) in COVERED:
            continue
        drop = tuple(_user_columns(table) - {column.name})
        rows = session.exec(select(table).where(column == user.id).limit(10_000)).all()
        if rows:
            other[f"{table.name}.{column.name}"] = [_row(r, drop=drop) for r in rows]
    return other


def export(session: Session, user: User) -> dict[str, Any]:
    """Everything the app holds about `user`, as JSON-ready data (for them only: it shows their authorship)."""
    data: dict[str, Any] = {"format": FORMAT, "exported_at": _value(clock.now())}
    for name, collect in SECTIONS.items():
        data[name] = collect(session, user)
    data["other"] = _other(session, user)
    return data


def reads_query(user_id: int):
    """(ReadAccess, viewer's display name) about this person, newest first: who looked at their data."""
    return (select(ReadAccess, User.display_name).join(User, User.id == ReadAccess.viewer_id)
            .where(ReadAccess.subject_user_id == user_id).order_by(col(ReadAccess.id).desc()))


def prune_logs(session: Session) -> int:
    """Scheduler job: drop audit and read-access rows past LOG_RETENTION_DAYS, and throttle rows past a day."""
    with transaction(session):
        removed = audit.prune(session, retention_days=current_app.config["LOG_RETENTION_DAYS"])
        removed += throttle.prune(session, older_than=timedelta(days=1))
    return removed
