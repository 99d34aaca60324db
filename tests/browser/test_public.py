"""Issue 13's journey in a real Chromium on a 375 px phone: a visitor opens a public action from its shared URL,
signs up as a guest with a mobile number, confirms with the code texted to them (read from the SMS folder), gets
the day-before text, replies NO through a signed webhook, and the first person on the waiting list gets the place
and is told. Every page is checked with axe and photographed (test-artifacts/screenshots/<journey>/)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlencode
from urllib.request import Request, urlopen
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.journey import PHONE

pytestmark = pytest.mark.browser

GUEST_MOBILE = "+447400123456"
AUTH_TOKEN = "browser-journey-twilio-token"


def test_a_guest_signs_up_on_a_phone_confirms_by_text_and_a_no_gives_the_place_to_the_waiting_list(journey, live):
    from campaigns.domain.model import Nudge, Signup, User

    live.app.config["TWILIO_AUTH_TOKEN"] = AUTH_TOKEN  # only the webhook's signature: texts still go to the folder
    people = live.people()
    kim = live.make_user(org=people.org, role="client", display_name="Client Kim")
    campaign = live.make_campaign(people.org, name="Interpreters at every appointment")
    starts = (datetime.now(ZoneInfo("Europe/London")) + timedelta(days=3)).replace(hour=18, minute=0, second=0,
                                                                                 microsecond=0)
    action = live.make_action(campaign, title="Open meeting on interpreters", public=True, starts_at=starts,
                              ends_at=starts + timedelta(hours=2), address="Community Hall, 1 High Street")
    task = live.make_task(campaign, action_id=action.id, title="Welcome people at the door", capacity=1)

    # the visitor opens the shared URL on a phone and signs up as a guest, by text
    guest = journey.page_for(viewport=PHONE)
    guest.goto(f"/p/actions/{action.id}")
    journey.seen(guest, "public-action")
    journey.fits(guest, "public-action")
    expect(guest.get_by_role("heading", level=1)).to_have_text("Open meeting on interpreters")
    guest.get_by_label("What should we call you?").fill("Rosa")
    guest.get_by_label("Mobile number").fill("07400 123456")
    guest.get_by_label("Remind me by text message").check()
    guest.get_by_role("button", name="Sign up").click()
    journey.seen(guest, "confirm-your-place")
    journey.fits(guest, "confirm-your-place")

    # the code comes by text (the scheduler sends it); the guest types it in
    live.dispatch()
    (code_text,) = live.texts(to=GUEST_MOBILE)
    code = re.search(r"\b(\d{6})\b", code_text["body"]).group(1)
    guest.get_by_label("Code").fill(code)
    guest.get_by_role("button", name="Confirm").click()
    journey.seen(guest, "guest-confirmed")
    expect(guest.get_by_text("You're in. Thank you!")).to_be_visible()

    # Kim, a member, finds the task full and joins the waiting list
    kim_page = journey.page_for(kim)
    kim_page.goto(f"/actions/{action.id}")
    journey.seen(kim_page, "kim-action")
    kim_page.get_by_role("button", name=re.compile("^Join the waitlist")).click()
    journey.seen(kim_page, "kim-waitlisted")
    expect(kim_page.get_by_text(re.compile("You're on the waitlist, number 1"))).to_be_visible()

    # the day before, the guest gets the reminder by text
    live.dispatch()
    with live.session() as s:
        rosa = s.exec(select(User).where(User.mobile == GUEST_MOBILE)).one()
        due = s.exec(select(Nudge).where(Nudge.recipient_id == rosa.id, Nudge.kind == "day_before",
                                         Nudge.channel == "sms")).one().due_at
    live.travel(due + timedelta(minutes=1))
    live.dispatch()
    reminder = live.texts(to=GUEST_MOBILE)[-1]
    assert "Open meeting" in reminder["body"] and "STOP" in reminder["body"], reminder["body"]

    # the guest replies NO; Twilio's webhook carries its signature
    assert _reply_as_twilio(live, "NO") == 200
    with live.session() as s:
        places = {u: s.exec(select(Signup).where(Signup.task_id == task.id, Signup.user_id == u)).one().status
                  for u in (rosa.id, kim.id)}
    assert places == {rosa.id: "cancelled", kim.id: "confirmed"}
    assert "no longer signed up" in live.texts(to=GUEST_MOBILE)[-1]["body"]

    # Kim is told, and the action page says so
    live.dispatch()
    kim_page = journey.page_for(kim)
    kim_page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("^Inbox")).click()
    journey.seen(kim_page, "kim-inbox")
    expect(kim_page.get_by_role("heading", name=re.compile("A place opened up: you're in"))).to_be_visible()
    kim_page.goto(f"/actions/{action.id}")
    journey.seen(kim_page, "kim-has-the-place")
    expect(kim_page.get_by_text("You're signed up", exact=True)).to_be_visible()


def _reply_as_twilio(live, body: str) -> int:
    """POST a reply to /sms/inbound as Twilio would: form fields and X-Twilio-Signature over BASE_URL + path."""
    from twilio.request_validator import RequestValidator

    form = {"From": GUEST_MOBILE, "To": "+447700900000", "Body": body, "MessageSid": "SM" + "c" * 32}
    url = live.url + "/sms/inbound"
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, form)
    request = Request(url, data=urlencode(form).encode(), headers={"X-Twilio-Signature": signature})
    with urlopen(request, timeout=10) as response:  # noqa: S310 (the loopback server of this test)
        return response.status
