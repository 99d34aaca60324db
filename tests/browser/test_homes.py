"""Each role starts at their home and reaches their next step in at most two clicks, in a real Chromium
(screenshots at 1280 and 375 px in test-artifacts/screenshots/<journey>/; axe finds nothing serious)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _shift(live, campaign, *, days: int = 2, title: str = "Meeting with the health board"):
    starts = (datetime.now(UTC) + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    action = live.make_action(campaign, title=title, starts_at=starts, ends_at=starts + timedelta(hours=2))
    return action, live.make_task(campaign, action_id=action.id, title="Note takers", capacity=3)


def _sign_up(live, task, user):
    from campaigns.services import signups

    with live.session() as s:
        return signups.sign_up(s, task_id=task.id, user=user)


def test_a_volunteer_steps_back_from_their_next_shift_from_their_home(journey, live):
    people = live.people()
    campaign = live.make_campaign(people.org, name="Interpreters at every appointment")
    _, task = _shift(live, campaign)
    _sign_up(live, task, people.client)

    alex = journey.page_for(people.client)  # logging in lands on the home
    expect(alex).to_have_url(re.compile(f"/o/{people.org.slug}/$"))
    next_shift = alex.get_by_role("region", name="Your next shift")
    expect(next_shift).to_contain_text("Meeting with the health board")
    expect(next_shift).to_contain_text("Community Centre, 1 High Street")
    journey.fits(alex, "volunteer-home")
    next_shift.get_by_text("Can't make it?").click()  # one
    next_shift.get_by_role("button", name="Step back from this shift").click()  # two
    journey.seen(alex, "stepped-back")
    expect(alex.get_by_text(re.compile("stepped back from this task"))).to_be_visible()
    expect(alex.get_by_role("region", name="Your next shift")).to_contain_text("You have no shift coming up.")
    expect(alex.get_by_role("region", name="Actions that need people")).to_contain_text(
        "Meeting with the health board")


def test_a_worker_opens_a_consenting_clients_shift_from_their_home(journey, live):
    from campaigns.domain.model import Consent

    people = live.people()
    campaign = live.make_campaign(people.org, name="Interpreters at every appointment")
    _, task = _shift(live, campaign)
    _sign_up(live, task, people.client)
    with live.session() as s:
        s.add(Consent(org_id=people.org.id, client_id=people.client.id, worker_id=people.worker.id, scope="sign_up"))

    robin = journey.page_for(people.worker)
    clients = robin.get_by_role("region", name="Your clients")
    expect(clients).to_contain_text("Client Alex")
    expect(clients).not_to_contain_text("Client Jo")
    journey.fits(robin, "worker-home")
    clients.get_by_role("link", name="Note takers").click()  # one
    journey.seen(robin, "clients-action")
    expect(robin.get_by_role("heading", level=1)).to_have_text("Meeting with the health board")


def test_a_coordinator_goes_from_todays_work_to_the_contributions_to_check(journey, live):
    from campaigns.services import contributions

    people = live.people()
    campaign = live.make_campaign(people.org, name="Interpreters at every appointment")
    goal = live.make_goal(campaign, name="Letters to the health board", unit="letters", target=50)
    _shift(live, campaign, title="Town hall on interpreters")
    with live.session() as s:
        contributions.log_contribution(s, user=people.client, campaign_id=campaign.id, goal_id=goal.id, amount=12)

    sam = journey.page_for(people.coordinator)
    today = sam.get_by_role("region", name="Today's work")
    expect(today).to_contain_text("Town hall on interpreters")
    journey.fits(sam, "coordinator-home")
    today.get_by_role("link", name="1 contribution to check").click()  # one
    journey.seen(sam, "contributions-to-check")
    expect(sam.get_by_role("row", name=re.compile("Letters to the health board"))).to_contain_text("12 letters")


def test_a_site_admin_sees_the_scheduler_and_reaches_undelivered_messages(journey, live):
    people = live.people()
    live.run_job("scheduler_heartbeat")

    admin = journey.page_for(people.admin)
    expect(admin.get_by_role("heading", level=1)).to_have_text("This installation")
    expect(admin.get_by_role("region", name=re.compile("^Scheduler"))).to_contain_text("Running")
    expect(admin.get_by_text("You're not in a group yet")).to_have_count(0)
    journey.fits(admin, "admin-home")
    admin.get_by_role("link", name="Look at the undelivered messages").click()  # one
    journey.seen(admin, "undelivered")
