"""The scheduler process: jobs as data under stable ids, failures contained, SIGTERM a clean stop."""

import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from apscheduler.triggers.interval import IntervalTrigger

from campaigns import clock, create_app, scheduler
from campaigns.jobs import JOBS, Job
from campaigns.nudges import messages
from campaigns.nudges.dispatch import dispatcher
from campaigns.nudges.dispatch.checks import Person

ROOT = Path(__file__).resolve().parents[2]


def test_every_job_is_added_under_its_stable_id_with_explicit_safety_settings(app):
    built = scheduler.build(app)
    jobs = {job.id: job for job in built.get_jobs()}
    assert set(jobs) == {job.id for job in JOBS}
    for job in jobs.values():
        assert job.coalesce is True and job.max_instances == 1 and job.misfire_grace_time >= 60
    assert str(built.timezone) == "UTC"
    tick = jobs["nudges_dispatch"].trigger
    assert isinstance(tick, IntervalTrigger) and tick.interval.total_seconds() == app.config["SCHEDULER_TICK_SECONDS"]


_held, _sent = threading.Event(), threading.Event()


def _hold_the_housekeeping_lane(_session) -> None:
    _held.wait(10)


def _send(_session) -> None:
    _sent.set()


def test_sending_has_its_own_lane_and_never_waits_behind_housekeeping(app):
    assert {job.id for job in JOBS if job.lane == "delivery"} == {"nudges_dispatch"}
    built = scheduler.build(app, [Job(id="slow", func=_hold_the_housekeeping_lane, seconds=3600),
                                  Job(id="send", func=_send, seconds=3600, lane="delivery")])
    _held.clear(), _sent.clear()
    runner = threading.Thread(target=built.start, daemon=True)
    runner.start()
    try:
        assert _sent.wait(5), "a long housekeeping job held up sending"
    finally:
        _held.set()
        built.shutdown(wait=True)
        runner.join(5)


def _fail(_session) -> None:
    raise LookupError("nothing here")


def test_a_job_that_raises_is_logged_with_its_id_and_does_not_escape(app, caplog):
    broken = Job(id="broken", func=_fail, seconds=60)
    with caplog.at_level(logging.ERROR, logger="campaigns.scheduler"):
        assert scheduler.run_job(app, broken) is None
    assert "job broken (_fail) failed" in caplog.text
    assert "LookupError: nothing here" in caplog.text


def test_running_every_job_once_survives_failing_ones(app, caplog):
    scheduler.run(app, once=True)  # some features' jobs may fail on an empty database: logged, not raised
    assert dispatcher.stopping.is_set() is False


def test_the_app_factory_never_starts_a_scheduler(app):
    assert not [t for t in threading.enumerate() if "APScheduler" in t.name or "ThreadPoolExecutor" in t.name]


def test_sigterm_lets_the_scheduler_finish_and_exit_cleanly(tmp_path):
    env = {**os.environ, "CAMPAIGNS_ENV": "testing", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
           "MAIL_FOLDER": str(tmp_path / "mail"), "SCHEDULER_TICK_SECONDS": "1"}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603
    process = subprocess.Popen([*flask, "scheduler"], cwd=ROOT, env=env,  # noqa: S603
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        lines.append(line)
        if "scheduler started" in line:
            break
    time.sleep(1.5)  # a tick or so of work
    process.send_signal(signal.SIGTERM)
    try:
        out, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail("the scheduler did not stop on SIGTERM")
    assert process.returncode == 0, "".join(lines) + out
    assert "scheduler stopped" in out


# -- the scheduler's lighter app (create_app(web=False)) ----------------------------------------------------------
@pytest.fixture
def scheduler_app(app):
    light = create_app("testing", web=False, DATABASE_URL=app.config["DATABASE_URL"],
                       MAIL_FOLDER=app.config["MAIL_FOLDER"])
    yield light
    light.extensions["campaigns.engine"].dispose()


def test_the_scheduler_app_has_no_api_and_only_the_pages_messages_link_to(app, scheduler_app):
    assert "/api/openapi.json" in {r.rule for r in app.url_map.iter_rules()}
    assert not [r.rule for r in scheduler_app.url_map.iter_rules() if r.rule.startswith("/api/")]
    assert len(scheduler_app.view_functions) < len(app.view_functions)


def test_the_scheduler_app_builds_every_link_that_jobs_name_exactly_as_the_web_app_does(app, scheduler_app):
    """Messages leave out a link whose page is missing, so a page that jobs link to must be in the lighter app."""
    source = "".join(path.read_text() for folder in ("nudges", "services")
                     for path in (ROOT / "campaigns" / folder).rglob("*.py"))
    named = set(re.findall(r"[\"'](\w+\.\w+)[\"']", source)) & set(app.view_functions)
    assert {"meta.home", "nudges.unsubscribe", "nudges.settings", "nudges.oneclick_confirm",
            "nudges.oneclick_cancel"} <= named
    for endpoint in named:
        assert [r.rule for r in scheduler_app.url_map.iter_rules(endpoint)] == [
            r.rule for r in app.url_map.iter_rules(endpoint)], endpoint


def test_a_reminder_reads_the_same_from_the_scheduler_app_as_from_the_web_app(app, scheduler_app):
    from types import SimpleNamespace

    clock.pin(clock.now())
    nudge = SimpleNamespace(kind="day_before", subject_type="action", subject_id=3, payload={
        "audience": "confirmed", "title": "Rent clinic", "at": "2026-03-09T11:00:00+00:00", "campaign_id": 1,
        "action_id": 3})
    person = Person(7, "jo@example.org", "Jo", "en", "Europe/London")

    def rendered(some_app):
        with some_app.app_context():
            message = messages.render(nudge, person)
            return message, messages.external("nudges.unsubscribe", token="t"), messages.external("meta.home")

    message, unsubscribe, home = rendered(scheduler_app)
    assert (message, unsubscribe, home) == rendered(app)
    assert message.link and len(message.buttons) == 2 and unsubscribe and home
