"""Actions, tasks and sign-ups: capacity that never overbooks, waitlists that promote themselves, and refusals
that leave nothing half-written."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import func, select

from campaigns import clock
from campaigns.domain.model import Action, EventRecord, Signup, Task
from campaigns.services import actions, consents, signups, tasks
from campaigns.services.errors import Conflict, Forbidden, Invalid, NotFound

NEXT_MONTH = (datetime.now(UTC) + timedelta(days=30)).replace(hour=0, minute=0, second=0, microsecond=0)


def local(days: int = 30, hour: int = 18) -> datetime:
    """A naive wall-clock time, as a form sends it."""
    return (datetime.now(UTC) + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0,
                                                               tzinfo=None)


def events(session, type_: str) -> list[EventRecord]:
    query = select(EventRecord).where(EventRecord.type == type_).order_by(EventRecord.position)
    return list(session.exec(query))


def count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def plan(session, people, campaign, **overrides):
    fields = {"campaign_id": campaign.id, "user": people.coordinator, "kind": "town_hall", "title": "Town hall",
              "starts_at": local(), "ends_at": local(hour=20), "timezone": "Europe/London",
              "address": "Community Centre, 1 High Street"}
    fields.update(overrides)
    return actions.plan_action(session, **fields)


@pytest.fixture
def seats(session, people, make_action, make_task):
    """make(capacity) -> a task in an upcoming action."""
    def make(capacity=2, **overrides):
        action = make_action()
        return make_task(action_id=action.id, capacity=capacity, **overrides)
    return make


# -- actions ----------------------------------------------------------------------------------------------------
def test_an_action_is_entered_in_its_own_time_zone_and_stored_in_utc(session, people, campaign):
    action = plan(session, people, campaign, timezone="America/New_York",
                  starts_at=datetime(2031, 7, 1, 18, 0), ends_at=datetime(2031, 7, 1, 20, 0))
    assert action.starts_at == datetime(2031, 7, 1, 22, 0, tzinfo=UTC)
    assert action.ends_at == datetime(2031, 7, 2, 0, 0, tzinfo=UTC)
    assert len(action.checkin_code) == 6
    assert [e.subject_id for e in events(session, "ActionPlanned")] == [action.id]


@pytest.mark.parametrize(("overrides", "field"), [
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"ends_at": local(hour=17)}, "ends_at"),
    ({"ends_at": local(hour=18)}, "ends_at"),
    ({"kind": "rally_of_doom"}, "kind"),
    ({"address": None}, "address"),
    ({"address": None, "online_link": "javascript:alert(1)"}, "online_link"),
    ({"title": "  "}, "title"),
    ({"starts_at": datetime(2031, 3, 30, 1, 30), "ends_at": datetime(2031, 3, 30, 4, 0)}, "starts_at"),
])
def test_bad_action_input_is_refused_per_field_and_nothing_is_written(session, people, campaign, overrides, field):
    with pytest.raises(Invalid) as refused:
        plan(session, people, campaign, **overrides)
    assert field in refused.value.errors
    assert count(session, Action) == 0 and events(session, "ActionPlanned") == []


@pytest.mark.parametrize(("actor", "error"), [("client", Forbidden), ("worker", Forbidden), ("outsider", NotFound)])
def test_only_the_campaigns_coordinators_plan_actions(session, people, campaign, actor, error):
    with pytest.raises(error):
        plan(session, people, campaign, user=getattr(people, actor))


def test_moving_an_action_bumps_its_sequence_moves_its_shifts_and_records_both_times(session, people, campaign):
    action = plan(session, people, campaign)
    shift = tasks.add_task(session, user=people.coordinator, action_id=action.id, title="Greeter",
                                  capacity=3, starts_at=local(hour=17), ends_at=local(hour=18))
    old_start, old_sequence = action.starts_at, action.sequence
    moved = actions.reschedule_action(session, action_id=action.id, user=people.coordinator,
                                      starts_at=local(days=31), ends_at=local(days=31, hour=20))
    assert moved.starts_at == old_start + timedelta(days=1) and moved.sequence == old_sequence + 1
    session.refresh(shift)
    assert shift.starts_at == old_start + timedelta(days=1) - timedelta(hours=1)
    [event] = events(session, "ActionRescheduled")
    assert event.payload == {"old_starts_at": old_start.isoformat(), "new_starts_at": moved.starts_at.isoformat()}


def test_moving_an_action_to_the_same_time_changes_nothing(session, people, campaign):
    action = plan(session, people, campaign)
    actions.reschedule_action(session, action_id=action.id, user=people.coordinator,
                              starts_at=local(), ends_at=local(hour=20))
    assert action.sequence == 0 and events(session, "ActionRescheduled") == []


def test_cancelling_an_action_is_recorded_once_and_it_cannot_then_be_moved(session, people, campaign):
    action = plan(session, people, campaign)
    for _ in range(2):
        actions.cancel_action(session, action_id=action.id, user=people.coordinator)
    assert action.status == "cancelled" and action.sequence == 1
    assert len(events(session, "ActionCancelled")) == 1
    with pytest.raises(Conflict):
        actions.reschedule_action(session, action_id=action.id, user=people.coordinator,
                                  starts_at=local(days=40), ends_at=local(days=40, hour=20))


def test_editing_an_action_bumps_its_sequence_only_when_something_changes(session, people, campaign):
    action = plan(session, people, campaign)
    actions.edit_action(session, action_id=action.id, user=people.coordinator, title="Town hall")
    assert action.sequence == 0
    actions.edit_action(session, action_id=action.id, user=people.coordinator, address_public=False,
                        interpreter_languages=["Polish", "Arabic"])
    assert action.sequence == 1 and action.address_public is False


# -- tasks ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("capacity", [0, -1, 10_001])
def test_capacity_outside_1_to_10000_is_refused(session, people, campaign, capacity):
    action = plan(session, people, campaign)
    with pytest.raises(Invalid) as refused:
        tasks.add_task(session, user=people.coordinator, action_id=action.id, title="Stewards",
                              capacity=capacity)
    assert "capacity" in refused.value.errors and count(session, Task) == 0


def test_a_standalone_task_needs_a_future_deadline_and_a_goal_of_its_own_campaign(
        session, people, campaign, make_campaign, make_goal):
    other_goal = make_goal(campaign_id=make_campaign().id)
    with pytest.raises(Invalid, match="deadline"):
        tasks.add_task(session, user=people.coordinator, campaign_id=campaign.id, title="Flyers", capacity=5)
    with pytest.raises(Invalid, match="future"):
        tasks.add_task(session, user=people.coordinator, campaign_id=campaign.id, title="Flyers",
                              capacity=5, deadline=local(days=-2))
    with pytest.raises(Invalid) as refused:
        tasks.add_task(session, user=people.coordinator, campaign_id=campaign.id, title="Flyers",
                              capacity=5, deadline=local(days=10), goal_id=other_goal.id)
    assert "goal_id" in refused.value.errors
    goal = make_goal()
    task = tasks.add_task(session, user=people.coordinator, campaign_id=campaign.id, title="Flyers",
                                 capacity=5, deadline=local(days=10), goal_id=goal.id, skills=[" drawing ", ""])
    assert task.goal_id == goal.id and task.skills == ["drawing"] and task.action_id is None
    assert [e.subject_id for e in events(session, "TaskCreated")] == [task.id]


def test_another_organisations_task_is_not_found(session, people, seats):
    task = seats()
    with pytest.raises(NotFound):
        signups.sign_up(session, task_id=task.id, user=people.outsider)
    with pytest.raises(NotFound):
        tasks.change_capacity(session, task_id=task.id, user=people.outsider, capacity=5)


# -- sign-ups ---------------------------------------------------------------------------------------------------
def test_the_last_seat_confirms_and_the_next_person_is_waitlisted(session, people, seats, make_user):
    task = seats(capacity=1)
    first = signups.sign_up(session, task_id=task.id, user=people.client)
    second = signups.sign_up(session, task_id=task.id, user=people.other_client)
    assert (first.status, second.status) == ("confirmed", "waitlisted")
    session.refresh(task)
    assert task.taken == 1
    assert [e.type for e in session.exec(select(EventRecord).where(EventRecord.subject_type == "signup"))] == [
        "SignupConfirmed", "SignupWaitlisted"]


def test_signing_up_twice_returns_the_same_sign_up(session, people, seats):
    task = seats()
    first = signups.sign_up(session, task_id=task.id, user=people.client)
    again = signups.sign_up(session, task_id=task.id, user=people.client)
    assert again.id == first.id and count(session, Signup) == 1
    session.refresh(task)
    assert task.taken == 1 and len(events(session, "SignupConfirmed")) == 1


def test_cancelling_promotes_the_first_waitlisted_volunteer(session, people, seats, make_user):
    task = seats(capacity=1)
    holder = signups.sign_up(session, task_id=task.id, user=people.client)
    waiting = [signups.sign_up(session, task_id=task.id, user=make_user(org=people.org)) for _ in range(3)]
    signups.cancel(session, signup_id=holder.id, user=people.client)
    statuses = {s.id: s.status for s in session.exec(select(Signup).execution_options(populate_existing=True))}
    assert statuses == {holder.id: "cancelled", waiting[0].id: "confirmed", waiting[1].id: "waitlisted",
                        waiting[2].id: "waitlisted"}
    assert [e.subject_id for e in events(session, "SignupPromoted")] == [waiting[0].id]
    assert events(session, "SignupCancelled")[0].payload == {"task_id": task.id, "was": "confirmed"}
    session.refresh(task)
    assert task.taken == 1


def test_cancelling_is_idempotent_and_signing_up_again_reactivates_the_row(session, people, seats):
    task = seats(capacity=1)
    signup = signups.sign_up(session, task_id=task.id, user=people.client)
    for _ in range(2):
        signups.cancel(session, signup_id=signup.id, user=people.client)
    assert len(events(session, "SignupCancelled")) == 1
    again = signups.sign_up(session, task_id=task.id, user=people.client)
    assert again.id == signup.id and again.status == "confirmed" and again.cancelled_at is None


def test_only_the_volunteer_their_consenting_worker_or_a_coordinator_can_cancel(session, people, seats):
    task = seats(capacity=3)
    held = [signups.sign_up(session, task_id=task.id, user=people.client) for _ in range(1)]
    for stranger in (people.other_client, people.worker, people.outsider):
        with pytest.raises(NotFound):
            signups.cancel(session, signup_id=held[0].id, user=stranger)
    consents.give(session, client=people.client, worker_id=people.worker.id, org_id=people.org.id, scope="sign_up")
    assert signups.cancel(session, signup_id=held[0].id, user=people.worker).status == "cancelled"
    other = signups.sign_up(session, task_id=task.id, user=people.other_client)
    assert signups.cancel(session, signup_id=other.id, user=people.coordinator).status == "cancelled"


def test_a_worker_signs_a_client_up_only_under_a_live_sign_up_consent(session, people, seats):
    task = seats()
    with pytest.raises(Forbidden, match="consent"):
        signups.sign_up(session, task_id=task.id, user=people.worker, on_behalf_of=people.client.id)
    assert count(session, Signup) == 0
    consents.give(session, client=people.client, worker_id=people.worker.id, org_id=people.org.id, scope="sign_up")
    signup = signups.sign_up(session, task_id=task.id, user=people.worker, on_behalf_of=people.client.id)
    assert signup.user_id == people.client.id and signup.on_behalf_by_id == people.worker.id


@pytest.mark.parametrize("closed", ["cancelled", "past", "deadline"])
def test_sign_ups_to_a_cancelled_or_past_action_or_a_passed_deadline_are_refused(
        session, people, make_action, make_task, closed):
    if closed == "deadline":
        task = make_task(deadline=clock.now() - timedelta(hours=1), capacity=3)
    else:
        start = clock.now() - timedelta(days=2) if closed == "past" else clock.now() + timedelta(days=2)
        action = make_action(starts_at=start, ends_at=start + timedelta(hours=2),
                             status="cancelled" if closed == "cancelled" else "planned")
        task = make_task(action_id=action.id, capacity=3)
    with pytest.raises(Conflict):
        signups.sign_up(session, task_id=task.id, user=people.client)
    session.refresh(task)
    assert count(session, Signup) == 0 and task.taken == 0 and count(session, EventRecord) == 0


def test_lowering_capacity_below_the_confirmed_count_is_refused_clearly(session, people, seats, make_user):
    task = seats(capacity=3)
    for _ in range(3):
        signups.sign_up(session, task_id=task.id, user=make_user(org=people.org))
    with pytest.raises(Invalid, match="3 people are already confirmed") as refused:
        tasks.change_capacity(session, task_id=task.id, user=people.coordinator, capacity=2)
    assert "capacity" in refused.value.errors
    session.refresh(task)
    assert task.capacity == 3 and events(session, "TaskCapacityChanged") == []


def test_raising_capacity_promotes_from_the_waitlist_in_order(session, people, seats, make_user):
    task = seats(capacity=1)
    signups.sign_up(session, task_id=task.id, user=people.client)
    waiting = [signups.sign_up(session, task_id=task.id, user=make_user(org=people.org)) for _ in range(4)]
    tasks.change_capacity(session, task_id=task.id, user=people.coordinator, capacity=3)
    assert [e.subject_id for e in events(session, "SignupPromoted")] == [waiting[0].id, waiting[1].id]
    session.refresh(task)
    assert (task.capacity, task.taken) == (3, 3)
    assert events(session, "TaskCapacityChanged")[0].payload == {"capacity": 3}


def test_editing_a_task_can_change_its_capacity_in_the_same_step(session, people, seats):
    task = seats(capacity=2)
    tasks.edit_task(session, task_id=task.id, user=people.coordinator, title="Stewards", capacity=5,
                           skills=["first aid"])
    session.refresh(task)
    assert (task.title, task.capacity, task.skills) == ("Stewards", 5, ["first aid"])


def test_stepping_back_from_a_past_action_moves_nobody_up(session, people, make_action, make_task, make_user):
    start = clock.now() + timedelta(hours=1)
    action = make_action(starts_at=start, ends_at=start + timedelta(hours=1))
    task = make_task(action_id=action.id, capacity=1)
    holder = signups.sign_up(session, task_id=task.id, user=people.client)
    waiting = signups.sign_up(session, task_id=task.id, user=people.other_client)
    clock.pin(start + timedelta(hours=3))
    signups.cancel(session, signup_id=holder.id, user=people.client)
    session.refresh(waiting)
    assert waiting.status == "waitlisted" and events(session, "SignupPromoted") == []


def test_renaming_a_task_in_an_action_updates_volunteers_calendars(session, people, seats):
    task = seats()
    tasks.edit_task(session, task_id=task.id, user=people.coordinator, title="Lead steward")
    action = session.get(Action, task.action_id, populate_existing=True)
    assert action.sequence == 1


def test_a_sign_up_and_all_it_plans_stay_within_a_statement_budget(session, people, seats):
    """Everything a sign-up does (seat, event, reminders, notices) runs while it holds the task's seat lock, so
    every statement in it makes others wait: the reminder rules, the campaign's stage and the action are read once."""
    from tests.progress_helpers import count_queries

    task = seats(capacity=4)
    with count_queries() as statements:
        signups.sign_up(session, task_id=task.id, user=people.client)
    assert statements() <= 22, "\n".join(s[:100] for s in statements.statements)
