"""The security audit log and the read-access log. Both append-only; neither ever holds a secret."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain.model import AuditLog, ReadAccess

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


def log_read(session: Session, *, viewer_id: int, subject_user_id: int, what: str) -> None:
    """Record that `viewer` looked at another person's personal data. Looking at your own is not logged."""
    if viewer_id != subject_user_id:
        session.add(ReadAccess(viewer_id=viewer_id, subject_user_id=subject_user_id, what=what))


def log_reads(session: Session, *, viewer_id: int, subject_ids, what: str) -> None:
    """Record that `viewer` saw a list naming these people (a roster, a member list), in one write."""
    # an erased person's rows name no one (None): nothing to log, and None would not sort among ids
    named = {uid for uid in subject_ids if uid is not None and uid != viewer_id}
    rows = [{"viewer_id": viewer_id, "subject_user_id": uid, "what": what, "at": clock.now()}
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
