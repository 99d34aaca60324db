"""Guests' messages: the confirmation link and code of a request, and reaching guests on the channels they ticked
(email, and texts once the SMS channel is there) instead of each rule's channels (an in-app inbox they can't open).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from campaigns.domain import events as ev
from campaigns.domain.model import Action, EventRecord, Guest, Signup, Task, User
from campaigns.nudges.outbox import NudgeSpec, anchor_checksum, plan
from campaigns.nudges.planning import rules as rn
from campaigns.nudges.planning.rules import STOP_PURPOSE


def has_email(user: User) -> bool:
    """Whether the person has a deliverable address (a guest who gave only a mobile has a `.invalid` one)."""
    return not user.email.endswith("@invalid")


def is_guest(user: User) -> bool:
    from campaigns.services.guests import is_guest_user

    return is_guest_user(user)


def guest_links(user: User, payload: dict, kind: str) -> dict:
    """For a guest's message: the action's public page instead of a members' page, and a stop-everything link."""
    from campaigns.nudges.links import external
    from campaigns.services import security

    return {"guest": True, "settings_url": external("public.stop", token=security.sign(STOP_PURPOSE, user.id)),
            "link": guest_link(payload, kind)}


def guest_link(payload: dict, kind: str, *, absolute: bool = True) -> str | None:
    """Where a guest's message leads: the confirmation page for a confirmation, else the action's public page
    (the members' pages would only ask them to log in)."""
    from campaigns.nudges.links import external, path
    from campaigns.services.guests import confirmation_code

    build = external if absolute else path
    if kind in rn.OPT_IN:
        hold = datetime.fromisoformat(payload["hold"])
        code = confirmation_code(payload["signup_id"], hold, payload.get("via", "email"))
        return build("public.confirm_link", signup_id=payload["signup_id"], code=code)
    action_id = payload.get("action_id")
    return build("public.action_page", action_id=action_id) if action_id else None


def on_guest_signup_requested(session: Session, event: ev.GuestSignupRequested, _row: EventRecord) -> None:
    """Send the link and code that confirm a request to each contact they gave (each its own code)."""
    signup = session.get(Signup, event.subject_id)
    user = session.get(User, signup.user_id) if signup and signup.user_id else None
    if user is None or signup.hold_expires_at is None:
        return
    task = session.get(Task, signup.task_id)
    action = session.get(Action, task.action_id)
    guest = session.exec(select(Guest).where(Guest.org_id == task.org_id, Guest.user_id == user.id)).first()
    mobile = (guest.requested or {}).get("mobile") if guest else None
    hold = signup.hold_expires_at
    contacts = ([("email", None)] if has_email(user) else []) + ([("sms", mobile)] if mobile else [])
    for via, number in contacts:
        plan(session, NudgeSpec(
            recipient_id=user.id, kind="guest_confirmation", subject_type="signup", subject_id=signup.id,
            reason=f"guest_confirmation:{anchor_checksum(hold)}", org_id=task.org_id, campaign_id=task.campaign_id,
            expires_at=hold, anchor=hold, channels=(via,),
            payload={"title": f"{action.title}: {task.title}", "action_id": action.id, "signup_id": signup.id,
                     "hold": hold.isoformat(), "at": action.starts_at.isoformat(), "zone": action.timezone,
                     "audience": "guest_request", "via": via, **({"to": number} if number else {})}))
