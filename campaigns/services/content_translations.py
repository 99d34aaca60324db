"""The group's own words in other languages: a campaign's name, summary and ask, an action's title and description.

Each may carry a translation per language, written by whoever may edit the campaign; people reading in that
language see it, everyone else (and anyone whose language has none) the original as it was typed.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session

from campaigns.db import transaction
from campaigns.domain.model import Action, Campaign, User
from campaigns.services import policy
from campaigns.services.errors import Invalid

#: what can be translated, with the longest each may be (the original's own limit)
FIELDS: dict[type, dict[str, int]] = {
    Campaign: {"name": 140, "summary": 5000, "ask": 2000},
    Action: {"title": 140, "description": 5000},
}


def translate_content(session: Session, *, actor: User, subject: Campaign | Action, locale: str,
                      texts: dict[str, str | None]) -> Campaign | Action:
    """Set (or, with an empty text, remove) `subject`'s words in `locale`."""
    policy.authorize(session, actor, "campaign.manage", subject.org_id,
                     campaign_id=subject.id if isinstance(subject, Campaign) else subject.campaign_id)
    clean = _checked(type(subject), locale, texts)
    with transaction(session):
        session.refresh(subject, with_for_update=True)
        words = {**subject.translations.get(locale, {}), **clean}
        words = {name: text for name, text in words.items() if text}
        subject.translations = {**{k: v for k, v in subject.translations.items() if k != locale},
                                **({locale: words} if words else {})}
        flag_modified(subject, "translations")
        session.add(subject)
    return subject


def _checked(kind: type, locale: str, texts: dict[str, str | None]) -> dict[str, str]:
    if locale not in current_app.config["LANGUAGES"]:
        raise Invalid(_("Choose one of the offered languages."), field="locale")
    limits = FIELDS[kind]
    unknown = set(texts) - set(limits)
    if unknown:
        raise Invalid(_("Unknown fields: %(names)s.", names=", ".join(sorted(unknown))))
    clean = {name: (text or "").strip() for name, text in texts.items()}
    for name, text in clean.items():
        if len(text) > limits[name]:
            raise Invalid(_("Keep this to %(n)s characters or fewer.", n=limits[name]), field=name)
    return clean


def shown(subject: Campaign | Action | None, name: str, locale: str | None = None) -> str:
    """`subject.name` as the reader should see it: their language's translation, else the original."""
    if subject is None:
        return ""
    locale = locale or str(get_locale() or "")
    translated = (getattr(subject, "translations", None) or {}).get(locale, {}).get(name)
    return translated or getattr(subject, name, "")
