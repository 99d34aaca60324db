"""Nudges: messages the system sends on its own, as rows the scheduler delivers.

`plan()` is how every feature asks for a nudge: it inserts one row per channel, keyed by a dedupe key, so
planning twice inserts once. Delivery, care rules and retries live in delivery/ and the scheduler jobs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from campaigns import clock
from campaigns.db import insert_ignore
from campaigns.domain.model import Nudge


def anchor_checksum(moment: datetime | None) -> str:
    """A short checksum of the time a nudge is anchored to; a moved anchor gives another (Decidim)."""
    return hashlib.sha256((moment.isoformat() if moment else "-").encode()).hexdigest()[:12]


@dataclass(frozen=True, kw_only=True)
class NudgeSpec:
    recipient_id: int | None
    kind: str
    subject_type: str
    subject_id: int | None
    #: identifies the rule or reason (e.g. "rule:12", "message:abc"); part of the dedupe key
    reason: str
    org_id: int | None = None
    campaign_id: int | None = None
    due_at: datetime | None = None  #: None: at once
    expires_at: datetime | None = None  #: after this the nudge is skipped, never sent late
    anchor: datetime | None = None  #: the time it is about (action start…); its checksum is in the key
    channels: tuple[str, ...] = ("inapp", "email")
    rule_id: int | None = None
    endpoint_id: int | None = None
    payload: dict = field(default_factory=dict)

    def dedupe_key(self, channel: str) -> str:
        who = f"u{self.recipient_id}" if self.recipient_id is not None else f"e{self.endpoint_id}"
        return f"{self.reason}|{who}|{self.subject_type}:{self.subject_id}|{anchor_checksum(self.anchor)}|{channel}"


def plan(session: Session, spec: NudgeSpec) -> int:
    """Plan a nudge on each of its channels, inside the caller's transaction. Returns how many rows were new."""
    due = spec.due_at or clock.now()
    rows = [
        {
            "dedupe_key": spec.dedupe_key(channel)[:200],
            "org_id": spec.org_id,
            "campaign_id": spec.campaign_id,
            "recipient_id": spec.recipient_id,
            "endpoint_id": spec.endpoint_id,
            "kind": spec.kind,
            "rule_id": spec.rule_id,
            "subject_type": spec.subject_type,
            "subject_id": spec.subject_id,
            "anchor_checksum": anchor_checksum(spec.anchor),
            "channel": channel,
            "due_at": due,
            "expires_at": spec.expires_at,
            "status": "planned",
            "attempts": 0,
            "next_attempt_at": due,
            "payload": spec.payload,
            "created_at": clock.now(),
        }
        for channel in spec.channels
    ]
    return insert_ignore(session, Nudge.__table__, rows, unique=["dedupe_key"])
