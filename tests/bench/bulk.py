"""Bulk loading: a fresh database, then rows in with insert() executemany, in chunks of one transaction each, behind a
progress bar."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import Engine, make_url

from campaigns import migrations

CHUNK = 5_000


def normalise(url: str) -> str:
    """`url` with the driver the app uses (postgresql:// means psycopg 3)."""
    parsed = make_url(url)
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def fresh_database(url: str) -> str:
    """Empty the database at `url` (a PostgreSQL database is created when missing) and migrate it to the newest
    schema. Returns the URL with the driver the app uses."""
    url = normalise(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
    else:
        server = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with server.connect() as conn:
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                {"name": parsed.database}).scalar():
                conn.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
        server.dispose()
        engine = create_engine(parsed)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    migrations.upgrade(url)
    return url


class Progress:
    """A print-based progress bar on stderr."""

    def __init__(self, label: str, total: int, quiet: bool = False):
        self.quiet = quiet
        self.label, self.total, self.done, self.started, self.last = label, max(total, 1), 0, time.monotonic(), 0.0

    def advance(self, n: int) -> None:
        if self.done >= self.total:
            return
        self.done = min(self.done + n, self.total)
        now = time.monotonic()
        if not self.quiet and (now - self.last > 0.2 or self.done >= self.total):
            self.last = now
            share = min(self.done / self.total, 1)
            bar = "#" * int(share * 30)
            rate = self.done / max(now - self.started, 1e-6)
            sys.stderr.write(f"\r  {self.label:<16} [{bar:<30}] {share:4.0%} {self.done:>9,}/{self.total:,}"
                             f"  {rate:>9,.0f} rows/s")
            if self.done >= self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()


def bulk(engine: Engine, model, rows, total: int, label: str | None = None) -> int:
    """Insert `rows` (an iterable of dicts with the same keys) in chunks, one transaction per chunk."""
    bar = Progress(label or model.__tablename__, total)
    batch: list[dict] = []
    n = 0
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK:
            n += flush(engine, model, batch, bar)
            batch = []
    if batch:
        n += flush(engine, model, batch, bar)
    if n == 0:
        bar.advance(total)
    return n


def flush(engine: Engine, model, batch: list[dict], bar: Progress) -> int:
    with engine.begin() as conn:
        conn.execute(insert(model.__table__), batch)
    bar.advance(len(batch))
    return len(batch)
