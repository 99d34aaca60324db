"""A loopback HTTP server that speaks Twilio's Messages REST contract, for the SMS channel's tests.

POST /2010-04-01/Accounts/{AccountSid}/Messages.json with HTTP basic auth (account sid, auth token) and form
fields To, From or MessagingServiceSid, Body, StatusCallback; it answers 201 with the message as JSON (sid,
status "queued", to, from, body, num_segments…), or Twilio's error JSON (code, message, more_info, status).
`refuse_next(status, code, message)` makes the next requests fail, to test provider errors and retries.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "loopback-auth-token-0123456789ab"  # noqa: S105 (a test server's)
FROM_NUMBER = "+447700900000"
PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>AC\w{32})/Messages\.json$")


class LoopbackTwilio:
    def __init__(self, account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN):
        self.account_sid, self.auth_token = account_sid, auth_token
        self.received: list[dict] = []  #: every request that reached the Messages resource, with its answer
        self._refusals: list[tuple[int, int, str]] = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def accepted(self) -> list[dict]:
        return [r["form"] for r in self.received if r["status"] == 201]

    def refuse_next(self, status: int, code: int, message: str, times: int = 1) -> None:
        with self._lock:
            self._refusals.extend([(status, code, message)] * times)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    # -- the contract ---------------------------------------------------------------------------------------
    def answer(self, path: str, authorization: str, form: dict[str, str]) -> tuple[int, dict]:
        match = PATH.match(path)
        if match is None:
            return 404, _error(20404, "The requested resource was not found", 404)
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if match["sid"] != self.account_sid or authorization != f"Basic {expected}":
            return 401, _error(20003, "Authenticate", 401)
        with self._lock:
            refusal = self._refusals.pop(0) if self._refusals else None
        if refusal:
            status, code, message = refusal
            return status, _error(code, message, status)
        if not form.get("To", "").startswith("+"):
            return 400, _error(21211, f"The 'To' number {form.get('To')} is not a valid phone number.", 400)
        if not form.get("Body"):
            return 400, _error(21602, "Message body is required.", 400)
        if not form.get("From") and not form.get("MessagingServiceSid"):
            return 400, _error(21603, "A 'From' or 'MessagingServiceSid' parameter is required.", 400)
        sid = "SM" + secrets.token_hex(16)
        return 201, {"sid": sid, "account_sid": self.account_sid, "status": "queued", "to": form["To"],
                     "from": form.get("From"), "messaging_service_sid": form.get("MessagingServiceSid"),
                     "body": form["Body"], "num_segments": "1", "direction": "outbound-api",
                     "error_code": None, "error_message": None, "price": None,
                     "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json"}

    def _handler(self):
        loopback = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (the http.server API)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
                status, body = loopback.answer(self.path, self.headers.get("Authorization", ""), form)
                with loopback._lock:
                    loopback.received.append({"path": self.path, "form": form, "status": status, "answer": body})
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):  # quiet: the test output is for the tests
                pass

        return Handler


def _error(code: int, message: str, status: int) -> dict:
    return {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status}


def configure(app, server: LoopbackTwilio, **more) -> None:
    """Point the app's SMS channel at the loopback server."""
    app.config.update(TWILIO_ACCOUNT_SID=server.account_sid, TWILIO_AUTH_TOKEN=server.auth_token,
                      TWILIO_FROM_NUMBER=FROM_NUMBER, TWILIO_API_BASE=server.url, **more)
    app.extensions.pop("campaigns.twilio", None)


def give_mobile(session, person, number: str) -> None:
    """A verified mobile for `person`, with texts chosen for every kind that may go by text."""
    from campaigns import clock
    from campaigns.domain.model import NotificationSettings
    from campaigns.nudges.planning import rules as rn

    person.mobile, person.mobile_verified_at = number, clock.now()
    session.add(person)
    settings = session.get(NotificationSettings, person.id) or NotificationSettings(user_id=person.id)
    settings.sms_kinds = sorted(rn.SMS_KINDS)
    session.add(settings)
    session.commit()
