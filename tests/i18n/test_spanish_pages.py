"""Pages a Spanish speaker reads show words, not the codes behind them."""

from __future__ import annotations

import re

from flask_babel import force_locale, gettext

from campaigns.domain.model import User


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
