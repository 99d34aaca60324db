"""Nudges: messages the system sends on its own, as rows the scheduler delivers.

`plan()` is how every feature asks for a nudge: it inserts one row per channel, keyed by a dedupe key, so
planning twice inserts once. Reminder rules plan through `nudges/planning/planner.py`; delivery, care rules and retries
live in `delivery/` and the scheduler jobs. This module also answers the status pages and the admin's retry.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from functools import cached_property, lru_cache
from operator import itemgetter

from flask_babel import gettext as _
from sqlalchemy import (
    ARRAY,
    JSON,
    ColumnElement,
    Date,
    DateTime,
    Integer,
    String,
    Time,
    TypeDecorator,
    any_,
    bindparam,
    func,
    literal_column,
    text,
    update,
)
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.db import is_sqlite, remembered, transaction
from campaigns.domain.model import Guest, Nudge, User
from campaigns.domain.text import N_
from campaigns.nudges.planning import rules as rn
from campaigns.services import audit
from campaigns.services.errors import Conflict, NotFound


def anchor_checksum(moment: datetime | None) -> str:
    """A short checksum of the time a nudge is anchored to; a moved anchor gives another (Decidim)."""
    return _checksum(moment.isoformat() if moment else "-")


@lru_cache(maxsize=4096)  # by text, not by instant: 14:00+00:00 == 16:00+02:00 but their checksums differ
def _checksum(value: str) -> str:  # a sweep plans thousands of nudges about the same few anchors
    return hashlib.sha256(value.encode()).hexdigest()[:12]


@dataclass(frozen=True, kw_only=True)
class NudgeSpec:
    recipient_id: int | None
    kind: str
    subject_type: str
    subject_id: int | None
    #: identifies the rule or reason (e.g. "rule:12", "message:abc"); part of the dedupe key
    reason: str
    org_id: int | None = None
    campaign_id: int | None = None
    due_at: datetime | None = None  #: None: at once
    expires_at: datetime | None = None  #: after this the nudge is skipped, never sent late
    anchor: datetime | None = None  #: the time it is about (action start…); its checksum is in the key
    channels: tuple[str, ...] = ("inapp", "email")
    rule_id: int | None = None
    endpoint_id: int | None = None
    payload: dict = field(default_factory=dict)

    @cached_property
    def checksum(self) -> str:
        return anchor_checksum(self.anchor)

    def dedupe_key(self, channel: str) -> str:
        who = f"u{self.recipient_id}" if self.recipient_id is not None else f"e{self.endpoint_id}"
        return f"{self.reason}|{who}|{self.subject_type}:{self.subject_id}|{self.checksum}|{channel}"


def plan(session: Session, spec: NudgeSpec) -> int:
    """Plan a nudge on each of its channels, inside the caller's transaction. Returns how many rows were new."""
    return plan_many(session, [spec])


def plan_many(session: Session, specs: list[NudgeSpec]) -> int:
    """Plan many nudges with a few multi-row inserts (the sweep and the benchmark plan thousands at once)."""
    now = clock.now()
    specs = guest_channels(session, with_texts(session, specs))  # guests: only the channels they ticked
    return insert_new(session, Nudge.__table__, [_row(spec, channel, now) for spec in specs
                                                 for channel in spec.channels], unique=["dedupe_key"])


def with_texts(session: Session, specs: list[NudgeSpec]) -> list[NudgeSpec]:
    """The specs, with the sms channel added where the recipient has a verified mobile and chose texts for the
    kind: nobody else gets an sms row at all (care checks both again at send time). Idempotent."""
    from campaigns.domain.model import NotificationSettings

    people = {s.recipient_id for s in specs if s.recipient_id is not None and "sms" not in s.channels
              and rn.SMS_KIND_OF.get(s.kind, s.kind) in rn.SMS_KINDS}
    if not people:
        return specs
    query = (select(NotificationSettings.user_id, NotificationSettings.sms_kinds)
             .join(User, col(User.id) == NotificationSettings.user_id)
             .where(among(session, NotificationSettings.user_id, people), col(User.mobile).is_not(None)))
    chosen = remembered(session, ("texted", frozenset(people)), lambda: dict(session.exec(query).all()))
    return [replace(s, channels=(*s.channels, "sms")) if s.recipient_id in chosen and "sms" not in s.channels
            and rn.texted(s.kind, chosen[s.recipient_id]) else s for s in specs]


#: the channels a guest may choose, besides which nothing reaches them (no in-app inbox: they cannot log in)
GUEST_CHANNELS = ("email", "sms")


def guest_channels(session: Session, specs: list[NudgeSpec]) -> list[NudgeSpec]:
    """`specs` with each guest's channels in place of the rule's: the ones they ticked (perhaps none)."""
    people = {s.recipient_id for s in specs if s.recipient_id is not None and s.kind not in rn.OPT_IN}
    guests = _loginless(session, people)
    if not guests:
        return specs
    query = select(Guest.org_id, Guest.user_id, Guest.channels).where(among(session, Guest.user_id, guests))
    chosen = {(org, user): tuple(c for c in channels or () if c in GUEST_CHANNELS)
              for org, user, channels in session.exec(query)}
    return [replace(s, channels=chosen.get((s.org_id, s.recipient_id), ()))
            if s.recipient_id in guests and s.kind not in rn.OPT_IN else s for s in specs]


def _loginless(session: Session, people: set[int]) -> set[int]:
    """Who among `people` is a guest (no login). People already loaded cost no query: a member's sign-up plans
    within the statement budget it holds the seat lock for."""
    from campaigns.services.guests import NO_LOGIN

    found, unknown = set(), set()
    for person in people:
        user = session.identity_map.get(identity_key(User, person))
        if user is None:
            unknown.add(person)
        elif user.password_hash == NO_LOGIN:
            found.add(person)
    if unknown:
        found |= set(session.exec(select(User.id).where(among(session, User.id, unknown),
                                                        User.password_hash == NO_LOGIN)))
    return found


def insert_new(session: Session, table, rows: list[dict], *, unique: list[str]) -> int:
    """Insert-or-ignore many rows, counting the rows really added: a few as one SQLAlchemy executemany,
    hundreds or more in bulk (`_insert_sqlite`, `_insert_recordset`). Every row must have the same keys."""
    if not rows:
        return 0
    if is_sqlite(session):
        from sqlalchemy.dialects.sqlite import insert
    else:
        from sqlalchemy.dialects.postgresql import insert
    if len(rows) < 200:
        statement = insert(table).on_conflict_do_nothing(index_elements=unique).returning(table.c.id)
        return len(session.exec(statement, params=rows).all())  # type: ignore[call-overload]
    if is_sqlite(session):
        return _insert_sqlite(session, table, rows, unique)
    return sum(_insert_recordset(session, table, rows[start:start + 5000], unique)
               for start in range(0, len(rows), 5000))


def _insert_sqlite(session: Session, table, rows: list[dict], unique: list[str]) -> int:
    """SQLite: the driver's own executemany (a loop in C), given values already as SQLAlchemy stores them, so
    SQLAlchemy processes no row in Python. (A JSON parameter would have SQLite parse each row once per column.)"""
    names = list(rows[0])
    stored = [(i, store) for i, name in enumerate(names) if (store := _sqlite_store(table.c[name].type))]
    pick, values = itemgetter(*names), []
    for row in rows:
        value = list(pick(row))
        for i, store in stored:
            value[i] = store(value[i])
        values.append(tuple(value))
    columns, marks = ", ".join(f'"{name}"' for name in names), ", ".join("?" * len(names))
    statement = (f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks}) '  # noqa: S608 (names are ours)
                 f'ON CONFLICT ({", ".join(unique)}) DO NOTHING')
    return session.connection().exec_driver_sql(statement, values).rowcount  # executemany: the rows added


def _sqlite_store(column_type):
    """How SQLAlchemy stores a value of this type on SQLite, remembering each value: rows repeat a few
    moments and share their payload dicts (kept in `known`, so an id is never reused while it is there)."""
    impl = column_type.impl if isinstance(column_type, TypeDecorator) else column_type
    if not isinstance(impl, JSON | DateTime | Date | Time):
        return None
    known: dict = {}

    def store(value):
        key = id(value) if isinstance(impl, JSON) else value
        if key not in known:
            text = json.dumps(value) if isinstance(impl, JSON) else \
                None if value is None else _stored(value, sqlite=True)
            known[key] = (text, value)
        return known[key][0]
    return store


def _insert_recordset(session: Session, table, rows: list[dict], unique: list[str]) -> int:
    """PostgreSQL: thousands of rows as ONE statement with ONE parameter, a JSON array the database turns back
    into rows, RETURNING the ones added: far cheaper than an executemany (SQLAlchemy processes each row's
    parameters in Python) or a huge VALUES list. Absent columns get NULL, not a default."""
    names = ", ".join(f'"{name}"' for name in rows[0])
    source = f'jsonb_populate_recordset(NULL::"{table.name}", CAST(:rows AS jsonb))'
    statement = text(f'INSERT INTO "{table.name}" ({names}) SELECT {names} FROM {source} '  # noqa: S608
                     f'ON CONFLICT ({", ".join(unique)}) DO NOTHING RETURNING 1')  # names are ours, not input
    return len(session.exec(statement, params={"rows": json_rows(rows)}).all())  # type: ignore[call-overload]


def among(session: Session, column, ids) -> ColumnElement[bool]:
    """`column IN ids` with ONE parameter however many ids (a batch has thousands: a bind parameter each costs
    more to build, render and parse than the lookup itself): `= ANY(array)` on PostgreSQL, a JSON array on
    SQLite."""
    if is_sqlite(session):
        ids_json = bindparam(None, json.dumps(list(ids)), type_=String)
        return col(column).in_(select(literal_column("value")).select_from(func.json_each(ids_json)))
    return col(column) == any_(bindparam(None, list(ids), type_=ARRAY(Integer)))


def json_rows(rows: list[dict]) -> str:
    """Rows as the JSON text `jsonb_populate_recordset` reads, moments as UTCDateTime stores them."""
    known: dict = {}  # a batch's rows share a handful of moments: format each once

    def value(v):
        if v not in known:
            known[v] = _stored(v, sqlite=False)
        return known[v]
    return json.dumps(rows, default=value, separators=(",", ":"))


def _stored(v, *, sqlite: bool) -> str:
    """A moment as the database stores it: naive UTC (PostgreSQL would silently drop an offset; a naive one is
    UTC already), on SQLite in the very text format SQLAlchemy writes, since SQLite compares them as text."""
    if isinstance(v, datetime):
        v = v.astimezone(UTC).replace(tzinfo=None) if v.tzinfo is not None else v
        return v.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else v.isoformat()
    if isinstance(v, time):
        return v.strftime("%H:%M:%S.%f") if sqlite else v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    raise TypeError(f"cannot store {type(v).__name__} as JSON")


def _row(spec: NudgeSpec, channel: str, now: datetime) -> dict:
    due = spec.due_at or now
    return {
        "dedupe_key": spec.dedupe_key(channel)[:200], "org_id": spec.org_id, "campaign_id": spec.campaign_id,
        "recipient_id": spec.recipient_id, "endpoint_id": spec.endpoint_id, "kind": spec.kind,
        "rule_id": spec.rule_id, "subject_type": spec.subject_type, "subject_id": spec.subject_id,
        "anchor_checksum": spec.checksum, "channel": channel, "due_at": due,
        "expires_at": spec.expires_at, "status": "planned", "attempts": 0, "next_attempt_at": due,
        "payload": spec.payload, "created_at": now,
    }


RELATIONSHIP_ENDED = N_("They cancelled their sign-up")
SWITCHED_OFF = N_("The reminder was switched off")
#: skip reasons the planner undoes when the cause goes away (they sign up again, the rule is switched back on)
REVIVABLE = (RELATIONSHIP_ENDED, SWITCHED_OFF)


def revive(session: Session, keys: list[str]) -> int:
    """Plan again the nudges with these keys that were skipped for a reason that no longer holds."""
    revived = 0
    for start in range(0, len(keys), 500):
        statement = (update(Nudge).where(col(Nudge.dedupe_key).in_(keys[start:start + 500]),
                                         Nudge.status == "skipped", col(Nudge.skip_reason).in_(REVIVABLE))
                     .values(status="planned", skip_reason=None, next_attempt_at=Nudge.due_at))
        revived += session.exec(statement).rowcount  # type: ignore[call-overload]
    return revived


def skip_planned(session: Session, *, reason: str, subject_type: str, subject_ids: list[int],
                 recipient_id: int | None = None, keep_checksum: str | None = None,
                 kinds: list[str] | None = None) -> int:
    """Skip nudges not yet sent about these subjects (all, one person's, or those planned for another anchor
    time than `keep_checksum`), inside the caller's transaction. A nudge being sent right now is left to the
    send-time checks, which see the same change."""
    if not subject_ids:
        return 0
    statement = update(Nudge).where(
        Nudge.subject_type == subject_type, col(Nudge.subject_id).in_(subject_ids),
        col(Nudge.status).in_(["planned", "failed"]))
    if recipient_id is not None:
        statement = statement.where(Nudge.recipient_id == recipient_id)
    if keep_checksum is not None:
        statement = statement.where(Nudge.anchor_checksum != keep_checksum)
    if kinds is not None:
        statement = statement.where(col(Nudge.kind).in_(kinds))
    return session.exec(statement.values(status="skipped", skip_reason=reason[:120])).rowcount  # type: ignore


# -- status pages ---------------------------------------------------------------------------------------------
STATUSES = ("planned", "sending", "sent", "skipped", "failed", "dead")


def campaign_nudges(campaign_id: int, *, status: str | None = None, subject: tuple[str, int] | None = None):
    """A campaign's nudges with their recipients' display names, newest due first (coordinators' page)."""
    query = (select(Nudge, User.display_name).join(User, User.id == Nudge.recipient_id, isouter=True)
             .where(Nudge.campaign_id == campaign_id).order_by(col(Nudge.due_at).desc(), col(Nudge.id).desc()))
    if status:
        query = query.where(Nudge.status == status)
    if subject:
        query = query.where(Nudge.subject_type == subject[0], Nudge.subject_id == subject[1])
    return query


def status_counts(session: Session, campaign_id: int) -> dict[tuple[str, int | None], dict[str, int]]:
    """Per subject (action, task…): how many nudges are planned, sent, skipped, failed."""
    query = (select(Nudge.subject_type, Nudge.subject_id, Nudge.status, func.count())
             .where(Nudge.campaign_id == campaign_id)
             .group_by(Nudge.subject_type, Nudge.subject_id, Nudge.status))
    counts: dict[tuple[str, int | None], dict[str, int]] = {}
    for subject_type, subject_id, status, n in session.exec(query):
        counts.setdefault((subject_type, subject_id), dict.fromkeys(STATUSES, 0))[status] = n
    return counts


def dead_letters():
    """Nudges that failed every attempt, newest first (admins)."""
    return select(Nudge).where(Nudge.status == "dead").order_by(col(Nudge.id).desc())


def retry_dead(session: Session, *, nudge_id: int, actor: User) -> Nudge:
    """Give a dead nudge a fresh set of attempts (admins); care rules still apply when it is sent."""
    with transaction(session):
        nudge = session.get(Nudge, nudge_id)
        if nudge is None:
            raise NotFound()
        if nudge.status != "dead":
            raise Conflict(_("Only a message that failed every attempt can be retried."))
        nudge.status, nudge.attempts, nudge.next_attempt_at = "planned", 0, clock.now()
        session.add(nudge)
        audit.log(session, "nudge_retried", actor_id=actor.id, org_id=nudge.org_id, target=f"nudge:{nudge.id}")
    return nudge
