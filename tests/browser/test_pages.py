"""The shared page frame in a real browser: accessible, readable on a phone, usable with the keyboard."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_the_welcome_and_login_pages_are_accessible_and_fit_a_phone(journey, live):
    page = journey.page_for()
    page.goto("/")
    journey.seen(page, "welcome")
    journey.fits(page, "welcome")
    page.goto("/login")
    journey.seen(page, "login")
    journey.fits(page, "login")


def test_a_person_logs_in_with_the_keyboard_alone_and_sees_their_group(journey, live):
    people = live.people()
    page = journey.page_for()
    page.goto("/login")
    journey.seen(page, "login")
    journey.tab_to(page, "Email", role="textbox")
    page.keyboard.type(people.client.email)
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery staple 42")
    journey.submit_with_enter(page)
    page.wait_for_url(f"**/o/{people.org.slug}/")
    journey.seen(page, "group-home")
    journey.fits(page, "group-home")
    page.goto("/account")
    journey.seen(page, "account")
    journey.fits(page, "account")


def test_a_wrong_password_is_explained_beside_the_form(journey, live):
    people = live.people()
    page = journey.page_for()
    page.goto("/login")
    journey.seen(page, "login")
    page.get_by_label("Email").fill(people.client.email)
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Log in").click()
    journey.seen(page, "login-refused")
    assert page.get_by_role("alert").is_visible()


def test_a_burn_up_chart_reads_on_a_phone(journey, live):
    """At 375 px the chart's labels stay readable (not ~6 px) and each legend swatch stays beside its words."""
    from datetime import date, timedelta

    from campaigns.domain.model import GoalSnapshot

    people = live.people()
    campaign = live.make_campaign(people.org, starts_on=date.today() - timedelta(days=20))
    goal = live.make_goal(campaign, target=200, due_on=date.today() + timedelta(days=30))
    with live.session() as session:
        session.add_all([GoalSnapshot(goal_id=goal.id, day=date.today() - timedelta(days=d), value=60 - 3 * d)
                         for d in range(20, 0, -1)])
        session.commit()
    page = journey.page_for(people.coordinator, viewport={"width": 375, "height": 812})
    page.goto(f"/campaigns/{campaign.id}/progress")
    journey.seen(page, "burn-up-phone")
    journey.fits(page, "burn-up-phone")
    heights = page.eval_on_selector_all(".chart text", "els => els.map(e => e.getBoundingClientRect().height)")
    assert heights and min(heights) >= 10, heights
    for item in page.locator(".chart-key .key-item").all():
        swatch, words = item.locator(".key").bounding_box(), item.bounding_box()
        assert words["height"] < 2 * swatch["height"] + 30  # one line: the swatch did not wrap away
        assert abs((swatch["y"] + swatch["height"] / 2) - (words["y"] + words["height"] / 2)) < 6
