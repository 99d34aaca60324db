"""One-click links in the day-before reminder: "still coming" and "can't make it", with no login.

The signed token is the credential: it names the person and their sign-ups for one action, and expires (after
LINK_DAYS, and in any case once the action has started). Both are idempotent: a second click changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain.model import Action, Signup, Task, User
from campaigns.services import security
from campaigns.services.errors import Invalid
from campaigns.services.nudges import anchor_checksum

PURPOSE = "oneclick"
LINK_DAYS = 14


def token(*, person_id: int, action_id: int, choice: str, checksum: str | None = None) -> str:
    return security.sign(PURPOSE, {"u": person_id, "a": action_id, "c": choice, "k": checksum})


def buttons(*, person_id: int, payload: dict) -> list[tuple[str, str]]:
    """The confirm and cancel buttons for a reminder about an action."""
    from campaigns.delivery.messages import external

    action_id = payload.get("action_id")
    if not action_id:
        return []
    checksum = anchor_checksum(datetime.fromisoformat(payload["at"])) if payload.get("at") else None
    pairs = [(_("Yes, I'm still coming"), "nudges.oneclick_confirm", "confirm"),
             (_("I can't make it"), "nudges.oneclick_cancel", "cancel")]
    found = [(label, external(endpoint, token=token(person_id=person_id, action_id=action_id, choice=choice,
                                                    checksum=checksum)))
             for label, endpoint, choice in pairs]
    return [(label, url) for label, url in found if url]


@dataclass
class Ticket:
    """What a valid link is about."""

    user: User
    action: Action
    signups: list[Signup]
    choice: str
    #: the action moved after the reminder with this link was written
    moved: bool = False


def read(session: Session, raw: str, choice: str) -> Ticket:
    """Check a link: genuine, not expired, the right kind, and the action still ahead."""
    data = security.unsign(PURPOSE, raw, max_age_seconds=LINK_DAYS * 24 * 3600)
    if not isinstance(data, dict) or data.get("c") != choice:
        raise Invalid("This link is not valid.")
    user, action = session.get(User, data.get("u")), session.get(Action, data.get("a"))
    if user is None or action is None or not user.is_active:
        raise Invalid("This link is not valid.")
    if action.status == "cancelled":
        raise Invalid("This action was cancelled, so there is nothing more to do.")
    if clock.now() >= action.starts_at:
        raise Invalid("This link has expired: the action has already started.")
    query = select(Signup).join(Task, col(Task.id) == Signup.task_id).where(
        Task.action_id == action.id, Signup.user_id == user.id).order_by(col(Signup.id))
    return Ticket(user=user, action=action, signups=list(session.exec(query)), choice=choice,
                  moved=bool(data.get("k")) and data["k"] != anchor_checksum(action.starts_at))


def confirm(session: Session, ticket: Ticket) -> bool:
    """Record "still coming" on the person's places for the action. True if it was recorded now."""
    if ticket.moved:
        raise Invalid("The action has moved since this reminder was sent. Please check the new time; your "
                      "place is kept.")
    live = [s for s in ticket.signups if s.status == "confirmed"]
    if not live:
        raise Invalid("You no longer have a place for this action, so there is nothing to confirm.")
    fresh = [s for s in live if s.reconfirmed_at is None]
    if fresh:
        with transaction(session):
            for signup in fresh:
                signup.reconfirmed_at = clock.now()
                session.add(signup)
    return bool(fresh)


def cancel(session: Session, ticket: Ticket) -> bool:
    """Give up the person's places (and waiting-list spots) for the action. True if anything was cancelled."""
    from campaigns.services import signups  # written by the volunteering feature

    live = [s for s in ticket.signups if s.status != "cancelled"]
    for signup in live:
        signups.cancel(session, signup_id=signup.id, user=ticket.user)
    return bool(live)
