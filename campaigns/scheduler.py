"""The scheduler process: APScheduler 3.11 running the periodic jobs declared in `jobs.JOBS`.

Started by `flask --app wsgi scheduler` (and by `dev`, beside the web server); never by create_app, so web
workers never run jobs. One BlockingScheduler in UTC, every job under its stable id with replace_existing,
coalesce, max_instances=1 and an explicit misfire grace. Each run gets an app context and its own session; a job
that raises is logged with its id and the exception and the scheduler carries on. SIGTERM (or Ctrl-C) lets the
batch in hand finish and then exits. Reminders are rows, not APScheduler jobs: one periodic job sends them all.
Several scheduler processes may run at once: every job is idempotent and nudges are claimed with a lease.
"""

from __future__ import annotations

import gc
import logging
import signal
import threading
import time
from datetime import UTC, datetime

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from campaigns.db import session_scope
from campaigns.jobs import JOBS, Job
from campaigns.nudges import stopping

log = logging.getLogger("campaigns.scheduler")


def run_job(app: Flask, job: Job) -> int | None:
    """Run one job once, in an app context with its own session. Never raises: a failure is logged."""
    if stopping.is_set():
        return None
    started = time.monotonic()
    try:
        with app.app_context(), session_scope() as session:
            result = job.func(session)
    except Exception:  # a job's failure must never stop the scheduler; log it with its context
        log.exception("job %s (%s) failed after %.2fs", job.id, job.func.__qualname__, time.monotonic() - started)
        return None
    if result:
        log.info("job %s did %s in %.2fs", job.id, result, time.monotonic() - started)
    return result


def trigger(job: Job, config) -> CronTrigger | IntervalTrigger:
    if job.cron:
        return CronTrigger(timezone=UTC, **job.cron)
    seconds = int(config.get(job.seconds_setting) or job.seconds) if job.seconds_setting else job.seconds
    return IntervalTrigger(seconds=seconds, timezone=UTC)


#: threads per lane (jobs.Job.lane): one sends, one does the housekeeping; each thread keeps its own allocator
#: arena and database connection, so more threads would mostly cost memory (the scheduler's budget is 100 MB)
LANES = {"delivery": 1, "housekeeping": 1}


def build(app: Flask, jobs: list[Job] | None = None) -> BlockingScheduler:
    """A scheduler with every job added (not started)."""
    scheduler = BlockingScheduler(timezone=UTC, executors={lane: ThreadPoolExecutor(max_workers=threads)
                                                           for lane, threads in LANES.items()})
    for job in JOBS if jobs is None else jobs:
        extra = {} if job.cron else {"next_run_time": datetime.now(UTC)}  # interval jobs catch up at start
        scheduler.add_job(run_job, trigger(job, app.config), args=(app, job), id=job.id, name=job.id,
                          executor=job.lane,
                          replace_existing=True, coalesce=True, max_instances=1,
                          misfire_grace_time=job.misfire_grace_seconds, **extra)
    scheduler.add_listener(_missed, EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
    return scheduler


def _missed(event: JobExecutionEvent) -> None:
    log.warning("job %s skipped a run (too late, or still running the previous one)", event.job_id)


def run(app: Flask, *, once: bool = False, jobs: list[Job] | None = None) -> None:
    """Run the scheduler until SIGTERM or Ctrl-C (or, with `once`, every job one time)."""
    stopping.clear()
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # our run_job logs what each job did
    if once:
        for job in JOBS if jobs is None else jobs:
            run_job(app, job)
        return
    scheduler = build(app, jobs)

    def stop(signum, _frame):
        if stopping.is_set():
            return
        log.info("scheduler stopping (signal %s): finishing the batch in hand", signum)
        stopping.set()
        # shut down from another thread: the main thread is inside the scheduler's wait loop
        threading.Thread(target=scheduler.shutdown, kwargs={"wait": True}, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("scheduler started with %s jobs: %s", len(scheduler.get_jobs()),
             ", ".join(j.id for j in scheduler.get_jobs()))
    # everything built so far (app, models, templates) lives as long as the process: keep it out of the cyclic
    # garbage collector's full passes, which otherwise walk it again and again while batches churn objects
    gc.freeze()
    scheduler.start()
    log.info("scheduler stopped")
