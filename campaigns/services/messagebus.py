"""Recording domain events, and the one map of what happens after each.

`record()` appends the event to the log and runs its handlers in the same transaction: handlers update cheap
derived state and plan nudges (rows) for slow effects, which the scheduler delivers later.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from sqlmodel import Session

from campaigns.domain import events as ev
from campaigns.domain.model import EventRecord

Handler = Callable[[Session, ev.Event, EventRecord], None]


@cache
def handlers() -> dict[type[ev.Event], tuple[Handler, ...]]:
    """Event type -> handlers, in order. This is the page that answers "what happens when…?"."""
    # Imported here, not at the top: these modules call record() from this one.
    # (Feature handler modules are added to this map as they land.)
    from campaigns.nudges.planning import guests as guest_nudges
    from campaigns.nudges.planning import handlers as nudge_handlers
    from campaigns.services import contributions, progress, reflections

    return {
        # goal progress: the contribution's amount moves its goal in the same transaction (keep this first);
        # then campaign progress is recomputed from the counters and milestones are recorded once each
        ev.ContributionLogged: (contributions.count_if_pending_counts, progress.on_counter_changed),
        ev.ContributionVerified: (contributions.count_verified, progress.on_contribution_verified),
        ev.ContributionRejected: (contributions.uncount_rejected, progress.on_counter_changed),
        # a sign-up or a stage change shows the campaign is moving (not stalled)
        ev.SignupConfirmed: (progress.touch_activity, nudge_handlers.on_signup_confirmed),
        ev.CampaignStageChanged: (progress.touch_activity, nudge_handlers.on_campaign_stage_changed,
                                  reflections.invite_on_closing),
        # the weighted mean of a campaign's goals changes with its goals
        ev.GoalSet: (progress.on_goals_changed, nudge_handlers.on_goal_set),
        ev.GoalChanged: (progress.on_goals_changed, nudge_handlers.on_goal_set),
        ev.GoalDeclined: (progress.on_goals_changed,),
        # nudges: confirmations at once, reminders planned (or skipped) in the same transaction as the change;
        # moved or cancelled actions skip stale reminders and tell volunteers; coordinators hear of milestones
        ev.SignupWaitlisted: (nudge_handlers.on_signup_waitlisted,),
        ev.SignupPromoted: (nudge_handlers.on_signup_promoted,),
        ev.SignupCancelled: (nudge_handlers.on_signup_cancelled,),
        # a guest's request for a place: the confirmation link and code, by email or text
        ev.GuestSignupRequested: (guest_nudges.on_guest_signup_requested,),
        ev.ActionPlanned: (nudge_handlers.on_action_planned,),
        ev.ActionRescheduled: (nudge_handlers.on_action_rescheduled,),
        ev.ActionCancelled: (nudge_handlers.on_action_cancelled,),
        ev.TaskCreated: (nudge_handlers.on_task_created,),
        ev.TaskCapacityChanged: (nudge_handlers.on_task_capacity_changed,),
        ev.MemberJoinedCampaign: (nudge_handlers.on_member_joined, reflections.invite_on_joining),
        ev.GoalMilestoneReached: (nudge_handlers.on_goal_milestone,),
        ev.GoalReached: (progress.on_goals_changed, nudge_handlers.on_goal_milestone),
        ev.CampaignStalled: (nudge_handlers.on_campaign_stalled,),
    }


def record(session: Session, event: ev.Event) -> EventRecord:
    """Append `event` to the log and run its handlers, inside the caller's transaction."""
    row = EventRecord(
        type=event.type,
        org_id=event.org_id,
        campaign_id=event.campaign_id,
        subject_type=event.subject_type,
        subject_id=event.subject_id,
        actor_id=event.actor_id,
        payload=event.payload(),
    )
    session.add(row)
    session.flush()
    for handler in handlers().get(type(event), ()):
        handler(session, event, row)
    return row
