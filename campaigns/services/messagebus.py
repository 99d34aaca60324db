"""Recording domain events and running what happens after each (the map itself is campaigns/bootstrap.py).

`record()` appends the event to the log and runs its handlers in the same transaction: handlers update cheap
derived state and plan nudges (rows) for slow effects, which the scheduler delivers later.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from campaigns.db import after_commit as db_after_commit
from campaigns.db import in_write
from campaigns.domain import events as ev
from campaigns.domain.model import EventRecord

Handler = Callable[[Session, ev.Event, EventRecord], None]


#: the event -> handlers map, handed in by the composition root (campaigns/bootstrap.py) when an app is built, so
#: this module imports no feature (the features import it to record their events)
_map: Callable[[], dict[type[ev.Event], tuple[Handler, ...]]] | None = None


#: the after-commit map, handed in the same way (bootstrap.after_commit_handlers)
_later: Callable[[], dict[type[ev.Event], tuple[Handler, ...]]] | None = None


def use(event_handlers: Callable[[], dict[type[ev.Event], tuple[Handler, ...]]],
        after_commit: Callable[[], dict[type[ev.Event], tuple[Handler, ...]]] | None = None) -> None:
    global _map, _later
    _map, _later = event_handlers, after_commit


def handlers() -> dict[type[ev.Event], tuple[Handler, ...]]:
    """Event type -> handlers, in order (bootstrap.event_handlers is the page that answers "what happens when…?")."""
    if _map is None:
        raise RuntimeError("no event handlers: build the app (create_app) before recording events")
    return _map()


def record(session: Session, event: ev.Event) -> EventRecord:
    """Append `event` to the log and run its handlers, inside the caller's transaction."""
    row = EventRecord(
        type=event.type,
        org_id=event.org_id,
        campaign_id=event.campaign_id,
        subject_type=event.subject_type,
        subject_id=event.subject_id,
        actor_id=event.actor_id,
        payload=event.payload(),
    )
    session.add(row)
    session.flush()
    for handler in handlers().get(type(event), ()):
        handler(session, event, row)
    for handler in (_later() if _later else {}).get(type(event), ()):
        if in_write(session):  # each in a transaction of its own, once this one commits (db.after_commit)
            db_after_commit(session, lambda s, handler=handler: handler(s, event, row))
        else:
            handler(session, event, row)
    return row
