"""iCalendar feeds: they parse, keep UIDs across edits with a rising SEQUENCE, and keep private places private."""

from datetime import datetime, timedelta

import icalendar
import pytest

from campaigns.services import actions, calendar, signups, tasks

HOST = "campaigns.example.org"


def link(kind: str, row_id: int) -> str:
    return f"https://{HOST}/{kind}s/{row_id}"


def parsed(data: bytes) -> list[icalendar.Component]:
    cal = icalendar.Calendar.from_ical(data)
    return [c for c in cal.walk() if c.name in ("VEVENT", "VTODO")]


@pytest.fixture
def private_action(session, people, campaign):
    action = actions.plan_action(
        session, campaign_id=campaign.id, user=people.coordinator, kind="meeting_decision_maker",
        title="Meet the housing chair", starts_at=datetime(2031, 6, 3, 10, 0), ends_at=datetime(2031, 6, 3, 11, 0),
        timezone="Europe/Berlin", address="Room 4, City Hall", address_public=False,
        accessibility_notes="Step-free entrance", interpreter_languages=["Turkish"])
    task = tasks.add_task(session, user=people.coordinator, action_id=action.id, title="Speaker", capacity=2)
    return action, task


def test_a_moved_action_keeps_its_uid_with_a_higher_sequence_and_its_time_zone(session, people, campaign,
                                                                              private_action):
    action, _ = private_action
    [before] = parsed(calendar.campaign_feed(session, campaign, viewer=people.coordinator, host=HOST, link=link))
    actions.reschedule_action(session, action_id=action.id, user=people.coordinator,
                              starts_at=datetime(2031, 6, 4, 10, 0), ends_at=datetime(2031, 6, 4, 11, 30))
    [after] = parsed(calendar.campaign_feed(session, campaign, viewer=people.coordinator, host=HOST, link=link))
    assert str(before["UID"]) == str(after["UID"]) == f"action-{action.id}@{HOST}"
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert after.decoded("DTSTART").replace(tzinfo=None) == datetime(2031, 6, 4, 10, 0)
    assert str(after["URL"]) == link("action", action.id)


def test_a_cancelled_action_stays_in_the_feed_as_cancelled(session, people, campaign, private_action):
    action, _ = private_action
    actions.cancel_action(session, action_id=action.id, user=people.coordinator)
    [event] = parsed(calendar.campaign_feed(session, campaign, viewer=people.client, host=HOST, link=link))
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1


def test_a_private_address_is_only_in_feeds_of_confirmed_volunteers_and_coordinators(
        session, people, campaign, private_action):
    action, task = private_action
    for viewer in (people.client, None):
        [event] = parsed(calendar.campaign_feed(session, campaign, viewer=viewer, host=HOST, link=link))
        assert "LOCATION" not in event and "City Hall" not in event.to_ical().decode()
    [event] = parsed(calendar.campaign_feed(session, campaign, viewer=people.coordinator, host=HOST, link=link))
    assert str(event["LOCATION"]) == "Room 4, City Hall"
    signups.sign_up(session, task_id=task.id, user=people.client)
    [event] = parsed(calendar.action_calendar(session, action, viewer=people.client, host=HOST, link=link))
    assert str(event["LOCATION"]) == "Room 4, City Hall"


def test_the_personal_feed_holds_confirmed_tasks_only(session, people, campaign, private_action, make_task):
    action, task = private_action
    full = make_task(action_id=None, deadline=datetime.now().astimezone() + timedelta(days=5), capacity=1)
    signups.sign_up(session, task_id=task.id, user=people.client)
    signups.sign_up(session, task_id=full.id, user=people.other_client)
    signups.sign_up(session, task_id=full.id, user=people.client)  # waitlisted: not in the calendar
    components = parsed(calendar.personal_feed(session, people.client, host=HOST, link=link))
    assert [(c.name, str(c["UID"])) for c in components] == [("VEVENT", f"action-{action.id}@{HOST}")]
    assert "Speaker" in str(components[0]["DESCRIPTION"])
    assert str(components[0]["LOCATION"]) == "Room 4, City Hall"


def test_a_feed_token_opens_only_its_own_feed_until_it_is_regenerated_or_revoked(session, people):
    first = calendar.issue_token(session, user=people.client)
    assert calendar.user_for_token(session, first).id == people.client.id
    assert people.client.calendar_token_hash != first  # only the hash is stored
    second = calendar.issue_token(session, user=people.client)
    assert calendar.user_for_token(session, first) is None
    assert calendar.user_for_token(session, second).id == people.client.id
    calendar.revoke_token(session, user=people.client)
    assert calendar.user_for_token(session, second) is None
    assert calendar.user_for_token(session, "") is None
