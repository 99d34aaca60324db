"""The webhook channel: POST a signed JSON event to a subscriber, the Standard Webhooks way.

The nudges dispatcher calls `send(session, nudge)` for nudges on the "webhook" channel and owns retries with
backoff; `send` raises on any failure. Headers: webhook-id (the same on every retry, so receivers can drop
duplicates), webhook-timestamp (seconds, at this attempt) and webhook-signature
`v1,<base64 HMAC-SHA256(secret, "{id}.{timestamp}.{body}")>`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import socket
import ssl
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlmodel import Session

from campaigns import clock
from campaigns.domain import rules_progress as rules
from campaigns.domain.model import Nudge, WebhookEndpoint

SECRET_PREFIX = "whsec_"  # noqa: S105 (the Standard Webhooks prefix, not a secret)
#: seconds to connect and to wait for the answer
TIMEOUT = 10
USER_AGENT = "Campaigns-Webhooks/1.0"


class WebhookError(Exception):
    """A delivery that did not get a 2xx answer; the message goes to the nudge's last_error."""


def body_of(payload: dict[str, Any]) -> str:
    """The exact body bytes, the same on every attempt (sorted keys, no spaces)."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def signature(secret: str, msg_id: str, timestamp: int, body: str) -> str:
    """`v1,` + base64(HMAC-SHA256(secret bytes, "{id}.{timestamp}.{body}"))."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    digest = hmac.new(key, f"{msg_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers_for(secret: str, msg_id: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    timestamp = int(clock.now().timestamp()) if timestamp is None else timestamp
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, msg_id, timestamp, body),
    }


def send(session: Session, nudge: Nudge) -> None:
    """Deliver one webhook nudge; raises WebhookError unless the endpoint answered 2xx."""
    endpoint = session.get(WebhookEndpoint, nudge.endpoint_id) if nudge.endpoint_id else None
    if endpoint is None or not endpoint.enabled:
        raise WebhookError("The endpoint is switched off.")
    allow_http = current_app.config["ALLOW_HTTP_WEBHOOKS"]
    problem = rules.webhook_url_problem(endpoint.url, allow_http=allow_http)
    if problem:
        raise WebhookError(problem)
    address = resolve(endpoint.url, allow_private=allow_http)
    body = body_of(nudge.payload.get("body", {}))
    msg_id = nudge.payload.get("webhook_id") or f"msg_{nudge.dedupe_key}"
    post(endpoint.url, body, headers_for(endpoint.secret, msg_id, body), address=address)


def resolve(url: str, *, allow_private: bool) -> str:
    """The one address the delivery connects to, resolved once and checked: connecting by name would resolve it
    again, and a name can answer a public address to the check and a private one to the connection (DNS
    rebinding)."""
    parts = urlsplit(url)
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or _PORTS[parts.scheme], type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise WebhookError(f"Could not resolve the endpoint's name: {error}"[:500]) from None
    addresses = [info[4][0] for info in found]
    if not addresses:
        raise WebhookError("Could not resolve the endpoint's name.")
    if not allow_private and any(rules.is_private_host(address) for address in addresses):
        raise WebhookError("The address resolves to a private network.")
    return addresses[0]


_PORTS = {"http": 80, "https": 443}


def post(url: str, body: str, headers: dict[str, str], *, address: str) -> int:
    """POST to `address` (the checked one) as `url`'s host: TLS verifies the host's certificate. Redirects are
    not followed (a redirect could point anywhere, even at our own network) and no proxy is used. Returns the
    2xx status or raises WebhookError."""
    parts = urlsplit(url)
    kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    connection = kind(parts.hostname, parts.port, address=address, timeout=TIMEOUT)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=body.encode(), headers=headers)
        status = connection.getresponse().status
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise WebhookError(f"Could not reach the endpoint: {error}"[:500]) from None
    finally:
        connection.close()
    if not 200 <= status < 300:
        raise WebhookError(f"The endpoint answered HTTP {status}.")
    return status


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to a fixed address, whatever the host name resolves to now."""

    def __init__(self, host: str, port: int | None, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(_PinnedHTTP):
    """HTTPS to a fixed address, verifying the certificate of the URL's host name."""

    default_port = 443

    def connect(self):
        super().connect()
        self.sock = ssl.create_default_context().wrap_socket(self.sock, server_hostname=self.host)


#: the name every channel sends one nudge by (the dispatcher calls channels alike)
send_nudge = send
