"""Launching campaigns from shared concerns, editing them, and moving them through the stages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from campaigns.domain.model import Campaign, CampaignConcern, CampaignMember, Concern, EventRecord
from campaigns.services import campaigns
from campaigns.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests import campaign_fixtures as fx

# this module's fixtures (assigned, so pytest finds them here)
launch, make_concern, make_outcome, today = fx.launch, fx.make_concern, fx.make_outcome, fx.today


def events(session, type_: str) -> list[EventRecord]:
    session.expire_all()
    return list(session.exec(select(EventRecord).where(EventRecord.type == type_).order_by(EventRecord.position)))


def test_launching_moves_shared_concerns_into_the_campaign_and_the_launcher_leads_it(
        session, people, make_concern, launch):
    first, second = make_concern(), make_concern()
    campaign = launch(concern_ids=[first.id, second.id], visibility="public")
    session.expire_all()
    assert campaign.stage == "assessment" and campaign.visibility == "public"
    assert {c.status for c in session.exec(select(Concern))} == {"in_campaign"}
    links = session.exec(select(CampaignConcern).where(CampaignConcern.campaign_id == campaign.id)).all()
    assert {link.concern_id for link in links} == {first.id, second.id}
    team = session.exec(select(CampaignMember).where(CampaignMember.campaign_id == campaign.id)).all()
    assert [(m.user_id, m.role) for m in team] == [(people.coordinator.id, "lead")]
    [launched] = events(session, "CampaignLaunched")
    assert launched.actor_id == people.coordinator.id and launched.payload == {"name": "Fair rents"}
    assert campaigns.concerns_of(session, campaign.id) == sorted(
        [(first.id, first.title), (second.id, second.title)], key=lambda pair: pair[1])


def test_the_campaign_time_zone_defaults_to_the_organisations(launch, people):
    people.org.timezone = "Europe/Paris"
    assert launch(timezone=None).timezone == "Europe/Paris"


@pytest.mark.parametrize("status", ["open", "in_campaign", "closed", "merged"])
def test_only_shared_concerns_can_be_launched(session, make_concern, launch, status):
    concern = make_concern(status=status)
    with pytest.raises(Invalid, match="Only shared concerns") as error:
        launch(concern_ids=[concern.id])
    assert "concern_ids" in error.value.errors
    assert session.exec(select(Campaign)).all() == []


def test_another_organisations_concern_is_not_found_and_nothing_is_written(session, people, make_concern, launch):
    mine, theirs = make_concern(), make_concern(org_id=people.other_org.id)
    with pytest.raises(NotFound):
        launch(concern_ids=[mine.id, theirs.id])
    session.expire_all()
    assert session.get(Concern, mine.id).status == "shared"
    assert session.exec(select(Campaign)).all() == [] and events(session, "CampaignLaunched") == []


def test_a_concern_already_taken_cannot_be_launched_twice(make_concern, launch):
    concern = make_concern()
    launch(concern_ids=[concern.id])
    with pytest.raises(Invalid, match="isn't shared"):
        launch(concern_ids=[concern.id])


@pytest.mark.parametrize(("field", "value", "words"), [
    ("name", "   ", "can't be empty"),
    ("name", "x" * 141, "140 characters"),
    ("summary", "x" * 5001, "5000 characters"),
    ("ask", "x" * 2001, "2000 characters"),
    ("target", "x" * 501, "500 characters"),
    ("timezone", "Mars/Olympus", "time zone"),
    ("visibility", "everyone", "who can see"),
    ("concern_ids", [], "at least one"),
])
def test_bad_launch_input_is_refused_by_field(session, launch, field, value, words):
    with pytest.raises(Invalid, match=words) as error:
        launch(**{field: value})
    assert field in error.value.errors
    assert session.exec(select(Campaign)).all() == []


def test_a_deadline_before_the_start_is_refused(launch, today):
    with pytest.raises(Invalid, match="on or after the start") as error:
        launch(deadline=today - timedelta(days=1))
    assert "deadline" in error.value.errors


@pytest.mark.parametrize("role", ["client", "worker"])
def test_only_coordinators_launch(people, launch, role):
    with pytest.raises(Forbidden):
        launch(actor=getattr(people, role))


def test_outsiders_cannot_launch_in_an_organisation_they_are_not_in(people, launch):
    with pytest.raises(NotFound):
        launch(actor=people.outsider)


def test_the_list_is_for_members_only_and_filters_by_stage(session, people, launch, make_campaign):
    launch()
    make_campaign(stage="intervention")
    query = campaigns.list_query(session, user=people.client, org_id=people.org.id)
    assert [c.stage for c in session.exec(query)] == ["assessment", "intervention"]
    query = campaigns.list_query(session, user=people.client, org_id=people.org.id, stage="intervention")
    assert [c.stage for c in session.exec(query)] == ["intervention"]
    for stranger in (people.outsider, people.admin):
        with pytest.raises(NotFound):
            campaigns.list_query(session, user=stranger, org_id=people.org.id)
    with pytest.raises(NotFound):
        campaigns.get(session, user=people.outsider, campaign_id=launch().id)


def test_the_campaign_never_reads_who_raised_a_concern(session, people, make_concern, launch):
    from sqlalchemy import event

    concern = make_concern(author_id=people.client.id)
    statements = []
    engine = session.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        campaign = launch(concern_ids=[concern.id])
        campaigns.concerns_of(session, campaign.id)
        campaigns.shared_concerns(session, people.org.id)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert statements and not [s for s in statements if "author_id" in s]


# -- editing ---------------------------------------------------------------------------------------------------
def test_a_coordinator_edits_the_details(session, people, launch, today):
    campaign = launch()
    campaigns.update_details(session, actor=people.coordinator, campaign=campaign, name="Fair rents now",
                             deadline=today + timedelta(days=60), visibility="public")
    session.expire_all()
    stored = session.get(Campaign, campaign.id)
    assert (stored.name, stored.deadline, stored.visibility) == ("Fair rents now", today + timedelta(days=60),
                                                                 "public")


def test_a_campaign_lead_who_is_a_client_may_edit_but_another_client_may_not(session, people, launch):
    campaign = launch()
    session.add(CampaignMember(campaign_id=campaign.id, user_id=people.client.id, role="organiser"))
    session.commit()
    campaigns.update_details(session, actor=people.client, campaign=campaign, summary="Written by Alex.")
    with pytest.raises(Forbidden):
        campaigns.update_details(session, actor=people.other_client, campaign=campaign, summary="No.")


def test_the_deadline_cannot_move_before_a_goal_is_due(session, people, launch, make_goal, today):
    campaign = launch()
    make_goal(campaign_id=campaign.id, name="Letters", due_on=today + timedelta(days=30))
    with pytest.raises(Invalid, match="“Letters” is due") as error:
        campaigns.update_details(session, actor=people.coordinator, campaign=campaign,
                                 deadline=today + timedelta(days=20))
    assert "deadline" in error.value.errors


def test_editing_refuses_bad_dates_and_closed_campaigns(session, people, make_campaign, today):
    campaign = make_campaign(stage="collaboration", starts_on=today, deadline=today + timedelta(days=10))
    with pytest.raises(Invalid, match="on or after the start"):
        campaigns.update_details(session, actor=people.coordinator, campaign=campaign,
                                 starts_on=today + timedelta(days=11))
    with pytest.raises(Invalid, match="needs a deadline"):
        campaigns.update_details(session, actor=people.coordinator,
                                 campaign=make_campaign(stage="intervention"), deadline=None)
    with pytest.raises(Conflict, match="closed or archived"):
        campaigns.update_details(session, actor=people.coordinator, campaign=make_campaign(stage="closed"),
                                 name="New")


# -- stages ----------------------------------------------------------------------------------------------------
def move(session, actor, campaign, to_stage, **kwargs):
    return campaigns.change_stage(session, actor=actor, campaign=campaign, to_stage=to_stage, **kwargs)


def test_a_campaign_goes_through_every_stage_with_an_event_for_each_change(
        session, people, launch, make_goal, make_outcome):
    campaign = launch()
    coordinator = people.coordinator
    move(session, coordinator, campaign, "collaboration")
    make_goal(campaign_id=campaign.id)
    campaign = move(session, coordinator, campaign, "intervention")
    began = campaign.intervention_began_at
    assert began is not None
    move(session, coordinator, campaign, "evaluation")
    make_outcome(campaign_id=campaign.id)
    campaign = move(session, coordinator, campaign, "closed", closing_summary="Rents frozen for two years.")
    campaign = move(session, coordinator, campaign, "archived")
    assert campaign.closing_summary == "Rents frozen for two years."
    assert campaign.intervention_began_at == began
    changes = [(e.payload["from_stage"], e.payload["to_stage"], e.actor_id)
               for e in events(session, "CampaignStageChanged")]
    assert changes == [("assessment", "collaboration", coordinator.id),
                       ("collaboration", "intervention", coordinator.id),
                       ("intervention", "evaluation", coordinator.id),
                       ("evaluation", "closed", coordinator.id), ("closed", "archived", coordinator.id)]
    history = campaigns.stage_history(session, campaign.id)
    assert [name for _, name in history] == ["Coordinator Sam"] * 5


def test_a_forbidden_jump_is_a_conflict_with_the_rules_reason_and_changes_nothing(session, people, launch):
    campaign = launch()
    with pytest.raises(Conflict, match="one stage at a time") as error:
        move(session, people.coordinator, campaign, "intervention")
    assert "to" in error.value.errors
    session.expire_all()
    assert session.get(Campaign, campaign.id).stage == "assessment"
    assert events(session, "CampaignStageChanged") == []


def test_intervention_needs_an_accepted_goal_not_a_proposed_one(session, people, make_campaign, make_goal):
    campaign = make_campaign(stage="collaboration")
    make_goal(campaign_id=campaign.id, status="proposed")
    with pytest.raises(Conflict, match="accepted goal"):
        move(session, people.coordinator, campaign, "intervention")


def test_closing_needs_an_outcome_and_a_summary(session, people, make_campaign, make_outcome):
    campaign = make_campaign(stage="evaluation")
    with pytest.raises(Conflict, match="outcome"):
        move(session, people.coordinator, campaign, "closed", closing_summary="Done.")
    make_outcome(campaign_id=campaign.id)
    with pytest.raises(Conflict, match="closing summary"):
        move(session, people.coordinator, campaign, "closed", closing_summary="   ")
    assert move(session, people.coordinator, campaign, "closed", closing_summary="Done.").stage == "closed"


def test_going_back_keeps_when_intervention_first_began(session, people, make_campaign, make_goal):
    campaign = make_campaign(stage="collaboration")
    make_goal(campaign_id=campaign.id)
    began = move(session, people.coordinator, campaign, "intervention").intervention_began_at
    move(session, people.coordinator, campaign, "collaboration")
    assert move(session, people.coordinator, campaign, "intervention").intervention_began_at == began


def test_archiving_an_unfinished_campaign_gives_its_concerns_back(session, people, launch, make_concern):
    concern = make_concern()
    campaign = launch(concern_ids=[concern.id])
    move(session, people.coordinator, campaign, "archived")
    session.expire_all()
    assert session.get(Concern, concern.id).status == "shared"
    assert campaigns.archived_from(session, session.get(Campaign, campaign.id)) == "assessment"


@pytest.mark.parametrize("role", ["client", "worker"])
def test_members_without_a_campaign_role_cannot_change_the_stage(session, people, launch, role):
    with pytest.raises(Forbidden):
        move(session, getattr(people, role), launch(), "collaboration")


def test_the_countdown_is_in_the_campaigns_time_zone(launch, today):
    assert campaigns.days_left(launch(deadline=today + timedelta(days=41))) == 41
    assert campaigns.days_left(launch(deadline=None)) is None


def test_possible_moves_and_what_blocks_the_next_stage(session, make_campaign, make_goal):
    campaign = make_campaign(stage="collaboration")
    assert campaigns.possible_moves(session, campaign) == ["assessment", "archived"]
    assert campaigns.next_step_blocker(session, campaign)[0] == "intervention"
    make_goal(campaign_id=campaign.id)
    assert "intervention" in campaigns.possible_moves(session, campaign)
    assert campaigns.next_step_blocker(session, campaign) is None


def test_two_coordinators_launching_from_one_concern_at_once_cannot_both_take_it(app, session, people, make_user,
                                                                                   make_concern):
    import threading
    from datetime import date

    from campaigns.db import session_scope
    from campaigns.domain.model import User

    concern = make_concern()
    coordinators = [people.coordinator, make_user(org=people.org, role="coordinator")]
    barrier, outcomes = threading.Barrier(2), []

    def attempt(user_id: int) -> None:
        with app.app_context(), session_scope() as own:
            actor = own.get(User, user_id)
            barrier.wait()
            try:
                campaigns.launch(own, actor=actor, org_id=people.org.id, concern_ids=[concern.id],
                                 name=f"Campaign by {user_id}", starts_on=date.today())
                outcomes.append("launched")
            except (Conflict, Invalid) as error:
                outcomes.append(error.message)

    threads = [threading.Thread(target=attempt, args=(c.id,)) for c in coordinators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("launched") == 1, outcomes
    assert len(session.exec(select(Campaign)).all()) == 1
    assert len(events(session, "CampaignLaunched")) == 1
