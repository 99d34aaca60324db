"""The scheduler's periodic jobs, declared as data with stable ids (scheduler.py runs them).

Each job names its function `run(session) -> int | None` (how many things it did, for the log) by reference, not
by a dotted string, so a renamed function breaks at import and not at 3 a.m. It is called inside an app context
with its own session; it must be idempotent, because two schedulers may run it at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlmodel import Session

from campaigns import nudges
from campaigns.services import guests, installation, outcomes, privacy, progress, webhooks


@dataclass(frozen=True)
class Job:
    id: str  #: stable: APScheduler replaces the job with this id on restart (replace_existing)
    func: Callable[[Session], int | None]
    #: interval in seconds, or a cron spec (e.g. {"hour": 3}) in UTC; exactly one
    seconds: int | None = None
    cron: dict = field(default_factory=dict)
    #: how late a run may start and still run (APScheduler's default of 1 s silently drops late runs)
    misfire_grace_seconds: int = 300
    #: a config setting that overrides `seconds` (e.g. SCHEDULER_TICK_SECONDS)
    seconds_setting: str | None = None
    #: the thread pool it runs in: sending has a lane of its own, so a long sweep or digest never holds up a
    #: reminder, and the housekeeping shares the other (each thread costs memory: scheduler.py)
    lane: str = "housekeeping"


#: every periodic job; features add theirs here
JOBS: list[Job] = [
    # the scheduler's heartbeat: a site admin's home shows whether a scheduler is alive (services/installation)
    Job(id="scheduler_heartbeat", func=installation.beat, seconds=60, misfire_grace_seconds=60),
    Job(id="prune_logs", func=privacy.prune_logs, cron={"hour": 3}),
    # progress and evaluation (services/progress, outcomes, webhooks)
    Job(id="goal_snapshots", func=progress.take_snapshots, cron={"hour": 0, "minute": 5},
        misfire_grace_seconds=6 * 3600),
    Job(id="stalled_campaigns", func=progress.mark_stalled, seconds=3600),
    Job(id="outcome_reviews", func=outcomes.plan_reviews, seconds=3600),
    Job(id="webhook_deliveries", func=webhooks.plan_deliveries, seconds=30,
        misfire_grace_seconds=60),
    Job(id="webhook_health", func=webhooks.switch_off_failing, seconds=900),
    # nudges (campaigns/nudges, its public face): see README "Nudges and the scheduler"
    Job(id="nudges_dispatch", func=nudges.dispatch_due, seconds=10,
        seconds_setting="SCHEDULER_TICK_SECONDS", misfire_grace_seconds=60, lane="delivery"),
    Job(id="nudges_recover_leases", func=nudges.recover_leases, seconds=60),
    Job(id="nudges_sweep", func=nudges.sweep, seconds=900),
    Job(id="nudges_digests", func=nudges.build_digests, seconds=900),
    # guests' unconfirmed requests for a place lapse after their group's hold time (services/guests)
    Job(id="guest_holds", func=guests.release_lapsed, seconds=300),
    Job(id="nudges_coordinator_digests", func=nudges.build_coordinator_digests, seconds=900),
]
