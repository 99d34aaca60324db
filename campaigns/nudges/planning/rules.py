"""Pure rules of nudges: the kinds, the built-in reminder rules, when a rule falls due, how long a nudge stays
worth sending, and how failed deliveries are retried. No database here."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from campaigns.domain.text import N_

# -- kinds -----------------------------------------------------------------------------------------------------
#: answers to something the person just did: never held, capped or folded into a digest
TRANSACTIONAL = frozenset({"signup_confirmed", "signup_waitlisted", "signup_promoted", "guest_confirmation"})
#: sent on the channel the person gave for it, whatever channels they chose for everything else
OPT_IN = frozenset({"guest_confirmation"})
#: changes someone needs before turning up: exempt from caps, quiet hours, digests and pauses
SAFETY = frozenset({"action_moved", "action_cancelled"})
DIGESTS = frozenset({"digest", "coordinator_digest"})
#: kinds a person may switch off on their settings page, with the words shown there
MUTABLE_KINDS: dict[str, str] = {
    "day_before": N_("The day before an action you signed up for"),
    "two_hours_before": N_("Two hours before an action"),
    "after_action": N_("“How did it go?” after an action"),
    "task_deadline": N_("A task's deadline is coming up"),
    "unfilled_tasks": N_("An action still needs volunteers"),
    "reminder": N_("Other reminders your coordinators set up"),
    "message": N_("Messages from coordinators to volunteers"),
    "outcome_review": N_("Coordinators: time to review an outcome"),
    "capacity_alert": N_("Coordinators: a task is filling up"),
    "goal_milestone": N_("Coordinators: a goal reached a milestone"),
    "campaign_stalled": N_("Coordinators: a campaign has gone quiet"),
    "coordinator_digest": N_("Coordinators: the Monday summary"),
    "digest": N_("My daily or weekly digest"),
    "sms_budget": N_("Coordinators: the group's monthly texts are running out"),
}

#: kinds a person may also have as a text, with the words shown on their settings page: what matters on the
#: day (a place, a reminder, a change), never coordinators' alerts or digests
SMS_KINDS: dict[str, str] = {
    "signup_confirmed": N_("You signed up (or got a place from the waiting list)"),
    "signup_waitlisted": N_("You joined a waiting list"),
    "day_before": N_("The day before an action you signed up for"),
    "two_hours_before": N_("Two hours before an action"),
    "task_deadline": N_("A task's deadline is coming up"),
    "action_moved": N_("An action you signed up for moved or was cancelled"),
}
#: kinds that go as a text when the person chose the kind named here
SMS_KIND_OF = {"signup_promoted": "signup_confirmed", "action_cancelled": "action_moved"}
#: the switchable kinds that only people who run campaigns receive (their settings page alone lists them)
COORDINATOR_KINDS = frozenset({"outcome_review", "capacity_alert", "goal_milestone", "campaign_stalled",
                               "coordinator_digest", "sms_budget"})

ANCHORS = ("action_start", "action_end", "task_deadline", "campaign_deadline", "goal_due", "signup", "event")
AUDIENCES = ("confirmed", "waitlisted", "members_without_signup", "coordinators", "consenting_workers")
CHANNELS = ("inapp", "email")
#: the templates a coordinator's own rule may use (each is a kind of nudge with its own wording)
RULE_TEMPLATES = ("reminder", "day_before", "two_hours_before", "after_action", "task_deadline", "unfilled_tasks")
#: the subject a rule's anchor belongs to
ANCHOR_SUBJECT = {"action_start": "action", "action_end": "action", "task_deadline": "task",
                  "campaign_deadline": "campaign", "goal_due": "goal", "signup": "signup"}
#: how far a coordinator's rule may reach from its anchor
MAX_OFFSET_DAYS = 30


@dataclass(frozen=True, kw_only=True)
class RuleDef:
    """One reminder rule as the planner sees it: a built-in default, possibly changed by a campaign, or a
    coordinator's own rule."""

    key: str  #: the built-in key ('day_before') or 'rule:<id>'
    name: str
    anchor: str
    audience: str
    template: str
    offset_minutes: int = 0
    local_time: time | None = None
    offset_days: int = 0
    channels: tuple[str, ...] = CHANNELS
    enabled: bool = True
    rule_id: int | None = None
    #: planned only by its event (a confirmation), never by the sweep
    event_only: bool = False
    #: the coordinator may switch it off and pick channels, but not move it
    fixed_timing: bool = False

    @property
    def builtin(self) -> bool:
        return not self.key.startswith("rule:")

    def timing(self) -> str:
        """A short fingerprint of when the rule fires; part of the dedupe key, so a changed rule plans anew."""
        when = self.local_time.strftime("%H%M") if self.local_time else "-"
        return f"{self.anchor}{self.offset_minutes:+d}{self.offset_days:+d}{when}"

    def reason(self) -> str:
        return f"{self.key}@{self.timing()}"


#: the defaults every campaign starts with (Mobilize's sequence, Decidim's alerts); see README
BUILTIN_RULES: tuple[RuleDef, ...] = (
    RuleDef(key="signup_confirmed", name=N_("Confirmation when someone signs up"), anchor="signup",
            audience="confirmed", template="signup_confirmed", event_only=True, fixed_timing=True),
    RuleDef(key="signup_waitlisted", name=N_("Note when someone joins a waiting list"), anchor="signup",
            audience="waitlisted", template="signup_waitlisted", event_only=True, fixed_timing=True),
    RuleDef(key="signup_promoted", name=N_("Note when someone gets a place from the waiting list"), anchor="signup",
            audience="confirmed", template="signup_promoted", event_only=True, fixed_timing=True),
    RuleDef(key="day_before", name=N_("The day before, at 11:00 where the action happens"), anchor="action_start",
            audience="confirmed", template="day_before", local_time=time(11, 0), offset_days=-1),
    RuleDef(key="two_hours_before", name=N_("Two hours before"), anchor="action_start", audience="confirmed",
            template="two_hours_before", offset_minutes=-120),
    RuleDef(key="after_action", name=N_("“How did it go?” an hour after the end"), anchor="action_end",
            audience="confirmed", template="after_action", offset_minutes=60),
    RuleDef(key="task_deadline", name=N_("48 hours before a task's deadline"), anchor="task_deadline",
            audience="confirmed", template="task_deadline", offset_minutes=-48 * 60),
    RuleDef(key="unfilled_tasks", name=N_("Places still free, 72 hours before an action"), anchor="action_start",
            audience="members_without_signup", template="unfilled_tasks", offset_minutes=-72 * 60),
    RuleDef(key="capacity_alert", name=N_("Coordinators: a task fills to 50, 80 or 100 %"), anchor="event",
            audience="coordinators", template="capacity_alert", event_only=True, fixed_timing=True),
    RuleDef(key="goal_milestone", name=N_("Coordinators: a goal reached 25, 50, 75 or 100 %"), anchor="event",
            audience="coordinators", template="goal_milestone", event_only=True, fixed_timing=True),
    RuleDef(key="campaign_stalled", name=N_("Coordinators: no activity for two weeks"), anchor="event",
            audience="coordinators", template="campaign_stalled", event_only=True, fixed_timing=True),
)
BUILTIN_KEYS = frozenset(rule.key for rule in BUILTIN_RULES)
CAPACITY_STEPS = (50, 80, 100)
MILESTONE_STEPS = (25, 50, 75, 100)


def texted(kind: str, chosen) -> bool:
    """Whether a nudge of this kind goes as a text to someone who chose the kinds `chosen`."""
    return SMS_KIND_OF.get(kind, kind) in chosen


def builtin(key: str) -> RuleDef:
    return next(rule for rule in BUILTIN_RULES if rule.key == key)


def with_override(rule: RuleDef, **changes) -> RuleDef:
    """A built-in rule as a campaign changed it (timing only where the timing may move)."""
    if rule.fixed_timing:
        changes = {k: v for k, v in changes.items() if k in {"enabled", "channels", "rule_id", "name"}}
    return replace(rule, **changes)


# -- timing ----------------------------------------------------------------------------------------------------
def due_at(rule: RuleDef, anchor: datetime, zone: str) -> datetime:
    """When `rule` fires for an anchor: an offset from it, or a wall-clock time in `zone` on a day near it."""
    if rule.local_time is None:
        return anchor + timedelta(minutes=rule.offset_minutes)
    tz = ZoneInfo(zone)
    day = anchor.astimezone(tz).date() + timedelta(days=rule.offset_days)
    return datetime.combine(day, rule.local_time, tzinfo=tz).astimezone(UTC)


#: how long a nudge at or after its anchor ("how did it go?", a confirmation) stays worth sending
AFTER_WINDOW = timedelta(days=2)
#: planning never creates a nudge that is already this late (a sign-up the evening before gets no
#: "day before" reminder on top of its confirmation)
PLAN_GRACE = timedelta(minutes=30)


def expires_at(due: datetime, anchor: datetime) -> datetime:
    """A reminder before its anchor is worthless once the anchor has come; one after it lasts a while."""
    return anchor if due < anchor else due + AFTER_WINDOW


def worth_planning(due: datetime, expires: datetime | None, now: datetime) -> bool:
    return (expires is None or expires > now) and due >= now - PLAN_GRACE


def day_start(day: date, zone: str) -> datetime:
    """Midnight at the start of `day` in `zone`, in UTC: the anchor of a date (a campaign deadline)."""
    return datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(zone)).astimezone(UTC)


# -- retries ---------------------------------------------------------------------------------------------------
MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(minutes=11)


def retry_delay(failures: int, jitter: float) -> timedelta:
    """Exponential backoff with ±20 % jitter: 11 min, 22 min … about 24 h over 7 retries (jitter in [0, 1))."""
    return BACKOFF_BASE * (2 ** max(0, failures - 1)) * (0.8 + 0.4 * jitter)


def is_dead(failures: int) -> bool:
    return failures >= MAX_ATTEMPTS

#: the signed purpose of a guest's "stop everything" link (services/guests checks it, planning/guests signs it)
STOP_PURPOSE = "guest_stop"
