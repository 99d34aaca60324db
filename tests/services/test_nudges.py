"""Reminder planning and delivery: confirmations, the built-in sequence, moved actions, downtime, care at send time."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain import events as ev
from campaigns.domain.model import Nudge
from campaigns.nudges.dispatch import dispatcher
from campaigns.nudges.outbox import NudgeSpec, plan_many
from campaigns.nudges.planning import planner, reminders
from campaigns.services import messagebus
from tests.nudge_helpers import NOON, at, cancel, dispatch, inbox, join, move, nudges, run_until, sign_up


@pytest.fixture
def shift(people, make_action, make_task):
    """An action a week ahead (Monday 9 March, 10:00 London) with one two-person task."""
    at(NOON)
    action = make_action(starts_at=datetime(2026, 3, 9, 10, 0, tzinfo=UTC),
                         ends_at=datetime(2026, 3, 9, 12, 0, tzinfo=UTC))
    return action, make_task(action_id=action.id, capacity=2)


def test_a_sign_up_is_confirmed_at_once_in_the_inbox_and_by_email_with_a_calendar_file(session, people, shift,
                                                                                        mailbox):
    action, task = shift
    sign_up(session, task, people.client)
    dispatch(session)
    [item] = inbox(session, people.client)
    assert item.kind == "signup_confirmed" and task.title in item.title
    [mail] = [m for m in mailbox() if m["To"] == people.client.email]
    assert task.title in mail["Subject"]
    assert [p.get_content_type() for p in mail.iter_attachments()] == ["text/calendar"]
    assert "signed up for" in mail.get_body(("plain",)).get_content()


def test_the_built_in_sequence_is_planned_with_the_sign_up(session, people, shift):
    action, task = shift
    sign_up(session, task, people.client)
    due = {n.kind: n.due_at for n in nudges(session, recipient=people.client, channel="inapp")}
    assert due["day_before"] == datetime(2026, 3, 8, 11, 0, tzinfo=UTC)  # 11:00 in the action's zone
    assert due["two_hours_before"] == datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
    assert due["after_action"] == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)


def test_each_message_links_to_the_page_it_is_about(session, people, shift):
    action, task = shift
    sign_up(session, task, people.client)
    run_until(session, datetime(2026, 3, 8, 12, 0, tzinfo=UTC), step=timedelta(hours=6))
    links = {item.kind: item.link for item in inbox(session, people.client)}
    assert links["signup_confirmed"] == links["day_before"] == f"/actions/{action.id}"


def test_the_day_before_is_at_eleven_where_the_action_happens(session, people, make_action, make_task):
    at(NOON)
    action = make_action(starts_at=datetime(2026, 3, 9, 23, 0, tzinfo=UTC),
                         ends_at=datetime(2026, 3, 10, 1, 0, tzinfo=UTC), timezone="America/New_York")
    sign_up(session, make_task(action_id=action.id), people.client)
    [day_before] = nudges(session, kind="day_before", channel="inapp")
    assert day_before.due_at == datetime(2026, 3, 8, 15, 0, tzinfo=UTC)  # 11:00 EDT on the 8th


def test_planning_again_inserts_nothing(session, people, shift):
    action, task = shift
    sign_up(session, task, people.client)
    before = len(nudges(session))
    assert planner.sweep(session) == 0
    assert planner.sweep(session) == 0
    assert len(nudges(session)) == before


def test_hundreds_planned_at_once_keep_every_column_insert_once_and_land_once_each(session, people):
    at(NOON)  # hundreds take the bulk paths: the planner's insert and the inbox's
    specs = [NudgeSpec(recipient_id=people.client.id, kind="signup_confirmed", subject_type="test", subject_id=i,
                       reason="bulk", org_id=people.org.id, channels=("inapp",), due_at=NOON,
                       expires_at=NOON + timedelta(hours=1), payload={"title": f"Shift {i}"}) for i in range(250)]
    with transaction(session):
        assert plan_many(session, specs) == 250
    with transaction(session):
        assert plan_many(session, specs) == 0
    first = nudges(session)[0]
    assert (first.due_at, first.expires_at, first.payload) == (NOON, NOON + timedelta(hours=1), {"title": "Shift 0"})
    assert dispatch(session) == 250
    items = inbox(session, people.client)
    assert len(items) == len({item.nudge_id for item in items}) == 250
    assert items[0].title.endswith("Shift 0") and items[0].created_at == NOON


def test_the_sweep_plans_what_no_event_announced(session, people, shift):
    action, task = shift
    from campaigns.domain.model import Signup

    session.add(Signup(task_id=task.id, user_id=people.client.id, status="confirmed", confirmed_at=clock.now()))
    session.commit()
    assert planner.sweep(session) > 0
    assert {n.kind for n in nudges(session)} >= {"day_before", "two_hours_before", "after_action"}


def test_a_moved_action_sends_the_stale_reminder_never_and_the_new_one_once(session, people, shift):
    action, task = shift
    sign_up(session, task, people.client)
    move(session, action, action.starts_at + timedelta(days=2), by=people.coordinator)
    run_until(session, datetime(2026, 3, 12, 0, 0, tzinfo=UTC), step=timedelta(hours=1))
    reminders_sent = inbox(session, people.client, "day_before")
    assert len(reminders_sent) == 1 and "11 March" in reminders_sent[0].body
    old = [n for n in nudges(session, kind="day_before") if n.due_at == datetime(2026, 3, 8, 11, 0, tzinfo=UTC)]
    assert old and all(n.status == "skipped" and n.skip_reason == "The action moved" for n in old)
    assert len(inbox(session, people.client, "action_moved")) == 1


def test_a_stale_reminder_is_caught_at_send_time_even_without_the_event(session, people, shift):
    action, task = shift
    sign_up(session, task, people.client)
    action.starts_at += timedelta(days=1)
    action.ends_at += timedelta(days=1)
    session.add(action)
    session.commit()  # moved behind the planner's back
    run_until(session, datetime(2026, 3, 8, 12, 0, tzinfo=UTC), step=timedelta(hours=1))
    assert inbox(session, people.client, "day_before") == []
    assert {n.skip_reason for n in nudges(session, kind="day_before")} == {"The action moved"}
    assert planner.sweep(session) > 0  # and the sweep plans the reminder for the new time


def test_with_the_scheduler_down_for_an_hour_due_nudges_go_out_once_and_passed_ones_are_skipped(
        session, people, make_action, make_task, campaign):
    down = at(NOON)
    soon = make_action(starts_at=down + timedelta(minutes=30), ends_at=down + timedelta(hours=2))
    later = make_action(starts_at=down + timedelta(hours=2, minutes=20), ends_at=down + timedelta(hours=4))
    reminders.add_rule(session, campaign, actor=people.coordinator, name="15 minutes before",
                       anchor="action_start", audience="confirmed", template="reminder", channels=["inapp"],
                       offset_minutes=-15)
    sign_up(session, make_task(action_id=soon.id), people.client)
    sign_up(session, make_task(action_id=later.id), people.client)
    at(down + timedelta(hours=1))  # the scheduler comes back
    dispatch(session)
    dispatch(session)
    sent = {(i.kind, i.title) for i in inbox(session, people.client)}
    assert ("two_hours_before", f"Starting soon: {later.title}") in sent  # due 10 minutes after it went down
    missed = [n for n in nudges(session, kind="reminder") if n.subject_id == soon.id]
    assert [n.status for n in missed] == ["skipped"] and "moment had passed" in missed[0].skip_reason
    assert len(inbox(session, people.client, "two_hours_before")) == 1


def test_someone_who_cancelled_gets_no_more_reminders(session, people, shift):
    action, task = shift
    signup = sign_up(session, task, people.client)
    dispatch(session)
    cancel(session, signup)
    run_until(session, datetime(2026, 3, 10, 0, 0, tzinfo=UTC), step=timedelta(hours=2))
    assert [i.kind for i in inbox(session, people.client)] == ["signup_confirmed"]
    skipped = {n.skip_reason for n in nudges(session, kind="day_before")}
    assert skipped == {"They cancelled their sign-up"}


def test_signing_up_again_after_cancelling_brings_the_reminders_back(session, people, shift):
    action, task = shift
    signup = sign_up(session, task, people.client)
    cancel(session, signup)
    at(clock.now() + timedelta(minutes=1))
    assert sign_up(session, task, people.client).id == signup.id  # the same row, re-activated
    assert {n.status for n in nudges(session, kind="day_before")} == {"planned"}


def test_a_cancelled_action_tells_its_volunteers_once_and_skips_its_reminders(session, people, shift):
    action, task = shift
    sign_up(session, task, people.client)
    sign_up(session, task, people.other_client)
    with transaction(session):
        action.status = "cancelled"
        session.add(action)
        messagebus.record(session, ev.ActionCancelled(org_id=action.org_id, campaign_id=action.campaign_id,
                                                      subject_id=action.id, title=action.title))
    run_until(session, datetime(2026, 3, 10, 0, 0, tzinfo=UTC), step=timedelta(hours=2))
    for person in (people.client, people.other_client):
        assert [i.kind for i in inbox(session, person)] == ["signup_confirmed", "action_cancelled"]
    assert {n.status for n in nudges(session, kind="day_before")} == {"skipped"}


def test_a_waitlisted_volunteer_hears_when_promoted(session, people, make_action, make_task):
    at(NOON)
    action = make_action(starts_at=NOON + timedelta(days=7), ends_at=NOON + timedelta(days=7, hours=2))
    task = make_task(action_id=action.id, capacity=1)
    first = sign_up(session, task, people.client)
    waiting = sign_up(session, task, people.other_client, status="waitlisted")
    dispatch(session)
    cancel(session, first)  # the use case promotes the first waiting, in the same transaction
    session.refresh(waiting)
    assert waiting.status == "confirmed"
    dispatch(session)
    assert [i.kind for i in inbox(session, people.other_client)] == ["signup_waitlisted", "signup_promoted"]
    promoted = inbox(session, people.other_client)[-1]
    local = action.starts_at.astimezone(ZoneInfo(people.other_client.timezone))
    starts = f"{local.strftime('%A')}, {local.day} {local.strftime('%B %Y, %H:%M')}"  # Babel's en_GB, in full
    assert starts in promoted.body  # when the place begins, not when the promotion happened
    assert any(n.kind == "day_before" for n in nudges(session, recipient=people.other_client))


def test_how_did_it_go_asks_for_contributions_and_a_private_reflection(session, people, shift):
    action, task = shift
    sign_up(session, task, people.client)
    run_until(session, datetime(2026, 3, 9, 14, 0, tzinfo=UTC), step=timedelta(hours=4))
    [item] = inbox(session, people.client, "after_action")
    assert item.title == f"How did {action.title} go?" and "private reflection" in item.body


def test_a_task_deadline_is_announced_48_hours_ahead_to_its_volunteers(session, people, make_task):
    at(NOON)
    task = make_task(deadline=NOON + timedelta(days=5))
    sign_up(session, task, people.client)
    [due] = nudges(session, kind="task_deadline", channel="inapp")
    assert due.due_at == NOON + timedelta(days=3)


def test_free_places_are_announced_to_members_without_a_sign_up_once(session, people, campaign, shift):
    action, task = shift
    for person in (people.client, people.other_client, people.worker):
        join(session, campaign, person)
    sign_up(session, task, people.client)
    planner.sweep(session)
    run_until(session, datetime(2026, 3, 6, 12, 0, tzinfo=UTC), step=timedelta(hours=6))
    told = [n.recipient_id for n in nudges(session, kind="unfilled_tasks", channel="inapp") if n.status == "sent"]
    assert sorted(told) == sorted([people.other_client.id, people.worker.id])
    planner.sweep(session)
    run_until(session, datetime(2026, 3, 7, 12, 0, tzinfo=UTC), step=timedelta(hours=6))
    assert len(inbox(session, people.worker, "unfilled_tasks")) == 1


def test_coordinators_hear_at_50_80_and_100_percent_once_each(session, people, make_action, make_task):
    at(NOON)
    action = make_action(starts_at=NOON + timedelta(days=7), ends_at=NOON + timedelta(days=7, hours=2))
    task = make_task(action_id=action.id, capacity=5)
    volunteers = [people.client, people.other_client, people.worker, people.coordinator]
    for person in volunteers:
        sign_up(session, task, person)
    dispatch(session)
    alerts = [i.title for i in inbox(session, people.coordinator, "capacity_alert")]
    assert alerts == [f"{task.title} is 60% full".replace("60", "50"), f"{task.title} is 80% full"]


def test_goal_milestones_reach_coordinators_once_each(session, people, campaign, make_goal):
    at(NOON)
    goal = make_goal()
    for percent in (25, 50, 50, 75):
        with transaction(session):
            messagebus.record(session, ev.GoalMilestoneReached(org_id=campaign.org_id, campaign_id=campaign.id,
                                                               subject_id=goal.id, percent=percent))
    with transaction(session):
        messagebus.record(session, ev.GoalReached(org_id=campaign.org_id, campaign_id=campaign.id,
                                                  subject_id=goal.id, name=goal.name))
    dispatch(session)
    titles = [i.title for i in inbox(session, people.coordinator, "goal_milestone")]
    assert titles == [f"{goal.name} reached {p}%" for p in (25, 50, 75)]
    run_until(session, NOON + timedelta(days=1), step=timedelta(hours=4))  # three a day: the fourth next morning
    titles = [i.title for i in inbox(session, people.coordinator, "goal_milestone")]
    assert titles == [f"{goal.name} reached {p}%" for p in (25, 50, 75, 100)]


def test_a_stalled_campaign_alerts_its_coordinators_once(session, people, campaign):
    at(NOON)
    for _ in range(2):
        with transaction(session):
            messagebus.record(session, ev.CampaignStalled(org_id=campaign.org_id, campaign_id=campaign.id,
                                                          subject_id=campaign.id, days=14))
    dispatch(session)
    assert len(inbox(session, people.coordinator, "campaign_stalled")) == 1
    assert inbox(session, people.client, "campaign_stalled") == []


def test_a_closed_campaign_sends_no_more_reminders(session, people, campaign, shift):
    action, task = shift
    sign_up(session, task, people.client)
    with transaction(session):
        campaign.stage = "closed"
        session.add(campaign)
        messagebus.record(session, ev.CampaignStageChanged(org_id=campaign.org_id, campaign_id=campaign.id,
                                                           subject_id=campaign.id, from_stage="intervention",
                                                           to_stage="closed"))
    assert {n.status for n in nudges(session, kind="day_before")} == {"skipped"}


def test_workers_of_consenting_clients_can_be_reminded_too(session, people, campaign, shift):
    from campaigns.domain.model import Consent

    action, task = shift
    session.add(Consent(org_id=campaign.org_id, client_id=people.client.id, worker_id=people.worker.id,
                        scope="sign_up"))
    session.commit()
    reminders.add_rule(session, campaign, actor=people.coordinator, name="Tell the worker", anchor="action_start",
                       audience="consenting_workers", template="reminder", channels=["inapp"],
                       offset_days=-1, local_time=time(9, 0))
    sign_up(session, task, people.client)
    run_until(session, datetime(2026, 3, 8, 10, 0, tzinfo=UTC), step=timedelta(hours=6))
    assert len(inbox(session, people.worker, "reminder")) == 1


def test_the_delivery_status_counts_per_subject(session, people, shift, campaign):
    from campaigns.nudges.outbox import status_counts

    action, task = shift
    signup = sign_up(session, task, people.client)
    dispatch(session)
    counts = status_counts(session, campaign.id)
    assert counts[("signup", signup.id)]["sent"] == 2
    assert counts[("action", action.id)]["planned"] == 6


def test_nothing_due_means_nothing_claimed(session, people):
    at(NOON)
    assert dispatch(session) == 0
    assert session.exec(select(Nudge)).first() is None
    assert dispatcher.pending(session) == 0


def test_a_waitlisted_volunteer_gets_no_day_before_reminder(session, people, shift):
    action, task = shift
    task.capacity = 1
    session.add(task)
    session.commit()
    sign_up(session, task, people.client)
    sign_up(session, task, people.other_client, status="waitlisted")
    run_until(session, datetime(2026, 3, 8, 11, 1, tzinfo=UTC))
    assert "day_before" in [i.kind for i in inbox(session, people.client)]
    assert "day_before" not in [i.kind for i in inbox(session, people.other_client)]


# -- what messages say they are about (issue 15.10) -------------------------------------------------------------
def test_a_coordinators_message_names_the_action_it_is_about(session, people, shift, mailbox):
    from campaigns.services import attendance

    action, task = shift
    sign_up(session, task, people.client)
    attendance.message_volunteers(session, user=people.coordinator, action_id=action.id,
                                  title="Before the meeting", body="Meet at the entrance.")
    dispatch(session)
    [item] = inbox(session, people.client, "message")
    assert item.title == f"{action.title}: Before the meeting"
    assert any(m["Subject"] == item.title for m in mailbox())


def test_a_reflection_invitation_names_the_campaign(session, people, campaign):
    from campaigns.services import campaign_team

    at(NOON)
    campaign_team.join(session, user=people.client, campaign=campaign)
    dispatch(session)
    [item] = inbox(session, people.client, "reflection_invite")
    assert campaign.name in item.title


def test_times_in_messages_have_one_pair_of_brackets(session, people, shift):
    action, task = shift
    sign_up(session, task, people.client)
    dispatch(session)
    [item] = inbox(session, people.client, "signup_confirmed")
    assert "(Europe/London)" in item.body and "))" not in item.body

