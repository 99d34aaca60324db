"""Scale-out on loopback: two gunicorn processes and two scheduler processes against one PostgreSQL database.

Volunteers sign up concurrently through both web servers; the schedulers race to deliver the nudges those
sign-ups planned. Nothing may be overbooked, no nudge may be delivered twice, and none may be lost.
(PostgreSQL only: this is the multi-host deployment; SQLite's WAL keeps every process on one host.)
"""

from __future__ import annotations

import http.client
import random
import threading
import time
from collections import Counter
from datetime import timedelta
from email import policy as email_policy
from email.parser import BytesParser

import pytest
from sqlalchemy import text
from sqlmodel import select

from campaigns import clock
from campaigns.domain.model import InboxItem, Nudge, Signup, Task
from campaigns.nudges.planning.rules import TRANSACTIONAL
from campaigns.services import tokens
from tests.bench import servers

pytestmark = pytest.mark.postgres_only

VOLUNTEERS = 24
TASKS = 3
SEATS = 5
DELIVERY_TIMEOUT = 40


def _signup_path(app) -> str:
    rules = [r.rule for r in app.url_map.iter_rules() if "POST" in (r.methods or ())]
    found = [r for r in rules if r.startswith("/api/v1/tasks/<int:task_id>/signup")]
    # a renamed or missing route must fail this test, never quietly skip it
    assert found, "the API has no POST /api/v1/tasks/<task_id>/signups: the topology test needs it"
    return found[0].replace("<int:task_id>", "{task_id}")


@pytest.fixture
def volunteers(session, org, make_user):
    """Volunteers with API tokens. (Their sign-up notices are transactional: no quiet hours or caps hold them.)"""
    people = []
    for n in range(VOLUNTEERS):
        user = make_user(org=org, role="client", display_name=f"Volunteer {n}")
        people.append((user, tokens.create(session, user, name="scale-out")[1]))
    return people


@pytest.fixture
def topology(app, database_url, tmp_path):
    """Two web servers and two schedulers on loopback, all on the test's PostgreSQL database."""
    assert servers.has_scheduler_command(), "there is no `flask --app wsgi scheduler` command"
    mail = tmp_path / "mail"
    env = servers.app_env(database_url, MAIL_FOLDER=str(mail), SCHEDULER_TICK_SECONDS="1",
                          BASE_URL="http://127.0.0.1:8000")
    # all four start at once (each imports the whole app), and stop at once
    webs = [servers.start_gunicorn("wsgi:app", env=env, workers=1, threads=8, name=f"web{i}") for i in (1, 2)]
    schedulers = [servers.start_scheduler(env, name=f"scheduler{i}") for i in (1, 2)]
    try:
        for web in webs:
            servers.wait_until_ready(web, "/healthz")
        yield webs, schedulers, mail
    finally:
        servers.stop(*(w.process for w in webs), *schedulers)


def _sign_up_everyone(webs, path: str, volunteers, task_ids) -> Counter:
    """Every volunteer takes every task (in their own order), half of them through each web server."""
    statuses: Counter = Counter()
    lock = threading.Lock()
    gate = threading.Barrier(len(volunteers))

    def volunteer(n: int, secret: str):
        server = webs[n % 2]
        order = task_ids[:]
        random.Random(n).shuffle(order)
        gate.wait()
        for task_id in order:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            try:
                conn.request("POST", path.format(task_id=task_id), body=b"{}",
                             headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"})
                response = conn.getresponse()
                response.read()
                outcome = response.status
            except OSError as error:  # counted, so the assertion says what happened
                outcome = f"{type(error).__name__} via {server.url}"
            finally:
                conn.close()
            with lock:
                statuses[outcome] += 1

    threads = [threading.Thread(target=volunteer, args=(n, secret)) for n, (_user, secret) in enumerate(volunteers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def _wait_for_delivery(session, schedulers) -> list[Nudge]:
    """Until no nudge that is due is still waiting or being sent (or the timeout)."""
    deadline = time.monotonic() + DELIVERY_TIMEOUT
    while time.monotonic() < deadline:
        for process in schedulers:
            assert process.poll() is None, "a scheduler process died"
        session.expire_all()
        pending = session.execute(text(
            "SELECT count(*) FROM nudge WHERE status IN ('planned', 'sending') AND next_attempt_at <= :now "
            "AND kind = ANY(:kinds)"), {"now": clock.now().replace(tzinfo=None), "kinds": list(TRANSACTIONAL)}
        ).scalar()
        if pending == 0:
            break
        time.sleep(0.5)
    return list(session.exec(select(Nudge).where(Nudge.kind.in_(TRANSACTIONAL))))


def test_two_web_servers_and_two_schedulers_overbook_nothing_and_deliver_each_nudge_once(
        app, session, org, make_action, make_task, volunteers, topology):
    webs, schedulers, mail = topology
    path = _signup_path(app)
    action = make_action(starts_at=(clock.now() + timedelta(days=5)).replace(microsecond=0))
    task_ids = [make_task(action_id=action.id, capacity=SEATS, title=f"Stewards {n}").id for n in range(TASKS)]

    statuses = _sign_up_everyone(webs, path, volunteers, task_ids)

    attempts = VOLUNTEERS * TASKS
    assert statuses == {201: attempts} or set(statuses) <= {200, 201}, statuses
    assert sum(statuses.values()) == attempts
    session.expire_all()
    for task_id in task_ids:
        task = session.get(Task, task_id)
        signups = session.exec(select(Signup).where(Signup.task_id == task_id)).all()
        confirmed = sum(1 for s in signups if s.status == "confirmed")
        assert confirmed == SEATS == task.taken, f"task {task_id}: {confirmed} confirmed, taken {task.taken}"
        assert len(signups) == VOLUNTEERS

    nudges = _wait_for_delivery(session, schedulers)
    stuck = [(n.id, n.kind, n.channel, n.status) for n in nudges if n.status in ("planned", "sending")]
    assert not stuck, f"lost nudges (never delivered): {stuck[:10]}"
    inapp = [n for n in nudges if n.channel == "inapp"]
    emails = [n for n in nudges if n.channel == "email"]
    # one sign-up notice per sign-up, on each channel: nothing lost
    assert len(inapp) == attempts and len(emails) == attempts
    assert all(n.status == "sent" for n in nudges), Counter((n.channel, n.status, n.skip_reason) for n in nudges)
    # and nothing twice: one inbox item per in-app nudge, one mail per email nudge
    items = session.exec(select(InboxItem).where(
        InboxItem.nudge_id.in_([n.id for n in inapp]))).all()
    assert sorted(i.nudge_id for i in items) == sorted(n.id for n in inapp)
    mails = [BytesParser(policy=email_policy.default).parsebytes(p.read_bytes()) for p in mail.glob("*.eml")]
    ids = Counter(str(m["Message-ID"]) for m in mails)
    assert ids and max(ids.values()) == 1, f"duplicate mails: {[k for k, v in ids.items() if v > 1][:5]}"
    assert len(mails) == len(emails)
    print("deliveries per scheduler:", [_delivered(p.log) for p in schedulers])


def _delivered(log) -> int:
    """How many nudges a scheduler process says it sent (from its log)."""
    import re

    return sum(int(n) for n in re.findall(r"job nudges_dispatch did (\d+)", log.read_text()))
