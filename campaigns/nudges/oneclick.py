"""One-click links with no login: "still coming" in the day-before reminder, and "Can't make it? Step back" in
the confirmation and every reminder to someone with a place (by email and in the inbox).

The signed token is the credential: it names the person and their sign-ups for one action, and expires (after
LINK_DAYS, or STEP_BACK_DAYS for stepping back, which a confirmation may carry for months; in any case once the
action has started). Both are idempotent: a second click changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain.model import Action, Signup, Task, User
from campaigns.nudges.outbox import anchor_checksum
from campaigns.services import security
from campaigns.services.errors import Invalid

PURPOSE = "oneclick"
LINK_DAYS = 14
STEP_BACK_DAYS = 180
#: messages to someone with a place that carry "Can't make it? Step back" (the day before also has "still coming")
STEP_BACK_KINDS = frozenset({"signup_confirmed", "signup_promoted", "day_before", "two_hours_before", "reminder",
                             "action_moved"})


def token(*, person_id: int, action_id: int, choice: str, checksum: str | None = None) -> str:
    return security.sign(PURPOSE, {"u": person_id, "a": action_id, "c": choice, "k": checksum})


def offers_step_back(kind: str, payload: dict) -> bool:
    """Whether a message of this kind and payload goes to someone with a place for an action."""
    return kind in STEP_BACK_KINDS and payload.get("audience") == "confirmed" and bool(payload.get("action_id"))


def step_back_token(*, person_id: int, payload: dict) -> str:
    return token(person_id=person_id, action_id=payload["action_id"], choice="cancel")


def buttons(*, person_id: int, kind: str, payload: dict) -> list[tuple[str, str]]:
    """The one-click buttons of a message to someone with a place: "Can't make it? Step back", and in the
    day-before reminder "Yes, I'm still coming" first."""
    from campaigns.nudges.links import external

    if not offers_step_back(kind, payload):
        return []
    found = []
    if kind == "day_before":
        # the checksum of the start the reminder names: "still coming" to a moved action is refused
        checksum = anchor_checksum(datetime.fromisoformat(payload["at"])) if payload.get("at") else None
        found.append((_("Yes, I'm still coming"), external("nudges.oneclick_confirm", token=token(
            person_id=person_id, action_id=payload["action_id"], choice="confirm", checksum=checksum))))
    found.append((_("Can't make it? Step back"), external(
        "nudges.oneclick_cancel", token=step_back_token(person_id=person_id, payload=payload))))
    return [(label, url) for label, url in found if url]


def inbox_step_backs(session: Session, user: User, items) -> dict[int, str]:
    """Inbox item id -> step-back token, for the items about an action ahead where `user` still has a place."""
    from campaigns.domain.model import Nudge

    nudge_ids = [item.nudge_id for item in items if item.nudge_id and item.kind in STEP_BACK_KINDS]
    if not nudge_ids:
        return {}
    payloads = {nudge_id: payload or {} for nudge_id, kind, payload in session.exec(
        select(Nudge.id, Nudge.kind, Nudge.payload).where(col(Nudge.id).in_(nudge_ids)))
        if offers_step_back(kind, payload or {})}
    ahead = set(session.exec(
        select(Task.action_id).join(Signup, col(Signup.task_id) == Task.id).join(Action, col(Action.id) ==
                                                                                  Task.action_id)
        .where(Signup.user_id == user.id, Signup.status != "cancelled", Action.status != "cancelled",
               col(Action.starts_at) > clock.now(),
               col(Task.action_id).in_({p["action_id"] for p in payloads.values()}))))
    return {item.id: step_back_token(person_id=user.id, payload=payloads[item.nudge_id]) for item in items
            if item.nudge_id in payloads and payloads[item.nudge_id]["action_id"] in ahead}


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
    days = STEP_BACK_DAYS if choice == "cancel" else LINK_DAYS
    data = security.unsign(PURPOSE, raw, max_age_seconds=days * 24 * 3600)
    if not isinstance(data, dict) or data.get("c") != choice:
        raise Invalid(_("This link is not valid."))
    user, action = session.get(User, data.get("u")), session.get(Action, data.get("a"))
    if user is None or action is None or not user.is_active:
        raise Invalid(_("This link is not valid."))
    if action.status == "cancelled":
        raise Invalid(_("This action was cancelled, so there is nothing more to do."))
    if clock.now() >= action.starts_at:
        raise Invalid(_("This link has expired: the action has already started."))
    query = select(Signup).join(Task, col(Task.id) == Signup.task_id).where(
        Task.action_id == action.id, Signup.user_id == user.id).order_by(col(Signup.id))
    return Ticket(user=user, action=action, signups=list(session.exec(query)), choice=choice,
                  moved=bool(data.get("k")) and data["k"] != anchor_checksum(action.starts_at))


def confirm(session: Session, ticket: Ticket) -> bool:
    """Record "still coming" on the person's places for the action. True if it was recorded now."""
    if ticket.moved:
        raise Invalid(_("The action has moved since this reminder was sent. Please check the new time; your "
                      "place is kept."))
    live = [s for s in ticket.signups if s.status == "confirmed"]
    if not live:
        raise Invalid(_("You no longer have a place for this action, so there is nothing to confirm."))
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
