"""Bulk loading: rows go in with insert() executemany, in chunks of one transaction each, behind a progress bar."""

from __future__ import annotations

import sys
import time

from sqlalchemy import insert
from sqlalchemy.engine import Engine

CHUNK = 5_000


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
