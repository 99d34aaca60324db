"""Care at send time, settings, digests, rules coordinators change, one-click links, retries and leases."""

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import update

from campaigns import clock
from campaigns.domain.model import Nudge, Signup
from campaigns.nudges import oneclick
from campaigns.nudges import settings as notification_settings
from campaigns.nudges.dispatch import dispatcher
from campaigns.nudges.outbox import NudgeSpec, plan, retry_dead
from campaigns.nudges.planning import digests, planner, reminders
from campaigns.services.errors import Invalid, NotFound
from tests.nudge_helpers import NOON, at, dispatch, inbox, nudges, run_until, sign_up


@pytest.fixture
def shift(people, make_action, make_task):
    at(NOON)
    action = make_action(starts_at=datetime(2026, 3, 9, 10, 0, tzinfo=UTC),
                         ends_at=datetime(2026, 3, 9, 12, 0, tzinfo=UTC))
    return action, make_task(action_id=action.id, capacity=3)


def _message(session, person, *, at_=None, kind="message", channels=("inapp",), reason="hello"):
    plan(session, NudgeSpec(recipient_id=person.id, kind=kind, subject_type="user", subject_id=person.id,
                            reason=reason, due_at=at_, channels=channels,
                            payload={"title": "Hello", "body": "A note from the team."}))
    session.commit()


# -- quiet hours, caps, consent, pause, digest ---------------------------------------------------------------------
def test_a_reminder_at_night_in_the_persons_zone_waits_for_their_morning(session, people, shift):
    action, task = shift
    people.client.timezone = "Pacific/Auckland"  # 11:00 in London is midnight there
    session.add(people.client)
    session.commit()
    sign_up(session, task, people.client)
    run_until(session, datetime(2026, 3, 8, 11, 30, tzinfo=UTC))
    [held] = nudges(session, kind="day_before", channel="inapp")
    assert held.status == "planned" and held.next_attempt_at == datetime(2026, 3, 8, 19, 0, tzinfo=UTC)
    run_until(session, datetime(2026, 3, 8, 19, 30, tzinfo=UTC))
    assert len(inbox(session, people.client, "day_before")) == 1


def test_no_more_than_three_a_day_the_rest_wait_for_the_next_morning(session, people):
    at(NOON)
    for n in range(5):
        _message(session, people.client, reason=f"m{n}")
    dispatch(session)
    assert len(inbox(session, people.client)) == 3
    run_until(session, datetime(2026, 3, 3, 8, 30, tzinfo=UTC), step=timedelta(hours=2))
    assert len(inbox(session, people.client)) == 5


def test_a_switched_off_channel_and_kind_are_respected(session, people):
    at(NOON)
    notification_settings.update(session, people.client, email_enabled=False, muted_kinds=["message"])
    _message(session, people.client, channels=("inapp", "email"))
    dispatch(session)
    assert inbox(session, people.client) == []
    reasons = {n.channel: n.skip_reason for n in nudges(session)}
    assert reasons == {"inapp": "They switched this kind of message off",
                       "email": "Email is switched off in their settings"}


def test_stepping_back_pauses_nudges_and_can_release_upcoming_places(session, people, shift, monkeypatch):
    from campaigns.services import signups

    action, task = shift
    signup = sign_up(session, task, people.client)
    released = []
    monkeypatch.setattr(signups, "cancel", lambda session, *, signup_id, user: released.append(signup_id),
                        raising=False)
    freed = notification_settings.step_back(session, people.client, until=NOON + timedelta(days=30),
                                            release_shifts=True)
    assert freed == 1 and released == [signup.id]
    run_until(session, datetime(2026, 3, 9, 9, 0, tzinfo=UTC), step=timedelta(hours=3))
    assert [i.kind for i in inbox(session, people.client)] == ["signup_confirmed"]
    assert {n.skip_reason for n in nudges(session, kind="day_before")} == {"They are taking a break from messages"}


def test_a_step_back_date_must_be_ahead(session, people):
    at(NOON)
    with pytest.raises(Invalid):
        notification_settings.step_back(session, people.client, until=NOON - timedelta(days=1))


def test_a_daily_digest_gathers_the_days_nudges_at_the_persons_morning(session, people):
    at(NOON)
    notification_settings.update(session, people.client, digest="daily")
    for n in range(4):
        _message(session, people.client, reason=f"m{n}", channels=("inapp", "email"))
    dispatch(session)
    assert inbox(session, people.client) == []
    assert digests.build_digests(session) == 1  # today's morning has passed: today's digest
    assert digests.build_digests(session) == 0  # once per period
    dispatch(session)
    [digest] = inbox(session, people.client, "digest")
    assert digest.body.count("Hello") == 4  # each nudge once, not once per channel
    assert {n.skip_reason for n in nudges(session, kind="message")} == {digests.INCLUDED}


def test_a_weekly_digest_waits_for_monday_morning(session, people):
    at(datetime(2026, 3, 3, 12, 0, tzinfo=UTC))  # a Tuesday
    notification_settings.update(session, people.client, digest="weekly")
    _message(session, people.client)
    dispatch(session)
    assert digests.period(clock.now(), "Europe/London", "weekly", time(8)) == "2026-W10"
    assert digests.period(datetime(2026, 3, 9, 7, 0, tzinfo=UTC), "Europe/London", "weekly", time(8)) is None
    assert digests.period(datetime(2026, 3, 9, 8, 0, tzinfo=UTC), "Europe/London", "weekly", time(8)) == "2026-W11"


def test_coordinators_get_a_monday_summary_at_eight_in_their_zone(session, people, campaign):
    at(datetime(2026, 3, 9, 7, 30, tzinfo=UTC))  # Monday 07:30 in London
    assert digests.build_coordinator_digests(session) == 0
    at(datetime(2026, 3, 9, 8, 0, tzinfo=UTC))
    assert digests.build_coordinator_digests(session) == 2  # ours, and the other group's coordinator
    assert digests.build_coordinator_digests(session) == 0
    dispatch(session)
    [summary] = inbox(session, people.coordinator, "coordinator_digest")
    assert campaign.name in summary.body


# -- rules ----------------------------------------------------------------------------------------------------------
def test_every_campaign_has_the_built_in_rules(session, campaign):
    keys = [rule.key for rule in reminders.effective_rules(session, campaign.id)]
    assert keys[:3] == ["signup_confirmed", "signup_waitlisted", "signup_promoted"]
    assert {"day_before", "two_hours_before", "after_action", "task_deadline", "unfilled_tasks"} <= set(keys)


def test_switching_a_rule_off_skips_what_it_planned_and_on_again_brings_it_back(session, people, campaign, shift):
    action, task = shift
    sign_up(session, task, people.client)
    reminders.change_rule(session, campaign, "day_before", actor=people.coordinator, enabled=False)
    assert {n.status for n in nudges(session, kind="day_before")} == {"skipped"}
    reminders.change_rule(session, campaign, "day_before", actor=people.coordinator, enabled=True)
    assert {n.status for n in nudges(session, kind="day_before")} == {"planned"}


def test_moving_a_rule_replans_it_at_the_new_time(session, people, campaign, shift):
    action, task = shift
    sign_up(session, task, people.client)
    reminders.change_rule(session, campaign, "day_before", actor=people.coordinator, local_time=time(18, 0))
    planned = [n for n in nudges(session, kind="day_before", channel="inapp") if n.status == "planned"]
    assert [n.due_at for n in planned] == [datetime(2026, 3, 8, 18, 0, tzinfo=UTC)]


def test_dropping_a_channel_skips_only_that_channel(session, people, campaign, shift):
    action, task = shift
    sign_up(session, task, people.client)
    reminders.change_rule(session, campaign, "two_hours_before", actor=people.coordinator, channels=["inapp"])
    status = {n.channel: n.status for n in nudges(session, kind="two_hours_before")}
    assert status == {"inapp": "planned", "email": "skipped"}


def test_a_coordinators_own_rule_at_a_local_time_before_the_campaign_deadline(session, people, campaign):
    at(NOON)
    from campaigns.nudges.planning.planner import plan_campaign

    join_rule = reminders.add_rule(session, campaign, actor=people.coordinator, name="Deadline in a week",
                                   anchor="campaign_deadline", audience="coordinators", template="reminder",
                                   channels=["inapp"], offset_days=-7, local_time=time(9, 30))
    assert join_rule.key.startswith("rule:")
    plan_campaign(session, campaign)
    [due] = nudges(session, kind="reminder", recipient=people.coordinator)
    deadline = campaign.deadline - timedelta(days=7)
    assert due.due_at.date() == deadline and due.due_at.astimezone(planner_zone(campaign)).time() == time(9, 30)


def planner_zone(campaign):
    from zoneinfo import ZoneInfo

    return ZoneInfo(campaign.timezone)


def test_a_rule_that_could_never_work_is_refused_beside_its_field(session, people, campaign):
    with pytest.raises(Invalid) as refused:
        reminders.add_rule(session, campaign, actor=people.coordinator, name="x", anchor="moon_phase",
                           audience="confirmed", template="reminder", channels=["inapp"])
    assert "anchor" in refused.value.errors
    with pytest.raises(Invalid):
        reminders.change_rule(session, campaign, "day_before", actor=people.coordinator, channels=["pigeon"])


def test_built_in_rules_are_switched_off_not_deleted_and_other_campaigns_rules_are_not_found(
        session, people, campaign, make_campaign):
    with pytest.raises(Invalid):
        reminders.delete_rule(session, campaign, "day_before", actor=people.coordinator)
    other = make_campaign()
    own = reminders.add_rule(session, other, actor=people.coordinator, name="x", anchor="action_start",
                             audience="confirmed", template="reminder", channels=["inapp"], offset_minutes=-30)
    with pytest.raises(NotFound):
        reminders.find(session, campaign, own.key)
    reminders.delete_rule(session, other, own.key, actor=people.coordinator)


# -- one-click confirm and cancel --------------------------------------------------------------------------------
def _links(session, person, action):
    return (oneclick.token(person_id=person.id, action_id=action.id, choice="confirm"),
            oneclick.token(person_id=person.id, action_id=action.id, choice="cancel"))


def test_confirming_from_the_reminder_records_it_once(session, people, shift):
    action, task = shift
    signup = sign_up(session, task, people.client)
    confirm, _cancel = _links(session, people.client, action)
    assert oneclick.confirm(session, oneclick.read(session, confirm, "confirm")) is True
    assert oneclick.confirm(session, oneclick.read(session, confirm, "confirm")) is False
    session.refresh(signup)
    assert signup.reconfirmed_at == NOON


def test_a_confirm_link_cannot_cancel_and_expires_when_the_action_starts(session, people, shift):
    action, task = shift
    sign_up(session, task, people.client)
    confirm, _cancel = _links(session, people.client, action)
    with pytest.raises(Invalid):
        oneclick.read(session, confirm, "cancel")
    at(action.starts_at)
    with pytest.raises(Invalid, match="already started"):
        oneclick.read(session, confirm, "confirm")


def test_cancelling_from_the_reminder_steps_back_and_promotes_the_first_waiting(session, people, shift):
    action, task = shift
    task.capacity = 1
    session.add(task)
    session.commit()
    signup = sign_up(session, task, people.client)
    waiting = sign_up(session, task, people.other_client, status="waitlisted")
    _confirm, cancel = _links(session, people.client, action)
    assert oneclick.cancel(session, oneclick.read(session, cancel, "cancel")) is True
    session.refresh(signup)
    session.refresh(waiting)
    assert (signup.status, waiting.status) == ("cancelled", "confirmed")


def test_the_day_before_email_carries_the_one_click_links(session, people, shift, mailbox):
    action, task = shift
    sign_up(session, task, people.client)
    run_until(session, datetime(2026, 3, 8, 11, 5, tzinfo=UTC), step=timedelta(hours=6))
    [mail] = [m for m in mailbox() if m["Subject"].startswith("Tomorrow")]
    text = mail.get_body(("plain",)).get_content()
    assert "/n/confirm/" in text and "/n/cancel/" in text
    assert "You're getting this because you signed up for" in text


# -- unsubscribe ------------------------------------------------------------------------------------------------
def test_the_unsubscribe_link_really_switches_that_kind_off(session, people):
    at(NOON)
    token = notification_settings.unsubscribe_token(user_id=people.client.id, kind="day_before")
    user, kind = notification_settings.unsubscribe(session, token)
    assert (user.id, kind) == (people.client.id, "day_before")
    assert notification_settings.get(session, people.client).muted_kinds == ["day_before"]
    notification_settings.unsubscribe(session, token)
    assert notification_settings.get(session, people.client).muted_kinds == ["day_before"]
    with pytest.raises(Invalid):
        notification_settings.unsubscribe(session, token + "x")


# -- failures, retries, leases --------------------------------------------------------------------------------
def test_a_failing_email_backs_off_then_goes_to_the_dead_letters_and_an_admin_can_retry(session, people,
                                                                                       monkeypatch):
    from campaigns.nudges.channels import email

    at(NOON)
    monkeypatch.setattr(email, "send", lambda msg: (_ for _ in ()).throw(ConnectionRefusedError("no server")))
    _message(session, people.client, channels=("email",))
    for _ in range(20):  # retries, and holds when a retry falls in quiet hours
        dispatch(session)
        [row] = nudges(session)
        if row.status == "dead":
            break
        at(row.next_attempt_at)
    assert row.status == "dead" and row.attempts == 8 and "no server" in row.last_error
    assert timedelta(hours=18) < clock.now() - NOON < timedelta(hours=60)  # ~24 h, plus nights held
    retried = retry_dead(session, nudge_id=row.id, actor=people.admin)
    assert retried.status == "planned" and retried.attempts == 0


def test_a_crashed_senders_lease_expires_and_the_nudge_is_delivered_once(session, people):
    at(NOON)
    _message(session, people.client)
    claimed = dispatcher.claim(session, worker="crashed", limit=10)
    assert len(claimed) == 1
    assert dispatch(session) == 0  # leased: nobody else takes it
    at(NOON + timedelta(minutes=6))
    assert dispatcher.recover_leases(session) == 1
    dispatch(session)
    dispatcher.settle(session, claimed, worker="crashed")  # the old sender wakes up: its lease is gone
    assert len(inbox(session, people.client)) == 1
    [row] = nudges(session)
    assert row.status == "sent" and row.attempts == 1


def test_a_nudge_for_someone_who_left_the_group_is_skipped(session, people):
    at(NOON)
    plan(session, NudgeSpec(recipient_id=people.client.id, kind="message", subject_type="user",
                            subject_id=people.client.id, reason="x", org_id=people.other_org.id, channels=("inapp",)))
    session.commit()
    dispatch(session)
    [row] = nudges(session)
    assert row.status == "skipped" and "member" in row.skip_reason


def test_sweep_is_idempotent_across_many_runs(session, people, shift):
    action, task = shift
    for person in (people.client, people.other_client):
        session.add(Signup(task_id=task.id, user_id=person.id, status="confirmed", confirmed_at=clock.now()))
    session.commit()
    first = planner.sweep(session)
    assert first > 0 and planner.sweep(session) == 0
    session.exec(update(Nudge).values(status="planned"))
    session.commit()
