"""The security audit log and the read-access log. Both append-only; neither ever holds a secret."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain.model import AuditLog, Membership, ReadAccess, User
from campaigns.domain.text import N_, Text
from campaigns.i18n import translate
from campaigns.services import policy

logger = logging.getLogger("campaigns.security")


def log(
    session: Session,
    action: str,
    *,
    actor_id: int | None = None,
    org_id: int | None = None,
    target: str | None = None,
    ip: str | None = None,
    **details,
) -> None:
    """Record a security event (login, logout, role change, token created…) in the caller's transaction."""
    session.add(AuditLog(action=action, actor_id=actor_id, org_id=org_id, target=target, ip=ip,
                         details=details))
    # the same event in the process log (ids only: details stay in the table)
    logger.info("%s actor=%s org=%s target=%s ip=%s", action, actor_id, org_id, target, ip)


#: what someone looked at, by the code a read-access row keeps, in words for the person whose data it was; the
#: row keeps the code and its values, so each reader reads it in their own language (a code not here: shown as kept,
#: as rows written before the codes hold their English sentence)
READ_WORDS = {
    "consents": N_("your consents"),
    "personal_goal": N_("your personal goal in the campaign “%(campaign)s”"),
    "shared_on_home": N_("what you shared, on your worker's home page"),
    "roster_of_action": N_("the volunteer roster of “%(title)s”"),
    "roster_of_task": N_("the volunteer roster of the task “%(title)s”"),
    "contributions_to_check": N_("the contributions to check in “%(campaign)s”"),
    "contributions": N_("the contributions of the campaign “%(campaign)s”"),
    "members": N_("the member list of %(group)s"),
    "guests": N_("the group's guest list"),
}


def log_read(session: Session, *, viewer_id: int, subject_user_id: int, what: str, **values) -> None:
    """Record that `viewer` looked at another person's personal data (`what`: a READ_WORDS code, with its values).
    Looking at your own is not logged."""
    if viewer_id != subject_user_id:
        session.add(ReadAccess(viewer_id=viewer_id, subject_user_id=subject_user_id, what=what, details=values))


def log_reads(session: Session, *, viewer_id: int, subject_ids, what: str, **values) -> None:
    """Record that `viewer` saw a list naming these people (a roster, a member list), in one write."""
    # an erased person's rows name no one (None): nothing to log, and None would not sort among ids
    named = {uid for uid in subject_ids if uid is not None and uid != viewer_id}
    rows = [{"viewer_id": viewer_id, "subject_user_id": uid, "what": what, "details": values, "at": clock.now()}
            for uid in sorted(named)]
    if rows:
        with transaction(session):
            session.exec(insert(ReadAccess), params=rows)  # type: ignore[call-overload]


def org_events(session: Session, org_id: int | None):
    """Audit events, newest first: one organisation's, or (None) the whole installation's."""
    query = select(AuditLog).order_by(col(AuditLog.id).desc())
    if org_id is not None:
        query = query.where(AuditLog.org_id == org_id)
    return query


def read_words(read: ReadAccess) -> str:
    """What was looked at, in the current language."""
    words = READ_WORDS.get(read.what)
    if words is None:
        return read.what
    try:
        return translate(Text(words.msgid, **(read.details or {})))
    except (KeyError, TypeError, ValueError):  # values that no longer fit the words: the words without them
        return read.what


def read_out(read: ReadAccess) -> dict:
    """What was looked at, for the API and the data download: in words, beside its stable code and values (a row
    written before the codes has no code)."""
    coded = read.what in READ_WORDS
    return {"what": read_words(read), "code": read.what if coded else None, "values": read.details if coded else {}}


def reads_of(session: Session, user_id: int) -> list[ReadAccess]:
    """Who looked at this person's data, newest first."""
    query = select(ReadAccess).where(ReadAccess.subject_user_id == user_id).order_by(col(ReadAccess.id).desc())
    return list(session.exec(query.limit(200)))


def prune(session: Session, *, retention_days: int) -> int:
    """Delete audit and read-access rows older than the retention period; returns how many."""
    cutoff = clock.now() - timedelta(days=retention_days)
    removed = 0
    for table, column in ((AuditLog, AuditLog.at), (ReadAccess, ReadAccess.at)):
        removed += session.exec(delete(table).where(column < cutoff)).rowcount  # type: ignore[arg-type]
    return removed


# -- reading the security log ------------------------------------------------------------------------------------
#: each recorded action in words (a code not listed reads as its words: "some_thing" -> "Some thing")
ACTION_WORDS: dict[str, LazyString] = {
    "login": _l("Logged in"), "login_failed": _l("A login was refused"), "logout": _l("Logged out"),
    "password_changed": _l("Changed their password"), "password_reset": _l("Reset their password by email"),
    "account_erased": _l("Erased their account"), "token_created": _l("Created an API token"),
    "token_revoked": _l("Revoked an API token"), "calendar_feed_issued": _l("Made a calendar feed link"),
    "calendar_feed_revoked": _l("Switched off a calendar feed link"), "consent_given": _l("Gave a consent"),
    "consent_revoked": _l("Revoked a consent"), "invitation_created": _l("Invited someone"),
    "invitation_used": _l("Joined by an invitation"), "join_code_changed": _l("Changed the join code"),
    "joined_by_code": _l("Joined with the join code"), "member_removed": _l("Removed a member"),
    "role_changed": _l("Changed a member's role"), "org_settings_changed": _l("Changed the group's settings"),
    "nudge_retried": _l("Retried an undelivered message"), "stepped_back": _l("Stepped back for a while"),
    "unsubscribed": _l("Unsubscribed from a kind of message"), "reminder_rule_added": _l("Added a reminder rule"),
    "reminder_rule_changed": _l("Changed a reminder rule"), "reminder_rule_deleted": _l("Deleted a reminder rule"),
    "webhook_created": _l("Added a webhook"), "webhook_changed": _l("Changed a webhook"),
    "webhook_secret_rotated": _l("Made a new webhook secret"),
    "webhook_switched_off": _l("A failing webhook was switched off"),
    "mobile_verified": _l("Confirmed their mobile number"), "mobile_removed": _l("Removed their mobile number"),
    "guest_signup_capped": _l("A guest reached the limit of sign-ups for one action"),
    "guest_messages_stopped": _l("A guest asked for no more messages"), "guest_erased": _l("Erased a guest"),
}
#: what a target names, by its kind ("token:12" -> "an API token"); people are named where the viewer may see them
TARGET_WORDS: dict[str, LazyString] = {
    "token": _l("an API token"), "consent": _l("a consent"), "invitation": _l("an invitation"),
    "webhook": _l("a webhook"),
    "rule": _l("a reminder rule"), "nudge": _l("a message"), "task": _l("a task"),
}


@dataclass
class Entry:
    """One security event as a person reads it: words, not codes; a name only where the viewer may see it."""

    at: datetime
    what: str | LazyString
    who: str | None  #: a display name, or None: "the system" (no actor) or someone the viewer may not see
    who_hidden: bool
    about: str | LazyString
    ip: str | None


def readable(session: Session, entries: list[AuditLog], *, viewer: User) -> list[Entry]:
    """Security events in words, naming people only where `viewer` may see them (policy.may_see_name)."""
    user_ids = {e.actor_id for e in entries} | {_user_of(session, e.target) for e in entries}
    user_ids.discard(None)
    names = {u.id: u.display_name for u in session.exec(select(User).where(col(User.id).in_(user_ids)))} \
        if user_ids else {}
    visible = policy.visible_people(session, viewer, user_ids)  # type: ignore[arg-type]

    def name(user_id: int | None) -> str | None:
        return names.get(user_id) if user_id in visible else None

    return [Entry(at=e.at, what=action_words(e.action),
                  who=name(e.actor_id), who_hidden=e.actor_id is not None and e.actor_id not in visible,
                  about=_about(session, e.target, name), ip=e.ip) for e in entries]


def action_words(action: str) -> str | LazyString:
    """A recorded action in words (a code without words reads as itself, which a test keeps from happening)."""
    return ACTION_WORDS.get(action) or action


def _user_of(session: Session, target: str | None) -> int | None:
    """The person a target names ("user:12", "membership:5"), if it names one."""
    kind, _, raw = (target or "").partition(":")
    if not raw.isdigit():
        return None
    if kind == "user":
        return int(raw)
    if kind == "membership":
        member = session.get(Membership, int(raw))
        return member.user_id if member else None
    return None


def _about(session: Session, target: str | None, name) -> str | LazyString:
    kind, _, raw = (target or "").partition(":")
    if kind in ("user", "membership"):
        return name(_user_of(session, target)) or _l("a person")
    if kind in TARGET_WORDS and raw.isdigit():
        return TARGET_WORDS[kind]
    return target or ""
