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
import json
import socket
import urllib.error
import urllib.request
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
    if problem is None and not allow_http and _resolves_privately(endpoint.url):
        problem = "The address resolves to a private network."
    if problem:
        raise WebhookError(problem)
    body = body_of(nudge.payload.get("body", {}))
    msg_id = nudge.payload.get("webhook_id") or f"msg_{nudge.dedupe_key}"
    post(endpoint.url, body, headers_for(endpoint.secret, msg_id, body))


def post(url: str, body: str, headers: dict[str, str]) -> int:
    """POST without following redirects or using proxies; returns the 2xx status or raises WebhookError."""
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")  # noqa: S310
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        raise WebhookError(f"The endpoint answered HTTP {error.code}.") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise WebhookError(f"Could not reach the endpoint: {reason}"[:500]) from None
    if not 200 <= status < 300:
        raise WebhookError(f"The endpoint answered HTTP {status}.")
    return status


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a delivery: it could point anywhere (even at our own network)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise urllib.error.HTTPError(req.full_url, code, "redirects are not followed", headers, fp)


def _resolves_privately(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False  # unreachable hosts fail at connect time, with a clearer message
    return any(rules.is_private_host(address) for address in addresses)
