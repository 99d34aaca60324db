"""Each person's say over their nudges: channels, quiet hours, caps, digest, per-kind switches, "step back".

A person without a settings row has the defaults (the model's column defaults); the first change creates it.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain.model import Action, NotificationSettings, Signup, Task, User
from campaigns.nudges.planning import rules as rn
from campaigns.services import audit, security
from campaigns.services.errors import Invalid

UNSUBSCRIBE = "unsubscribe"
#: an unsubscribe link keeps working this long (mail sits in inboxes)
UNSUBSCRIBE_DAYS = 365
DIGESTS = ("immediate", "daily", "weekly")
EDITABLE = ("email_enabled", "inapp_enabled", "quiet_start", "quiet_end", "daily_cap", "weekly_cap", "digest",
            "pause_until", "muted_kinds", "sms_kinds")


def get(session: Session, user: User) -> NotificationSettings:
    """The person's settings (unsaved defaults if they never changed any)."""
    return session.get(NotificationSettings, user.id) or NotificationSettings(user_id=user.id)


def update(session: Session, user: User, **changes) -> NotificationSettings:
    """Change some settings; unknown kinds, negative caps and an unknown digest choice are refused."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise Invalid(_("These can't be changed here: %(names)s.", names=", ".join(sorted(unknown))))
    _check(changes)
    with transaction(session):
        settings = session.get(NotificationSettings, user.id) or NotificationSettings(user_id=user.id)
        for name, value in changes.items():
            setattr(settings, name, sorted(set(value)) if name in ("muted_kinds", "sms_kinds") else value)
        session.add(settings)
    return settings


def _check(changes: dict) -> None:
    for cap in ("daily_cap", "weekly_cap"):
        if cap in changes and not 0 <= changes[cap] <= 100:
            raise Invalid(_("Choose a number from 0 to 100."), field=cap)
    if "digest" in changes and changes["digest"] not in DIGESTS:
        raise Invalid(_("Choose at once, daily or weekly."), field="digest")
    if any(kind not in rn.MUTABLE_KINDS for kind in changes.get("muted_kinds", ())):
        raise Invalid(_("Choose from the kinds of message listed."), field="muted_kinds")
    if any(kind not in rn.SMS_KINDS for kind in changes.get("sms_kinds", ())):
        raise Invalid(_("Choose from the kinds of message listed."), field="sms_kinds")
    for name in ("quiet_start", "quiet_end"):
        if name in changes and not isinstance(changes[name], time):
            raise Invalid(_("Give a time like 21:00."), field=name)
    pause = changes.get("pause_until")
    if pause is not None and pause.tzinfo is None:
        raise Invalid(_("Give a date and time."), field="pause_until")


def step_back(session: Session, user: User, *, until: datetime, release_shifts: bool = False) -> int:
    """Take a break: no nudges until `until` (confirmations and safety notices still come). With
    `release_shifts`, also give up upcoming places before then, so others can take them. Returns places freed."""
    if until <= clock.now():
        raise Invalid(_("Choose a date in the future."), field="pause_until")
    if until > clock.now() + timedelta(days=366):
        raise Invalid(_("Choose a date within a year."), field="pause_until")
    update(session, user, pause_until=until)
    freed = 0
    if release_shifts:
        from campaigns.services import signups  # written by the volunteering feature

        for signup in upcoming_signups(session, user, before=until):
            signups.cancel(session, signup_id=signup.id, user=user)
            freed += 1
    with transaction(session):
        audit.log(session, "stepped_back", actor_id=user.id, until=until.isoformat(), released=freed)
    return freed


def resume(session: Session, user: User) -> NotificationSettings:
    """End a break early."""
    return update(session, user, pause_until=None)


def upcoming_signups(session: Session, user: User, *, before: datetime | None = None) -> list[Signup]:
    """The person's places and waiting-list spots for actions still ahead (before `before`, if given)."""
    query = (select(Signup).join(Task, col(Task.id) == Signup.task_id)
             .join(Action, col(Action.id) == Task.action_id)
             .where(Signup.user_id == user.id, col(Signup.status) != "cancelled", Action.status == "planned",
                    col(Action.starts_at) > clock.now()).order_by(col(Action.starts_at)))
    if before is not None:
        query = query.where(col(Action.starts_at) < before)
    return list(session.exec(query))


# -- one-click unsubscribe (RFC 8058) --------------------------------------------------------------------------
def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return security.sign(UNSUBSCRIBE, {"u": user_id, "k": kind})


def read_unsubscribe(session: Session, raw: str) -> tuple[User, str]:
    """The person and kind a signed unsubscribe link names, or Invalid."""
    data = security.unsign(UNSUBSCRIBE, raw, max_age_seconds=UNSUBSCRIBE_DAYS * 24 * 3600)
    user = session.get(User, data.get("u")) if isinstance(data, dict) else None
    kind = data.get("k") if isinstance(data, dict) else None
    if user is None or not isinstance(kind, str):
        raise Invalid(_("This link is not valid."))
    return user, kind


def unsubscribe(session: Session, raw: str) -> tuple[User, str]:
    """Switch off the kind of message a signed unsubscribe link names, for the person it names. Idempotent."""
    user, kind = read_unsubscribe(session, raw)
    with transaction(session):
        settings = session.get(NotificationSettings, user.id) or NotificationSettings(user_id=user.id)
        if kind not in settings.muted_kinds:
            # any kind the link names, even one the settings page does not list: the person asked
            settings.muted_kinds = sorted({*settings.muted_kinds, kind})
            session.add(settings)
            audit.log(session, "unsubscribed", actor_id=user.id, target=kind)
    return user, kind
