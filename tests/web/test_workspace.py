"""The campaign as a workspace (issue 15 items 2 and 3): sections of their own URL, forms behind a disclosure, the
viewer's next step at the top; ended actions look ended and are listed apart."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from campaigns import clock
from campaigns.services import signups
from tests import campaign_fixtures as fx

launch, make_concern, today = fx.launch, fx.make_concern, fx.today

SECTIONS = {"": "Overview", "/actions": "Actions and tasks", "/progress": "Progress", "/team": "Team",
            "/outcomes": "Outcomes"}


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("section", "label"), SECTIONS.items())
def test_every_section_has_its_own_url_and_says_which_it_is(client, people, login, campaign, section, label):
    login(people.client)
    page = text(client.get(f"/campaigns/{campaign.id}{section}"))
    nav = re.search(r'<nav class="ws-sections".*?</nav>', page, re.S).group(0)
    assert re.search(rf'aria-current="page">{re.escape(label)}</a>', nav)
    assert all(f'href="/campaigns/{campaign.id}{other}"' in nav for other in SECTIONS)


def test_the_overview_no_longer_holds_every_section_and_form(client, people, login, make_campaign, make_action,
                                                              make_goal):
    campaign = make_campaign(stage="intervention")
    make_goal(campaign_id=campaign.id, name="Letters to the committee")
    make_action(campaign_id=campaign.id, title="Town hall on rents")
    login(people.coordinator)
    page = text(client.get(f"/campaigns/{campaign.id}"))
    assert "Town hall on rents" not in page and "burnup" not in page and 'name="role"' not in page
    goal_form = page[page.index('<details class="card"'):page.index("</details>", page.index('id="goal-form-h"'))]
    assert f'action="/campaigns/{campaign.id}/goals"' in goal_form and '<details class="card">' in goal_form


@pytest.mark.parametrize(("who", "stage", "step"), [
    ("coordinator", "collaboration", "Add the first goal"),
    ("coordinator", "intervention", "Plan an action"),
    ("client", "collaboration", "Join the team"),
])
def test_the_next_step_for_this_viewer_is_at_the_top(client, people, login, make_campaign, who, stage, step):
    campaign = make_campaign(stage=stage)
    login(getattr(people, who))
    page = text(client.get(f"/campaigns/{campaign.id}"))
    box = page[page.index('id="next-step-h"'):]
    assert step in box[:box.index("</section>")]
    assert page.index('id="next-step-h"') < page.index('id="about-h"')


def test_a_volunteers_next_step_is_their_shift_then_an_action_that_needs_people(
        client, people, login, session, make_campaign, make_action, make_task):
    campaign = make_campaign(stage="intervention")
    action = make_action(campaign_id=campaign.id, title="Town hall on rents")
    task = make_task(campaign_id=campaign.id, action_id=action.id, capacity=3, title="Greeter")
    login(people.client)
    assert "Sign up for Town hall on rents" in text(client.get(f"/campaigns/{campaign.id}"))
    signups.sign_up(session, task_id=task.id, user=people.client)
    page = text(client.get(f"/campaigns/{campaign.id}"))
    assert "Your next shift:" in page and "Greeter" in page


def test_contributions_waiting_are_a_coordinators_next_step(client, people, login, session, make_campaign,
                                                            make_goal):
    from campaigns.services import contributions

    campaign = make_campaign(stage="intervention")
    goal = make_goal(campaign_id=campaign.id)
    contributions.log_contribution(session, user=people.client, campaign_id=campaign.id, goal_id=goal.id, amount=5)
    login(people.coordinator)
    page = text(client.get(f"/campaigns/{campaign.id}"))
    assert "Check 1 contribution" in page and f'href="/campaigns/{campaign.id}/contributions"' in page


# -- ended actions (item 3) --------------------------------------------------------------------------------------
def _action(make_action, make_task, *, starts):
    action = make_action(starts_at=starts, ends_at=starts + timedelta(hours=2), title="Town hall on rents")
    return action, make_task(action_id=action.id, capacity=3, title="Greeter")


def test_an_ended_action_looks_ended_with_no_step_back_or_check_in(client, people, login, session, make_action,
                                                                    make_task):
    start = clock.now().replace(microsecond=0) + timedelta(days=1)
    action, task = _action(make_action, make_task, starts=start)
    signup = signups.sign_up(session, task_id=task.id, user=people.client)
    clock.pin(start + timedelta(hours=5))  # three hours after it ended
    login(people.client)
    page = text(client.get(f"/actions/{action.id}"))
    assert "This action has ended." in page
    assert f"/signups/{signup.id}/cancel" not in page and "Step back" not in page
    assert 'name="code"' not in page and "You signed up for this" in page


def test_check_in_is_offered_on_the_day_only(client, people, login, session, make_action, make_task):
    start = clock.now().replace(microsecond=0) + timedelta(days=3)
    action, task = _action(make_action, make_task, starts=start)
    signups.sign_up(session, task_id=task.id, user=people.client)
    login(people.client)
    assert 'name="code"' not in text(client.get(f"/actions/{action.id}"))  # three days before
    clock.pin(start - timedelta(minutes=30))
    login(people.client)
    during = text(client.get(f"/actions/{action.id}"))
    assert 'name="code"' in during and "Step back from this task" in during


def test_upcoming_and_ended_actions_are_listed_apart(client, people, login, session, make_campaign, make_action):
    campaign = make_campaign(stage="intervention")
    now = clock.now().replace(microsecond=0)
    make_action(campaign_id=campaign.id, title="Last month's vigil", starts_at=now - timedelta(days=30),
                ends_at=now - timedelta(days=30) + timedelta(hours=1))
    make_action(campaign_id=campaign.id, title="Next week's town hall")
    login(people.client)
    page = text(client.get(f"/campaigns/{campaign.id}/actions"))
    coming, ended = page.index('id="vol-upcoming-h"'), page.index('id="vol-past-h"')
    assert coming < page.index("Next week&#39;s town hall") < ended < page.index("Last month&#39;s vigil")


# -- concerns and campaigns link to each other (item 4) ------------------------------------------------------------
def test_a_campaign_and_its_concerns_link_to_each_other(client, people, login, launch):
    campaign = launch(name="Fair rents")
    login(people.client)
    overview = text(client.get(f"/campaigns/{campaign.id}"))
    [concern_link] = re.findall(rf'href="(/o/{people.org.slug}/concerns/\d+)"', overview)
    concern_page = text(client.get(concern_link))
    assert "A campaign works on this" in concern_page and f'href="/campaigns/{campaign.id}"' in concern_page


def test_launching_says_why_nothing_is_offered_when_every_shared_concern_has_a_campaign(client, people, login,
                                                                                        launch):
    launch()
    login(people.coordinator)
    page = text(client.get(f"/o/{people.org.slug}/campaigns/new"))
    assert "Every shared concern is already in a campaign (1 concern)" in page
    assert "None is shared yet" not in page


def test_the_api_gives_the_same_next_step(api, people, make_campaign):
    campaign = make_campaign(stage="collaboration")
    assert api(people.coordinator).get(f"/api/v1/campaigns/{campaign.id}/next-step").get_json()["kind"] == "add_goal"
    assert api(people.client).get(f"/api/v1/campaigns/{campaign.id}/next-step").get_json()["kind"] == "join"
    assert api(people.outsider).get(f"/api/v1/campaigns/{campaign.id}/next-step").status_code == 404
