"""Build a realistic organisation at scale, fast, with bulk inserts.

    .venv/bin/python -m tests.bench.generate --database-url sqlite:////tmp/bench.sqlite [--scale 1] [--reset]

At scale 1: 10,000 volunteers, 200 campaigns (3 goals each), 2,000 actions (2 tasks each, plus a standalone task
per campaign), 100,000 sign-ups, 300,000 contributions, 2,000 concerns, the events those facts recorded, and a
daily snapshot per goal for the burn-up charts. Derived state (task.taken, goal.current, campaign.progress,
concern.support_count) is filled consistently, as the use cases would have left it. Rows get explicit ids and go
in with `insert()` executemany in chunks; a freshly built database is required (or --reset).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine, make_url

from campaigns import migrations
from campaigns.db import make_engine
from tests.bench.bulk import fresh_database, normalise
from tests.bench.world import Facts, World

__all__ = ["Facts", "generate"]

BASE = {"volunteers": 10_000, "campaigns": 200, "actions": 2_000, "signups": 100_000, "contributions": 300_000,
        "concerns": 2_000}


def _prepare(url: str, reset: bool) -> Engine:
    if reset:
        fresh_database(url)
    else:
        migrations.upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        if conn.execute(text('SELECT count(*) FROM "user"')).scalar():
            raise SystemExit(f"{url} already holds data; pass --reset to rebuild it")
    if engine.dialect.name == "sqlite":
        engine.dispose()
        engine = make_engine(url)

        @event.listens_for(engine, "connect")
        def _fast(dbapi_connection, _record):  # bulk loading only: durability comes from the final checkpoint
            dbapi_connection.execute("PRAGMA synchronous=OFF")

    return engine


def generate(url: str, *, scale: float = 1.0, reset: bool = False, seed: int = 42) -> Facts:
    """Build the organisation in the (empty) database at `url`; returns the facts the benchmarks use."""
    url = normalise(url)
    sizes = {k: max(int(v * scale), 1) for k, v in BASE.items()}
    sizes["campaigns"] = max(sizes["campaigns"], 2)
    sizes["actions"] = max(sizes["actions"], sizes["campaigns"])
    engine = _prepare(url, reset)
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    started = time.monotonic()
    sys.stderr.write(f"Generating at scale {scale:g} into {make_url(url).render_as_string()}\n")
    world = World(engine, rng, now, sizes)
    facts = world.build(url)
    _finish(engine)
    facts.counts = world.counts
    sys.stderr.write(f"Done in {time.monotonic() - started:.1f} s: "
                     + ", ".join(f"{v:,} {k}" for k, v in world.counts.items()) + "\n")
    engine.dispose()
    return facts


def _finish(engine: Engine) -> None:
    """PostgreSQL: move id sequences past the explicit ids and refresh statistics. SQLite: analyse, checkpoint."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            for table in inspect(conn).get_table_names():
                pk = inspect(conn).get_pk_constraint(table)["constrained_columns"]
                sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                        {"t": f'"{table}"', "c": pk[0]}).scalar() if len(pk) == 1 else None
                if sequence:
                    top = conn.execute(text(f'SELECT max("{pk[0]}") FROM "{table}"')).scalar() or 0
                    conn.execute(text("SELECT setval(:s, :v, false)"), {"s": sequence, "v": top + 1})
            conn.execute(text("ANALYZE"))
        else:
            conn.execute(text("ANALYZE"))
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="sqlite:///… or postgresql://…")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 100,000 sign-ups; 0.01 = 1,000")
    parser.add_argument("--reset", action="store_true", help="empty the database first")
    args = parser.parse_args(argv)
    facts = generate(args.database_url, scale=args.scale, reset=args.reset)
    print(f"organisation /o/{facts.org_slug}/ · log in as {facts.coordinator_email} / {facts.password}")
    print(f"busiest campaign id {facts.hot_campaign_id} · API token {facts.api_token}")


if __name__ == "__main__":
    main()
