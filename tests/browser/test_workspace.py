"""The campaign as a workspace, in a real Chromium with the demo data: every section has its own page, none taller
than 2,500 px at 1280 px (the one long campaign page was 4,600–6,300 px), each readable on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import select

pytestmark = pytest.mark.browser

SECTIONS = ("", "/actions", "/progress", "/team", "/outcomes")
TALLEST = 2500


@pytest.fixture
def demo(live):
    """The demo organisation, built into the live app's database: (campaign ids, people by nickname)."""
    from campaigns import demo as demo_data
    from campaigns.domain.model import Campaign, User

    with live.session() as s:
        demo_data.build(s, echo=lambda _line: None)
        ids = [c.id for c in s.exec(select(Campaign).order_by(Campaign.id))]
        people = {u.email.split("@")[0]: u for u in s.exec(select(User))}
    return ids, people


@pytest.mark.parametrize("who", ["coordinator", "client"])
def test_no_campaign_section_is_taller_than_2500_px_at_1280(journey, live, demo, who):
    from campaigns.demo import DEMO_PASSWORD

    ids, people = demo
    page = journey.page_for()
    journey.log_in(page, people[who], password=DEMO_PASSWORD)
    heights = {}
    for campaign_id in ids:
        for section in SECTIONS:
            path = f"/campaigns/{campaign_id}{section}"
            assert page.goto(path).status == 200, path
            journey.seen(page, f"{who}-{campaign_id}{section.replace('/', '-')}", axe=campaign_id == ids[2])
            heights[path] = page.evaluate("document.documentElement.scrollHeight")
    too_tall = {path: h for path, h in heights.items() if h > TALLEST}
    assert not too_tall, f"sections taller than {TALLEST} px at 1280 px: {too_tall}"


def test_the_sections_link_to_each_other_and_say_where_you_are(journey, live, demo):
    from campaigns.demo import DEMO_PASSWORD

    ids, people = demo
    page = journey.page_for()
    journey.log_in(page, people["coordinator"], password=DEMO_PASSWORD)
    page.goto(f"/campaigns/{ids[2]}")
    journey.seen(page, "overview")
    journey.fits(page, "overview")
    sections = page.get_by_role("navigation", name="Campaign sections")
    expect(sections.locator("[aria-current=page]")).to_have_text("Overview")
    expect(page.get_by_role("region", name="Your next step")).to_be_visible()
    for name in ("Actions and tasks", "Progress", "Team", "Outcomes"):
        sections.get_by_role("link", name=name).click()
        journey.seen(page, name)
        journey.fits(page, name)
        current = page.get_by_role("navigation", name="Campaign sections").locator("[aria-current=page]")
        expect(current).to_have_text(name)
