"""Replies to our texts (two-way SMS): YES confirms, NO steps back from the sign-up the text was about (the
waiting list moves up), STOP / STOPALL / UNSUBSCRIBE / END / QUIT switches texts off for the number at once and
is answered once, CANCEL does both (it is an opt-out word for carriers and Twilio), START switches them back on,
HELP says who we are and how to stop; the Spanish words too (see rules_sms). Anything else gets one kind answer
and goes to the coordinators' inboxes, the only place the sender's number is shown. Answers speak the number
owner's language (a stranger's: that of the word they sent).

When Twilio's Advanced Opt-Out has handled the keyword itself (the webhook's OptOutType), Twilio has already
switched the number off or on and answered: its change is mirrored here and our own answer is not sent.
A replayed webhook (the same MessageSid) is recognised by the text log and changes nothing.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain import rules_sms
from campaigns.domain.model import Action, Organisation, Signup, Task, TextMessage, TextOptOut, User
from campaigns.nudges import inbox, oneclick
from campaigns.nudges.channels import Undeliverable
from campaigns.nudges.channels.sms import ProviderError
from campaigns.services import sms
from campaigns.services.errors import DomainError, Invalid

log = logging.getLogger(__name__)
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
#: a free-text reply is answered at most once in this long, so two auto-responders never talk forever
ANSWER_QUIET = timedelta(hours=24)
#: keywords answered even from a number that replied STOP (CTIA: HELP always works; STOP's own confirmation)
ANSWERED_WHEN_STOPPED = ("stop", "cancel", "start", "help")
#: Twilio's OptOutType values: the keyword kinds Twilio itself acted on and answered
PROVIDER_KINDS = {"STOP": "stop", "START": "start", "HELP": "help"}


def receive(session: Session, *, number: str, body: str, sid: str,
            opt_out_type: str | None = None) -> TextMessage | None:
    """Handle one text someone sent us. Returns the answer sent (None: nothing to answer, or a replay).
    `opt_out_type`: what Twilio's Advanced Opt-Out made of it (STOP, START or HELP), if it did."""
    if not E164.match(number or ""):
        raise Invalid(_("The sender's number is not a phone number."), field="From")
    if not sid:
        raise Invalid(_("The message has no id."), field="MessageSid")
    with transaction(session):
        if session.exec(select(TextMessage.id).where(TextMessage.provider_sid == sid[:64])).first():
            return None  # a replay: handled the first time
        person = session.exec(select(User).where(User.mobile == number)).first()
        org_id = _last_group(session, number)
        counted = rules_sms.segments(body or "")
        session.add(TextMessage(org_id=org_id, user_id=person.id if person else None, direction="in",
                                number=number, kind="reply", body=(body or "")[:1600], encoding=counted.encoding,
                                segments=counted.count, provider_sid=sid[:64], status="received"))
    org = session.get(Organisation, org_id) if org_id else None
    word, by_provider = _meaning(body or "", opt_out_type)
    with force_locale(person.locale if person else rules_sms.language_of(body or "") or _default_locale()):
        words = _answer(session, word, number=number, body=body or "", person=person, org=org)
        if by_provider and word in ANSWERED_WHEN_STOPPED:
            return None  # Twilio has answered it (and after its STOP, refuses to text the number anyway)
        if not words or (word not in ANSWERED_WHEN_STOPPED and sms.opted_out(session, number)):
            return None  # a number that said STOP hears nothing more, but for STOP itself, START and HELP
        return _send_answer(session, number, words, org, person)


def _meaning(body: str, opt_out_type: str | None) -> tuple[str | None, bool]:
    """The reply's keyword, and whether Twilio acted on it. Twilio's reading wins where ours differs (a keyword
    added in its console), except that its STOP for CANCEL is our "cancel" (which stops too)."""
    ours, theirs = rules_sms.keyword(body), PROVIDER_KINDS.get((opt_out_type or "").upper())
    if theirs is None:
        return ours, False
    return (ours if (ours, theirs) == ("cancel", "stop") else theirs), True


def _default_locale() -> str:
    from flask import current_app

    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _answer(session: Session, word: str | None, *, number: str, body: str, person: User | None,
            org: Organisation | None) -> str | None:
    if word == "stop":
        return _stop(session, number)
    if word == "start":
        return _start(session, number)
    if word == "help":
        group = org.name if org else _("Campaigns")
        return _("%(group)s: texts about actions you signed up for. Reply STOP to end them, START to have them "
                 "again. Any other reply goes to the group's coordinators.", group=group)
    if word in ("yes", "no"):
        return _yes_or_no(session, word, number=number, person=person)
    if word == "cancel":
        return _cancel(session, number=number, person=person)
    return _pass_on(session, number=number, body=body, person=person, org=org)


def _stop(session: Session, number: str) -> str | None:
    with transaction(session):
        newly = sms._opt_out(session, number)
    return _("You won't get any more texts from us. Reply START to have them again.") if newly else None


def _cancel(session: Session, *, number: str, person: User | None) -> str | None:
    """CANCEL: step back from the place the text was about, and no more texts (answered once, like STOP)."""
    stepped_back = _yes_or_no(session, "no", number=number, person=person)
    stopped = _stop(session, number)
    return f"{stepped_back} {stopped}" if stopped else None


def _start(session: Session, number: str) -> str | None:
    with transaction(session):
        row = session.get(TextOptOut, number)
        if row is None:
            return None
        session.delete(row)
    return _("Texts are back on. Reply STOP at any time to end them.")


def _yes_or_no(session: Session, word: str, *, number: str, person: User | None) -> str:
    ticket = _ticket(session, number, person, "confirm" if word == "yes" else "cancel") if person else None
    if ticket is None:
        return _("We couldn't find an upcoming sign-up for this number, so nothing has changed.")
    try:
        if word == "yes":
            oneclick.confirm(session, ticket)
            return _("Thank you! See you at %(t)s.", t=ticket.action.title)
        oneclick.cancel(session, ticket)
    except DomainError as refusal:
        return refusal.message
    return _("Done: you're no longer signed up for %(t)s. Thanks for letting us know.", t=ticket.action.title)


def _ticket(session: Session, number: str, person: User, choice: str) -> oneclick.Ticket | None:
    """What a YES or NO answers: the action of the latest text about one that is still ahead, else the person's
    next sign-up."""
    now = clock.now()
    recent = session.exec(select(Action).join(TextMessage, col(TextMessage.action_id) == Action.id).where(
        TextMessage.number == number, TextMessage.direction == "out", Action.status == "planned",
        col(Action.starts_at) > now).order_by(col(TextMessage.id).desc())).first()
    if recent is None:
        from campaigns.nudges.settings import upcoming_signups

        upcoming = upcoming_signups(session, person)
        recent = session.get(Action, session.get(Task, upcoming[0].task_id).action_id) if upcoming else None
    if recent is None:
        return None
    signups = list(session.exec(select(Signup).join(Task, col(Task.id) == Signup.task_id).where(
        Task.action_id == recent.id, Signup.user_id == person.id, col(Signup.status) != "cancelled")))
    return oneclick.Ticket(user=person, action=recent, signups=signups, choice=choice) if signups else None


def _pass_on(session: Session, *, number: str, body: str, person: User | None, org: Organisation | None) -> str | None:
    """A reply in words: to the coordinators' inboxes (with the number, for them only), and one kind answer."""
    if org is None:
        return None if _answered_lately(session, number) else \
            _("Sorry, this number isn't linked to a group here, so no one will read this reply.")
    from campaigns.nudges.planning.audiences import coordinators

    with transaction(session):
        for coordinator in sorted(coordinators(session, org.id, None)):
            with force_locale(session.get(User, coordinator).locale):  # in the reader's language
                who = person.display_name if person else _("Someone we texted")
                inbox.deliver(session, user_id=coordinator, kind="sms_reply", title=_("A reply to a text"),
                              body=_("%(who)s (%(number)s) replied: %(body)s", who=who, number=number, body=body))
    if _answered_lately(session, number):
        return None
    return _("Thank you for your message. We've passed it on to the coordinators of %(group)s.", group=org.name)


def _answered_lately(session: Session, number: str) -> bool:
    since = clock.now() - ANSWER_QUIET
    return session.exec(select(TextMessage.id).where(
        TextMessage.number == number, TextMessage.kind == "answer", col(TextMessage.created_at) >= since)
    ).first() is not None


def _last_group(session: Session, number: str) -> int | None:
    """The group that last texted this number: the one a reply is for."""
    return session.exec(select(TextMessage.org_id).where(
        TextMessage.number == number, TextMessage.direction == "out", col(TextMessage.org_id).is_not(None))
        .order_by(col(TextMessage.id).desc())).first()


def _send_answer(session: Session, number: str, words: str, org: Organisation | None,
                 person: User | None) -> TextMessage | None:
    try:
        return sms.send(session, sms.Text(number=number, words=words, kind="answer", org_id=org.id if org else None,
                                          user_id=person.id if person else None, essential=True))
    except (Undeliverable, ProviderError) as error:  # the reply was handled; only its answer could not go
        log.warning("the answer to a text could not be sent: %s", error)
        return None
