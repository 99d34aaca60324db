"""A campaign's team, and each participant's private personal goal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from campaigns import clock
from campaigns.domain.model import CampaignMember, EventRecord, PersonalGoal, ReadAccess
from campaigns.services import campaign_team, personal_goals
from campaigns.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests import campaign_fixtures as fx

give_consent = fx.give_consent


def lead(session, campaign, user):
    session.add(CampaignMember(campaign_id=campaign.id, user_id=user.id, role="lead"))
    session.commit()


def joined_events(session):
    session.expire_all()
    return list(session.exec(select(EventRecord).where(EventRecord.type == "MemberJoinedCampaign")))


# -- team ------------------------------------------------------------------------------------------------------
def test_a_coordinator_adds_changes_and_removes_team_members(session, people, campaign):
    lead(session, campaign, people.coordinator)
    member = campaign_team.add_member(session, actor=people.coordinator, campaign=campaign,
                                      user_id=people.worker.id, role="organiser")
    assert [(m.role, name) for m, name in campaign_team.team(session, campaign.id)] == [
        ("lead", "Coordinator Sam"), ("organiser", "Worker Robin")]
    assert [e.actor_id for e in joined_events(session)] == [people.worker.id]
    campaign_team.change_role(session, actor=people.coordinator, campaign=campaign, member_id=member.id,
                              role="member")
    assert session.get(CampaignMember, member.id).role == "member"
    campaign_team.remove_member(session, actor=people.coordinator, campaign=campaign, member_id=member.id)
    assert [name for _, name in campaign_team.team(session, campaign.id)] == ["Coordinator Sam"]


def test_a_campaign_organiser_manages_the_team_of_their_campaign(session, people, campaign):
    lead(session, campaign, people.coordinator)
    campaign_team.add_member(session, actor=people.coordinator, campaign=campaign, user_id=people.client.id,
                             role="organiser")
    campaign_team.add_member(session, actor=people.client, campaign=campaign, user_id=people.other_client.id)
    with pytest.raises(Forbidden):
        campaign_team.add_member(session, actor=people.other_client, campaign=campaign, user_id=people.worker.id)


def test_only_members_of_the_organisation_join_the_team(session, people, campaign):
    for user_id in (people.outsider.id, people.admin.id, 999_999):
        with pytest.raises(Invalid, match="member of this group") as error:
            campaign_team.add_member(session, actor=people.coordinator, campaign=campaign, user_id=user_id)
        assert "user_id" in error.value.errors
    with pytest.raises(Invalid, match="lead, organiser or member"):
        campaign_team.add_member(session, actor=people.coordinator, campaign=campaign, user_id=people.client.id,
                                 role="boss")


def test_a_team_always_keeps_a_lead(session, people, campaign):
    lead(session, campaign, people.coordinator)
    [(member, _)] = campaign_team.team(session, campaign.id)
    with pytest.raises(Conflict, match="needs a lead"):
        campaign_team.change_role(session, actor=people.coordinator, campaign=campaign, member_id=member.id,
                                  role="member")
    with pytest.raises(Conflict, match="needs a lead"):
        campaign_team.remove_member(session, actor=people.coordinator, campaign=campaign, member_id=member.id)
    with pytest.raises(Conflict, match="needs a lead"):
        campaign_team.leave(session, user=people.coordinator, campaign=campaign)


@pytest.mark.parametrize("role", ["client", "worker"])
def test_clients_and_workers_join_and_leave_by_themselves(session, people, campaign, role):
    user = getattr(people, role)
    member = campaign_team.join(session, user=user, campaign=campaign)
    assert member.role == "member"
    [event] = joined_events(session)
    assert event.actor_id == user.id and event.campaign_id == campaign.id and event.payload == {}
    with pytest.raises(Conflict, match="already"):
        campaign_team.join(session, user=user, campaign=campaign)
    campaign_team.leave(session, user=user, campaign=campaign)
    assert campaign_team.member_of(session, campaign.id, user.id) is None
    with pytest.raises(Conflict, match="not on"):
        campaign_team.leave(session, user=user, campaign=campaign)


def test_nobody_joins_a_closed_campaign_and_outsiders_never_join(session, people, make_campaign):
    with pytest.raises(Conflict, match="closed or archived"):
        campaign_team.join(session, user=people.client, campaign=make_campaign(stage="closed"))
    with pytest.raises(NotFound):
        campaign_team.join(session, user=people.outsider, campaign=make_campaign())


def test_coordinators_add_themselves_rather_than_join(session, people, campaign):
    with pytest.raises(Forbidden):
        campaign_team.join(session, user=people.coordinator, campaign=campaign)


def test_the_add_form_offers_members_not_yet_on_the_team(session, people, campaign):
    lead(session, campaign, people.coordinator)
    names = [name for _, name in campaign_team.addable(session, campaign)]
    assert names == ["Client Alex", "Client Jo", "Worker Robin"]


# -- personal goals --------------------------------------------------------------------------------------------
def test_a_participant_sets_changes_and_completes_their_personal_goal(session, people, campaign):
    goal = personal_goals.set_mine(session, user=people.client, campaign=campaign,
                                   text="Speak once at a public meeting")
    assert goal.done_at is None and not goal.shared_with_worker
    goal = personal_goals.set_mine(session, user=people.client, campaign=campaign,
                                   text="Write my first letter to an official", shared_with_worker=True)
    assert session.exec(select(PersonalGoal)).all() == [goal]
    done = personal_goals.mark_done(session, user=people.client, campaign=campaign)
    assert done.done_at is not None
    assert personal_goals.mark_done(session, user=people.client, campaign=campaign, done=False).done_at is None
    personal_goals.delete_mine(session, user=people.client, campaign=campaign)
    assert personal_goals.mine(session, user=people.client, campaign=campaign) is None


def test_marking_done_twice_keeps_the_first_moment(session, people, campaign):
    personal_goals.set_mine(session, user=people.client, campaign=campaign, text="Go to the hearing", done=True)
    first = personal_goals.mine(session, user=people.client, campaign=campaign).done_at
    clock.pin(clock.now() + timedelta(hours=3))
    assert personal_goals.set_mine(session, user=people.client, campaign=campaign, text="Go to the hearing",
                                   done=True).done_at == first


def test_personal_goals_are_private_to_each_person(session, people, campaign):
    personal_goals.set_mine(session, user=people.client, campaign=campaign, text="Speak at the meeting")
    assert personal_goals.mine(session, user=people.other_client, campaign=campaign) is None
    for someone in (people.coordinator, people.worker):
        assert personal_goals.shared_with_me(session, worker=someone, campaign=campaign) == []


def test_no_event_ever_carries_a_personal_goal(session, people, campaign):
    personal_goals.set_mine(session, user=people.client, campaign=campaign, text="A very private wish",
                            shared_with_worker=True, done=True)
    rows = session.exec(select(EventRecord)).all()
    assert not [r for r in rows if "private wish" in str(r.payload)]


@pytest.mark.parametrize("text", ["", "   ", "x" * 501])
def test_an_empty_or_oversized_personal_goal_is_refused(session, people, campaign, text):
    with pytest.raises(Invalid) as error:
        personal_goals.set_mine(session, user=people.client, campaign=campaign, text=text)
    assert "text" in error.value.errors
    assert session.exec(select(PersonalGoal)).all() == []


def test_a_worker_sees_a_shared_goal_only_with_a_live_consent_and_each_look_is_logged(
        session, people, campaign, give_consent):
    personal_goals.set_mine(session, user=people.client, campaign=campaign, text="Speak at the meeting",
                            shared_with_worker=True)
    personal_goals.set_mine(session, user=people.other_client, campaign=campaign, text="Not shared")
    give_consent(people.other_client, people.worker, people.org)
    assert personal_goals.shared_with_me(session, worker=people.worker, campaign=campaign) == []
    consent = give_consent(people.client, people.worker, people.org, scope="support_concerns")
    [(goal, name)] = personal_goals.shared_with_me(session, worker=people.worker, campaign=campaign)
    assert (goal.text, name) == ("Speak at the meeting", "Client Alex")
    reads = session.exec(select(ReadAccess)).all()
    assert [(r.viewer_id, r.subject_user_id) for r in reads] == [(people.worker.id, people.client.id)]
    assert (reads[0].what, reads[0].details) == ("personal_goal", {"campaign": campaign.name})
    consent.revoked_at = clock.now()
    session.add(consent)
    session.commit()
    assert personal_goals.shared_with_me(session, worker=people.worker, campaign=campaign) == []


def test_a_goal_not_shared_stays_hidden_even_from_a_consented_worker(session, people, campaign, give_consent):
    give_consent(people.client, people.worker, people.org)
    personal_goals.set_mine(session, user=people.client, campaign=campaign, text="Mine alone")
    assert personal_goals.shared_with_me(session, worker=people.worker, campaign=campaign) == []
    assert session.exec(select(ReadAccess)).all() == []


def test_a_new_personal_goal_needs_an_active_campaign_but_an_old_one_can_be_marked_done(
        session, people, make_campaign):
    campaign = make_campaign(stage="collaboration")
    personal_goals.set_mine(session, user=people.client, campaign=campaign, text="Write a letter")
    campaign.stage = "closed"
    session.add(campaign)
    session.commit()
    assert personal_goals.mark_done(session, user=people.client, campaign=campaign).done_at is not None
    with pytest.raises(Conflict, match="ended"):
        personal_goals.set_mine(session, user=people.other_client, campaign=campaign, text="Too late")
