"""Pure rules of volunteering: action kinds, local times, capacity, sign-up windows, contribution bounds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from campaigns.domain.rules import is_valid_timezone
from campaigns.domain.text import N_

#: kind -> how people read it
ACTION_KINDS: dict[str, str] = {
    "meeting_decision_maker": N_("Meeting with a decision-maker"),
    "town_hall": N_("Town hall or public meeting"),
    "letter_writing": N_("Letter writing"),
    "petition_drive": N_("Petition drive"),
    "call_in": N_("Call-in"),
    "community_gathering": N_("Community gathering"),
    "training": N_("Training"),
    "other": N_("Other"),
}

MIN_CAPACITY, MAX_CAPACITY = 1, 10_000
MAX_AMOUNT = 100_000
MAX_HOURS = 1_000
#: self check-in opens this long before an action starts and closes this long after it ends
CHECKIN_OPENS = timedelta(hours=1)
CHECKIN_CLOSES = timedelta(hours=3)


class RuleBroken(ValueError):
    """A broken rule, with the field it is about, for services to turn into Invalid."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


def to_utc(moment: datetime, zone: str, *, field: str) -> datetime:
    """A wall-clock time in `zone` (naive), or an aware moment, as UTC.

    A wall-clock time that does not exist (the hour skipped when clocks go forward) is refused rather than
    silently moved, so nobody turns up an hour early.
    """
    if not 1900 <= moment.year <= 9000:  # converting the year 1 or 9999 across zones overflows datetime
        raise RuleBroken(N_("Choose a date between 1900 and 9000."), field)
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    if not is_valid_timezone(zone):
        raise RuleBroken(N_("Choose a time zone from the list, like Europe/London."), "timezone")
    local = moment.replace(tzinfo=ZoneInfo(zone))
    utc = local.astimezone(UTC)
    if utc.astimezone(ZoneInfo(zone)).replace(tzinfo=None) != moment:
        raise RuleBroken(N_("That time doesn't exist there (the clocks change then). Choose another time."), field)
    return utc


def check_window(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise RuleBroken(N_("The end must be after the start."), "ends_at")
    if ends_at - starts_at > timedelta(days=31):
        raise RuleBroken(N_("An action can last at most 31 days. Split longer work into several actions."), "ends_at")


def check_capacity(capacity: int) -> None:
    if not MIN_CAPACITY <= capacity <= MAX_CAPACITY:
        raise RuleBroken(N_("Choose how many people between %(low)s and %(high)s.",
                            low=MIN_CAPACITY, high=MAX_CAPACITY), "capacity")


def check_capacity_change(new: int, confirmed: int) -> None:
    check_capacity(new)
    if new < confirmed:
        raise RuleBroken(
            N_("%(n)s people are already confirmed, so the capacity can't go below %(n)s. "
               "Raise it, or ask someone to step back first.", n=confirmed), "capacity")


def check_place(address: str | None, online_link: str | None) -> None:
    if not (address or online_link):
        raise RuleBroken(N_("Add an address, or an online link for online actions."), "address")
    if online_link and not online_link.lower().startswith(("https://", "http://")):
        raise RuleBroken(N_("Use a full web address starting with https://."), "online_link")


def signup_closed_reason(*, action_status: str | None, ends_at: datetime | None, deadline: datetime | None,
                         now: datetime) -> str | None:
    """Why nobody can sign up any more, or None while they can."""
    if action_status == "cancelled":
        return N_("This action was cancelled, so it isn't taking sign-ups.")
    if ends_at is not None and ends_at <= now:
        return N_("This has already happened, so it isn't taking sign-ups.")
    if deadline is not None and deadline <= now:
        return N_("The deadline for this task has passed, so it isn't taking sign-ups.")
    return None


def has_ended(ends_at: datetime | None, now: datetime) -> bool:
    """Whether an action (or a task, by its end or deadline) is over: it then reads as ended, with no step-back."""
    return ends_at is not None and ends_at <= now


def checkin_form_shown(starts_at: datetime, ends_at: datetime, now: datetime) -> bool:
    """The check-in form is offered on the day only: from shortly before the start until the end."""
    return starts_at - CHECKIN_OPENS <= now < ends_at


def checkin_open(starts_at: datetime, ends_at: datetime, now: datetime) -> bool:
    return starts_at - CHECKIN_OPENS <= now <= ends_at + CHECKIN_CLOSES


def check_contribution(amount: float, hours: float) -> None:
    if not 0 < amount <= MAX_AMOUNT:
        raise RuleBroken(N_("Enter an amount above 0 and at most %(n)s.", n=MAX_AMOUNT), "amount")
    if not 0 <= hours <= MAX_HOURS:
        raise RuleBroken(N_("Enter hours between 0 and %(n)s.", n=MAX_HOURS), "hours")


def may_see_place(*, address_public: bool, is_confirmed: bool, is_coordinator: bool) -> bool:
    """A private address (or link) is shown only to confirmed volunteers and coordinators."""
    return address_public or is_confirmed or is_coordinator


def csv_safe(value: object) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
