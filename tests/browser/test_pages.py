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
