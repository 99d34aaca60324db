"""The installation itself: the scheduler's heartbeat, so a site admin can see it is alive."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from campaigns.domain.model.base import utc_field


class SchedulerHeartbeat(SQLModel, table=True):
    """One row per scheduler process, rewritten by its heartbeat job: when it was last seen running jobs."""

    __tablename__ = "scheduler_heartbeat"

    #: host and process id of the scheduler ("web-1:4242"); several schedulers may run at once
    scheduler: str = Field(max_length=120, primary_key=True)
    beat_at: datetime = utc_field(nullable=False)
    started_at: datetime = utc_field(nullable=False)
