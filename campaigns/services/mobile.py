"""A person's mobile number: set by giving back a code texted to it, removed at any time; and every text
they were sent or sent us (their SMS log)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain.model import MobileVerification, TextMessage, User
from campaigns.nudges.channels import Undeliverable
from campaigns.nudges.channels.sms import ProviderError
from campaigns.services import audit, phones, security, sms
from campaigns.services.errors import Invalid, TooManyAttempts

CODE_MINUTES = 10
MAX_TRIES = 5
#: between two codes to the same person, so nobody can make us text a number over and over
RESEND_SECONDS = 60


def pending(session: Session, user: User) -> MobileVerification | None:
    """The number waiting for its code, if any (and not expired)."""
    row = session.get(MobileVerification, user.id)
    return row if row is not None and row.expires_at > clock.now() else None


def home_country(session: Session, user: User) -> str:
    """The country a number written without +country is read in: the person's first group's."""
    from campaigns.services import orgs

    memberships = orgs.of_user(session, user)
    return memberships[0][0].country if memberships else "GB"


def request_code(session: Session, user: User, *, number: str) -> MobileVerification:
    """Text a six-digit code to the number the person gave, to check it is theirs."""
    e164 = phones.normalise(number, country=home_country(session, user))
    taken = session.exec(select(User.id).where(User.mobile == e164, User.id != user.id)).first()
    if taken is not None:
        raise Invalid(_("That number can't be added here. Please use another one."), field="mobile")
    earlier = session.get(MobileVerification, user.id)
    if earlier is not None and clock.now() - earlier.sent_at < timedelta(seconds=RESEND_SECONDS):
        raise TooManyAttempts(_("A code was sent a moment ago. Please wait a minute before asking again."))
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction(session):
        row = earlier or MobileVerification(user_id=user.id, number=e164, code_hash="", sent_at=clock.now(),
                                            expires_at=clock.now())
        row.number, row.code_hash, row.attempts = e164, security.token_hash(code), 0
        row.sent_at, row.expires_at = clock.now(), clock.now() + timedelta(minutes=CODE_MINUTES)
        session.add(row)

    try:
        sms.send(session, sms.Text(number=e164, kind="verification", user_id=user.id, words=_(
            "Your code for Campaigns is %(code)s. It works for %(minutes)s minutes.", code=code,
            minutes=CODE_MINUTES)))
    except Undeliverable:
        raise Invalid(_("This number replied STOP to our texts. Text START to us first, then try again."),
                      field="mobile") from None
    except ProviderError:
        raise Invalid(_("We couldn't send a text to that number just now. Please try again later."),
                      field="mobile") from None
    return row


def confirm(session: Session, user: User, *, code: str) -> User:
    """Give back the texted code: the number becomes the person's. Five wrong tries end the code."""
    row = pending(session, user)
    if row is None:
        raise Invalid(_("There is no code waiting. Ask for a new one."), field="code")
    with transaction(session):
        row.attempts += 1
        session.add(row)
        if row.attempts > MAX_TRIES:
            raise Invalid(_("Too many wrong codes. Ask for a new one."), field="code")
        right = security.same(row.code_hash, security.token_hash((code or "").strip()))
    if not right:
        raise Invalid(_("That code isn't right. Please check the text and try again."), field="code")
    with transaction(session):
        if session.exec(select(User.id).where(User.mobile == row.number, User.id != user.id)).first():
            raise Invalid(_("That number can't be added here. Please use another one."), field="code")
        user.mobile, user.mobile_verified_at = row.number, clock.now()
        session.add(user)
        session.delete(row)
        audit.log(session, "mobile_verified", actor_id=user.id)
    return user


def remove(session: Session, user: User) -> User:
    """Take the number off the account: no more texts to it."""
    with transaction(session):
        user.mobile, user.mobile_verified_at = None, None
        session.add(user)
        row = session.get(MobileVerification, user.id)
        if row is not None:
            session.delete(row)
        audit.log(session, "mobile_removed", actor_id=user.id)
    return user


def texts(user: User):
    """Every text the person was sent, or sent us, newest first (a query, for paging)."""
    return select(TextMessage).where(TextMessage.user_id == user.id).order_by(col(TextMessage.id).desc())
