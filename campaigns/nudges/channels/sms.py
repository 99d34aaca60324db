"""Texts out: Twilio's Messages API when it is configured, or a local folder (development and the demo, read
at /dev/sms). Both take one `Outgoing` text and answer what the provider accepted, or raise `ProviderError`.

Twilio's REST API lives at https://api.twilio.com; TWILIO_API_BASE points the client at another address (the
loopback server the tests run) with a custom HTTP client, the way Twilio's own docs suggest for testing
(twilio-python#521). The client's request logger is kept at WARNING: its INFO lines hold numbers and words.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import current_app

from campaigns import clock

TWILIO_API = "https://api.twilio.com"
#: Twilio error codes that no retry can fix (an invalid, unreachable, landline or opted-out number)
PERMANENT_CODES = frozenset({21211, 21408, 21610, 21612, 21614, 21606, 21617, 30003, 30004, 30005, 30006})
#: the number replied STOP to the sender (Twilio refuses to text it)
UNSUBSCRIBED = 21610
_quiet = logging.getLogger("campaigns.sms.provider")
_quiet.setLevel(logging.WARNING)


@dataclass(frozen=True)
class Outgoing:
    to: str  #: E.164
    body: str
    #: the same on every attempt at the same text
    key: str
    status_callback: str | None = None


@dataclass(frozen=True)
class Accepted:
    sid: str
    status: str  #: queued | accepted | sent … (Twilio), stored (the folder)


class ProviderError(Exception):
    """The provider refused the text: `permanent` when retrying cannot help."""

    def __init__(self, message: str, *, code: int | None = None, status: int | None = None):
        super().__init__(f"{code or status or ''} {message}".strip())
        self.code, self.status = code, status

    @property
    def permanent(self) -> bool:
        if self.code in PERMANENT_CODES:
            return True
        return self.status is not None and 400 <= self.status < 500 and self.status not in (408, 429)


def configured() -> bool:
    """Whether Twilio is set up: an account, its token and a sender."""
    cfg = current_app.config
    return bool(cfg["TWILIO_ACCOUNT_SID"] and cfg["TWILIO_AUTH_TOKEN"]
                and (cfg["TWILIO_FROM_NUMBER"] or cfg["TWILIO_MESSAGING_SERVICE_SID"]))


def send(text: Outgoing) -> Accepted:
    """Hand one text to the provider (or the folder). Raises ProviderError, or a network error, on failure."""
    return _twilio_send(text) if configured() else _write_to_folder(text)


# -- Twilio ----------------------------------------------------------------------------------------------------
def _client():
    """One Twilio client per app (it keeps a connection pool)."""
    client = current_app.extensions.get("campaigns.twilio")
    if client is None:
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        class RebasedHttpClient(TwilioHttpClient):
            """Sends what the SDK addresses to api.twilio.com to TWILIO_API_BASE instead."""

            def __init__(self, base: str, **options):
                super().__init__(**options)
                self.base = base.rstrip("/")

            def request(self, method, url, *args, **kwargs):
                if self.base and url.startswith(TWILIO_API):
                    url = self.base + url[len(TWILIO_API):]
                return super().request(method, url, *args, **kwargs)

        cfg = current_app.config
        http = RebasedHttpClient(cfg["TWILIO_API_BASE"], timeout=20, logger=_quiet)
        client = Client(cfg["TWILIO_ACCOUNT_SID"], cfg["TWILIO_AUTH_TOKEN"], http_client=http)
        current_app.extensions["campaigns.twilio"] = client
    return client


def _twilio_send(text: Outgoing) -> Accepted:
    from twilio.base.exceptions import TwilioException, TwilioRestException

    cfg = current_app.config
    sender = {"messaging_service_sid": cfg["TWILIO_MESSAGING_SERVICE_SID"]} if cfg["TWILIO_MESSAGING_SERVICE_SID"] \
        else {"from_": cfg["TWILIO_FROM_NUMBER"]}
    callback = {"status_callback": text.status_callback} if text.status_callback else {}
    try:
        message = _client().messages.create(to=text.to, body=text.body, **sender, **callback)
    except TwilioRestException as error:
        raise ProviderError(error.msg, code=error.code, status=error.status) from None
    except TwilioException as error:  # the SDK's own complaints (an answer it could not read)
        raise ProviderError(str(error)) from None
    return Accepted(sid=message.sid, status=message.status or "queued")


# -- the development folder -------------------------------------------------------------------------------------
def _folder() -> Path:
    return Path(current_app.config["SMS_FOLDER"])


def _write_to_folder(text: Outgoing) -> Accepted:
    """One JSON file per text; the same key overwrites its file, as the provider would hold one message."""
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    safe_key = "".join(c for c in text.key if c.isalnum())[:40]
    sid = f"LOCAL{safe_key}"
    existing = sorted(folder.glob(f"*-{safe_key}.json"))
    stamp = clock.now().strftime("%Y%m%dT%H%M%S%f")
    path = existing[0] if existing else folder / f"{stamp}-{safe_key}.json"
    path.write_text(json.dumps({**asdict(text), "sid": sid, "at": clock.now().isoformat()}, ensure_ascii=False))
    return Accepted(sid=sid, status="stored")


def folder_texts(limit: int = 200) -> list[dict]:
    """The texts written to the local folder, newest first (for the development page)."""
    folder = _folder()
    if not folder.exists():
        return []
    return [json.loads(path.read_text()) for path in sorted(folder.glob("*.json"), reverse=True)[:limit]]


# -- the nudge channel ------------------------------------------------------------------------------------------
NO_MOBILE = "They have no verified mobile number"


def send_nudge(session, nudge) -> None:
    """Send one nudge as a text (the dispatcher marks it sent afterwards). Raises Undeliverable when it must
    not go (skipped), anything else to be retried; a retry is the same text (its key comes from the nudge)."""
    from campaigns.domain.model import Organisation, User
    from campaigns.nudges import channels as delivery
    from campaigns.nudges import messages
    from campaigns.nudges.dispatch.checks import Person
    from campaigns.nudges.planning import guests as guest_nudges
    from campaigns.nudges.planning.rules import OPT_IN, SAFETY
    from campaigns.services import sms as texts

    user = session.get(User, nudge.recipient_id) if nudge.recipient_id else None
    payload = nudge.payload or {}
    # a guest's confirmation code goes to the number they typed: it is theirs only once they send the code back
    number = payload.get("to") if nudge.kind in OPT_IN else (user.mobile if user else None)
    if user is None or not number:
        raise delivery.Undeliverable(NO_MOBILE)
    person = Person(user.id, user.email, user.display_name, user.locale, user.timezone)
    org = session.get(Organisation, nudge.org_id) if nudge.org_id else None
    link = guest_nudges.guest_link(payload, nudge.kind, absolute=False) if guest_nudges.is_guest(user) \
        else messages.render(nudge, person, buttons=False).link
    texts.send(session, texts.Text(
        number=number, words=messages.text_words(nudge, person, org.name if org else None), kind=nudge.kind,
        org_id=nudge.org_id, user_id=user.id, nudge_id=nudge.id, action_id=payload.get("action_id"),
        link=link, essential=nudge.kind in SAFETY,
        key=texts.idempotency_key(nudge.dedupe_key)))
