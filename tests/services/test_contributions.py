"""Contributions toward goals: logged, verified or kindly declined, counted exactly once."""

import pytest
from sqlmodel import func, select

from campaigns.db import new_session
from campaigns.domain.model import Contribution, EventRecord, Goal
from campaigns.services import contributions, orgs, volunteering
from campaigns.services.errors import Conflict, Forbidden, Invalid, NotFound


def current(goal_id: int) -> float:
    """The goal as a fresh session reads it: what everyone else sees right after the write."""
    with new_session() as fresh:
        return fresh.get(Goal, goal_id).current


def log(session, people, campaign, goal, **overrides):
    fields = {"user": people.client, "campaign_id": campaign.id, "goal_id": goal.id, "amount": 12, "hours": 2}
    fields.update(overrides)
    return contributions.log_contribution(session, **fields)


def test_goal_progress_reflects_a_verified_contribution_immediately(session, people, campaign, make_goal):
    goal = make_goal(target=100)
    logged = log(session, people, campaign, goal)
    assert current(goal.id) == 0
    contributions.verify(session, contribution_id=logged.id, user=people.coordinator)
    assert current(goal.id) == 12
    session.refresh(goal)
    assert goal.current == 12
    contributions.verify(session, contribution_id=logged.id, user=people.coordinator)  # again: counted once
    assert current(goal.id) == 12
    types = session.exec(select(EventRecord.type).order_by(EventRecord.position)).all()
    assert types == ["ContributionLogged", "ContributionVerified"]


def test_where_pending_contributions_count_they_count_at_once_and_a_rejection_takes_it_back(
        session, people, campaign, make_goal):
    orgs.update_settings(session, people.org, actor=people.coordinator, count_pending_contributions=True)
    goal = make_goal()
    logged = log(session, people, campaign, goal, amount=40)
    assert current(goal.id) == 40
    contributions.verify(session, contribution_id=log(session, people, campaign, goal, amount=5).id,
                         user=people.coordinator)
    assert current(goal.id) == 45
    rejected = contributions.reject(session, contribution_id=logged.id, user=people.coordinator,
                                    reason="These were counted at the last action already — thank you!")
    assert rejected.status == "rejected" and current(goal.id) == 5


def test_rejecting_needs_a_kind_reason_and_a_rejected_one_cannot_be_verified(session, people, campaign, make_goal):
    logged = log(session, people, campaign, make_goal())
    with pytest.raises(Invalid) as refused:
        contributions.reject(session, contribution_id=logged.id, user=people.coordinator, reason=" ")
    assert "reason" in refused.value.errors
    contributions.reject(session, contribution_id=logged.id, user=people.coordinator, reason="A duplicate, thanks!")
    with pytest.raises(Conflict):
        contributions.verify(session, contribution_id=logged.id, user=people.coordinator)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"amount": -1}, "amount"), ({"amount": 0}, "amount"), ({"amount": 100_001}, "amount"),
    ({"hours": -0.5}, "hours"), ({"hours": 1_001}, "hours"),
])
def test_negative_or_absurd_amounts_are_refused(session, people, campaign, make_goal, overrides, field):
    with pytest.raises(Invalid) as refused:
        log(session, people, campaign, make_goal(), **overrides)
    assert field in refused.value.errors
    assert session.exec(select(func.count()).select_from(Contribution)).one() == 0


def test_a_goal_of_another_campaign_is_refused(session, people, campaign, make_campaign, make_goal):
    elsewhere = make_goal(campaign_id=make_campaign().id)
    with pytest.raises(Invalid) as refused:
        log(session, people, campaign, elsewhere)
    assert "goal_id" in refused.value.errors
    with pytest.raises(Invalid):
        log(session, people, campaign, make_goal(status="proposed"))


def test_only_coordinators_review_and_outsiders_see_nothing(session, people, campaign, make_goal):
    logged = log(session, people, campaign, make_goal())
    with pytest.raises(Forbidden):
        contributions.verify(session, contribution_id=logged.id, user=people.client)
    with pytest.raises(NotFound):
        contributions.verify(session, contribution_id=logged.id, user=people.outsider)
    with pytest.raises(NotFound):
        log(session, people, campaign, make_goal(), user=people.outsider)


def test_a_person_sees_their_own_hours_and_can_download_their_history(session, people, campaign, make_goal):
    goal = make_goal(name="=HYPERLINK(evil)")
    contributions.verify(session, contribution_id=log(session, people, campaign, goal, hours=3).id,
                         user=people.coordinator)
    log(session, people, campaign, goal, hours=1.5, amount=4)
    assert volunteering.hours_of(session, people.client) == {"verified": 3.0, "pending": 1.5}
    text = contributions.history_csv(session, people.client)
    lines = text.strip().splitlines()
    assert lines[0] == "date,kind,campaign,what,amount,unit,hours,status"
    assert len(lines) == 3 and "'=HYPERLINK(evil)" in text  # a spreadsheet won't run it


def test_a_coordinator_cannot_verify_their_own_contribution_when_another_could(
        session, people, campaign, make_goal, make_user):
    from campaigns.domain.model import Role

    second = make_user(org=people.org, role=Role.coordinator, display_name="Coordinator Kim")
    goal = make_goal()
    own = log(session, people, campaign, goal, user=people.coordinator)
    with pytest.raises(Conflict) as refused:
        contributions.verify(session, contribution_id=own.id, user=people.coordinator)
    assert "another coordinator" in refused.value.message and current(goal.id) == 0
    verified = contributions.verify(session, contribution_id=own.id, user=second)
    assert verified.status == "verified" and not verified.self_verified and current(goal.id) == 12


def test_the_only_coordinator_verifies_their_own_contribution_and_it_reads_as_self_verified(
        session, api, people, campaign, make_goal):
    goal = make_goal()
    own = log(session, people, campaign, goal, user=people.coordinator)
    verified = contributions.verify(session, contribution_id=own.id, user=people.coordinator)
    assert verified.self_verified and current(goal.id) == 12
    others = contributions.verify(session, contribution_id=log(session, people, campaign, goal).id,
                                  user=people.coordinator)
    assert not others.self_verified
    listed = api(people.coordinator).get(f"/api/v1/campaigns/{campaign.id}/contributions").get_json()
    assert {c["id"]: c["self_verified"] for c in listed} == {own.id: True, others.id: False}
