"""Care rules: whether a nudge goes out now, waits, or is dropped — decided again at the moment of sending.

`decide()` is the one pure function that holds them all. It reads only what it is given, so it is tested on its
own (tests/unit/test_care.py, with property-based tests).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from campaigns.domain.text import N_
from campaigns.nudges.planning.rules import DIGESTS, OPT_IN, SAFETY, TRANSACTIONAL, texted

#: what a folded nudge's skip reason says until its digest is sent
FOLDED = N_("Saved for your digest")
EXPIRED = N_("Its moment had passed, so it was not sent late")


@dataclass(frozen=True)
class Send:
    pass


@dataclass(frozen=True)
class Hold:
    until: datetime
    reason: str


@dataclass(frozen=True)
class Skip:
    reason: str


Decision = Send | Hold | Skip


@dataclass(frozen=True, kw_only=True)
class NudgeFacts:
    """The parts of a nudge care looks at."""

    kind: str
    channel: str
    expires_at: datetime | None = None
    #: why the nudge no longer fits its subject ("the action moved"); None while it still does
    stale: str | None = None


@dataclass(frozen=True, kw_only=True)
class PersonState:
    """The recipient as they are now: relationship, consent, settings and what they already had."""

    active: bool = True
    #: why they no longer belong to the nudge's audience ("you cancelled"); None while they still do
    gone: str | None = None
    timezone: str = "UTC"
    email_enabled: bool = True
    inapp_enabled: bool = True
    muted_kinds: frozenset[str] = frozenset()
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)
    daily_cap: int = 3
    weekly_cap: int = 10
    digest: str = "immediate"
    pause_until: datetime | None = None
    #: kinds they chose to have as texts (rules_nudges.SMS_KINDS), and whether they have a verified mobile
    sms_kinds: frozenset[str] = frozenset()
    mobile: bool = False
    #: when capped nudges on this channel were sent to them in the last week
    sent: tuple[datetime, ...] = field(default=())


def exempt(kind: str) -> bool:
    """Confirmations and safety notices: never held by quiet hours or caps, never folded or paused."""
    return kind in TRANSACTIONAL or kind in SAFETY


def capped(kind: str) -> bool:
    """Whether a kind counts toward (and is limited by) the daily and weekly caps."""
    return not exempt(kind) and kind not in DIGESTS


def decide(nudge: NudgeFacts, person: PersonState, now: datetime) -> Decision:
    """Send, hold until a later moment, or skip with a reason a person can read."""
    refusal = _refusal(nudge, person, now)
    if refusal:
        return Skip(refusal)
    if exempt(nudge.kind):
        return Send()
    if person.digest != "immediate" and nudge.kind not in DIGESTS and "digest" not in person.muted_kinds:
        return Skip(FOLDED)
    hold = _quiet_hold(person, now) or (_cap_hold(person, now) if capped(nudge.kind) else None)
    if hold is None:
        return Send()
    if nudge.expires_at is not None and hold.until >= nudge.expires_at:
        return Skip(f"{hold.reason}, and by then its moment had passed")
    return hold


def _refusal(nudge: NudgeFacts, person: PersonState, now: datetime) -> str | None:
    if nudge.stale:
        return nudge.stale
    if nudge.expires_at is not None and now >= nudge.expires_at:
        return EXPIRED
    if not person.active:
        return N_("The account is closed")
    if person.gone:
        return person.gone
    if nudge.channel == "email" and not person.email_enabled:
        return N_("Email is switched off in their settings")
    if nudge.channel == "inapp" and not person.inapp_enabled:
        return N_("In-app messages are switched off in their settings")
    # (a guest's confirmation code goes to the number they typed, which only the code can verify)
    if nudge.channel == "sms" and not person.mobile and nudge.kind not in OPT_IN:
        return N_("They have no verified mobile number")
    if nudge.channel == "sms" and not texted(nudge.kind, person.sms_kinds) and nudge.kind not in OPT_IN:
        return N_("Texts are not switched on for this kind of message")
    if nudge.kind in person.muted_kinds:
        return N_("They switched this kind of message off")
    if person.pause_until is not None and now < person.pause_until and nudge.kind not in SAFETY \
            and nudge.kind not in TRANSACTIONAL:
        return N_("They are taking a break from messages")
    return None


# -- quiet hours and caps ----------------------------------------------------------------------------------------
def in_quiet_hours(local: time, start: time, end: time) -> bool:
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end  # wraps past midnight (21:00–08:00)


def next_morning(now: datetime, person: PersonState, *, days: int = 0) -> datetime:
    """The next end of the person's quiet hours after `now` (at least `days` local days later), in UTC."""
    tz = ZoneInfo(person.timezone)
    local = now.astimezone(tz)
    day = local.date() + timedelta(days=days)
    candidate = datetime.combine(day, person.quiet_end, tzinfo=tz).astimezone(UTC)
    while candidate <= now:
        day += timedelta(days=1)
        candidate = datetime.combine(day, person.quiet_end, tzinfo=tz).astimezone(UTC)
    return candidate


def _quiet_hold(person: PersonState, now: datetime) -> Hold | None:
    local = now.astimezone(ZoneInfo(person.timezone)).time()
    if not in_quiet_hours(local, person.quiet_start, person.quiet_end):
        return None
    return Hold(next_morning(now, person), N_("It fell in their quiet hours"))


def _cap_hold(person: PersonState, now: datetime) -> Hold | None:
    tz = ZoneInfo(person.timezone)
    today = now.astimezone(tz).date()
    week = [s for s in person.sent if now - s < timedelta(days=7)]
    if len([s for s in week if s.astimezone(tz).date() == today]) >= person.daily_cap:
        return Hold(next_morning(now, person, days=1), N_("They had had their nudges for the day"))
    if len(week) >= person.weekly_cap:
        # the week frees a place when the oldest nudge in it is seven days old
        frees = sorted(week)[len(week) - person.weekly_cap] + timedelta(days=7) if person.weekly_cap else \
            now + timedelta(days=7)
        until = max(frees, now + timedelta(minutes=1))
        if in_quiet_hours(until.astimezone(tz).time(), person.quiet_start, person.quiet_end):
            until = next_morning(until, person)
        return Hold(until, N_("They had had their nudges for the week"))
    return None
