"""The composition root: what the app is wired from, in one place.

`event_handlers()` is the one event -> handlers map (the page that answers "what happens after X?"); `channels()`
are the nudge channels the dispatcher sends through. `wire()` hands both in when an app is built (tests hand in
fakes the same way: `wire(app, channels={...})`). Features import the bus to record events, and the bus imports no
feature; the dispatcher imports no channel; so both maps live here, where everything may be imported.
"""

from __future__ import annotations

from functools import cache

from flask import Flask

from campaigns.domain import events as ev
from campaigns.services import messagebus
from campaigns.services.messagebus import Handler


def wire(app: Flask, *, channels: dict | None = None) -> None:
    messagebus.use(event_handlers, after_commit_handlers)
    app.extensions["campaigns.channels"] = default_channels() if channels is None else channels


def default_channels() -> dict:
    """Channel name -> its module (`send_nudge(session, nudge)`; in-app also `send_batch`). Which SMS transport
    sends (the Twilio adapter, or the SMS folder in development) follows the settings inside channels/sms.py."""
    from campaigns.nudges.channels import email, inapp, sms, webhook

    return {"inapp": inapp, "email": email, "webhook": webhook, "sms": sms}


@cache
def event_handlers() -> dict[type[ev.Event], tuple[Handler, ...]]:
    """Event type -> handlers, in order. This is the page that answers "what happens when…?"."""
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
        ev.CampaignStageChanged: (progress.touch_activity, nudge_handlers.on_campaign_stage_changed,
                                  reflections.invite_on_closing),
        # the weighted mean of a campaign's goals changes with its goals
        ev.GoalSet: (progress.on_goals_changed, nudge_handlers.on_goal_set),
        ev.GoalChanged: (progress.on_goals_changed, nudge_handlers.on_goal_set),
        ev.GoalDeclined: (progress.on_goals_changed,),
        # nudges: confirmations at once, reminders planned (or skipped) in the same transaction as the change;
        # moved or cancelled actions skip stale reminders and tell volunteers; coordinators hear of milestones
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


@cache
def after_commit_handlers() -> dict[type[ev.Event], tuple[Handler, ...]]:
    """Event type -> handlers run once the transaction that recorded the event has committed, each in a
    transaction of its own: what a sign-up sets off needs none of the task's seat lock, which its transaction
    then holds only for the seat, the sign-up and the event. Each handler reads the state again and plans with
    insert-or-ignore on dedupe keys (running twice plans once); the planner's sweep catches what a crash left."""
    from campaigns.nudges.planning import handlers as nudge_handlers
    from campaigns.services import progress

    return {
        # a sign-up shows the campaign is moving (not stalled); then the confirmation and the volunteer's reminders
        ev.SignupConfirmed: (progress.touch_activity, nudge_handlers.on_signup_confirmed),
        ev.SignupWaitlisted: (nudge_handlers.on_signup_waitlisted,),
        ev.SignupPromoted: (nudge_handlers.on_signup_promoted,),
    }
