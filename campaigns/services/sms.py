"""Texts: sending one (through the log, the opt-outs and the group's monthly budget), the short signed links
they carry, and the provider's delivery reports.

Every text is a `text_message` row before it goes to the provider, keyed by an idempotency key that is the
same on every attempt (a nudge's comes from its dedupe key): a retried nudge finds its row, and once the
provider has accepted it (its sid is stored) a retry sends nothing again. The recipient is a phone number, so
it may be a member's or a guest's (guests are people without a password: `user` rows too).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain import rules_sms
from campaigns.domain.model import Organisation, TextMessage, TextOptOut
from campaigns.nudges.channels import Undeliverable
from campaigns.nudges.channels import sms as provider
from campaigns.nudges.outbox import NudgeSpec, plan

log = logging.getLogger(__name__)

OPTED_OUT = "The number replied STOP"
BUDGET_SPENT = "The group's monthly text budget is used up"
#: kinds that answer what the number just sent (STOP, HELP…): they go even to a number that opted out
ANSWERS = frozenset({"answer"})
BUDGET_STEPS = (80, 100)


@dataclass(frozen=True, kw_only=True)
class Text:
    number: str  #: E.164
    words: str  #: the message without its link and footer; shortened (with "...") to fit two segments
    kind: str
    org_id: int | None = None
    user_id: int | None = None
    nudge_id: int | None = None
    action_id: int | None = None
    link: str | None = None  #: a path in the app, reached through the text's short link
    #: goes even when the group's budget is spent (an action moved or cancelled, an answer to STOP)
    essential: bool = False
    #: the same on every attempt at the same text; None: a text sent once (a code, an answer)
    key: str | None = None


def idempotency_key(dedupe_key: str) -> str:
    return "n" + hashlib.sha256(dedupe_key.encode()).hexdigest()[:32]


def opted_out(session: Session, number: str) -> bool:
    return session.get(TextOptOut, number) is not None


def send(session: Session, text: Text) -> TextMessage:
    """Send a text now: refused (Undeliverable) to a number that replied STOP, or over the group's budget;
    recorded, then handed to the provider. A text whose key the provider already accepted is not sent again."""
    if text.kind not in ANSWERS and opted_out(session, text.number):
        raise Undeliverable(OPTED_OUT)
    row = _recorded(session, text)
    if row.provider_sid:
        return row  # a retry of a text the provider has: nothing to send
    outgoing = provider.Outgoing(to=row.number, body=row.body, key=row.idempotency_key,
                                 status_callback=_callback_url(row.idempotency_key))
    try:
        accepted = provider.send(outgoing)
    except provider.ProviderError as error:
        _refused(session, row, error)
        raise
    with transaction(session):
        row.provider_sid, row.status, row.updated_at = accepted.sid, accepted.status, clock.now()
        session.add(row)
    if row.org_id is not None:
        alert_budget(session, row.org_id)
    return row


def _recorded(session: Session, text: Text) -> TextMessage:
    """The text's row: the one an earlier attempt left, or a new one (within the budget)."""
    key = text.key or "t" + secrets.token_hex(16)
    with transaction(session):
        row = session.exec(select(TextMessage).where(TextMessage.idempotency_key == key)).first()
        if row is not None:
            return row
        row = TextMessage(org_id=text.org_id, user_id=text.user_id, nudge_id=text.nudge_id, direction="out",
                          number=text.number, kind=text.kind, body="", action_id=text.action_id, link=text.link,
                          essential=text.essential, idempotency_key=key, status="sending")
        used = _count_under_lock(session, text.org_id) if text.org_id is not None else 0
        session.add(row)
        session.flush()
        row.body = compose(text.words, short_url(row.id) if text.link else None, stop=text.kind not in ANSWERS)
        counted = rules_sms.segments(row.body)
        row.encoding, row.segments = counted.encoding, counted.count
        if text.org_id is not None and not text.essential and used + row.segments > _budget(session, text.org_id):
            session.rollback()
            alert_budget(session, text.org_id)
            raise Undeliverable(BUDGET_SPENT)
        session.add(row)
    return row


def _count_under_lock(session: Session, org_id: int) -> int:
    """The group's segments this month, read while holding its row: two dispatchers texting for one group
    take turns from here to their commit, so each counts what the other just sent (FOR UPDATE on PostgreSQL;
    on SQLite the transaction began IMMEDIATE and already holds the only write lock)."""
    org = session.get(Organisation, org_id, with_for_update=True, populate_existing=True)
    return used_this_month(session, org)


def _budget(session: Session, org_id: int) -> int:
    return session.get(Organisation, org_id).sms_monthly_budget


def compose(words: str, url: str | None, *, stop: bool = True) -> str:
    """The words, then the link and how to stop, in at most two segments (the words give way)."""
    tail = (f" {url}" if url else "") + (" " + _("STOP to end") if stop else "")
    return rules_sms.fit("{}" + tail, shrinkable=words.strip(), limit=2)


def _refused(session: Session, row: TextMessage, error: provider.ProviderError) -> None:
    with transaction(session):
        row.status, row.error_code, row.updated_at = "failed", error.code, clock.now()
        session.add(row)
        if error.code == provider.UNSUBSCRIBED:
            _opt_out(session, row.number)
    log.warning("text %s refused by the provider: %s", row.id, error)
    if error.permanent:
        raise Undeliverable(f"The provider refused it: {error}"[:120]) from error


def _opt_out(session: Session, number: str) -> bool:
    if opted_out(session, number):
        return False
    session.add(TextOptOut(number=number))
    session.flush()
    return True


def _callback_url(key: str | None) -> str | None:
    from campaigns.nudges.messages import external

    if not provider.configured():
        return None
    return external("sms.status_callback", k=key)


# -- the monthly budget ---------------------------------------------------------------------------------------
def month_start(zone: str, now: datetime | None = None) -> datetime:
    local = (now or clock.now()).astimezone(ZoneInfo(zone))
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def used_this_month(session: Session, org: Organisation) -> int:
    """Segments the group sent this calendar month (in its time zone), except those the provider refused."""
    query = select(func.coalesce(func.sum(TextMessage.segments), 0)).where(
        TextMessage.org_id == org.id, TextMessage.direction == "out", TextMessage.status != "failed",
        col(TextMessage.created_at) >= month_start(org.timezone))
    return int(session.exec(query).one())


def alert_budget(session: Session, org_id: int) -> None:
    """Tell the group's coordinators, once a month each, when its texts reach 80 % and 100 % of the budget."""
    from campaigns.nudges.messages import path
    from campaigns.nudges.planning.audiences import coordinators

    org = session.get(Organisation, org_id)
    used, budget = used_this_month(session, org), org.sms_monthly_budget
    reached = [step for step in BUDGET_STEPS if used * 100 >= step * budget]
    if not reached:
        return
    step, month = reached[-1], month_start(org.timezone).strftime("%Y-%m")
    with transaction(session):
        for person in sorted(coordinators(session, org.id, None)):
            plan(session, NudgeSpec(
                recipient_id=person, kind="sms_budget", subject_type="org", subject_id=org.id,
                reason=f"sms_budget:{month}:{step}", org_id=org.id, channels=("inapp", "email"),
                payload={"title": org.name, "percent": step, "used": used, "budget": budget,
                         "link": path("sms.budget_page", slug=org.slug)}))


# -- short links ----------------------------------------------------------------------------------------------
def _mac(text_id: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"sms-link:{text_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:9]).decode()


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def short_token(text_id: int) -> str:
    """A short signed name for a text (its id and 72 bits of HMAC): /s/<token> leads to the text's link."""
    return f"{_base36(text_id)}-{_mac(text_id)}"


def short_url(text_id: int) -> str:
    from campaigns.nudges.messages import external

    return external("sms.short_link", token=short_token(text_id)) or ""


def follow(session: Session, token: str) -> str | None:
    """Where a short link leads (a path in the app), or None for a forged or unknown one."""
    head, _, mac = (token or "")[:40].partition("-")
    try:
        text_id = int(head, 36)
    except ValueError:
        return None
    if text_id > 2**31 - 1 or not hmac.compare_digest(mac, _mac(text_id)):
        return None
    row = session.get(TextMessage, text_id)
    return row.link if row is not None and row.link and row.link.startswith("/") else None


# -- delivery reports -----------------------------------------------------------------------------------------
#: how far along a text is: a report never moves it back (they arrive out of order, and are replayed)
PROGRESS = {"sending": 0, "accepted": 1, "scheduled": 1, "queued": 1, "stored": 2, "sent": 2, "delivered": 3,
            "read": 3, "undelivered": 3, "failed": 3, "canceled": 3}


def report(session: Session, *, sid: str, status: str, key: str | None = None,
           error_code: int | None = None) -> TextMessage | None:
    """A delivery report from the provider: move the text on (never back). None: no such text."""
    status = (status or "").lower()
    if status not in PROGRESS:
        return None
    with transaction(session):
        row = session.exec(select(TextMessage).where(TextMessage.provider_sid == sid)).first() if sid else None
        if row is None and key:
            row = session.exec(select(TextMessage).where(TextMessage.idempotency_key == key)).first()
        if row is None or row.direction != "out":
            return None
        if PROGRESS[status] > PROGRESS.get(row.status, 0):
            row.status, row.updated_at = status, clock.now()
            row.provider_sid = row.provider_sid or sid
            row.error_code = error_code if status in ("failed", "undelivered") else row.error_code
            session.add(row)
            if error_code == provider.UNSUBSCRIBED:
                _opt_out(session, row.number)
            if status in ("failed", "undelivered") and row.nudge_id is not None:
                _mark_nudge_undelivered(session, row.nudge_id, error_code)
    return row


def _mark_nudge_undelivered(session: Session, nudge_id: int, error_code: int | None) -> None:
    from campaigns.domain.model import Nudge

    nudge = session.get(Nudge, nudge_id)
    if nudge is not None:
        nudge.last_error = f"The text was not delivered (provider code {error_code or 'none'})"
        session.add(nudge)
