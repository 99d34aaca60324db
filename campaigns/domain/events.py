"""Domain events: past-tense facts, recorded in the `event` table in the same transaction as the change.

Every event names its organisation, and where it has them, its campaign, subject and a showable actor.
Fields beyond those become the JSON payload. Never put a concern's author or other private data in an event:
the log feeds activity pages and webhooks.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar


@dataclass(frozen=True, kw_only=True)
class Event:
    subject_type: ClassVar[str | None] = None
    org_id: int
    campaign_id: int | None = None
    subject_id: int | None = None
    #: a person who may be shown as having done it; None for the system or for confidential acts
    actor_id: int | None = None

    @property
    def type(self) -> str:
        return type(self).__name__

    def payload(self) -> dict[str, Any]:
        base = {f.name for f in fields(Event)}
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in base}


# -- concerns ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class ConcernRaised(Event):
    subject_type = "concern"
    title: str


@dataclass(frozen=True, kw_only=True)
class ConcernSupported(Event):
    subject_type = "concern"


@dataclass(frozen=True, kw_only=True)
class ConcernBecameShared(Event):
    subject_type = "concern"
    title: str


@dataclass(frozen=True, kw_only=True)
class ConcernsMerged(Event):
    subject_type = "concern"
    merged_id: int


@dataclass(frozen=True, kw_only=True)
class ConcernAssessed(Event):
    subject_type = "assessment"
    concern_ids: list


# -- campaigns -----------------------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class CampaignLaunched(Event):
    subject_type = "campaign"
    name: str


@dataclass(frozen=True, kw_only=True)
class CampaignStageChanged(Event):
    subject_type = "campaign"
    from_stage: str
    to_stage: str


@dataclass(frozen=True, kw_only=True)
class MemberJoinedCampaign(Event):
    subject_type = "campaign"


@dataclass(frozen=True, kw_only=True)
class GoalSet(Event):
    subject_type = "goal"
    name: str
    target: int


@dataclass(frozen=True, kw_only=True)
class GoalProposed(Event):
    subject_type = "goal"
    name: str


@dataclass(frozen=True, kw_only=True)
class GoalDeclined(Event):
    subject_type = "goal"
    name: str


@dataclass(frozen=True, kw_only=True)
class GoalChanged(Event):
    """An accepted goal's name, target, due date or weight changed (progress is measured against it)."""

    subject_type = "goal"
    name: str
    target: int
    due_on: str | None


# -- volunteering --------------------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class ActionPlanned(Event):
    subject_type = "action"
    title: str
    starts_at: str


@dataclass(frozen=True, kw_only=True)
class ActionRescheduled(Event):
    subject_type = "action"
    old_starts_at: str
    new_starts_at: str


@dataclass(frozen=True, kw_only=True)
class ActionCancelled(Event):
    subject_type = "action"
    title: str


@dataclass(frozen=True, kw_only=True)
class TaskCreated(Event):
    subject_type = "task"
    title: str
    capacity: int


@dataclass(frozen=True, kw_only=True)
class TaskCapacityChanged(Event):
    subject_type = "task"
    capacity: int


@dataclass(frozen=True, kw_only=True)
class SignupConfirmed(Event):
    subject_type = "signup"
    task_id: int


@dataclass(frozen=True, kw_only=True)
class SignupWaitlisted(Event):
    subject_type = "signup"
    task_id: int


@dataclass(frozen=True, kw_only=True)
class SignupPromoted(Event):
    subject_type = "signup"
    task_id: int


@dataclass(frozen=True, kw_only=True)
class GuestSignupRequested(Event):
    """Someone asked for a place from a public page; it is theirs only once they confirm (no person here)."""

    subject_type = "signup"
    task_id: int


@dataclass(frozen=True, kw_only=True)
class SignupCancelled(Event):
    subject_type = "signup"
    task_id: int
    was: str


@dataclass(frozen=True, kw_only=True)
class AttendanceRecorded(Event):
    """Attendance is private: the payload carries no person and no value others may see."""

    subject_type = "signup"
    task_id: int


@dataclass(frozen=True, kw_only=True)
class ContributionLogged(Event):
    subject_type = "contribution"
    goal_id: int
    amount: float


@dataclass(frozen=True, kw_only=True)
class ContributionVerified(Event):
    subject_type = "contribution"
    goal_id: int
    amount: float


@dataclass(frozen=True, kw_only=True)
class ContributionRejected(Event):
    subject_type = "contribution"
    goal_id: int


@dataclass(frozen=True, kw_only=True)
class VolunteersMessaged(Event):
    subject_type = "task"
    recipients: int
    #: set when all volunteers of an action were messaged (subject_id is then None)
    action_id: int | None = None


# -- progress and evaluation ---------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class GoalMilestoneReached(Event):
    subject_type = "goal"
    percent: int


@dataclass(frozen=True, kw_only=True)
class GoalReached(Event):
    subject_type = "goal"
    name: str


@dataclass(frozen=True, kw_only=True)
class OutcomeRecorded(Event):
    subject_type = "outcome"
    result: str


@dataclass(frozen=True, kw_only=True)
class CampaignStalled(Event):
    subject_type = "campaign"
    days: int
