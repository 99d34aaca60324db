"""Pages a Spanish speaker reads show words, not the codes behind them."""

from __future__ import annotations

import ast
import re
from datetime import timedelta

from flask_babel import force_locale, gettext

from campaigns.domain.model import User
from campaigns.nudges import settings as notification_settings
from tests.i18n.catalogs import ROOT
from tests.nudge_helpers import NOON, at, dispatch, sign_up


def spanish(msgid: str, **values) -> str:
    with force_locale("es"):
        return gettext(msgid, **values)


def as_spanish(session, user: User) -> None:
    session.get(User, user.id).locale = "es"
    session.commit()


def options_of(page: str, name: str) -> dict[str, str]:
    select = re.search(rf'<select id="{name}".*?</select>', page, re.S).group(0)
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select))


def test_the_reminder_form_names_each_message_and_channel_in_spanish(client, session, people, login, campaign):
    as_spanish(session, people.coordinator)
    login(people.coordinator)
    page = client.get(f"/campaigns/{campaign.id}/reminders").get_data(as_text=True)
    templates = options_of(page, "template")
    assert templates["reminder"] == spanish("A plain reminder")
    assert templates["day_before"] == spanish("The day before: still coming?")
    assert all(label != code for code, label in templates.items())  # the value stays the code, the label is words
    assert f'<label for="new-inapp">{spanish("In the app")}</label>' in page
    assert f'<label for="new-email">{spanish("Email")}</label>' in page
    # the rules' table lists channels as Spanish lists them ("En la aplicación y Correo electrónico")
    assert f'{spanish("In the app")} y {spanish("Email")}' in page


def test_why_a_reminder_was_not_sent_reads_in_the_coordinators_language(client, session, people, login,
                                                                        make_action, make_task, campaign):
    at(NOON)
    action = make_action(starts_at=NOON + timedelta(days=7), ends_at=NOON + timedelta(days=7, hours=2))
    sign_up(session, make_task(action_id=action.id), people.client)
    notification_settings.update(session, people.client, email_enabled=False)
    dispatch(session)
    as_spanish(session, people.coordinator)
    login(people.coordinator)
    page = client.get(f"/campaigns/{campaign.id}/deliveries").get_data(as_text=True)
    assert spanish("Email is switched off in their settings") in page
    assert "Email is switched off" not in page


def test_every_skip_reason_the_code_stores_is_marked_for_translation():
    """A reason stored as a plain literal would show in English on the delivery status page."""
    unmarked = []
    for path in sorted((ROOT / "campaigns").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.keyword) and node.arg == "skip_reason" and (
                    isinstance(node.value, ast.JoinedStr)
                    or isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
                unmarked.append(f"{path.relative_to(ROOT)}:{node.value.lineno}")
    assert not unmarked, "mark these with N_():\n" + "\n".join(unmarked)
