"""Demo data for nudges: people's settings, a campaign's own reminder rule next to the built-in ones, and an inbox
with real deliveries for the demo client (the sign-ups made earlier planned their confirmations and reminders)."""

from __future__ import annotations

from datetime import time

from sqlmodel import col, select

from campaigns.db import transaction
from campaigns.domain.model import Campaign
from campaigns.nudges import NudgeSpec, dispatch_due, plan, sweep


def build(world) -> None:
    from campaigns.nudges import reminders
    from campaigns.nudges import settings as notification_settings

    session, people = world.session, world.people
    notification_settings.update(session, people["client"], quiet_start=time(22, 0), quiet_end=time(7, 30))
    if "client2" in people:
        notification_settings.update(session, people["client2"], digest="daily")
    if "client3" in people:
        notification_settings.update(session, people["client3"], muted_kinds=["unfilled_tasks"])
    campaign = session.exec(select(Campaign).where(Campaign.org_id == world.org.id,
                                                   col(Campaign.stage).not_in(["closed", "archived"]),
                                                   col(Campaign.deadline).is_not(None)).order_by(Campaign.id)).first()
    if campaign is not None:
        reminders.add_rule(session, campaign, actor=people["coordinator"], name="A week before the deadline, 10:00",
                           anchor="campaign_deadline", audience="coordinators", template="reminder",
                           channels=["inapp"], offset_days=-7, local_time=time(10, 0))
        reminders.change_rule(session, campaign, "two_hours_before", actor=people["coordinator"], channels=["inapp"])
    with transaction(session):
        plan(session, NudgeSpec(
            recipient_id=people["client"].id, kind="message", subject_type="user", subject_id=people["client"].id,
            reason="demo-welcome", org_id=world.org.id, channels=("inapp",),
            payload={"title": "Welcome to Campaigns",
                     "body": "Reminders about what you sign up for arrive here. You choose how many, when, and "
                             "how: see Notifications on your account page.", "link": "/account/notifications"}))
    sweep(session)
    delivered = dispatch_due(session)
    world.extra["nudges_delivered"] = delivered
    world.echo(f"      {delivered} messages delivered (inboxes, and the mail folder at /dev/mail)")
