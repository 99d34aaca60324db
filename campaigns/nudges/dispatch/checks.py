"""What care needs to know at send time, loaded for a whole batch with a handful of queries: each recipient's
settings and relationship to the nudge's subject as they are *now*, what they were already sent this week, and
whether the anchor the nudge was planned for still holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import Row, func
from sqlmodel import Session, col, select

from campaigns.domain.model import Guest, Membership, NotificationSettings, Nudge, User
from campaigns.domain.text import N_
from campaigns.nudges.dispatch import care
from campaigns.nudges.outbox import RELATIONSHIP_ENDED, among
from campaigns.nudges.planning import planner
from campaigns.nudges.planning import rules as rn

#: why someone no longer belongs to a rule's audience, in words for the delivery status page
GONE = {
    "confirmed": RELATIONSHIP_ENDED,
    "waitlisted": N_("They are no longer on the waiting list"),
    "members_without_signup": N_("They have signed up already, or left the campaign"),
    "coordinators": N_("They no longer coordinate this campaign"),
    "consenting_workers": N_("The client's consent has ended"),
}


class Person(NamedTuple):
    """Who a message is rendered for (a tuple: a batch makes thousands)."""

    id: int
    email: str
    display_name: str
    locale: str
    timezone: str


@dataclass
class Assessment:
    facts: care.NudgeFacts
    state: care.PersonState | None  #: None: not a person (a webhook endpoint)
    person: Person | None


def assess(session: Session, rows: list[Row], now: datetime) -> dict[int, Assessment]:
    """Care's view of each claimed nudge, by nudge id."""
    ids = {r.recipient_id for r in rows if r.recipient_id is not None}
    users = {u.id: u for u in session.exec(select(*_USER).where(among(session, User.id, ids)))} if ids else {}
    settings = {s.user_id: s for s in session.exec(select(*NotificationSettings.__table__.c)
                                                   .where(among(session, NotificationSettings.user_id, ids)))} \
        if ids else {}
    # plain tuples: looking a tuple up among Rows compares through Row.__eq__, thousands of times a batch
    members = {(org, user) for org, user in session.exec(select(Membership.org_id, Membership.user_id)
                                                         .where(among(session, Membership.user_id, ids)))} \
        if ids else set()
    # a group's guests belong to its public actions as members belong to everything
    members |= {(org, user) for org, user in session.exec(select(Guest.org_id, Guest.user_id)
                                                           .where(among(session, Guest.user_id, ids)))} \
        if ids else set()
    sent = _sent_this_week(session, rows, settings, now)
    gone = _gone(session, rows)
    people = {u.id: Person(u.id, u.email, u.display_name, u.locale, u.timezone) for u in users.values()}
    # a batch is mostly one reminder to many people with the same settings: equal facts and equal states are
    # one object each, so the dispatcher decides once per distinct pair (see dispatcher.settle)
    facts: dict[tuple, care.NudgeFacts] = {}
    states: dict[tuple, care.PersonState] = {}
    stale: dict[tuple, str | None] = {}
    result = {}
    for row in rows:
        payload = row.payload or {}
        about = (row.subject_type, row.subject_id, row.kind, payload.get("anchor"), row.anchor_checksum)
        if about not in stale:
            stale[about] = planner.stale_reason(gone.targets.get(about[:2]), row.subject_type, row.kind, payload,
                                                row.anchor_checksum) if "rule" in payload else None
        fact = (row.kind, row.channel, row.expires_at, stale[about])
        if fact not in facts:
            facts[fact] = care.NudgeFacts(kind=row.kind, channel=row.channel, expires_at=row.expires_at,
                                          stale=stale[about])
        user = users.get(row.recipient_id)
        if user is None:
            inactive = None if row.recipient_id is None else _CLOSED
            result[row.id] = Assessment(facts[fact], inactive, None)
            continue
        reason = gone.reasons.get(row.id)
        if row.org_id is not None and (row.org_id, user.id) not in members:
            reason = N_("They are no longer a member of the group")
        had = tuple(sent.get((user.id, row.channel), ()))
        key = (user.is_active, user.erased_at, user.timezone, user.mobile is not None,
               _settings_key(settings.get(user.id)), had, reason)
        if key not in states:
            states[key] = person_state(user, settings.get(user.id), had, reason)
        result[row.id] = Assessment(facts[fact], states[key], people[user.id])
    return result


_CLOSED = care.PersonState(active=False)


def _settings_key(s) -> tuple | None:
    if s is None:
        return None
    return (s.email_enabled, s.inapp_enabled, tuple(s.muted_kinds or ()), s.quiet_start, s.quiet_end, s.daily_cap,
            s.weekly_cap, s.digest, s.pause_until, tuple(s.sms_kinds or ()))


#: what a person who never changed a setting has (the model's defaults)
_DEFAULTS = NotificationSettings(user_id=0)
#: the columns of a recipient that sending needs (rows, not ORM objects: a batch has thousands)
#: (table columns, not ORM attributes: a Core select skips the ORM's per-row loading)
_USER = tuple(User.__table__.c[name] for name in ("id", "email", "display_name", "locale", "timezone", "is_active",
                                                  "erased_at", "mobile"))


def person_state(user, settings, sent, gone: str | None) -> care.PersonState:
    s = settings or _DEFAULTS
    return care.PersonState(
        active=user.is_active and user.erased_at is None, gone=gone, timezone=user.timezone,
        email_enabled=s.email_enabled, inapp_enabled=s.inapp_enabled, muted_kinds=frozenset(s.muted_kinds or ()),
        quiet_start=s.quiet_start, quiet_end=s.quiet_end, daily_cap=s.daily_cap, weekly_cap=s.weekly_cap,
        digest=s.digest, pause_until=s.pause_until, sent=tuple(sent), sms_kinds=frozenset(s.sms_kinds or ()),
        mobile=getattr(user, "mobile", None) is not None)


def _sent_this_week(session: Session, rows: list[Row], settings: dict, now: datetime) -> dict:
    """(person, channel) -> when capped nudges were sent to them in the last week, for whoever might reach a
    cap in this batch. The rest need no timestamps at all: with fewer than their smaller cap, counting this
    batch too, neither cap can be reached whatever the times (so care gets an empty history for them)."""
    ids = {r.recipient_id for r in rows if r.recipient_id is not None}
    if not ids:
        return {}
    # status is counted, not filtered: as a condition it tempts SQLite (no statistics) to walk every sent nudge
    # through ix_nudge_due instead of the batch's recipients through ix_nudge_recipient_sent
    sent = Nudge.status == "sent"
    recent = (among(session, Nudge.recipient_id, ids), col(Nudge.sent_at) >= now - timedelta(days=7),
              col(Nudge.kind).not_in(_UNCAPPED))
    counts = {(r, c): n for r, c, n in session.exec(
        select(Nudge.recipient_id, Nudge.channel, func.count().filter(sent))
        .where(*recent).group_by(Nudge.recipient_id, Nudge.channel))}
    in_batch: dict[tuple, int] = {}
    for row in rows:
        in_batch[(row.recipient_id, row.channel)] = in_batch.get((row.recipient_id, row.channel), 0) + 1
    near = {person for (person, channel), n in counts.items()
            if n + in_batch.get((person, channel), 0) >= _smaller_cap(settings.get(person))}
    history: dict[tuple[int, str], list[datetime]] = {}
    if near:
        query = select(Nudge.recipient_id, Nudge.channel, Nudge.sent_at, Nudge.status).where(
            *recent, col(Nudge.recipient_id).in_(near))
        for recipient, channel, at, status in session.exec(query):
            if status == "sent":
                history.setdefault((recipient, channel), []).append(at)
    return history


def _smaller_cap(settings) -> int:
    s = settings or _DEFAULTS
    return min(s.daily_cap, s.weekly_cap)


_UNCAPPED = sorted(rn.TRANSACTIONAL | rn.SAFETY | rn.DIGESTS)


@dataclass
class _Gone:
    targets: dict
    reasons: dict[int, str]


def _gone(session: Session, rows: list[Row]) -> _Gone:
    """Targets as they are now, and for each rule-planned nudge whose recipient left its audience, why."""
    targets: dict = {}
    groups: dict[tuple, set[int]] = {}
    for row in rows:
        payload = row.payload or {}
        key = (row.subject_type, row.subject_id)
        if "rule" in payload and key not in targets:
            targets[key] = planner.target_of(session, *key)
        if payload.get("audience") in rn.AUDIENCES and row.recipient_id is not None:
            groups.setdefault((*key, payload["audience"]), set()).add(row.recipient_id)
    still = {}
    for (subject_type, subject_id, name), people in groups.items():
        target = targets.get((subject_type, subject_id))
        still[(subject_type, subject_id, name)] = planner.audience(session, name, target, people) if target else set()
    reasons, free = {}, {}
    for row in rows:
        key = (row.subject_type, row.subject_id)
        name = (row.payload or {}).get("audience")
        if name in rn.AUDIENCES and row.recipient_id not in still.get((*key, name), ()):
            reasons[row.id] = GONE[name]
        elif row.kind == "unfilled_tasks" and targets.get(key) is not None:
            if key not in free:
                free[key] = planner.has_free_places(session, targets[key])
            if not free[key]:
                reasons[row.id] = N_("Every place is taken now")
    return _Gone(targets, reasons)
