"""Engine, sessions and write transactions.

SQLite gets WAL, foreign keys, a busy timeout and synchronous=NORMAL on every connection. Write use cases run in
`transaction(session)`, which on SQLite begins with BEGIN IMMEDIATE so concurrent writers queue on the busy
timeout instead of failing when a read snapshot tries to upgrade (SQLITE_BUSY_SNAPSHOT).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

_IMMEDIATE = "campaigns_begin_immediate"
_IN_WRITE = "campaigns_in_write"
_REMEMBERED = "campaigns_remembered"
_AFTER_COMMIT = "campaigns_after_commit"
T = TypeVar("T")
logger = logging.getLogger(__name__)


def make_engine(url: str, **kwargs) -> Engine:
    """An engine for `url`, with our SQLite pragmas and transaction handling. Errors never show the statement's
    parameters: they are what people wrote (concerns, names), and an error log is no place for them."""
    kwargs.setdefault("hide_parameters", True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_engine(url, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy (not the sqlite3 module) decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "foreign_keys=ON",
            "busy_timeout=30000",
            "synchronous=NORMAL",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        immediate = conn.get_execution_options().get(_IMMEDIATE)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def is_sqlite(session_or_engine) -> bool:
    bind = session_or_engine.get_bind() if isinstance(session_or_engine, Session) else session_or_engine
    return bind.dialect.name == "sqlite"


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    """Run one write unit of work and commit it; nested calls join the outer one.

    Any read snapshot the session holds is ended first, so the write starts from fresh data.
    """
    if session.info.get(_IN_WRITE):
        yield session
        return
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={_IMMEDIATE: True})
    session.info[_IN_WRITE] = True
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info[_IN_WRITE] = False
    _run_after_commit(session)


def in_write(session: Session) -> bool:
    """Inside `transaction(session)` (where `after_commit` work waits for the commit)."""
    return bool(session.info.get(_IN_WRITE))


def after_commit(session: Session, work: Callable[[Session], None]) -> None:
    """Run `work(session)` once the write transaction under way has committed, in a transaction of its own, so
    what it does holds no lock the change took. A rollback forgets it; if it fails, or the process dies first,
    the change stays done and the caller's sweep must catch up (work here must be idempotent)."""
    session.info.setdefault(_AFTER_COMMIT, []).append(work)


def _run_after_commit(session: Session) -> None:
    while pending := session.info.pop(_AFTER_COMMIT, None):  # work may queue more work: run that too
        for work in pending:
            try:
                with transaction(session):
                    work(session)
            except Exception:  # the change it follows is committed: report, never undo or fail the caller
                logger.exception("after-commit work failed; the sweep catches up")


def remembered(session: Session, key: tuple, load: Callable[[], T]) -> T:
    """`load()`, read once per unit of work: what one request asks many times (the viewer's memberships, the
    unread count) costs one query. Any flush, commit or rollback forgets it all, so nothing stale follows a write."""
    if session.autoflush and (session.new or session.dirty or session.deleted):
        session.flush()  # as the query would have: pending changes first (the flush forgets the cache)
    cache = session.info.setdefault(_REMEMBERED, {})
    if key not in cache:
        cache[key] = load()
    return cache[key]


def remember(session: Session, key: tuple, value) -> None:
    """Prime `remembered` with a value a wider query already read."""
    session.info.setdefault(_REMEMBERED, {})[key] = value


@event.listens_for(OrmSession, "after_rollback")
def _forget_after_commit(session: OrmSession) -> None:
    session.info.pop(_AFTER_COMMIT, None)  # what waited for a commit that never came


@event.listens_for(OrmSession, "after_flush")
@event.listens_for(OrmSession, "after_transaction_end")
def _forget(session: OrmSession, *_args) -> None:
    session.info.pop(_REMEMBERED, None)


def count(session: Session, query) -> int:
    """How many rows a select() returns, without fetching them."""
    from sqlalchemy import func
    from sqlmodel import select

    return session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()


def insert_ignore(session: Session, table, rows: list[dict], *, unique: list[str]) -> int:
    """INSERT … ON CONFLICT DO NOTHING on both databases: planning twice inserts once. Returns rows added."""
    if not rows:
        return 0
    if is_sqlite(session):
        from sqlalchemy.dialects.sqlite import insert
    else:
        from sqlalchemy.dialects.postgresql import insert
    statement = insert(table).values(rows).on_conflict_do_nothing(index_elements=unique)
    # count what RETURNING gives back: psycopg reports rowcount -1 for multi-row VALUES (SQLAlchemy 2.1)
    returning = statement.returning(table.c[unique[0]])
    return len(session.exec(returning).all())  # type: ignore[call-overload]


def engine() -> Engine:
    return current_app.extensions["campaigns.engine"]


def new_session(bind: Engine | None = None) -> Session:
    # expire_on_commit=False: templates render objects after the use case has committed
    return Session(bind or engine(), expire_on_commit=False)


def get_session() -> Session:
    """The request's session, opened on first use and closed at teardown."""
    if "db_session" not in g:
        g.db_session = new_session()
    return g.db_session


@contextmanager
def session_scope(bind: Engine | None = None) -> Iterator[Session]:
    """A session for jobs and CLI commands, outside any request."""
    session = new_session(bind)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def init_app(app: Flask) -> None:
    app.extensions["campaigns.engine"] = make_engine(app.config["DATABASE_URL"])

    @app.teardown_appcontext
    def _close_session(_exc):
        session = g.pop("db_session", None)
        if session is not None:
            session.close()
