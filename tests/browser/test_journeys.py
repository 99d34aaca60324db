"""The five journeys of issue 8, in a real Chromium: every page is checked with axe and photographed
(test-artifacts/screenshots/<journey>/)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlmodel import select

pytestmark = pytest.mark.browser


def _open_org_section(journey, page, org, link: str, shot: str):
    page.goto(f"/o/{org.slug}/")
    journey.seen(page, "group-home")
    page.get_by_role("navigation", name="In this group").get_by_role("link", name=link, exact=True).click()
    journey.seen(page, shot)


def test_a_shared_concern_becomes_a_campaign_with_two_goals(journey, live):
    people = live.people()
    org = people.org
    third = live.make_user(org=org, role="client", display_name="Client Kim")

    # a client raises a concern
    alex = journey.page_for(people.client)
    _open_org_section(journey, alex, org, "Concerns", "concern-board-empty")
    alex.get_by_role("link", name="Raise a concern").first.click()
    journey.seen(alex, "raise-form")
    journey.fits(alex, "raise-form")
    alex.get_by_label("Title").fill("No interpreter at the clinic")
    alex.get_by_label("What happens, and how it affects people").fill(
        "Appointments get cancelled when nobody can translate.")
    alex.get_by_label("Access to health care").check()
    alex.get_by_role("button", name="Raise concern").click()
    journey.seen(alex, "concern-raised")
    expect(alex.get_by_role("heading", level=1)).to_have_text("No interpreter at the clinic")
    expect(alex.get_by_text("Raised by you")).to_be_visible()
    concern_url = alex.url

    # two others support it; with the third voice it is shared
    for person, name in ((people.other_client, "jo"), (third, "kim")):
        page = journey.page_for(person)
        _open_org_section(journey, page, org, "Concerns", f"board-{name}")
        page.get_by_role("link", name="No interpreter at the clinic").click()
        journey.seen(page, f"concern-before-support-{name}")
        expect(page.get_by_text("Raised by you")).to_have_count(0)  # the author is never shown
        page.get_by_role("button", name="This affects me too").click()
        journey.seen(page, f"concern-supported-{name}")
        expect(page.get_by_role("button", name="Withdraw my support")).to_be_visible()
    expect(page.locator(".concern-meta .tag.ok", has_text="Shared")).to_be_visible()
    journey.fits(page, "shared-concern")

    # a coordinator assesses it
    sam = journey.page_for(people.coordinator)
    sam.goto(concern_url)
    journey.seen(sam, "concern-coordinator")
    expect(sam.get_by_text("3 supporters")).to_be_visible()
    sam.get_by_role("link", name="Add an assessment").click()
    journey.seen(sam, "assessment-form")
    sam.get_by_label("Who is affected").fill("People who speak little English and use the clinic.")
    sam.get_by_label("Root causes").fill("No budget line for interpreters; booking system has no language field.")
    sam.get_by_label("Targets (decision-makers)").fill("The clinic manager and the health board.")
    sam.get_by_role("button", name="Save assessment").click()
    journey.seen(sam, "assessed")
    expect(sam.locator("#assessments")).to_contain_text("The clinic manager and the health board.")

    # … and launches a campaign with two goals
    journey.needs("campaigns.launch")
    _launch_campaign(journey, sam, org)


def _launch_campaign(journey, sam, org):
    _open_org_section(journey, sam, org, "Campaigns", "campaigns-empty")
    sam.get_by_role("link", name="Launch a campaign").first.click()
    journey.seen(sam, "launch-form")
    journey.fits(sam, "launch-form")
    sam.get_by_label("No interpreter at the clinic").check()
    sam.get_by_role("textbox", name="Name", exact=True).fill("Interpreters at every appointment")
    sam.get_by_label("Summary").fill("People miss care because nobody can translate for them.")
    sam.get_by_label("The ask").fill("Book an interpreter with every appointment that needs one.")
    sam.get_by_label("Target", exact=True).fill("The health board")
    today = date.today()
    sam.get_by_label(re.compile("^Starts on")).fill(today.isoformat())
    sam.get_by_label("Deadline").fill((today + timedelta(days=120)).isoformat())
    sam.get_by_role("button", name="Launch the campaign").click()
    journey.seen(sam, "campaign-launched")
    expect(sam.get_by_role("heading", level=1)).to_have_text("Interpreters at every appointment")

    # the next step says what the campaign needs first; the form opens for the first goal, then folds away
    expect(sam.get_by_role("region", name="Your next step")).to_contain_text("Add the first goal")
    for name, unit, target in (("Letters to the health board", "letters", "50"),
                               ("Signatures on the petition", "signatures", "300")):
        goal_box = sam.get_by_role("textbox", name="Goal", exact=True)
        if not goal_box.is_visible():
            sam.get_by_text("Add a goal", exact=True).click()
        goal_box.fill(name)
        sam.get_by_role("combobox", name="Unit").fill(unit)
        sam.get_by_role("spinbutton", name="Target", exact=True).fill(target)
        sam.get_by_role("button", name="Add the goal").click()
        journey.seen(sam, f"goal-added-{unit}")
    goals = sam.locator("#goals")
    expect(goals.get_by_role("progressbar")).to_have_count(2)
    expect(goals.get_by_role("progressbar", name="Letters to the health board")).to_be_visible()
    expect(goals.get_by_role("progressbar", name="Signatures on the petition")).to_be_visible()
    journey.fits(sam, "campaign-with-goals")
    # the whole team, page by page, in a section of its own
    sam.get_by_role("navigation", name="Campaign sections").get_by_role("link", name="Team").click()
    journey.seen(sam, "team-page")
    journey.fits(sam, "team-page")
    expect(sam.get_by_role("combobox", name=re.compile("Campaign role for"))).to_have_count(1)  # the lead


def _plan_action_with_task(journey, sam, campaign, *, seats: int, starts) -> str:
    """The coordinator plans an action and adds a task to it; returns the action page's URL."""
    sam.goto(f"/campaigns/{campaign.id}")
    journey.seen(sam, "campaign")
    sam.get_by_role("region", name="Your next step").get_by_role("link", name="Plan an action").click()
    journey.seen(sam, "plan-action-form")
    journey.fits(sam, "plan-action-form")
    sam.get_by_role("textbox", name="Title", exact=True).fill("Meeting with the health board")
    sam.get_by_label(re.compile("^Starts")).fill(starts.strftime("%Y-%m-%dT%H:%M"))
    sam.get_by_label(re.compile("^Ends")).fill((starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    sam.get_by_role("textbox", name="Address").fill("Community Centre, 1 High Street")
    sam.get_by_role("button", name="Plan the action").click()
    journey.seen(sam, "add-task-form")
    sam.get_by_role("textbox", name="Title", exact=True).fill("Note takers")
    sam.get_by_role("spinbutton", name="How many people").fill(str(seats))
    sam.get_by_role("button", name="Add the task").click()
    journey.seen(sam, "action-with-task")
    expect(sam.get_by_role("heading", name="Note takers")).to_be_visible()
    return sam.url


def _cancel_link(mails) -> str:
    for mail in mails:
        body = mail.get_body(preferencelist=("plain",)).get_content()
        found = re.search(r"https?://\S+/n/cancel/[^\s>\"]+", body)
        if found:
            return found.group(0)
    raise AssertionError(f"no one-click cancel link in {[str(m['Subject']) for m in mails]}")


def test_a_waitlisted_volunteer_gets_the_seat_someone_gives_up_from_their_reminder(journey, live):
    from campaigns.domain.model import Nudge, User

    people = live.people()
    kim = live.make_user(org=people.org, role="client", display_name="Client Kim")
    campaign = live.make_campaign(people.org, name="Interpreters at every appointment")
    sam = journey.page_for(people.coordinator)
    starts = (datetime.now(ZoneInfo("Europe/London")) + timedelta(days=3)).replace(hour=18, minute=0)
    action_url = _plan_action_with_task(journey, sam, campaign, seats=2, starts=starts)

    # three volunteers sign up; Alex with the keyboard alone; Kim is third, so waitlisted
    pages = {}
    for person, name in ((people.client, "alex"), (people.other_client, "jo"), (kim, "kim")):
        page = pages[name] = journey.page_for(person)
        page.goto(f"/campaigns/{campaign.id}")
        journey.seen(page, f"campaign-{name}")
        page.get_by_role("navigation", name="Campaign sections").get_by_role("link", name="Actions and tasks").click()
        journey.seen(page, f"actions-{name}")
        page.get_by_role("link", name="Meeting with the health board").click()
        journey.seen(page, f"action-{name}")
        if name == "alex":
            journey.tab_to(page, "Sign up")
            journey.submit_with_enter(page)
        elif name == "jo":
            page.get_by_role("button", name="Sign up").click()
        else:
            page.get_by_role("button", name=re.compile("^Join the waitlist")).click()
        journey.seen(page, f"signed-up-{name}")
    expect(pages["alex"].get_by_text("You're signed up", exact=True)).to_be_visible()
    expect(pages["kim"].get_by_text(re.compile("You're on the waitlist, number 1"))).to_be_visible()
    journey.fits(pages["kim"], "waitlisted")

    # the scheduler sends the confirmations, then Jo's day-before reminder at its time
    live.dispatch()
    with live.session() as s:
        jo = s.get(User, people.other_client.id)
        due = s.exec(select(Nudge).where(Nudge.recipient_id == jo.id, Nudge.kind == "day_before",
                                         Nudge.channel == "email")).one().due_at
    # two days later: the reminder goes out at its time
    live.travel(due + timedelta(minutes=1))
    live.dispatch()
    link = _cancel_link([m for m in live.mails(to=jo.email) if str(m["Subject"]).startswith("Tomorrow")])

    # Jo gives up the place from the reminder's link (no login needed), with the keyboard alone
    jo_page = journey.page_for()
    jo_page.goto(link)
    journey.seen(jo_page, "reminder-cancel-link")
    journey.tab_to(jo_page, "Give up my place")
    journey.submit_with_enter(jo_page)
    journey.seen(jo_page, "place-given-up")
    expect(jo_page.get_by_role("heading", level=1)).to_have_text("That's okay")

    # Kim is promoted at once and finds it in the inbox
    live.dispatch()
    kim_page = journey.page_for(kim)
    kim_page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("^Inbox")).click()
    journey.seen(kim_page, "kim-inbox")
    journey.fits(kim_page, "kim-inbox")
    expect(kim_page.get_by_role("heading", name=re.compile("A place opened up: you're in"))).to_be_visible()
    kim_page.goto(action_url)
    journey.seen(kim_page, "kim-has-a-seat")
    expect(kim_page.get_by_text("You're signed up", exact=True)).to_be_visible()


def _goal_state(page, goal_name: str) -> tuple[str, str]:
    """The goal's progress (aria-valuenow of its bars) and its burn-up line's points, as the page shows them."""
    bars = page.get_by_role("progressbar", name=goal_name)
    values = {bars.nth(i).get_attribute("aria-valuenow") for i in range(bars.count())}
    assert len(values) == 1, f"the page shows {goal_name} at different values: {values}"
    chart = page.locator("figure.burnup", has=page.locator("title", has_text=goal_name)).first
    return values.pop(), chart.locator("polyline.actual").get_attribute("points")


def test_a_verified_contribution_moves_the_progress_bar_and_the_burn_up_chart(journey, live):
    people = live.people()
    campaign = live.make_campaign(people.org, name="Interpreters at every appointment",
                                  starts_on=date.today() - timedelta(days=14))
    live.make_goal(campaign, name="Letters to the health board", unit="letters", target=50)
    live.run_job("goal_snapshots", at=datetime.now(UTC) - timedelta(days=1))  # last night's snapshot

    sam = journey.page_for(people.coordinator)
    sam.goto(f"/campaigns/{campaign.id}/progress")
    journey.seen(sam, "progress-before")
    before = _goal_state(sam, "Letters to the health board")
    assert before[0] == "0"

    # a volunteer logs 12 letters
    alex = journey.page_for(people.client)
    alex.goto(f"/campaigns/{campaign.id}/actions")
    journey.seen(alex, "campaign-actions-volunteer")
    alex.get_by_role("link", name="Log what you did toward a goal").click()
    journey.seen(alex, "contribution-form")
    journey.fits(alex, "contribution-form")
    alex.get_by_label("Toward which goal?").select_option(label="Letters to the health board (letters)")
    alex.get_by_role("spinbutton", name="How many").fill("12")
    alex.get_by_label("A note (optional)").fill("Written at the Tuesday drop-in.")
    alex.get_by_role("button", name="Log it").click()
    journey.seen(alex, "contribution-logged")
    expect(alex.get_by_text(re.compile("it's logged"))).to_be_visible()

    # pending contributions do not count yet
    sam.reload()
    journey.seen(sam, "progress-pending")
    assert _goal_state(sam, "Letters to the health board") == before

    # the coordinator verifies it: the campaign's overview says it is the next step
    sam.get_by_role("navigation", name="Campaign sections").get_by_role("link", name="Overview").click()
    journey.seen(sam, "campaign-pending")
    sam.get_by_role("region", name="Your next step").get_by_role("link", name="Check 1 contribution").click()
    journey.seen(sam, "contributions-to-check")
    journey.fits(sam, "contributions-to-check")
    row = sam.get_by_role("row", name=re.compile("Letters to the health board"))
    expect(row).to_contain_text("12 letters")
    desktop = sam.viewport_size
    sam.set_viewport_size({"width": 375, "height": 812})  # on a phone the row becomes a card: Verify in reach
    box = row.get_by_role("button", name="Verify").bounding_box()
    assert box and box["x"] + box["width"] <= 375, f"the Verify button sits off to the side on a phone: {box}"
    sam.set_viewport_size(desktop)
    row.get_by_role("button", name="Verify").click()
    journey.seen(sam, "contribution-verified")

    # the bar and the chart moved
    sam.goto(f"/campaigns/{campaign.id}")
    journey.seen(sam, "campaign-after")
    journey.fits(sam, "campaign-after")
    expect(sam.locator("#goals").get_by_role("progressbar", name="Letters to the health board")).to_have_attribute(
        "aria-valuenow", "24")
    sam.get_by_role("navigation", name="Campaign sections").get_by_role("link", name="Progress").click()
    journey.seen(sam, "progress-page")
    journey.fits(sam, "progress-page")
    value, points = _goal_state(sam, "Letters to the health board")
    assert value == "24", f"12 of 50 letters should read 24 %, not {value}"
    assert points != before[1], "the burn-up line did not move"


def test_a_worker_signs_a_client_up_only_with_their_consent(journey, live):
    from campaigns.domain.model import Signup

    people = live.people()
    campaign = live.make_campaign(people.org, name="Interpreters at every appointment")
    action = live.make_action(campaign, title="Letter-writing evening")
    first = live.make_task(campaign, action_id=action.id, title="Letter writers", capacity=5)
    second = live.make_task(campaign, action_id=action.id, title="Tea and welcome", capacity=2)

    # the client lets their worker sign them up
    alex = journey.page_for(people.client)
    alex.goto("/account")
    journey.seen(alex, "account")
    alex.get_by_role("link", name=re.compile("^Consents")).click()
    journey.seen(alex, "consents-none")
    journey.fits(alex, "consents-none")
    alex.get_by_label("Worker").select_option(label="Worker Robin")
    alex.get_by_label("May", exact=True).select_option(label="sign me up for tasks")
    alex.get_by_role("button", name="Give consent").click()
    journey.seen(alex, "consent-given")
    expect(alex.get_by_role("row", name=re.compile("Worker Robin"))).to_contain_text("sign me up for tasks")

    # with it, the worker signs the client up
    robin = journey.page_for(people.worker)
    robin.goto(f"/actions/{action.id}")
    journey.seen(robin, "action-worker")
    robin.locator(f"#task-{first.id}").get_by_role("link", name="Sign a client up").click()
    journey.seen(robin, "sign-up-client-form")
    journey.fits(robin, "sign-up-client-form")
    robin.get_by_label("Client Alex").check()
    robin.get_by_role("button", name="Sign them up").click()
    journey.seen(robin, "client-signed-up")
    expect(robin.get_by_text(re.compile("Client Alex is signed up"))).to_be_visible()

    # the worker opens the form for another task, but meanwhile the client withdraws the consent
    robin.goto(f"/tasks/{second.id}/sign-up-client")
    journey.seen(robin, "second-form")
    alex.get_by_role("row", name=re.compile("Worker Robin")).get_by_role("button", name="Revoke").click()
    journey.seen(alex, "consent-revoked")
    robin.get_by_label("Client Alex").check()
    robin.get_by_role("button", name="Sign them up").click()
    journey.seen(robin, "refused-kindly")
    journey.fits(robin, "refused-kindly")
    expect(robin.locator("main")).to_contain_text(re.compile("consent", re.I))
    expect(robin.locator("main")).to_contain_text(re.compile("nothing (was|can be) done", re.I))
    with live.session() as s:
        taken = s.exec(select(Signup).where(Signup.user_id == people.client.id)).all()
    assert [signup.task_id for signup in taken] == [first.id], "without consent nothing may be signed up"


def test_quiet_hours_and_a_pause_stick(journey, live):
    from campaigns.domain.model import NotificationSettings

    people = live.people()
    back_on = date.today() + timedelta(days=14)
    alex = journey.page_for(people.client)
    alex.goto("/account")
    journey.seen(alex, "account")
    alex.get_by_role("link", name=re.compile("^Notifications")).click()
    journey.seen(alex, "notifications")
    journey.fits(alex, "notifications")

    alex.get_by_label("From", exact=True).fill("22:00")
    alex.get_by_label("Until (your morning)").fill("07:30")
    alex.get_by_role("button", name="Save", exact=True).click()
    journey.seen(alex, "quiet-hours-saved")
    expect(alex.get_by_text("Your notification settings are saved.")).to_be_visible()

    alex.get_by_label(re.compile("^Pause until")).fill(back_on.isoformat())
    alex.get_by_role("button", name="Pause my nudges").click()
    journey.seen(alex, "paused")
    expect(alex.get_by_role("heading", name="You're taking a break")).to_be_visible()

    # another day, another device: the settings are still there
    again = journey.page_for(people.client, viewport={"width": 375, "height": 812})
    again.goto("/account/notifications")
    journey.seen(again, "notifications-again-phone")
    journey.fits(again, "notifications-again")
    expect(again.get_by_label("From", exact=True)).to_have_value("22:00")
    expect(again.get_by_label("Until (your morning)")).to_have_value("07:30")
    expect(again.get_by_role("heading", name="You're taking a break")).to_be_visible()
    expect(again.get_by_text(re.compile(back_on.strftime("%d %b %Y").lstrip("0")))).to_be_visible()
    with live.session() as s:
        saved = s.get(NotificationSettings, people.client.id)
        assert (saved.quiet_start.strftime("%H:%M"), saved.quiet_end.strftime("%H:%M")) == ("22:00", "07:30")
        assert saved.pause_until is not None and saved.pause_until.date() == back_on
