"""Each nudge speaks its recipient's language: one rule, one English and one Spanish volunteer, two languages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale, gettext

from campaigns.services import accounts
from tests.nudge_helpers import NOON, at, dispatch, inbox, run_until, sign_up


@pytest.fixture
def shift(people, make_action, make_task):
    """Monday 9 March, 10:00 London, with two places; Alex reads English and Robin Spanish."""
    at(NOON)
    action = make_action(title="Town hall", starts_at=datetime(2026, 3, 9, 10, 0, tzinfo=UTC),
                         ends_at=datetime(2026, 3, 9, 12, 0, tzinfo=UTC))
    return action, make_task(action_id=action.id, title="Town hall", capacity=2)


@pytest.fixture
def spanish(session, people):
    accounts.update_profile(session, people.other_client, locale="es")
    return people.other_client


def _spanish(msgid: str, **values) -> str:
    with force_locale("es"):
        return gettext(msgid, **values)


def test_one_reminder_rule_reaches_an_english_and_a_spanish_volunteer_each_in_their_own_words(
        session, people, shift, spanish, mailbox):
    action, task = shift
    sign_up(session, task, people.client)
    sign_up(session, task, spanish)
    run_until(session, datetime(2026, 3, 8, 12, 0, tzinfo=UTC), step=timedelta(hours=6))

    [english_item] = inbox(session, people.client, kind="day_before")
    [spanish_item] = inbox(session, spanish, kind="day_before")
    assert english_item.title == "Tomorrow: Town hall"
    assert spanish_item.title == _spanish("Tomorrow: %(t)s", t="Town hall") != english_item.title
    assert spanish_item.title.startswith("Mañana")
    assert "domingo" not in spanish_item.body and "lunes" in spanish_item.body  # the day, in Spanish
    assert "Monday" in english_item.body

    mails = {m["To"]: m for m in mailbox() if "Town hall" in m["Subject"]}
    english_mail, spanish_mail = mails[people.client.email], mails[spanish.email]
    assert english_mail["Subject"].startswith("You're signed up") or "Tomorrow" in english_mail["Subject"]
    spanish_subjects = {m["Subject"] for m in mailbox() if m["To"] == spanish.email}
    assert _spanish("Tomorrow: %(t)s", t="Town hall") in spanish_subjects
    assert _spanish("You're signed up: %(t)s", t="Town hall") in spanish_subjects
    spanish_text = spanish_mail.get_body(("plain",)).get_content()
    assert "You're getting this" not in spanish_text and "Te llega esto" in spanish_text


def test_the_confirmation_is_in_the_volunteers_language_not_the_servers(session, people, shift, spanish):
    action, task = shift
    sign_up(session, task, spanish)
    dispatch(session)
    [item] = inbox(session, spanish, kind="signup_confirmed")
    assert item.title == _spanish("You're signed up: %(t)s", t="Town hall")
    assert item.title != "You're signed up: Town hall"


def test_a_change_of_language_applies_to_the_next_message(session, people, shift, spanish):
    action, task = shift
    sign_up(session, task, spanish)
    accounts.update_profile(session, spanish, locale="en")
    dispatch(session)
    [item] = inbox(session, spanish, kind="signup_confirmed")
    assert item.title == "You're signed up: Town hall"
