"""Guest sign-up from a public action page: no account, double opt-in, the members' own seat machinery.

A guest is a `user` row without a password (it cannot log in) plus a `guest` row for the group. A request makes
a *pending* sign-up that holds no seat; only the emailed or texted link or code turns it into a place, through
`signups.take_place` (the same conditional seat UPDATE, waitlist and promotion as members). Unconfirmed requests
lapse after the group's hold time (`release_lapsed`, a scheduler job). Every request answers the same, whether
the address is known or not, and is rate limited per address and per contact in the database.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, update
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain import events as ev
from campaigns.domain.model import Action, Guest, Membership, NotificationSettings, Organisation, Signup, Task, User
from campaigns.domain.text import N_
from campaigns.services import audit, contacts, messagebus, phones, signups, throttle
from campaigns.services.errors import Conflict, Invalid, NotFound
from campaigns.services.volunteering import locked

#: a login-less person's password hash: no password ever verifies against it
NO_LOGIN = ""
MAX_NAME, MAX_NEEDS = 80, 1000
REACHABLE = ("email", "sms")
CODE_ATTEMPTS = 5


@dataclass(frozen=True, kw_only=True)
class Request:
    """What a visitor typed on a public action page (validated at the edge; checked again here)."""

    task_id: int
    display_name: str
    email: str = ""
    mobile: str = ""
    channels: tuple[str, ...] = ()  #: the reminder channels they ticked
    accessibility_needs: str = ""
    #: the honeypot: a field people never see, which bots fill in
    website: str = ""


@dataclass(frozen=True)
class Answer:
    """The same for every request: where the confirmation went (masked) and the page to type the code on."""

    sent_to: str
    signup_id: int | None


def is_guest_user(user: User) -> bool:
    return user.password_hash == NO_LOGIN


def public_task(session: Session, task_id: int) -> tuple[Task, Action]:
    """A task of a public action (NotFound for anything else: private actions do not exist for the public)."""
    task = session.get(Task, task_id)
    action = session.get(Action, task.action_id) if task and task.action_id else None
    if action is None or not action.public or action.status != "planned":
        raise NotFound()
    return task, action


# -- asking for a place ---------------------------------------------------------------------------------------
def request_signup(session: Session, request: Request, *, ip: str | None) -> Answer:
    """Record a guest's request for a place as a pending sign-up and send the confirmation link and code.

    Records GuestSignupRequested (its handler plans the confirmation message). The answer does not say whether
    the address was known, already signed up or over its cap: only its owner learns that, from their messages.
    """
    task, action = public_task(session, request.task_id)
    org = session.get(Organisation, task.org_id)
    name, email, mobile = _checked(request, org)
    contact = email or mobile
    _throttle(session, contact, ip)
    reason = signups.closed_reason(session, task)
    if reason:
        raise Conflict(reason)
    sent_to = contacts.masked(contact)
    if request.website:  # a bot: the same answer as anyone, and nothing written
        return Answer(sent_to, None)
    with transaction(session):
        user = _person(session, org, action, name=name, email=email, mobile=mobile)
        guest = _guest(session, org, user)
        guest.requested = {"name": name, "channels": [c for c in request.channels if c in REACHABLE],
                           "needs": request.accessibility_needs.strip()[:MAX_NEEDS], "mobile": mobile or None}
        session.add(guest)
        signup = _pending(session, org, task, action, user)
    return Answer(sent_to, signup.id if signup else None)


def _checked(request: Request, org: Organisation) -> tuple[str, str, str]:
    name = " ".join(request.display_name.split())
    if not name:
        raise Invalid(_("Tell us what to call you. A first name or a nickname is enough."), field="display_name")
    if len(name) > MAX_NAME:
        raise Invalid(_("Keep the name to %(n)s characters or fewer.", n=MAX_NAME), field="display_name")
    if len(request.accessibility_needs) > MAX_NEEDS:
        raise Invalid(_("Keep this to %(n)s characters or fewer.", n=MAX_NEEDS), field="accessibility_needs")
    if not (request.email.strip() or request.mobile.strip()):
        raise Invalid(_("Give an email address or a mobile number, so we can send you the confirmation."),
                      field="email")
    email = contacts.normalise_email(request.email) if request.email.strip() else ""
    mobile = phones.normalise(request.mobile, country=org.country) if request.mobile.strip() else ""
    if "sms" in request.channels and not mobile:
        raise Invalid(_("Give a mobile number to get texts, or untick texts."), field="mobile")
    if "email" in request.channels and not email:
        raise Invalid(_("Give an email address to get emails, or untick email."), field="email")
    return name, email, mobile


def _throttle(session: Session, contact: str, ip: str | None) -> None:
    """Count this request against its address and its contact (known or not: the same limits for both)."""
    cfg, hour = current_app.config, timedelta(hours=1)
    by_address = [throttle.key("guest_signup", "addr", ip)] if ip else []
    by_contact = [throttle.key("guest_signup", "account", contact)]
    message = _("Too many sign-ups in a short time. Please wait an hour and try again.")
    throttle.check(session, by_address, limit=cfg["GUEST_SIGNUPS_PER_ADDRESS"], window=hour, message=message)
    throttle.check(session, by_contact, limit=cfg["GUEST_SIGNUPS_PER_CONTACT"], window=hour, message=message)
    with transaction(session):
        throttle.fail(session, by_address + by_contact)


def _person(session: Session, org: Organisation, action: Action, *, name: str, email: str, mobile: str) -> User:
    """Whoever owns the contact already (a member, or a guest from before), or a new login-less person."""
    found = session.exec(select(User).where(User.email == email)).first() if email else None
    if found is None and mobile:
        found = session.exec(select(User).where(User.mobile == mobile)).first()
    if found is not None:
        return found
    # User.email is NOT NULL and UNIQUE; someone with only a mobile gets an address in the reserved `.invalid`
    # domain (RFC 6761), which is never delivered to: erasure does the same. Their email channel is off.
    user = User(email=email or f"guest-{secrets.token_hex(8)}@invalid", password_hash=NO_LOGIN, display_name=name,
                timezone=action.timezone, locale=str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]))
    session.add(user)
    session.flush()
    # quiet hours and caps as anyone's, in the zone of the action; no in-app inbox (they cannot log in)
    session.add(NotificationSettings(user_id=user.id, inapp_enabled=False, email_enabled=bool(email)))
    return user


def _guest(session: Session, org: Organisation, user: User) -> Guest:
    guest = session.exec(select(Guest).where(Guest.org_id == org.id, Guest.user_id == user.id)).first()
    return guest or Guest(org_id=org.id, user_id=user.id)


def _pending(session: Session, org: Organisation, task: Task, action: Action, user: User) -> Signup | None:
    """A pending sign-up, or the one they have; None (and nothing sent) when they already have a place there or
    reached the cap of sign-ups per action."""
    signup = signups.signup_of(session, task.id, user.id)  # type: ignore[arg-type]
    if signup is not None and signup.status in ("confirmed", "waitlisted"):
        return None
    if signup is None or signup.status == "cancelled":
        if _signups_on(session, action, user) >= current_app.config["GUEST_SIGNUPS_PER_ACTION"]:
            audit.log(session, "guest_signup_capped", org_id=org.id, target=f"task:{task.id}")
            return None
        signup = signup or Signup(task_id=task.id, user_id=user.id)
        signup.status, signup.queued_at, signup.cancelled_at = "pending", clock.now(), None
        signup.hold_expires_at = min(clock.now() + timedelta(hours=org.guest_hold_hours), action.starts_at)
        session.add(signup)
        session.flush()
    messagebus.record(session, ev.GuestSignupRequested(org_id=org.id, campaign_id=task.campaign_id,
                                                       subject_id=signup.id, task_id=task.id))
    return signup


def _signups_on(session: Session, action: Action, user: User) -> int:
    query = select(func.count()).select_from(Signup).join(Task, col(Task.id) == Signup.task_id).where(
        Task.action_id == action.id, Signup.user_id == user.id, col(Signup.status) != "cancelled")
    return session.exec(query).one()


# -- confirming -----------------------------------------------------------------------------------------------
def confirmation_code(signup_id: int, hold_expires_at: datetime | None, via: str = "email") -> str:
    """Six digits, derived (never stored) from the sign-up, its hold and the channel it went by: a new hold gives
    a new code, and the code that comes back says which contact was proven (a texted one verifies the mobile)."""
    secret = current_app.config["SECRET_KEY"].encode()
    message = f"guest-confirm:{signup_id}:{hold_expires_at.isoformat() if hold_expires_at else ''}:{via}"
    digest = hmac.new(secret, message.encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:4], 'big') % 1_000_000:06d}"


def confirm(session: Session, *, signup_id: int, code: str) -> Signup:
    """Turn a pending request into a place (or a waiting-list spot) with its code. Idempotent; a wrong code is
    counted (at most CODE_ATTEMPTS per request), an expired one is refused. Records SignupConfirmed or
    SignupWaitlisted, like a member's sign-up."""
    keys = [throttle.key("guest_code", "signup", str(signup_id))]
    throttle.check(session, keys, limit=CODE_ATTEMPTS, window=timedelta(days=8),
                   message=_("Too many wrong codes. Sign up again for a new one."))
    signup = session.get(Signup, signup_id)
    via = _proven(signup, code) if signup is not None else None
    if via is None:
        with transaction(session):
            throttle.fail(session, keys)
        raise Invalid(_("That code doesn't match. Check the latest message we sent you."), field="code")
    with transaction(session):
        task = locked(session, Task, signup.task_id)
        signup = locked(session, Signup, signup_id)
        if signup.status in ("confirmed", "waitlisted"):
            return signup
        if signup.status != "pending" or signup.hold_expires_at <= clock.now():
            raise Conflict(_("This sign-up waited too long for its confirmation and was released. You're welcome "
                             "to sign up again."))
        _apply_request(session, task, signup, via=via)
        signups.take_place(session, task, signup)
    return signup


def _proven(signup: Signup, code: str) -> str | None:
    """The channel whose code this is (email or sms), or None."""
    typed = code.strip()[:6].rjust(6, "x")
    found = [via for via in REACHABLE
             if hmac.compare_digest(confirmation_code(signup.id, signup.hold_expires_at, via), typed)]
    return found[0] if found else None


def _apply_request(session: Session, task: Task, signup: Signup, *, via: str) -> None:
    """What they asked for becomes theirs now that they proved a contact is theirs: a mobile only if the code
    came by text (else anyone could have texts sent to someone else's number)."""
    user = session.get(User, signup.user_id)
    guest = session.exec(select(Guest).where(Guest.org_id == task.org_id, Guest.user_id == user.id)).first()
    if guest is None:
        return
    asked, now = guest.requested or {}, clock.now()
    guest.channels, guest.accessibility_needs = asked.get("channels", []), asked.get("needs", "")
    guest.confirmed_at, guest.requested = guest.confirmed_at or now, {}
    session.add(guest)
    if is_guest_user(user):
        user.display_name = asked.get("name") or user.display_name
        mobile = asked.get("mobile")
        if via == "sms" and mobile and user.mobile in (None, mobile) and not _mobile_taken(session, mobile, user.id):
            user.mobile, user.mobile_verified_at = mobile, user.mobile_verified_at or now
        session.add(user)
        _texts_for(session, user, "sms" in guest.channels and user.mobile is not None)
    if _is_member(session, task.org_id, user.id):  # a member typed their own address: no guest record needed
        session.delete(guest)


def _texts_for(session: Session, user: User, wanted: bool) -> None:
    """A guest who ticked texts gets every kind a person may have as a text (they chose texts, not kinds)."""
    from campaigns.nudges.planning import rules as rn

    settings = session.get(NotificationSettings, user.id)
    if settings is not None:
        settings.sms_kinds = sorted(rn.SMS_KINDS) if wanted else []
        session.add(settings)


def _mobile_taken(session: Session, mobile: str, user_id: int) -> bool:
    return session.exec(select(User.id).where(User.mobile == mobile, User.id != user_id)).first() is not None


def _is_member(session: Session, org_id: int, user_id: int) -> bool:
    query = select(Membership.id).where(Membership.org_id == org_id, Membership.user_id == user_id)
    return session.exec(query).first() is not None


# -- letting go -----------------------------------------------------------------------------------------------
def release_lapsed(session: Session) -> int:
    """The scheduler's job: unconfirmed requests whose hold ran out are released (they held no seat, so nobody
    is moved), and a never-confirmed person's contact details are not kept."""
    now = clock.now()
    with transaction(session):
        lapsed = list(session.exec(select(Signup.id, Signup.user_id).where(
            Signup.status == "pending", col(Signup.hold_expires_at) <= now)))
        if not lapsed:
            return 0
        session.exec(update(Signup).where(col(Signup.id).in_([i for i, _u in lapsed]), Signup.status == "pending")
                     .values(status="cancelled", cancelled_at=now))  # type: ignore[call-overload]
        for user_id in {u for _i, u in lapsed}:
            _forget_if_never_confirmed(session, user_id)
    return len(lapsed)


def _forget_if_never_confirmed(session: Session, user_id: int) -> None:
    user = session.get(User, user_id)
    if user is None or not is_guest_user(user):
        return
    confirmed = session.exec(select(Guest.id).where(Guest.user_id == user_id,
                                                    col(Guest.confirmed_at).is_not(None))).first()
    waiting = session.exec(select(Signup.id).where(Signup.user_id == user_id, Signup.status == "pending")).first()
    if confirmed is None and waiting is None:
        user.email, user.display_name = f"guest-{secrets.token_hex(8)}@invalid", _("Guest")
        session.add(user)
        session.exec(update(Guest).where(Guest.user_id == user_id).values(requested={}))  # type: ignore


def pending_signup(session: Session, signup_id: int) -> Signup:
    """A sign-up as the confirmation page shows it (NotFound unless it came from a public page)."""
    signup = session.get(Signup, signup_id)
    if signup is None:
        raise NotFound()
    public_task(session, signup.task_id)
    return signup


def stop_messages(session: Session, *, token: str) -> User:
    """A guest's "stop everything" link: no more reminders on any channel from any group (their places stay)."""
    from campaigns.domain.model import Nudge
    from campaigns.nudges.planning.rules import STOP_PURPOSE
    from campaigns.services import security

    user = session.get(User, security.unsign(STOP_PURPOSE, token, max_age_seconds=400 * 24 * 3600))
    if user is None:
        raise Invalid(_("This link is not valid."))
    with transaction(session):
        session.exec(update(Guest).where(Guest.user_id == user.id).values(channels=[]))  # type: ignore
        session.exec(update(Nudge).where(Nudge.recipient_id == user.id,  # type: ignore[call-overload]
                                         col(Nudge.status).in_(["planned", "failed"]))
                     .values(status="skipped", skip_reason=N_("They asked for no more messages")))
        audit.log(session, "guest_messages_stopped", target=f"user:{user.id}")
    return user
