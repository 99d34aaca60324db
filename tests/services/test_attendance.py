"""Rosters, check-in, private attendance, and messaging volunteers."""

from datetime import timedelta

import pytest
from sqlmodel import select

from campaigns import clock
from campaigns.domain.model import EventRecord, Nudge, ReadAccess
from campaigns.services import attendance, signups
from campaigns.services.errors import Conflict, Forbidden, Invalid, NotFound, TooManyAttempts


@pytest.fixture
def happening(session, people, make_action, make_task):
    """An action starting in 30 minutes with a two-seat task, the client confirmed and the other one waiting."""
    start = clock.now() + timedelta(minutes=30)
    action = make_action(starts_at=start, ends_at=start + timedelta(hours=2), checkin_code="K7M2QX")
    task = make_task(action_id=action.id, capacity=1)
    mine = signups.sign_up(session, task_id=task.id, user=people.client)
    theirs = signups.sign_up(session, task_id=task.id, user=people.other_client)
    return action, task, mine, theirs


def test_a_confirmed_volunteer_checks_in_with_the_code_shown_at_the_action(session, people, happening):
    action, task, mine, _ = happening
    [signup] = attendance.check_in(session, action_id=action.id, user=people.client, code=" k7m2qx ")
    assert signup.id == mine.id and signup.attendance == "attended" and signup.checked_in_at is not None
    [event] = session.exec(select(EventRecord).where(EventRecord.type == "AttendanceRecorded")).all()
    # private: no person and no value in what the log (and webhooks) carry
    assert event.payload == {"task_id": task.id} and event.actor_id is None


def test_checking_in_needs_a_confirmed_seat_and_an_open_window(session, people, happening):
    action, *_ = happening
    with pytest.raises(Conflict, match="confirmed task"):
        attendance.check_in(session, action_id=action.id, user=people.other_client, code="K7M2QX")
    clock.pin(action.starts_at - timedelta(hours=3))
    with pytest.raises(Conflict, match="opens"):
        attendance.check_in(session, action_id=action.id, user=people.client, code="K7M2QX")


def test_guessing_check_in_codes_is_throttled(session, people, happening):
    action, *_ = happening
    for _ in range(attendance.CHECKIN_LIMIT):
        with pytest.raises(Invalid) as refused:
            attendance.check_in(session, action_id=action.id, user=people.client, code="WRONG1")
        assert "code" in refused.value.errors
    with pytest.raises(TooManyAttempts):
        attendance.check_in(session, action_id=action.id, user=people.client, code="K7M2QX")


def test_coordinators_mark_attendance_for_confirmed_volunteers_only(session, people, happening):
    _, _, mine, theirs = happening
    marked = attendance.record_attendance(session, signup_id=mine.id, user=people.coordinator, attended=False)
    assert marked.attendance == "absent"
    with pytest.raises(Conflict):
        attendance.record_attendance(session, signup_id=theirs.id, user=people.coordinator, attended=True)
    with pytest.raises(Forbidden):
        attendance.record_attendance(session, signup_id=mine.id, user=people.other_client, attended=True)
    with pytest.raises(NotFound):
        attendance.record_attendance(session, signup_id=mine.id, user=people.outsider, attended=True)


def test_a_roster_lists_holders_and_the_queue_and_logs_who_read_it(session, people, happening):
    action, task, mine, theirs = happening
    rows = attendance.roster(session, viewer=people.coordinator, action_id=action.id)
    assert [(r.signup.id, r.position) for r in rows] == [(mine.id, None), (theirs.id, 1)]
    reads = session.exec(select(ReadAccess).order_by(ReadAccess.subject_user_id)).all()
    assert {r.subject_user_id for r in reads} == {people.client.id, people.other_client.id}
    assert all(r.viewer_id == people.coordinator.id for r in reads)
    with pytest.raises(Forbidden):
        attendance.roster(session, viewer=people.client, task_id=task.id)


def test_messaging_volunteers_plans_one_nudge_per_person_and_channel(session, people, happening):
    action, task, *_ = happening
    sent = attendance.message_volunteers(session, user=people.coordinator, action_id=action.id, title="Bring pens",
                                         body="We'll write letters after the talk.", link="/actions/1")
    assert sent == 1
    nudges = session.exec(select(Nudge).where(Nudge.kind == "message")).all()
    assert {(n.recipient_id, n.channel, n.kind) for n in nudges} == {
        (people.client.id, "inapp", "message"), (people.client.id, "email", "message")}
    assert nudges[0].payload == {"title": "Bring pens", "body": "We'll write letters after the talk.",
                                 "link": "/actions/1", "about": action.title}
    both = attendance.message_volunteers(session, user=people.coordinator, task_id=task.id, title="Hi",
                                         body="Thanks", include_waitlisted=True)
    assert both == 2
    events = session.exec(select(EventRecord).where(EventRecord.type == "VolunteersMessaged")).all()
    assert [e.payload["recipients"] for e in events] == [1, 2]


def test_messaging_is_for_coordinators_and_needs_someone_to_message(session, people, make_action, make_task):
    task = make_task(action_id=make_action().id)
    with pytest.raises(Forbidden):
        attendance.message_volunteers(session, user=people.client, task_id=task.id, title="Hi", body="There")
    with pytest.raises(Conflict, match="no one"):
        attendance.message_volunteers(session, user=people.coordinator, task_id=task.id, title="Hi", body="There")
