"""Public action pages: what anyone may see of an action its coordinators marked public, and of a public
campaign's upcoming public actions. No people, no counts below k, no private place, nothing else.

Seats left would reveal how many people have a place (capacity − left), so the number is shown only once at least
k people have one (the group's threshold); below that it says only that places are free.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

import segno
from sqlalchemy import Engine, bindparam, func
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.domain.model import Action, Campaign, EventRecord, Organisation, Task
from campaigns.services import security
from campaigns.services.errors import NotFound


@dataclass(frozen=True)
class PublicTask:
    id: int
    title: str
    description: str
    places: str  #: open | full
    places_left: int | None  #: None while fewer than k people have a place


@dataclass(frozen=True)
class PublicAction:
    action: Action
    org: Organisation
    campaign: Campaign
    tasks: list[PublicTask]

    @property
    def place_after_signup(self) -> bool:
        return not self.action.address_public

    @property
    def address(self) -> str | None:
        return self.action.address if self.action.address_public else None

    @property
    def online(self) -> bool:
        return bool(self.action.online_link) and not self.action.address

    @property
    def over(self) -> bool:
        return self.action.ends_at <= clock.now()


def places(*, capacity: int, taken: int, k: int) -> tuple[str, int | None]:
    """What a public page may say about a task's seats."""
    if taken >= capacity:
        return "full", None
    return "open", (capacity - taken if taken >= k else None)


def public_action(session: Session, action_id: int) -> PublicAction:
    """An action marked public and not called off (NotFound otherwise, whatever exists)."""
    action = session.get(Action, action_id)
    if action is None or not action.public or action.status != "planned":
        raise NotFound()
    org, campaign = session.get(Organisation, action.org_id), session.get(Campaign, action.campaign_id)
    tasks = session.exec(select(Task).where(Task.action_id == action.id).order_by(col(Task.id))).all()
    shown = [PublicTask(t.id, t.title, t.description, *places(capacity=t.capacity, taken=t.taken,
                                                              k=org.share_threshold)) for t in tasks]
    return PublicAction(action, org, campaign, shown)


def upcoming_public_actions(session: Session, campaign: Campaign, limit: int = 20) -> list[Action]:
    """A campaign's public actions still to come, soonest first (for its public page)."""
    query = select(Action).where(Action.campaign_id == campaign.id, col(Action.public).is_(True),
                                 Action.status == "planned", col(Action.ends_at) > clock.now())
    return list(session.exec(query.order_by(col(Action.starts_at)).limit(limit)))


def qr_svg(url: str) -> str:
    """The page's address as an SVG QR code in a data: URI (medium error correction: it survives a pinned-up
    poster). An image, not inline markup, so the template never has to turn escaping off."""
    return segno.make(url, error="m").svg_data_uri(scale=6, border=2)


def map_search(address: str) -> str:
    from urllib.parse import quote

    return f"https://www.openstreetmap.org/search?query={quote(address)}"


def local(moment: datetime, zone: str) -> datetime:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(zone))


# -- references a visitor carries between pages ---------------------------------------------------------------
REF_PURPOSE = "guest_ref"
CANCEL_PURPOSE = "guest_cancel"


def ref_for(signup_id: int | None) -> str:
    """An opaque reference to a request: the same kind of string whether or not anything was recorded."""
    return security.sign(REF_PURPOSE, signup_id or 0)


def signup_of_ref(ref: str) -> int:
    return int(security.unsign(REF_PURPOSE, ref, max_age_seconds=8 * 24 * 3600) or 0)


def cancel_token(signup_id: int) -> str:
    return security.sign(CANCEL_PURPOSE, signup_id)


# -- what a public page's answer depends on, in one statement (its ETag) --------------------------------------
def page_version(bind: Engine, kind: str, subject_id: int) -> tuple | None:
    """The state a public campaign (`kind` "campaign") or action page ("action") is drawn from, read in one
    statement: the row itself and the organisation's position in the event log (sign-ups, seats, progress, news
    and outcomes all move it). None when the page would answer 404, so the caller renders that answer."""
    # Core on a connection of its own, no ORM session: it runs before Flask (web/caching.py), and the answer is a
    # tuple to digest, never objects
    with bind.connect() as connection:
        row = connection.execute(_version_query(kind), {"subject_id": subject_id}).first()
    if row is None:
        return None
    shown = row.visibility == "public" if kind == "campaign" else row.public and row.status == "planned"
    return tuple(row) if shown else None


@cache  # built once: on a 304 building the statement would cost more than running it
def _version_query(kind: str):
    table = {"campaign": Campaign, "action": Action}[kind].__table__
    position = (select(func.max(EventRecord.position)).where(EventRecord.org_id == table.c.org_id)
                .scalar_subquery())
    return select(table, position).where(table.c.id == bindparam("subject_id"))
