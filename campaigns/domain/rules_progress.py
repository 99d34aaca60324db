"""Pure rules of progress and evaluation: milestones, weighted progress, stalling, k-anonymous counts, URLs."""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from campaigns.domain.text import N_

#: milestones recorded once each; 100 is recorded as GoalReached
MILESTONES: tuple[int, ...] = (25, 50, 75, 100)
#: stages in which a campaign is expected to move, so going quiet means it stalled
ACTIVE_STAGES = frozenset({"assessment", "collaboration", "intervention"})
OUTCOME_RESULTS = ("achieved", "partly", "not_achieved", "too_early")
REFLECTION_ITEMS = ("influence", "connected", "know_how")
REFLECTION_PHASES = ("before", "after")


def goal_fraction(current: float, target: float) -> float:
    """How far a goal is, from 0 to 1: counted amount over target, never above 1."""
    if target <= 0:
        return 0.0
    return max(0.0, min(current / target, 1.0))


def weighted_progress(goals: Iterable[tuple[float, float, float]]) -> float:
    """Campaign progress: the weight-weighted mean of (weight, current, target) goals' fractions (0 if none)."""
    total = done = 0.0
    for weight, current, target in goals:
        total += weight
        done += weight * goal_fraction(current, target)
    return done / total if total else 0.0


def percent(current: float, target: float) -> int:
    """Whole percent reached, floored, 0..100."""
    return int(goal_fraction(current, target) * 100 + 1e-9)


def milestones_crossed(current: float, target: float) -> list[int]:
    """The milestones at or below the goal's percent, lowest first."""
    reached = percent(current, target)
    return [m for m in MILESTONES if m <= reached]


def is_stalled(stage: str, last_activity_at: datetime, now: datetime, days: int) -> bool:
    """No verified contribution, sign-up or stage change for `days` while the campaign should be moving."""
    return stage in ACTIVE_STAGES and now - last_activity_at >= timedelta(days=days)


def shown_count(count: int, k: int) -> int | None:
    """A count of people-derived things: exact from k up, or 0; None ("fewer than k") in between."""
    return count if count == 0 or count >= k else None


def enough_answers(answered: int, k: int) -> bool:
    """Empowerment answers are shown only as aggregates over at least k people."""
    return answered >= k


def evidence_url_problem(url: str) -> str | None:
    """Why a link can't be evidence (only http and https links are), or None."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return N_("Give a link starting with https:// or http://.")
    return None


def webhook_url_problem(url: str, *, allow_http: bool) -> str | None:
    """Why a webhook can't be sent to `url`, or None.

    Outside development and testing only HTTPS to a public host is allowed, so the app can't be pointed at
    its own network (server-side request forgery).
    """
    parts = urlsplit(url)
    if parts.scheme not in ({"https", "http"} if allow_http else {"https"}) or not parts.hostname:
        return N_("Give an https:// address.") if not allow_http else N_("Give an http:// or https:// address.")
    if parts.username or parts.password:
        return N_("Leave the user name and password out of the address.")
    if not allow_http and is_private_host(parts.hostname):
        return N_("Give a public address: local and private network addresses can't receive webhooks.")
    return None


def host_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host names as a literal, in any form a resolver takes: 127.0.0.1 and [::1], but also the
    legacy IPv4 spellings (0x7f000001, 2130706433, 0177.0.0.1, 127.1) that inet_aton reads. None for a name."""
    host = host.strip("[]").split("%")[0]
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if not re.fullmatch(r"[0-9a-fA-FxX.]+", host):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None  # a name made of hex letters, like cafe.de


def is_private_host(host: str) -> bool:
    """Whether `host` names this machine or a private network (by name or address literal, in any spelling)."""
    if host.lower() in {"localhost", "localhost.localdomain"} or host.lower().endswith(".localhost"):
        return True
    address = host_address(host)
    return address is not None and not address.is_global


def summarize_answers(answers: list[tuple[int, int, int]], k: int) -> dict | None:
    """Mean and distribution (counts of 1..5) per item over (influence, connected, know_how) answers.

    None when fewer than k people answered: then nothing at all is shown, not even how many answered.
    """
    if not enough_answers(len(answers), k):
        return None
    summary: dict = {"answered": len(answers), "items": {}}
    for index, item in enumerate(REFLECTION_ITEMS):
        values = [answer[index] for answer in answers]
        summary["items"][item] = {
            "mean": round(sum(values) / len(values), 2),
            "distribution": [values.count(score) for score in range(1, 6)],
        }
    return summary
