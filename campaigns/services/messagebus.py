"""Recording domain events, and the one map of what happens after each.

`record()` appends the event to the log and runs its handlers in the same transaction: handlers update cheap
derived state and plan nudges (rows) for slow effects, which the scheduler delivers later.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from sqlmodel import Session

from campaigns.domain import events as ev
from campaigns.domain.model import EventRecord

Handler = Callable[[Session, ev.Event, EventRecord], None]


@cache
def handlers() -> dict[type[ev.Event], tuple[Handler, ...]]:
    """Event type -> handlers, in order. This is the page that answers "what happens when…?"."""
    # Imported here, not at the top: these modules call record() from this one.
    # (Feature handler modules are added to this map as they land.)
    return {}


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
    return row
