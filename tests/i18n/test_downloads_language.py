"""Downloads a person reads speak their language: a calendar feed opened by its secret link (no login) its owner's,
the volunteering history its columns and words (dates and numbers stay as a spreadsheet reads them)."""

from __future__ import annotations

from datetime import datetime

import icalendar
from flask_babel import force_locale, gettext

from campaigns.domain.model import User
from campaigns.services import actions, calendar, signups, tasks


def spanish(msgid: str, **values) -> str:
    with force_locale("es"):
        return gettext(msgid, **values)


def test_the_personal_feed_is_written_in_its_owners_language(client, session, people, campaign):
    action = actions.plan_action(
        session, campaign_id=campaign.id, user=people.coordinator, kind="meeting_decision_maker",
        title="Meet the housing chair", starts_at=datetime(2031, 6, 3, 10, 0), ends_at=datetime(2031, 6, 3, 11, 0),
        timezone="Europe/Madrid", address="Room 4, City Hall", interpreter_languages=["Turkish", "Arabic"],
        accessibility_notes="Step-free entrance")
    task = tasks.add_task(session, user=people.coordinator, action_id=action.id, title="Speaker", capacity=2)
    signups.sign_up(session, task_id=task.id, user=people.client)
    session.get(User, people.client.id).locale = "es"
    session.commit()
    token = calendar.issue_token(session, user=people.client)

    feed = client.get(f"/calendar/{token}.ics", headers={"Accept-Language": "en"})  # a calendar app's own header
    [event] = icalendar.Calendar.from_ical(feed.data).walk("VEVENT")
    description = str(event["DESCRIPTION"])
    assert spanish("Interpreters: %(languages)s", languages="Turkish y Arabic") in description
    assert spanish("Accessibility: %(notes)s", notes="Step-free entrance") in description
    assert spanish("Your part: %(shifts)s", shifts="Speaker") in description
    assert "Interpreters" not in description and "Your part" not in description
    name = str(icalendar.Calendar.from_ical(feed.data)["X-WR-CALNAME"])
    assert name == spanish("My tasks · %(name)s", name=people.client.display_name)


def test_the_history_download_names_its_columns_and_words_in_spanish(client, session, people, login, campaign,
                                                                      make_action, make_task):
    task = make_task(action_id=make_action().id)
    signups.sign_up(session, task_id=task.id, user=people.client)
    session.get(User, people.client.id).locale = "es"
    session.commit()
    login(people.client)
    header, row = client.get("/my/history.csv").get_data(as_text=True).strip().splitlines()[:2]
    assert header.split(",") == [spanish(c) for c in ("date", "kind", "campaign", "what", "amount", "unit", "hours",
                                                      "status")] != ["date", "kind"]
    assert row.split(",")[1] == spanish("task") and row.split(",")[-1] == spanish("signed up")
