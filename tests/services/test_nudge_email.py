"""Email through a real SMTP server on loopback (aiosmtpd): headers, retries, and an outage."""

import re
import socket
from datetime import timedelta
from email import message_from_bytes
from email import policy as email_policy

import pytest
from aiosmtpd.controller import Controller

from campaigns import clock
from campaigns.nudges.channels import email
from campaigns.nudges.dispatch import dispatcher
from campaigns.nudges.outbox import NudgeSpec, plan
from tests.nudge_helpers import NOON, at, dispatch, nudges, sign_up


class Recorder:
    def __init__(self):
        self.messages, self.raw = [], []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.raw.append(envelope.content)
        self.messages.append(message_from_bytes(envelope.content, policy=email_policy.default))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A loopback SMTP server that can be taken down and brought back on the same port."""

    def __init__(self, port: int):
        self.port, self.recorder, self.controller = port, Recorder(), None

    def start(self):
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return self.recorder.messages


@pytest.fixture
def smtp(app):
    server = Server(_free_port())
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=False,
                      BASE_URL="https://campaigns.example.org")
    app.extensions.pop("campaigns.url_adapter", None)
    server.start()
    yield server
    server.stop()


def _mails(session, person, n):
    for i in range(n):
        plan(session, NudgeSpec(recipient_id=person.id, kind="message", subject_type="user", subject_id=person.id,
                                reason=f"note{i}", channels=("email",),
                                payload={"title": f"Note {i}", "body": "Thank you for everything."}))
    session.commit()


def test_a_confirmation_arrives_with_a_stable_id_one_click_unsubscribe_both_parts_and_an_ics(
        session, people, smtp, make_action, make_task):
    at(NOON)
    action = make_action(starts_at=NOON + timedelta(days=3), ends_at=NOON + timedelta(days=3, hours=2))
    sign_up(session, make_task(action_id=action.id), people.client)
    dispatch(session)
    [mail] = [m for m in smtp.messages if m["To"] == people.client.email]
    [row] = nudges(session, kind="signup_confirmed", channel="email")
    assert mail["Message-ID"] == email.message_id_for(row.dedupe_key)
    assert re.fullmatch(r"<https://campaigns\.example\.org/n/unsubscribe/[^>]+>", mail["List-Unsubscribe"])
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.get_body(("plain",)).get_content().strip() and "<p>" in mail.get_body(("html",)).get_content()
    [ics] = list(mail.iter_attachments())
    calendar = ics.get_content()
    calendar = calendar.decode() if isinstance(calendar, bytes) else calendar
    assert "BEGIN:VEVENT" in calendar and f"UID:action-{action.id}@campaigns.example.org" in calendar
    assert "why" not in mail["Subject"].lower() and "You're getting this because" in mail.get_body(
        ("plain",)).get_content()


def _raw_header(raw: bytes, name: str) -> str:
    """A header exactly as it went over the wire, unfolded (RFC 5322 2.2.3), with nothing decoded."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    [value] = [line.split(":", 1)[1] for line in re.sub(r"\r\n[ \t]", " ", head).split("\r\n")
               if line.lower().startswith(name.lower() + ":")]
    return value.strip()


def test_list_unsubscribe_goes_over_the_wire_unencoded(session, people, smtp):
    """RFC 2369/8058: mail clients read the URL as is; an RFC 2047 encoded-word (=?utf-8?q?…) hides it."""
    at(NOON)
    _mails(session, people.client, 1)
    dispatch(session)
    [raw] = smtp.recorder.raw
    header = _raw_header(raw, "List-Unsubscribe")
    assert re.fullmatch(r"<https://campaigns\.example\.org/n/unsubscribe/[A-Za-z0-9._~:-]+>", header), header
    assert _raw_header(raw, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"


def test_the_unsubscribe_link_in_a_mail_switches_that_kind_off(session, people, smtp, client):
    at(NOON)
    _mails(session, people.client, 1)
    dispatch(session)
    link = smtp.messages[0]["List-Unsubscribe"].strip("<>")
    response = client.post(link.replace("https://campaigns.example.org", ""),
                           data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    from campaigns.nudges import settings as notification_settings

    session.commit()
    session.expire_all()
    assert notification_settings.get(session, people.client).muted_kinds == ["message"]


def test_a_mail_sent_twice_after_a_crash_has_the_same_message_id(session, people, smtp):
    at(NOON)
    _mails(session, people.client, 1)
    [row] = dispatcher.claim(session, worker="will-crash")
    email.send_nudge(session, session.get(dispatcher.Nudge, row.id))  # sent, then the sender dies unmarked
    at(NOON + timedelta(minutes=6))
    dispatcher.recover_leases(session)
    dispatch(session)
    first, second = smtp.messages
    assert first["Message-ID"] == second["Message-ID"] == email.message_id_for(row.dedupe_key)
    assert [n.status for n in nudges(session)] == ["sent"]


def test_with_the_smtp_server_down_nothing_is_lost_and_each_mail_arrives_once_when_it_is_back(
        session, people, smtp):
    at(NOON)
    smtp.stop()
    _mails(session, people.client, 3)
    dispatch(session)
    assert {(n.status, n.attempts) for n in nudges(session)} == {("failed", 1)}
    assert all("Connection" in n.last_error or "refused" in n.last_error.lower() for n in nudges(session))
    smtp.start()
    at(max(n.next_attempt_at for n in nudges(session)))
    dispatch(session)
    dispatch(session)
    at(clock.now() + timedelta(hours=2))
    dispatch(session)
    subjects = sorted(m["Subject"] for m in smtp.messages)
    assert subjects == ["Note 0", "Note 1", "Note 2"]
    assert {n.status for n in nudges(session)} == {"sent"}
