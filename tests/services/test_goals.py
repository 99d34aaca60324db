"""Community goals: set, proposed, accepted, declined, edited, milestones achieved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from campaigns.domain.model import Campaign, EventRecord, Goal
from campaigns.services import goals
from campaigns.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests import campaign_fixtures as fx

today = fx.today


@pytest.fixture
def collaborating(make_campaign, today):
    return make_campaign(stage="collaboration", starts_on=today, deadline=today + timedelta(days=60))


def events(session, type_: str) -> list[EventRecord]:
    session.expire_all()
    return list(session.exec(select(EventRecord).where(EventRecord.type == type_)))


def test_a_coordinator_sets_an_accepted_measurable_goal(session, people, collaborating, today):
    goal = goals.set_goal(session, actor=people.coordinator, campaign=collaborating,
                          name="Letters to the housing committee", unit="letters", target=200,
                          due_on=today + timedelta(days=30), weight=2)
    assert (goal.status, goal.kind, goal.unit, goal.target, goal.weight, goal.current) == (
        "accepted", "measure", "letters", 200, 2.0, 0)
    [event] = events(session, "GoalSet")
    assert event.payload == {"name": "Letters to the housing committee", "target": 200}
    assert event.actor_id == people.coordinator.id and event.subject_id == goal.id


def test_a_custom_unit_is_kept_and_the_due_date_defaults_to_the_deadline(session, people, collaborating):
    goal = goals.set_goal(session, actor=people.coordinator, campaign=collaborating, name="Flyers handed out",
                          unit="flyers", target=1000)
    assert goal.unit == "flyers" and goal.due_on == collaborating.deadline and goal.weight == 1.0


def test_a_milestone_is_done_or_not(session, people, collaborating):
    goal = goals.set_goal(session, actor=people.coordinator, campaign=collaborating,
                          name="Meeting granted by the council", kind="milestone")
    assert (goal.kind, goal.target, goal.unit) == ("milestone", 1, "milestone")
    with pytest.raises(Invalid, match="target is 1"):
        goals.set_goal(session, actor=people.coordinator, campaign=collaborating, name="Vote", kind="milestone",
                       target=3)


@pytest.mark.parametrize(("fields", "field", "words"), [
    ({"target": 0}, "target", "1 or more"),
    ({"target": -5}, "target", "1 or more"),
    ({"target": None}, "target", "whole number"),
    ({"target": 2_000_000}, "target", "up to"),
    ({"name": ""}, "name", "name"),
    ({"name": "x" * 141}, "name", "140"),
    ({"unit": ""}, "unit", "unit"),
    ({"unit": "u" * 41}, "unit", "40"),
    ({"kind": "wish"}, "kind", "measure"),
    ({"weight": 0}, "weight", "above 0"),
    ({"weight": -1.5}, "weight", "above 0"),
    ({"weight": float("nan")}, "weight", "above 0"),
    ({"due_on_days": 61}, "due_on", "on or before the campaign's deadline"),
    ({"due_on_days": -1}, "due_on", "on or after the campaign's start"),
])
def test_bad_goals_are_refused_by_field_and_nothing_is_written(session, people, collaborating, today, fields,
                                                                field, words):
    data = {"name": "Signatures", "unit": "signatures", "target": 500, **fields}
    if "due_on_days" in data:
        data["due_on"] = today + timedelta(days=data.pop("due_on_days"))
    with pytest.raises(Invalid, match=words) as error:
        goals.set_goal(session, actor=people.coordinator, campaign=collaborating, **data)
    assert field in error.value.errors
    assert session.exec(select(Goal)).all() == [] and events(session, "GoalSet") == []


def test_members_propose_in_collaboration_and_a_coordinator_accepts(session, people, collaborating):
    goal = goals.submit_goal(session, actor=people.client, campaign=collaborating, name="Signatures",
                             unit="signatures", target=500)
    assert goal.status == "proposed" and goal.proposed_by_id == people.client.id
    [proposed] = events(session, "GoalProposed")
    assert proposed.payload == {"name": "Signatures"}
    goal = goals.accept_goal(session, actor=people.coordinator, goal=goal, campaign=collaborating)
    assert goal.status == "accepted"
    assert [e.payload for e in events(session, "GoalSet")] == [{"name": "Signatures", "target": 500}]
    with pytest.raises(Conflict, match="already accepted"):
        goals.accept_goal(session, actor=people.coordinator, goal=goal, campaign=collaborating)


def test_a_coordinator_declines_with_a_reason(session, people, collaborating):
    goal = goals.propose_goal(session, actor=people.worker, campaign=collaborating, name="Hours", unit="hours",
                              target=40)
    with pytest.raises(Invalid, match="why"):
        goals.decline_goal(session, actor=people.coordinator, goal=goal, campaign=collaborating, reason=" ")
    goal = goals.decline_goal(session, actor=people.coordinator, goal=goal, campaign=collaborating,
                              reason="We count hours in the volunteering log already.")
    assert goal.status == "declined" and goal.decline_reason.startswith("We count")
    assert len(events(session, "GoalDeclined")) == 1


def test_declined_goals_are_shown_only_to_managers_and_the_proposer(session, people, collaborating):
    goal = goals.propose_goal(session, actor=people.client, campaign=collaborating, name="Hours", unit="hours",
                              target=40)
    goals.decline_goal(session, actor=people.coordinator, goal=goal, campaign=collaborating, reason="Not now.")
    for viewer, expected in ((people.client, 1), (people.coordinator, 1), (people.other_client, 0)):
        assert len(goals.visible(session, viewer=viewer, campaign=collaborating)["declined"]) == expected


@pytest.mark.parametrize("stage", ["assessment", "intervention", "evaluation"])
def test_proposals_are_taken_only_during_collaboration(session, people, make_campaign, stage):
    with pytest.raises(Conflict, match="collaboration"):
        goals.propose_goal(session, actor=people.client, campaign=make_campaign(stage=stage), name="Letters",
                           unit="letters", target=10)


def test_members_cannot_set_accept_or_decline(session, people, collaborating):
    goal = goals.propose_goal(session, actor=people.client, campaign=collaborating, name="Letters",
                              unit="letters", target=10)
    with pytest.raises(Forbidden):
        goals.set_goal(session, actor=people.worker, campaign=collaborating, name="X", unit="letters", target=1)
    with pytest.raises(Forbidden):
        goals.accept_goal(session, actor=people.other_client, goal=goal, campaign=collaborating)
    with pytest.raises(Forbidden):
        goals.decline_goal(session, actor=people.client, goal=goal, campaign=collaborating, reason="Mine.")


def test_closed_campaigns_goals_do_not_change(session, people, make_campaign, make_goal):
    closed = make_campaign(stage="closed")
    goal = make_goal(campaign_id=closed.id)
    with pytest.raises(Conflict, match="closed or archived"):
        goals.set_goal(session, actor=people.coordinator, campaign=closed, name="X", unit="letters", target=1)
    with pytest.raises(Conflict, match="closed or archived"):
        goals.edit_goal(session, actor=people.coordinator, goal=goal, campaign=closed, target=5)


def test_editing_a_goals_target_and_due_date_records_the_change(session, people, collaborating, make_goal, today):
    goal = make_goal(campaign_id=collaborating.id, name="Letters", target=100)
    goal = goals.edit_goal(session, actor=people.coordinator, goal=goal, campaign=collaborating, target=250,
                           due_on=today + timedelta(days=50))
    assert (goal.target, goal.due_on) == (250, today + timedelta(days=50))
    [changed] = events(session, "GoalChanged")
    assert changed.payload == {"name": "Letters", "target": 250, "due_on": (today + timedelta(days=50)).isoformat()}
    with pytest.raises(Invalid, match="1 or more"):
        goals.edit_goal(session, actor=people.coordinator, goal=goal, campaign=collaborating, target=-1)
    with pytest.raises(Invalid, match="deadline"):
        goals.edit_goal(session, actor=people.coordinator, goal=goal, campaign=collaborating,
                        due_on=today + timedelta(days=90))
    session.expire_all()
    assert session.get(Goal, goal.id).target == 250


def test_a_coordinator_marks_a_milestone_achieved_once(session, people, collaborating, make_goal):
    milestone = make_goal(campaign_id=collaborating.id, name="Meeting granted by the council", kind="milestone",
                          unit="milestone", target=1)
    goal = goals.mark_achieved(session, actor=people.coordinator, goal=milestone, campaign=collaborating)
    assert goal.current == 1 and goal.achieved_at is not None
    [reached] = events(session, "GoalReached")
    assert reached.payload == {"name": "Meeting granted by the council"}
    assert session.get(Campaign, collaborating.id).last_activity_at == goal.achieved_at
    with pytest.raises(Conflict, match="already"):
        goals.mark_achieved(session, actor=people.coordinator, goal=goal, campaign=collaborating)
    with pytest.raises(Conflict, match="milestone"):
        goals.mark_achieved(session, actor=people.coordinator, goal=make_goal(campaign_id=collaborating.id),
                            campaign=collaborating)


def test_another_organisations_goal_is_not_found(session, people, make_goal, collaborating):
    goal = make_goal(campaign_id=collaborating.id)
    with pytest.raises(NotFound):
        goals.goal_for(session, user=people.outsider, goal_id=goal.id)
    with pytest.raises(NotFound):
        goals.goal_for(session, user=people.client, goal_id=999_999)
