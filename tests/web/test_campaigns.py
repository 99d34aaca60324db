"""Campaign pages, through real page requests: list, launch, the campaign page, edits, goals, team."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from campaigns.domain.model import Campaign, CampaignMember, Goal, PersonalGoal, ReadAccess
from campaigns.services import goals, personal_goals
from tests import campaign_fixtures as fx
from tests.factories import csrf_token, login_helper

launch, make_concern, make_outcome, today, give_consent = (fx.launch, fx.make_concern, fx.make_outcome, fx.today,
                                                           fx.give_consent)


def post(client, path, data, token_page):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, token_page)})


def fresh(session) -> None:
    """See what the app committed: end any read snapshot and forget loaded rows."""
    session.rollback()
    session.expire_all()


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


# -- the list and launching ------------------------------------------------------------------------------------
def test_the_org_home_links_to_campaigns(client, people, login):
    login(people.client)
    assert f'href="/o/{people.org.slug}/campaigns"' in client.get(f"/o/{people.org.slug}/").get_data(as_text=True)


def test_the_list_groups_campaigns_by_stage_and_filters(client, people, login, make_campaign):
    make_campaign(name="Fair rents", stage="collaboration")
    make_campaign(name="Interpreters at the clinic", stage="intervention")
    login(people.client)
    page = text(client.get(f"/o/{people.org.slug}/campaigns"))
    assert page.index(">Collaboration</h2>") < page.index("Fair rents") < page.index(">Intervention</h2>")
    assert page.index(">Intervention</h2>") < page.index("Interpreters at the clinic")
    filtered = text(client.get(f"/o/{people.org.slug}/campaigns?stage=intervention"))
    assert "Interpreters" in filtered and "Fair rents" not in filtered


def test_the_launch_form_explains_when_no_concern_is_shared_yet(client, people, login, make_concern):
    make_concern(status="open", title="Not shared yet")
    login(people.coordinator)
    page = text(client.get(f"/o/{people.org.slug}/campaigns/new"))
    assert "None is shared yet" in page and "Not shared yet" not in page and "<form method=\"post\" novalidate" \
        not in page


def test_a_coordinator_launches_a_campaign_from_the_form(client, people, login, make_concern, session, today):
    concern = make_concern(title="Damp in council flats")
    make_concern(status="open", title="Only two supporters")
    login(people.coordinator)
    form = text(client.get(f"/o/{people.org.slug}/campaigns/new"))
    assert "Damp in council flats" in form and "Only two supporters" not in form
    response = post(client, f"/o/{people.org.slug}/campaigns/new", {
        "concern_ids": str(concern.id), "name": "Dry homes", "summary": "", "ask": "Fix the damp.",
        "target": "Housing department", "starts_on": today.isoformat(),
        "deadline": (today + timedelta(days=41)).isoformat(), "timezone": "Europe/London", "visibility": "members",
    }, f"/o/{people.org.slug}/campaigns/new")
    assert response.status_code == 302
    campaign = session.exec(select(Campaign)).one()
    page = text(client.get(response.headers["Location"]))
    assert "Dry homes" in page and "41 days left" in page and "Damp in council flats" in page
    assert 'aria-current="step"' in page and "Current stage:" in page
    assert response.headers["Location"].endswith(f"/campaigns/{campaign.id}")


def test_bad_launch_input_re_renders_with_each_message_beside_its_field(client, people, login, make_concern, today,
                                                                        session):
    make_concern()
    login(people.coordinator)
    response = post(client, f"/o/{people.org.slug}/campaigns/new", {
        "name": "", "starts_on": today.isoformat(), "deadline": (today - timedelta(days=3)).isoformat(),
        "timezone": "Mars/Olympus", "visibility": "members",
    }, f"/o/{people.org.slug}/campaigns/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for name in ("concern_ids", "name", "timezone"):
        assert f'id="{name}-error"' in page
    assert session.exec(select(Campaign)).all() == []


def test_a_wrong_deadline_is_reported_beside_the_deadline(client, people, login, make_concern, today):
    concern = make_concern()
    login(people.coordinator)
    response = post(client, f"/o/{people.org.slug}/campaigns/new", {
        "concern_ids": str(concern.id), "name": "Dry homes", "starts_on": today.isoformat(),
        "deadline": (today - timedelta(days=3)).isoformat(), "timezone": "Europe/London", "visibility": "members",
    }, f"/o/{people.org.slug}/campaigns/new")
    assert response.status_code == 422 and 'id="deadline-error"' in response.get_data(as_text=True)


@pytest.mark.parametrize(("role", "status"), [("client", 403), ("worker", 403), ("outsider", 404)])
def test_only_coordinators_see_the_launch_form(client, people, login, role, status):
    login(getattr(people, role))
    assert client.get(f"/o/{people.org.slug}/campaigns/new").status_code == status


# -- the campaign page ----------------------------------------------------------------------------------------
def test_outsiders_get_404_and_anonymous_visitors_are_asked_to_log_in(client, people, login, campaign):
    assert client.get(f"/campaigns/{campaign.id}").status_code == 302
    login(people.outsider)
    assert client.get(f"/campaigns/{campaign.id}").status_code == 404


def test_the_page_shows_the_stage_steps_goals_at_zero_and_slots_for_other_features(
        client, people, login, make_campaign, make_goal):
    campaign = make_campaign(stage="intervention")
    make_goal(campaign_id=campaign.id, name="Letters to the housing committee", unit="letters", target=200)
    login(people.client)
    page = text(client.get(f"/campaigns/{campaign.id}"))
    steps = re.search(r'<ol class="steps".*?</ol>', page).group(0)
    assert steps.count('class="done"') == 2 and steps.count('class="current" aria-current="step"') == 1
    assert "Letters to the housing committee" in page and "0 / 200 letters (0%)" in page
    assert 'aria-valuenow="0"' in page
    assert "Move to" not in page  # members see the stage, not the buttons


def test_coordinators_see_buttons_for_allowed_moves_only_and_what_blocks_the_next(client, people, login,
                                                                                   make_campaign):
    campaign = make_campaign(stage="collaboration")
    login(people.coordinator)
    page = text(client.get(f"/campaigns/{campaign.id}"))
    assert "Back to Assessment" in page and "Archive the campaign" in page
    assert "Move to Intervention" not in page and "at least one accepted goal" in page


def test_a_stage_move_through_the_page_and_a_forbidden_one(client, people, login, make_campaign, session):
    campaign = make_campaign(stage="collaboration")
    login(people.coordinator)
    response = post(client, f"/campaigns/{campaign.id}/stage", {"to": "assessment"}, f"/campaigns/{campaign.id}")
    assert response.status_code == 302
    refused = post(client, f"/campaigns/{campaign.id}/stage", {"to": "evaluation"}, f"/campaigns/{campaign.id}")
    assert refused.status_code == 409 and "one stage at a time" in refused.get_data(as_text=True)
    fresh(session)
    assert session.get(Campaign, campaign.id).stage == "assessment"
    history = text(client.get(f"/campaigns/{campaign.id}"))
    assert "Collaboration → Assessment, by Coordinator Sam" in history


def test_closing_from_the_page_asks_for_a_summary(client, people, login, make_campaign, make_outcome, session):
    campaign = make_campaign(stage="evaluation", intervention_began_at=None)
    make_outcome(campaign_id=campaign.id)
    login(people.coordinator)
    assert 'name="closing_summary"' in client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    refused = post(client, f"/campaigns/{campaign.id}/stage", {"to": "closed", "closing_summary": ""},
                   f"/campaigns/{campaign.id}")
    assert refused.status_code == 409 and "closing summary" in refused.get_data(as_text=True)
    done = post(client, f"/campaigns/{campaign.id}/stage", {"to": "closed", "closing_summary": "Rents frozen."},
                f"/campaigns/{campaign.id}")
    assert done.status_code == 302
    fresh(session)
    assert session.get(Campaign, campaign.id).stage == "closed"


def test_the_edit_page_saves_and_reports_errors(client, people, login, make_campaign, session, today):
    campaign = make_campaign(stage="collaboration", starts_on=today, deadline=today + timedelta(days=30))
    login(people.coordinator)
    assert client.get(f"/campaigns/{campaign.id}/edit").status_code == 200
    data = {"name": "Fair rents for all", "summary": "", "ask": "Cap rents.", "target": "Council",
            "starts_on": today.isoformat(), "deadline": (today - timedelta(days=1)).isoformat(),
            "timezone": "Europe/London", "visibility": "public"}
    refused = post(client, f"/campaigns/{campaign.id}/edit", data, f"/campaigns/{campaign.id}/edit")
    assert refused.status_code == 422 and 'id="deadline-error"' in refused.get_data(as_text=True)
    data["deadline"] = (today + timedelta(days=40)).isoformat()
    assert post(client, f"/campaigns/{campaign.id}/edit", data, f"/campaigns/{campaign.id}/edit").status_code == 302
    fresh(session)
    assert session.get(Campaign, campaign.id).name == "Fair rents for all"
    login(people.client)
    assert client.get(f"/campaigns/{campaign.id}/edit").status_code == 403


# -- goals -----------------------------------------------------------------------------------------------------
def test_a_member_proposes_a_goal_and_a_coordinator_accepts_it(app, client, people, login, make_campaign, session):
    campaign = make_campaign(stage="collaboration")
    login(people.client)
    page = f"/campaigns/{campaign.id}"
    assert "Propose a goal" in client.get(page).get_data(as_text=True)
    response = post(client, f"{page}/goals", {"name": "Signatures", "kind": "measure", "unit": "signatures",
                                              "target": "500", "due_on": "", "weight": ""}, page)
    assert response.status_code == 302
    goal = session.exec(select(Goal)).one()
    assert goal.status == "proposed"
    coordinator = app.test_client()
    login_helper(coordinator)(people.coordinator)
    assert "Accept" in coordinator.get(page).get_data(as_text=True)
    accepted = coordinator.post(f"/goals/{goal.id}/accept", data={"csrf_token": csrf_token(coordinator, page)},
                                follow_redirects=True)
    assert "Goal accepted." in accepted.get_data(as_text=True)
    fresh(session)
    assert session.get(Goal, goal.id).status == "accepted"


def test_a_goal_with_a_bad_target_or_late_due_date_is_refused_beside_the_field(client, people, login,
                                                                               make_campaign, session, today):
    campaign = make_campaign(stage="collaboration", starts_on=today, deadline=today + timedelta(days=30))
    login(people.coordinator)
    page = f"/campaigns/{campaign.id}"
    for data, name in (({"target": "-3"}, "target"), ({"target": "0"}, "target"),
                       ({"target": "10", "due_on": (today + timedelta(days=31)).isoformat()}, "due_on")):
        response = post(client, f"{page}/goals", {"name": "Letters", "kind": "measure", "unit": "letters", **data},
                        page)
        assert response.status_code == 422 and f'id="{name}-error"' in response.get_data(as_text=True)
    assert session.exec(select(Goal)).all() == []


def test_a_coordinator_declines_edits_and_achieves_goals(client, people, login, make_campaign, make_goal, session):
    campaign = make_campaign(stage="collaboration")
    proposed = goals.propose_goal(session, actor=people.client, campaign=campaign, name="Hours", unit="hours",
                                  target=10)
    measure = make_goal(campaign_id=campaign.id, name="Letters", target=100)
    milestone = make_goal(campaign_id=campaign.id, name="Meeting granted by the council", kind="milestone",
                          unit="milestone", target=1)
    login(people.coordinator)
    page = f"/campaigns/{campaign.id}"
    assert post(client, f"/goals/{proposed.id}/decline", {"reason": "We log hours elsewhere."}, page).status_code \
        == 302
    assert client.get(f"/goals/{measure.id}/edit").status_code == 200
    edited = post(client, f"/goals/{measure.id}/edit", {"name": "Letters", "target": "250", "due_on": "",
                                                       "weight": "1"}, f"/goals/{measure.id}/edit")
    assert edited.status_code == 302
    bad = post(client, f"/goals/{measure.id}/edit", {"name": "Letters", "target": "0"}, f"/goals/{measure.id}/edit")
    assert bad.status_code == 422 and 'id="target-error"' in bad.get_data(as_text=True)
    assert post(client, f"/goals/{milestone.id}/achieve", {}, page).status_code == 302
    again = client.post(f"/goals/{milestone.id}/achieve", data={"csrf_token": csrf_token(client, page)},
                        follow_redirects=True)
    assert "already marked achieved" in again.get_data(as_text=True)
    fresh(session)
    assert session.get(Goal, proposed.id).status == "declined"
    assert session.get(Goal, measure.id).target == 250
    assert session.get(Goal, milestone.id).current == 1


# -- team and personal goals -----------------------------------------------------------------------------------
def test_a_client_joins_and_leaves_the_team(client, people, login, campaign, session):
    login(people.client)
    page = f"/campaigns/{campaign.id}"
    assert "Join the team" in client.get(page).get_data(as_text=True)
    assert post(client, f"{page}/join", {}, page).status_code == 302
    assert "Leave the team" in client.get(page).get_data(as_text=True)
    assert post(client, f"{page}/leave", {}, page).status_code == 302
    assert session.exec(select(CampaignMember)).all() == []


def test_a_coordinator_adds_and_re_roles_team_members(client, people, login, launch, session):
    campaign = launch()
    login(people.coordinator)
    page = f"/campaigns/{campaign.id}"
    assert post(client, f"{page}/team", {"user_id": str(people.worker.id), "role": "organiser"}, page).status_code \
        == 302
    member = session.exec(select(CampaignMember).where(CampaignMember.user_id == people.worker.id)).one()
    changed = post(client, f"{page}/team/{member.id}/role", {"role": "member"}, page)
    assert changed.status_code == 302 and changed.headers["Location"].endswith(f"{page}/team")
    shown = text(client.get(f"{page}/team"))
    assert "Worker Robin" in shown and people.worker.email not in shown
    refused = post(client, f"{page}/team", {"user_id": str(people.outsider.id), "role": "member"}, page)
    assert refused.status_code == 422 and 'id="user_id-error"' in refused.get_data(as_text=True)


def test_a_large_team_is_counted_on_the_overview_and_paged_in_its_section(client, people, login, launch, session,
                                                                          make_user):
    campaign = launch()
    for i in range(60):
        volunteer = make_user(org=people.org, display_name=f"Volunteer {i:02d}")
        session.add(CampaignMember(campaign_id=campaign.id, user_id=volunteer.id, role="member"))
    session.commit()
    login(people.coordinator)
    page = f"/campaigns/{campaign.id}"
    shown = text(client.get(page))
    assert 'name="role"' not in shown  # no team table on the overview: the team has a section of its own
    assert "61 people" in shown and f'href="{page}/team"' in shown  # 60 volunteers and the lead
    first, second = text(client.get(f"{page}/team")), text(client.get(f"{page}/team?page=2"))
    assert "61 people are on the team." in first and "Page 1 of 2" in first
    assert "Volunteer 00" in first and "Volunteer 59" in second and "Volunteer 59" not in first
    member = session.exec(select(CampaignMember).where(CampaignMember.role == "member")
                          .order_by(CampaignMember.id.desc())).first()
    moved = post(client, f"{page}/team/{member.id}/role", {"role": "organiser", "back_to_page": "2"},
                 f"{page}/team")
    assert moved.status_code == 302 and moved.headers["Location"].endswith(f"{page}/team?page=2")
    fresh(session)
    assert session.get(CampaignMember, member.id).role == "organiser"


def test_anyone_in_a_large_group_can_be_found_by_name_and_added(client, people, login, launch, session, make_user,
                                                                monkeypatch):
    from campaigns.services import campaign_team

    monkeypatch.setattr(campaign_team, "ADDABLE_LIMIT", 3)  # a "large" group: more members than the list shows
    campaign = launch()
    for name in ("Aaron One", "Aaron Two", "Aaron Three"):
        make_user(org=people.org, display_name=name)
    zoe = make_user(org=people.org, display_name="Zoë Zed")
    login(people.coordinator)
    team = f"/campaigns/{campaign.id}/team"
    assert "Zoë Zed" not in text(client.get(team)) and "find someone else by name" in text(client.get(team))
    found = text(client.get(f"{team}?find=zoë"))
    assert f'value="{zoe.id}"' in found and "Aaron One" not in found
    added = post(client, team, {"user_id": str(zoe.id), "role": "member", "back_to_page": "1"}, f"{team}?find=zoë")
    assert added.status_code == 302 and added.headers["Location"].endswith(f"{team}?page=1")
    assert "Zoë Zed" in text(client.get(team))
    assert "Nobody in the group matches “nobody-like-this”" in text(client.get(f"{team}?find=nobody-like-this"))


def test_a_personal_goal_is_set_shared_and_marked_done_privately(app, client, people, login, campaign, session,
                                                                 give_consent):
    login(people.client)
    page = f"/campaigns/{campaign.id}"
    response = post(client, f"{page}/personal-goal", {"text": "Speak once at a public meeting",
                                                      "shared_with_worker": "true",
                                                      "shared_with_worker__present": "1"}, page)
    assert response.status_code == 302
    assert post(client, f"{page}/personal-goal/done", {"done": "1"}, page).status_code == 302
    mine = text(client.get(page))
    assert "Speak once at a public meeting" in mine and "Shared with your worker" in mine
    assert session.exec(select(PersonalGoal)).one().done_at is not None
    others = app.test_client()
    for viewer in (people.other_client, people.coordinator, people.worker):
        login_helper(others)(viewer)
        assert "Speak once at a public meeting" not in others.get(page).get_data(as_text=True)
    assert session.exec(select(ReadAccess)).all() == []
    give_consent(people.client, people.worker, people.org)
    assert "Speak once at a public meeting" in others.get(page).get_data(as_text=True)  # still the worker
    assert [r.viewer_id for r in session.exec(select(ReadAccess))] == [people.worker.id]


def test_an_empty_personal_goal_is_refused_beside_the_field(client, people, login, campaign):
    login(people.client)
    page = f"/campaigns/{campaign.id}"
    response = post(client, f"{page}/personal-goal", {"text": "  "}, page)
    assert response.status_code == 422 and 'id="text-error"' in response.get_data(as_text=True)
    assert personal_goals is not None
