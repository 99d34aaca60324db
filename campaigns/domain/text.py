"""Words the domain says to people, kept in English and translated at the edge (pages, API, messages).

The domain stays free of Flask: `N_` only marks text for extraction (pybabel's `-k N_`) and keeps its values, so
whoever shows it to a person can translate it in that person's language (`campaigns.i18n.translate`)."""

from __future__ import annotations


class Text(str):
    """English text that remembers its msgid and values, so it can be translated later."""

    msgid: str
    values: dict

    def __new__(cls, msgid: str, **values) -> Text:
        text = super().__new__(cls, msgid % values if values else msgid)
        text.msgid, text.values = msgid, values
        return text


def N_(msgid: str, **values) -> Text:  # noqa: N802 (gettext's conventional name for a deferred mark)
    return Text(msgid, **values)
