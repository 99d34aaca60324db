"""Digests: a person who chose daily or weekly gets their nudges gathered into one message at their local
morning (the end of their quiet hours); coordinators get a Monday summary of their campaigns at 08:00 in their
own time zone. Both are keyed by the period, so a digest is built once however often the job runs, and a
digest missed while the scheduler was down is built on its next run in the same period."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, update
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain.model import (
    Action,
    Campaign,
    Membership,
    NotificationSettings,
    Nudge,
    Organisation,
    Signup,
    Task,
    User,
)
from campaigns.domain.text import N_
from campaigns.nudges.dispatch.care import FOLDED
from campaigns.nudges.dispatch.checks import Person
from campaigns.nudges.outbox import NudgeSpec, plan
from campaigns.nudges.planning.planner import CLOSED_STAGES

INCLUDED = N_("Sent in the digest")
COORDINATOR_MORNING = time(8, 0)


def period(now: datetime, zone: str, choice: str, morning: time) -> str | None:
    """The digest period that has begun at `now` in `zone` ('2026-03-02' daily, '2026-W10' weekly), or None
    before today's (or, weekly, Monday's) morning."""
    local = now.astimezone(ZoneInfo(zone))
    if choice == "daily":
        return local.date().isoformat() if local.time() >= morning else None
    if choice == "weekly":
        if local.weekday() == 0 and local.time() < morning:
            return None
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    return None


def build_digests(session: Session) -> int:
    """Job: gather each person's folded nudges into their digest once its period has begun."""
    now = clock.now()
    people = list(session.exec(select(Nudge.recipient_id).where(Nudge.status == "skipped", Nudge.skip_reason == FOLDED)
                               .distinct()))
    session.commit()
    built = 0
    for user_id in people:
        user = session.get(User, user_id)
        settings = session.get(NotificationSettings, user_id) or NotificationSettings(user_id=user_id)
        key = period(now, user.timezone, settings.digest, settings.quiet_end) if settings.digest != "immediate" \
            else clock.now().date().isoformat()  # switched back to "at once": send what was waiting
        if key is not None:
            built += _build_one(session, user, settings, key)
    return built


def _build_one(session: Session, user: User, settings: NotificationSettings, key: str) -> int:
    from campaigns.nudges.messages import render

    person = Person(user.id, user.email, user.display_name, user.locale, user.timezone)
    with transaction(session):
        folded = list(session.exec(select(Nudge).where(Nudge.recipient_id == user.id, Nudge.status == "skipped",
                                                       Nudge.skip_reason == FOLDED).order_by(col(Nudge.due_at))))
        lines, seen = [], set()
        for nudge in folded:
            if (nudge.dedupe_key.rsplit("|", 1)[0]) in seen:  # the same nudge on another channel
                continue
            seen.add(nudge.dedupe_key.rsplit("|", 1)[0])
            message = render(nudge, person)
            lines.append(f"{message.title}: {message.body}"[:300])
        spec = NudgeSpec(recipient_id=user.id, kind="digest", subject_type="user", subject_id=user.id,
                         reason=f"digest:{key}", payload={"lines": lines, "period": key, "title": key},
                         expires_at=clock.now() + timedelta(days=2))
        if not lines or not plan(session, spec):
            return 0
        session.exec(update(Nudge).where(col(Nudge.id).in_([n.id for n in folded]))  # type: ignore[call-overload]
                     .values(skip_reason=INCLUDED))
    return 1


def build_coordinator_digests(session: Session) -> int:
    """Job: the Monday summary for each coordinator of each organisation, from 08:00 in their zone."""
    now = clock.now()
    rows = list(session.exec(select(Membership, User).join(User, col(User.id) == Membership.user_id)
                             .where(Membership.role == "coordinator", User.is_active)))
    session.commit()
    built = 0
    for member, user in rows:
        key = period(now, user.timezone, "weekly", COORDINATOR_MORNING)
        if key is None:
            continue
        with transaction(session):
            lines = summary(session, member.org_id, now)
            org = session.get(Organisation, member.org_id)
            spec = NudgeSpec(recipient_id=user.id, kind="coordinator_digest", subject_type="org",
                             subject_id=member.org_id, org_id=member.org_id, reason=f"coordinator_digest:{key}",
                             payload={"lines": lines, "period": key, "title": org.name},
                             expires_at=now + timedelta(days=3))
            built += plan(session, spec) > 0
    return built


def summary(session: Session, org_id: int, now: datetime) -> list[str]:
    """One line per open campaign: new sign-ups this week, places free in the coming week, progress."""
    lines = []
    campaigns = session.exec(select(Campaign).where(Campaign.org_id == org_id,
                                                    col(Campaign.stage).not_in(CLOSED_STAGES)).order_by(Campaign.name))
    for campaign in campaigns:
        new = session.exec(select(func.count()).select_from(Signup).join(Task, col(Task.id) == Signup.task_id).where(
            Task.campaign_id == campaign.id, Signup.status == "confirmed",
            col(Signup.confirmed_at) >= now - timedelta(days=7))).one()
        free = session.exec(select(func.coalesce(func.sum(Task.capacity - Task.taken), 0))
                            .join(Action, col(Action.id) == Task.action_id).where(
            Task.campaign_id == campaign.id, Action.status == "planned", col(Action.starts_at) > now,
            col(Action.starts_at) < now + timedelta(days=7))).one()
        lines.append(_("%(name)s: %(new)s new sign-ups this week, %(free)s places free in the coming week, "
                       "%(pct)s%% of the way", name=campaign.name, new=new, free=free,
                       pct=round(campaign.progress * 100)))
    return lines or [_("No open campaigns right now.")]
