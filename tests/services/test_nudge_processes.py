"""Several scheduler processes on one PostgreSQL database: every nudge delivered exactly once, even when one
process is killed in the middle of a batch and started again."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, text
from sqlmodel import select

from campaigns.db import engine
from campaigns.domain.model import InboxItem, Nudge
from campaigns.nudges.outbox import NudgeSpec, plan_many

ROOT = Path(__file__).resolve().parents[2]

#: a scheduler process running the real dispatcher (claim, care, deliver) until nothing is left; each batch takes
#: a little longer than usual so that a kill lands in the middle of one
WORKER = r"""
import os, sys, time
from campaigns import create_app
from campaigns.db import session_scope
from campaigns.nudges.dispatch import dispatcher
from campaigns.nudges.channels import inapp

app = create_app("testing", DATABASE_URL=os.environ["NUDGE_DB"], NUDGE_LEASE_SECONDS=2)
real = inapp.send_batch
def slower(*args, **kwargs):
    time.sleep(0.05)
    return real(*args, **kwargs)
inapp.send_batch = slower
name = sys.argv[1]
with app.app_context(), session_scope() as session:
    while True:
        dispatcher.recover_leases(session)
        claimed = dispatcher.dispatch_once(session, worker=f"{name}:{os.getpid()}", limit=20)
        if claimed == 0:
            if dispatcher.pending(session) == 0:
                break
            time.sleep(0.2)
"""

N = 600


@pytest.fixture
def planned(session, people, database_url):
    recipients = [people.client, people.other_client, people.worker, people.coordinator]
    specs = [NudgeSpec(recipient_id=recipients[i % 4].id, kind="signup_confirmed", subject_type="test",
                       subject_id=i, reason="process-test", org_id=people.org.id, channels=("inapp",),
                       payload={"title": f"Shift {i}"}) for i in range(N)]
    assert plan_many(session, specs) == N
    session.commit()
    return database_url


def _start(name: str, url: str) -> subprocess.Popen:
    env = {**os.environ, "NUDGE_DB": url, "CAMPAIGNS_ENV": "testing"}
    return subprocess.Popen([sys.executable, "-c", WORKER, name], cwd=ROOT, env=env,  # noqa: S603
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _finish(*processes: subprocess.Popen) -> None:
    for process in processes:
        _out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err.decode()[-3000:]


def _delivered(session) -> tuple[int, int, int]:
    session.commit()
    items = session.exec(select(func.count()).select_from(InboxItem)).one()
    distinct = session.exec(select(func.count(func.distinct(InboxItem.nudge_id)))).one()
    sent = session.exec(select(func.count()).select_from(Nudge).where(Nudge.status == "sent")).one()
    return items, distinct, sent


@pytest.mark.postgres_only
def test_two_scheduler_processes_deliver_every_nudge_exactly_once(session, planned):
    first, second = _start("A", planned), _start("B", planned)
    _finish(first, second)
    assert _delivered(session) == (N, N, N)


@pytest.mark.postgres_only
def test_killing_a_scheduler_mid_batch_and_restarting_it_changes_neither_figure(session, planned):
    doomed, survivor = _start("A", planned), _start("B", planned)
    deadline = time.monotonic() + 60
    with engine().connect() as conn:
        while time.monotonic() < deadline:  # wait until A holds a lease on a batch in hand
            held = conn.execute(text("SELECT count(*) FROM nudge WHERE status = 'sending' AND leased_by LIKE 'A:%'"))
            conn.commit()
            if held.scalar():
                break
            time.sleep(0.01)
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.wait(timeout=30)
    doomed.stderr.close()
    with engine().connect() as conn:
        stranded = [r[0] for r in conn.execute(text(
            "SELECT id FROM nudge WHERE status = 'sending' AND leased_by LIKE 'A:%'"))]
    restarted = _start("A2", planned)
    _finish(survivor, restarted)
    assert _delivered(session) == (N, N, N)
    # what A held when it died waited for its lease to expire, then went out once, with the attempt counted
    for nudge_id in stranded:
        row = session.get(Nudge, nudge_id)
        assert row.status == "sent" and row.attempts >= 1
