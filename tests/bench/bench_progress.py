"""Campaign dashboard read time with 1,000 vs 100,000 contributions (target: ratio ≤ 1.3×). Not in the default run.

    .venv/bin/python -m tests.bench.bench_progress                      # SQLite in a temporary folder
    .venv/bin/python -m tests.bench.bench_progress --database-url postgresql://postgres@127.0.0.1/bench_progress
    .venv/bin/pytest -s -p no:cacheprovider -o addopts="" tests/bench/bench_progress.py   # the same, as a test

Two campaigns in one database, one with 1,000 verified contributions (and their events), one with 100,000;
their reads are interleaved so both see the same machine load. Reads use counters (goal.current,
campaign.progress) and one snapshot per goal and day, so the contribution count should not show.
A PostgreSQL database given here is emptied first.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert

from tests.bench.bulk import fresh_database

SMALL, BIG = 1_000, 100_000
TARGET = 1.3


def _reset(url: str) -> str:
    from campaigns.db import make_engine

    url = fresh_database(url)
    make_engine(url).dispose()
    return url


def _campaign(session, org, coordinator, name: str, contributions: int) -> int:
    """A campaign with 3 goals, 60 days of snapshots, and `contributions` verified contributions + events."""
    from campaigns import clock
    from campaigns.domain.model import Campaign, Contribution, EventRecord, Goal, GoalSnapshot
    from campaigns.services import progress

    today = clock.now().date()
    campaign = Campaign(org_id=org.id, name=name, stage="intervention", starts_on=today - timedelta(days=60),
                        deadline=today + timedelta(days=60))
    session.add(campaign)
    session.flush()
    goals = [Goal(campaign_id=campaign.id, name=f"Goal {n}", target=contributions * 2, due_on=campaign.deadline,
                  current=contributions / 3) for n in range(3)]
    session.add_all(goals)
    session.flush()
    session.execute(insert(GoalSnapshot), [
        {"goal_id": g.id, "day": today - timedelta(days=d), "value": contributions / 3 * (60 - d) / 60}
        for g in goals for d in range(1, 61)])
    now = clock.now()
    for start in range(0, contributions, 10_000):
        batch = range(start, min(start + 10_000, contributions))
        session.execute(insert(Contribution), [
            {"org_id": org.id, "campaign_id": campaign.id, "goal_id": goals[i % 3].id, "user_id": coordinator.id,
             "amount": 1.0, "hours": 0.5, "note": "", "status": "verified", "counted": True, "created_at": now}
            for i in batch])
        session.execute(insert(EventRecord), [
            {"type": "ContributionVerified", "org_id": org.id, "campaign_id": campaign.id,
             "subject_type": "contribution", "subject_id": i, "payload": {"goal_id": goals[i % 3].id, "amount": 1},
             "occurred_at": now} for i in batch])
    progress.refresh_campaign(session, campaign.id)
    session.commit()
    return campaign.id  # type: ignore[return-value]


def _timed(call, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def run(url: str | None = None, rounds: int = 200) -> dict[str, float]:
    from campaigns import create_app
    from campaigns.db import session_scope
    from campaigns.services import accounts, orgs, tokens

    folder = tempfile.mkdtemp(prefix="bench-progress-")
    url = _reset(url or f"sqlite:///{Path(folder) / 'bench.sqlite'}")
    app = create_app("testing", DATABASE_URL=url, MAIL_FOLDER=str(Path(folder) / "mail"))
    with app.app_context():
        with session_scope() as session:
            coordinator = accounts.create_user(session, email="bench@example.org", password="a bench password 42",
                                               display_name="Bench")
            org = orgs.create(session, name="Bench", slug="bench", creator=coordinator)
            secret = tokens.create(session, coordinator, name="bench")[1]
            print(f"building: {SMALL:,} and {BIG:,} contributions on {url.split('@')[-1]} …", flush=True)
            small = _campaign(session, org, coordinator, "Small", SMALL)
            big = _campaign(session, org, coordinator, "Big", BIG)
        client = app.test_client()
        headers = {"Authorization": f"Bearer {secret}"}

        def read(campaign_id: int):
            return lambda: client.get(f"/api/v1/campaigns/{campaign_id}/progress", headers=headers)

        for call in (read(small), read(big)):  # warm caches and the token's last-used stamp
            assert call().status_code == 200
        results: dict[str, list[float]] = {"small": [], "big": []}
        for _ in range(rounds):  # interleaved: both sizes see the same load
            results["small"] += _timed(read(small), 1)
            results["big"] += _timed(read(big), 1)
    small_ms, big_ms = statistics.median(results["small"]), statistics.median(results["big"])
    figures = {"small_ms": small_ms, "big_ms": big_ms, "ratio": big_ms / small_ms}
    print(f"campaign dashboard read (GET /api/v1/campaigns/<id>/progress), median of {rounds}:")
    print(f"  {SMALL:>7,} contributions: {small_ms:7.2f} ms")
    print(f"  {BIG:>7,} contributions: {big_ms:7.2f} ms")
    print(f"  ratio: {figures['ratio']:.2f}× (target ≤ {TARGET}×)")
    return figures


def test_dashboard_read_time_is_flat_from_1000_to_100000_contributions():
    assert run(rounds=100)["ratio"] <= TARGET


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (emptied first); default: a temporary SQLite file")
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    figures = run(args.database_url, args.rounds)
    raise SystemExit(0 if figures["ratio"] <= TARGET else 1)
