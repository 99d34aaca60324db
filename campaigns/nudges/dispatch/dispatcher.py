"""The outbox dispatcher: claim due nudges in batches, check care rules again, deliver, record the outcome.

Claiming takes a lease: on PostgreSQL `SELECT … FOR UPDATE SKIP LOCKED` inside the claiming UPDATE, so several
schedulers never take the same row; on SQLite the same UPDATE inside `transaction()` (BEGIN IMMEDIATE). A sender
that dies leaves its rows `sending` until the lease expires; `recover_leases` hands them back with one attempt
counted. In-app delivery is exactly once (see inapp.py); email and webhooks are at least once, with an id
derived from the dedupe key. Failures retry with exponential backoff and jitter, then go to the dead letters.
"""

from __future__ import annotations

import json
import logging
import os
import random
import socket
import threading
import uuid
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timedelta
from typing import NamedTuple

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import Text, cast, select, update
from sqlmodel import Session

from campaigns import clock
from campaigns.db import is_sqlite, transaction
from campaigns.domain.model import Nudge
from campaigns.domain.text import N_
from campaigns.nudges import messages
from campaigns.nudges.channels import Undeliverable
from campaigns.nudges.dispatch import care, checks
from campaigns.nudges.outbox import among
from campaigns.nudges.planning import rules as rn

log = logging.getLogger(__name__)

BATCH_SIZE = 1000
LEASE = timedelta(minutes=5)
#: set by the scheduler on SIGTERM: finish the batch in hand, start no other
stopping = threading.Event()
_table = Nudge.__table__


class Claimed(NamedTuple):
    """A claimed nudge: what settling it reads (not every column: a batch is thousands of rows, and a tuple's
    fields read many times faster than a result Row's)."""

    id: int
    dedupe_key: str
    org_id: int | None
    recipient_id: int | None
    endpoint_id: int | None
    kind: str
    subject_type: str
    subject_id: int | None
    anchor_checksum: str | None
    channel: str
    expires_at: datetime | None
    attempts: int
    payload: dict


#: the payload comes back as text and is decoded once per distinct text: a batch is mostly one rule's payload
#: (the dicts are shared between rows, so nothing may change them)
_CLAIMED = [*(_table.c[name] for name in Claimed._fields[:-1]), cast(_table.c.payload, Text)]


def worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _lease() -> timedelta:
    return timedelta(seconds=current_app.config.get("NUDGE_LEASE_SECONDS", LEASE.total_seconds()))


def claim(session: Session, *, worker: str, limit: int = BATCH_SIZE, now: datetime | None = None) -> list[Claimed]:
    """Take up to `limit` due nudges for this worker, oldest due first, and lease them."""
    now = now or clock.now()
    with transaction(session):
        ids = _due(session, now, limit)
        if not ids:
            return []
        statement = (update(_table).where(among(session, _table.c.id, ids))
                     .values(status="sending", leased_by=worker, lease_expires_at=now + _lease())
                     .returning(*_CLAIMED))
        rows = session.exec(statement).all()  # type: ignore[call-overload]
    payloads: dict[str | None, dict] = {}
    claimed = {}
    for *fields, text in rows:
        if text not in payloads:
            payloads[text] = json.loads(text) if text else {}
        claimed[fields[0]] = Claimed(*fields, payloads[text])
    return [claimed[i] for i in ids if i in claimed]


def _due(session: Session, now: datetime, limit: int) -> list[int]:
    """The ids of the `limit` nudges due first, locked (SKIP LOCKED) on PostgreSQL. Each status is its own
    range scan of ix_nudge_due in index order: `status IN (…)`, or a tie-break on id, would make the database
    sort every due row for each batch (a reminder for thousands falls due at the same moment)."""
    found = []
    for status in ("planned", "failed"):
        query = (select(_table.c.id).where(_table.c.status == status, _table.c.next_attempt_at <= now)
                 .order_by(_table.c.next_attempt_at).limit(limit))
        if not is_sqlite(session):
            query = query.with_for_update(skip_locked=True)
        found.append(list(session.exec(query).scalars()))  # type: ignore[call-overload]
    planned, failed = found
    if planned and failed:  # both kinds are due (rare): the oldest first, whichever they are
        merge = (select(_table.c.id).where(among(session, _table.c.id, planned + failed))
                 .order_by(_table.c.next_attempt_at, _table.c.id).limit(limit))
        return list(session.exec(merge).scalars())  # type: ignore[call-overload]
    return planned or failed


def dispatch_once(session: Session, *, worker: str | None = None, limit: int = BATCH_SIZE) -> int:
    """Claim one batch and settle every nudge in it. Returns how many were claimed."""
    worker = worker or worker_id()
    rows = claim(session, worker=worker, limit=limit)
    if rows:
        settle(session, rows, worker=worker)
    return len(rows)


def dispatch_due(session: Session) -> int:
    """The scheduler's job: batches until nothing is due (or the scheduler is stopping)."""
    worker, total = worker_id(), 0
    while not stopping.is_set():
        claimed = dispatch_once(session, worker=worker)
        total += claimed
        if claimed < BATCH_SIZE:
            break
    return total


def settle(session: Session, rows: list[Claimed], *, worker: str) -> None:
    now = clock.now()
    assessed = checks.assess(session, rows, now)
    session.commit()  # end the read snapshot: the writes below take their own transactions
    holds, skips, sends = [], [], defaultdict(list)
    sent_now: dict[tuple, list[datetime]] = defaultdict(list)  # so later nudges in this batch count earlier ones
    # care.decide is pure and assess() shares equal facts and states: decide once per pair (the pair rides
    # along in the value, so its ids stay its own for the whole batch)
    decided: dict[tuple[int, int], tuple] = {}
    for row in rows:
        assessment = assessed[row.id]
        key = (row.recipient_id, row.channel)
        if assessment.state is not None and sent_now.get(key):
            assessment.state = replace(assessment.state, sent=(*assessment.state.sent, *sent_now[key]))
        pair = (id(assessment.facts), id(assessment.state))
        if pair not in decided:
            decided[pair] = (_decide(row, assessment, now), assessment.facts, assessment.state)
        decision = decided[pair][0]
        if isinstance(decision, care.Skip):
            skips.append((row.id, decision.reason))
        elif isinstance(decision, care.Hold):
            holds.append((row.id, decision.until))
        else:
            sends[row.channel].append(row)
            if care.capped(row.kind):
                sent_now[key].append(now)
    _record(session, worker, skips, holds)
    _send_inapp(session, sends.pop("inapp", []), assessed, worker, now)
    for channel_name, channel_rows in sends.items():
        for row in channel_rows:
            _send_one(session, channel_name, row, worker)


def _decide(row: Claimed, assessment: checks.Assessment, now: datetime) -> care.Decision:
    if assessment.state is None:  # not a person: a webhook endpoint has no quiet hours
        stale, expired = assessment.facts.stale, row.expires_at is not None and now >= row.expires_at
        return care.Skip(stale or care.EXPIRED) if stale or expired else care.Send()
    return care.decide(assessment.facts, assessment.state, now)


def _record(session: Session, worker: str, skips: list, holds: list) -> None:
    if not skips and not holds:
        return
    mine = (_table.c.status == "sending") & (_table.c.leased_by == worker)
    with transaction(session):
        for reason, ids in _grouped(skips).items():
            session.exec(update(_table).where(_table.c.id.in_(ids), mine)  # type: ignore[call-overload]
                         .values(status="skipped", skip_reason=reason[:120], lease_expires_at=None, leased_by=None))
        for until, ids in _grouped(holds).items():
            session.exec(update(_table).where(_table.c.id.in_(ids), mine)  # type: ignore[call-overload]
                         .values(status="planned", next_attempt_at=until, lease_expires_at=None, leased_by=None))


def _grouped(pairs: list[tuple[int, object]]) -> dict:
    grouped: dict = defaultdict(list)
    for nudge_id, value in pairs:
        grouped[value].append(nudge_id)
    return grouped


def _send_inapp(session: Session, rows: list[Claimed], assessed: dict, worker: str, now: datetime) -> None:
    by_locale = defaultdict(list)
    for row in rows:
        by_locale[assessed[row.id].person.locale].append(row)
    items = []
    for locale, locale_rows in by_locale.items():
        with force_locale(locale):
            gettext, rendered = messages.translator(), {}
            for row in locale_rows:
                person = assessed[row.id].person
                key = _same_words(row, person)
                if key is None or key not in rendered:
                    message = messages.render(row, person, gettext, buttons=False)
                    if key is None:
                        items.append((row, message))
                        continue
                    rendered[key] = message
                items.append((row, rendered[key]))
    channel("inapp").send_batch(session, items, worker=worker, now=now)


def _same_words(row: Claimed, person: checks.Person) -> tuple | None:
    """A rule's reminder reads the same for everyone in one time zone (its payload is the rule's, not the
    person's), so a batch renders it once per zone. None: render this one on its own."""
    payload = row.payload or {}
    if "rule" not in payload:
        return None
    return (row.kind, row.subject_type, row.subject_id, row.anchor_checksum, payload["rule"], person.timezone)


def channel(name: str):
    """A channel as the composition root handed it in (campaigns/bootstrap.py): `send_nudge(session, nudge)`, and
    for in-app `send_batch`. The dispatcher never imports a channel itself, so tests hand in fakes the same way."""
    return current_app.extensions["campaigns.channels"][name]


def _send_one(session: Session, name: str, row: Claimed, worker: str) -> None:
    """Send one email, webhook or text, then mark it; a failure is retried later, never lost."""
    nudge = session.get(Nudge, row.id, populate_existing=True)
    try:
        with force_locale(_locale_of(session, nudge)):
            channel(name).send_nudge(session, nudge)
    except Undeliverable as refusal:  # the channel found it must not go: skipped with the reason, not retried
        session.rollback()
        _record(session, worker, [(row.id, refusal.reason)], [])
        return
    except Exception as error:  # any failure of the channel is retried, with the error kept for admins
        session.rollback()
        _failed(session, row, worker, error)
        return
    mine = (_table.c.id == row.id) & (_table.c.status == "sending") & (_table.c.leased_by == worker)
    with transaction(session):
        marked = session.exec(update(_table).where(mine)  # type: ignore[call-overload]
                              .values(status="sent", sent_at=clock.now(), lease_expires_at=None, leased_by=None))
    if not marked.rowcount:
        log.warning("nudge %s was sent after its lease ran out; another sender may send it again", row.id)


def _locale_of(session: Session, nudge: Nudge) -> str:
    from campaigns.domain.model import User

    user = session.get(User, nudge.recipient_id) if nudge.recipient_id else None
    return user.locale if user else current_app.config["BABEL_DEFAULT_LOCALE"]


def _failed(session: Session, row: Claimed, worker: str, error: Exception) -> None:
    failures = row.attempts + 1
    dead = rn.is_dead(failures)
    retry_at = clock.now() + rn.retry_delay(failures, random.random())
    log.warning("nudge %s (%s) failed on attempt %s: %s", row.id, row.channel, failures, error)
    with transaction(session):
        session.exec(update(_table).where(_table.c.id == row.id, _table.c.status == "sending",  # type: ignore
                                          _table.c.leased_by == worker)
                     .values(status="dead" if dead else "failed", attempts=failures, next_attempt_at=retry_at,
                             last_error=f"{type(error).__name__}: {error}"[:2000], lease_expires_at=None,
                             leased_by=None))


def recover_leases(session: Session) -> int:
    """Hand back nudges whose sender died mid-send: one attempt counted, retried at once (or dead)."""
    now = clock.now()
    expired = (_table.c.status == "sending") & (_table.c.lease_expires_at < now)
    message = N_("The sender stopped before it finished; retried")
    with transaction(session):
        dead = session.exec(update(_table).where(expired, _table.c.attempts + 1 >= rn.MAX_ATTEMPTS)  # type: ignore
                            .values(status="dead", attempts=_table.c.attempts + 1, last_error=message,
                                    lease_expires_at=None, leased_by=None)).rowcount
        retried = session.exec(update(_table).where(expired)  # type: ignore[call-overload]
                               .values(status="failed", attempts=_table.c.attempts + 1, next_attempt_at=now,
                                       last_error=message, lease_expires_at=None, leased_by=None)).rowcount
    return dead + retried


def pending(session: Session) -> int:
    """How many nudges are waiting to be sent or being sent (for drains and tests)."""
    from sqlalchemy import func

    query = select(func.count()).select_from(_table).where(_table.c.status.in_(["planned", "failed", "sending"]))
    return session.exec(query).scalar_one()  # type: ignore[call-overload]
