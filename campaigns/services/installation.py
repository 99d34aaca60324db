"""The installation's health, for site admins: is the scheduler alive, what could not be delivered, the groups.

The scheduler proves it is alive by its `scheduler_heartbeat` job (jobs.py), which rewrites one row per scheduler
process every minute; a heartbeat older than a few minutes means no scheduler is running jobs, so no reminder is
being sent.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain.model import Nudge, Organisation, SchedulerHeartbeat, User
from campaigns.services import policy

#: the heartbeat job runs every minute; a beat older than this means the scheduler has stopped
STALE_AFTER = timedelta(minutes=5)
#: schedulers silent for longer than this are no longer listed (a host that was retired)
FORGET_AFTER = timedelta(days=7)

_started: dict[str, datetime] = {}


def scheduler_name() -> str:
    """This process, as the heartbeat names it: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def beat(session: Session) -> int:
    """The scheduler's heartbeat job: record that this scheduler process is alive now."""
    name, now = scheduler_name(), clock.now()
    started = _started.setdefault(name, now)
    with transaction(session):
        row = session.get(SchedulerHeartbeat, name)
        if row is None:
            row = SchedulerHeartbeat(scheduler=name, beat_at=now, started_at=started)
        row.beat_at = now
        session.add(row)
    return 0  # nothing worth a line in the log every minute


@dataclass
class Heartbeat:
    scheduler: str
    beat_at: datetime
    started_at: datetime

    @property
    def fresh(self) -> bool:
        return clock.now() - self.beat_at <= STALE_AFTER


@dataclass
class Health:
    schedulers: list[Heartbeat] = field(default_factory=list)
    dead_nudges: int = 0
    failing_nudges: int = 0
    groups: int = 0
    people: int = 0

    @property
    def scheduler_running(self) -> bool:
        return any(s.fresh for s in self.schedulers)

    @property
    def last_beat_at(self) -> datetime | None:
        return max((s.beat_at for s in self.schedulers), default=None)


def health(session: Session, *, user: User | None) -> Health:
    """The installation at a glance (site admins only; NotFound for anyone else)."""
    policy.require_admin(user)
    since = clock.now() - FORGET_AFTER
    beats = session.exec(select(SchedulerHeartbeat).where(SchedulerHeartbeat.beat_at >= since)
                         .order_by(col(SchedulerHeartbeat.beat_at).desc()))
    statuses = dict(session.exec(select(Nudge.status, func.count()).where(
        col(Nudge.status).in_(("failed", "dead"))).group_by(Nudge.status)).all())
    return Health(
        schedulers=[Heartbeat(b.scheduler, b.beat_at, b.started_at) for b in beats],
        dead_nudges=statuses.get("dead", 0), failing_nudges=statuses.get("failed", 0),
        groups=session.exec(select(func.count()).select_from(Organisation)).one(),
        people=session.exec(select(func.count()).select_from(User).where(col(User.erased_at).is_(None))).one())
