"""A Spanish-speaking client's journey in a real Chromium, all in Spanish: she raises a concern, signs up for a
task, and reads the confirmation in her inbox and in the mail folder; every page passes axe and says lang="es"."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.browser


def test_a_spanish_speaking_client_raises_a_concern_signs_up_and_reads_the_confirmation_in_spanish(journey, live):
    def es(msgid: str, **values) -> str:
        with live.app.app_context(), force_locale("es"):
            return gettext(msgid, **values)

    people = live.people()
    lucia = live.make_user(org=people.org, role="client", display_name="Lucía", locale="es")
    campaign = live.make_campaign(people.org, name="Interpreters at every appointment")
    starts = (datetime.now(ZoneInfo("Europe/London")) + timedelta(days=3)).replace(hour=18, minute=0, second=0,
                                                                                 microsecond=0)
    action = live.make_action(campaign, title="Meeting with the health board", starts_at=starts,
                              ends_at=starts + timedelta(hours=2), timezone="Europe/London")
    live.make_task(campaign, action_id=action.id, title="Speaker", capacity=3)

    def spanish_page(page, name: str) -> None:
        journey.seen(page, name)
        assert page.locator("html").get_attribute("lang") == "es", f"{name}: {page.url} is not lang=es"
        expect(page.locator("footer button[lang='en']")).to_have_text("English")  # the switch, in its language

    # a browser that asks for Spanish gets the login page in Spanish, before anyone logs in
    page = journey.page_for(locale="es-ES")
    page.goto("/login")
    spanish_page(page, "login")
    page.get_by_label(es("Email")).fill(lucia.email)
    page.get_by_label(es("Password")).fill(factories.PASSWORD)
    page.get_by_role("button", name=es("Log in")).click()
    spanish_page(page, "home")

    # she raises a concern
    page.goto(f"/o/{people.org.slug}/")
    spanish_page(page, "group")
    page.get_by_role("navigation", name=es("In this group")).get_by_role("link", name=es("Concerns"),
                                                                         exact=True).click()
    spanish_page(page, "concerns")
    page.get_by_role("link", name=es("Raise a concern")).first.click()
    spanish_page(page, "raise-form")
    page.get_by_label(es("Title")).fill("No hay intérprete en el centro de salud")
    page.get_by_label(es("What happens, and how it affects people")).fill(
        "Las citas siguen sin intérprete y salimos sin entender el diagnóstico.")
    page.get_by_label(es("Access to health care")).check()
    page.get_by_role("button", name=es("Raise concern")).click()
    spanish_page(page, "concern-raised")
    expect(page.get_by_role("heading", level=1)).to_have_text("No hay intérprete en el centro de salud")
    expect(page.get_by_text(es("Raised by you"))).to_be_visible()

    # she signs up for a task
    page.goto(f"/actions/{action.id}")
    spanish_page(page, "action")
    page.get_by_role("button", name=es("Sign up")).first.click()
    spanish_page(page, "signed-up")
    expect(page.get_by_text(es("You're signed up"), exact=True)).to_be_visible()

    # the scheduler sends the confirmation: in her inbox, in Spanish
    live.dispatch()
    confirmed = es("You're signed up: %(t)s", t="")
    page.get_by_role("navigation", name=es("Main")).get_by_role("link", name=re.compile("^" + es("Inbox"))).click()
    spanish_page(page, "inbox")
    expect(page.get_by_role("heading", name=re.compile(re.escape(confirmed) + "Speaker"))).to_be_visible()

    # … and by mail, in Spanish, marked as Spanish
    [mail] = [m for m in live.mails(to=lucia.email) if str(m["Subject"]).startswith(confirmed)]
    assert mail["Content-Language"] == "es"
    assert es("You're getting this because you signed up for %(title)s.", title="")[:20] in \
        mail.get_body(("plain",)).get_content()
    page.goto("/dev/mail")
    spanish_page(page, "mail-folder")
    page.get_by_role("link", name=re.compile("^" + re.escape(confirmed))).first.click()
    spanish_page(page, "mail")
    expect(page.locator("h1[lang='es']")).to_have_text(re.compile("^" + re.escape(confirmed)))
    expect(page.locator("pre[lang='es']")).to_contain_text(es("Thank you for signing up for %(t)s%(at)s. If plans "
        "change, you can cancel at any time with one click, no questions asked.", t="", at="")[:15])
