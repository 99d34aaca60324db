"""Languages: which one each request speaks, the catalogs compiled on first start, and translating the domain's words.

A person's language is the one on their account; a visitor's is the switch they chose (a cookie), else their
browser's Accept-Language. The API answers in the request's Accept-Language when it sends one, else in the token
owner's language. Adding a language is translating one file: `campaigns/translations/<code>/LC_MESSAGES/messages.po`
(README: Languages); its catalog is compiled here when the app starts, so a fresh clone needs no build step.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale, dates, lists
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel, force_locale, format_decimal, format_percent, get_locale, gettext

from campaigns.domain.text import N_, Text

log = logging.getLogger(__name__)

CATALOGS = Path(__file__).resolve().parent / "translations"
#: the visitor's own choice from the language switch (members keep theirs on their account)
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def language_name(code: str) -> str:
    """A language's name in that language ("English", "Español"), as people look for their own."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def languages() -> list[tuple[str, str]]:
    """(code, own name) of every language people may choose."""
    return [(code, language_name(code)) for code in current_app.config["LANGUAGES"]]


def offered(code: str | None) -> str | None:
    return code if code in current_app.config["LANGUAGES"] else None


def in_language_of(user):
    """A block in `user`'s own language, where no login says it (a calendar feed opened by its secret link)."""
    return force_locale(offered(user.locale) or current_app.config["BABEL_DEFAULT_LOCALE"])


def preferred_locale() -> str:
    """The language of this request (Flask-Babel's locale selector)."""
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    current_user, is_api_request = current_app.extensions["campaigns.i18n.who"]
    browser = request.accept_languages.best_match(current_app.config["LANGUAGES"])
    user = current_user()
    if is_api_request():
        return browser or (offered(user.locale) if user else None) or default
    if user is not None:
        return offered(user.locale) or default
    return visitor_locale(request.cookies.get(COOKIE), browser, current_app.config["LANGUAGES"], default)


def visitor_locale(chosen: str | None, browser: str | None, languages, default: str) -> str:
    """A visitor's language (no account): the one they chose on the switch (a cookie), else their browser's."""
    return (chosen if chosen in languages else None) or browser or default


def translate(text: str) -> str:
    """Text in the current language: the domain's marked words with their values, or a msgid as it is."""
    if isinstance(text, Text):
        values = {name: _shown(value) for name, value in text.values.items()}
        return gettext(text.msgid, **values)
    return gettext(text) if text else text


def _shown(value):
    if isinstance(value, Text):
        return translate(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_decimal(value)
    return value


#: how a moment reads: a Babel skeleton for the day (each locale orders and spells it its own way) and the clock's
#: pattern, if the time follows
MOMENT_STYLES = {"datetime": ("yMMMEd", "HH:mm"), "date": ("yMMMd", None), "time": (None, "HH:mm"),
                 "day": ("full", "HH:mm"), "weekday": ("full", None), "short": ("MMMEd", "HH:mm"),
                 "text": ("text", None), "stamp": ("yMMMd", "HH:mm:ss")}


#: English dates read the British way ("Wednesday 11 March"), like the groups' default zone, Europe/London
DATES_AS = {"en": "en_GB"}


def local_moment(moment: datetime, zone: str, style: str = "datetime") -> str:
    """A UTC moment as wall-clock time in `zone`, written the way the current language writes dates."""
    skeleton, clock_pattern = MOMENT_STYLES[style]
    tz, locale = ZoneInfo(zone), get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]
    locale = DATES_AS.get(str(locale), locale)
    if skeleton == "text":  # a text message: few characters, in the reader's words ("Tue 03 Mar 12:00")
        return dates.format_datetime(moment, "EEE dd MMM HH:mm", tzinfo=tz, locale=locale)
    if skeleton == "full":  # the weekday and month in full: Babel's skeletons abbreviate a weekday beside them
        day = dates.format_date(moment.astimezone(tz).date(), "full", locale=locale)
    else:
        day = dates.format_skeleton(skeleton, moment, tzinfo=tz, locale=locale) if skeleton else ""
    clock = dates.format_time(moment, clock_pattern, tzinfo=tz, locale=locale) if clock_pattern else ""
    return ", ".join(part for part in (day, clock) if part)


def percent(value: float) -> str:
    """A share (0..1) as the current language writes a percentage ("80%", "80 %")."""
    return format_percent(value)


def word_list(items, names: dict | None = None) -> str:
    """Items joined as the current language lists them ("email and SMS", "correo y SMS"), each through `names`
    when given (a code's words)."""
    shown = [str(names.get(item, item)) if names else str(item) for item in items]
    return lists.format_list(shown, locale=get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]) if shown else ""


def labelled(codes) -> list[tuple[str, str]]:
    """(code, its word in the current language) for a form's options: stored words (STORED_WORDS) keep their code
    as the value and show their translation."""
    return [(code, gettext(code)) for code in codes]


def html_lang() -> str:
    """The `lang` attribute of the page being rendered."""
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]).replace("_", "-")


# -- catalogs ------------------------------------------------------------------------------------------------------


def compile_catalogs(source: Path = CATALOGS, target: Path | None = None) -> list[Path]:
    """Compile every messages.po whose .mo is missing or older, into `target` (default: beside it). Atomic, so
    several workers starting at once never read half a file. Returns the catalogs written."""
    written = []
    for po in sorted(source.glob("*/LC_MESSAGES/messages.po")):
        mo = (target or source) / po.relative_to(source).with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name)
        fd, temporary = tempfile.mkstemp(dir=mo.parent, prefix=".messages-", suffix=".mo")
        with os.fdopen(fd, "wb") as out:
            write_mo(out, catalog)  # fuzzy entries are left out, as pybabel compile does
        os.replace(temporary, mo)
        written.append(mo)
    return written


def _compiled_directory(app: Flask) -> str:
    """Where the compiled catalogs live: beside the sources (an editable install, a checkout), or the instance
    folder when the package is read-only (a wheel installed by root)."""
    try:
        compile_catalogs()
        return str(CATALOGS)
    except OSError as error:
        fallback = Path(app.instance_path) / "translations"
        log.info("catalogs compiled into %s (%s is not writable: %s)", fallback, CATALOGS, error)
        compile_catalogs(target=fallback)
        return str(fallback)


def init_app(app: Flask, *, current_user: Callable, is_api_request: Callable[[], bool]) -> None:
    """`current_user` and `is_api_request` come from auth, handed in by create_app: the language follows the
    person, and this module stays below auth (which imports the services, which translate their messages)."""
    app.extensions["campaigns.i18n.who"] = (current_user, is_api_request)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", _compiled_directory(app))
    Babel(app, locale_selector=preferred_locale)
    app.jinja_env.globals.update(languages=languages, language_name=language_name, html_lang=html_lang,
                                 translate=translate)
    app.jinja_env.filters.update(percent=percent, words=word_list, labelled=labelled)
    app.after_request(_say_the_language)


def _say_the_language(response):
    """Every page and API answer names its language, and caches keep one copy per language asked for."""
    if not request.path.startswith("/static/"):
        response.headers.setdefault("Content-Language", html_lang())
        response.vary.add("Accept-Language")
    return response


#: words kept as stored values and translated where a page shows them (`_(member.role)`, `_(nudge.status)`…)
STORED_WORDS = (
    N_("client"), N_("worker"), N_("coordinator"), N_("lead"), N_("organiser"), N_("member"),
    N_("planned"), N_("sending"), N_("sent"), N_("skipped"), N_("failed"), N_("dead"),
    N_("assessment"), N_("collaboration"), N_("intervention"), N_("evaluation"), N_("closed"), N_("archived"),
)


# -- validation messages -------------------------------------------------------------------------------------------

#: marshmallow's own messages, so they are extracted and translated like ours ({…}: the values it fills in)
FIELD_MESSAGES = (
    N_("Missing data for required field."), N_("Field may not be null."), N_("Invalid value."),
    N_("Unknown field."), N_("Invalid input type."), N_("Not a valid string."), N_("Not a valid integer."),
    N_("Not a valid number."), N_("Not a valid boolean."), N_("Not a valid datetime."), N_("Not a valid date."),
    N_("Not a valid time."), N_("Not a valid list."), N_("Not a valid mapping type."),
    N_("Not a valid email address."), N_("Not a valid URL."), N_("Not a valid UUID."), N_("Number too large."),
    N_("Special numeric values (nan or infinity) are not permitted."), N_("Invalid value."),
    N_("Shorter than minimum length {min}."), N_("Longer than maximum length {max}."),
    N_("Length must be between {min} and {max}."), N_("Length must be {equal}."),
    N_("Must be greater than or equal to {min}."), N_("Must be less than or equal to {max}."),
    N_("Must be greater than or equal to {min} and less than or equal to {max}."),
    N_("Must be greater than {min}."), N_("Must be less than {max}."), N_("Must be one of: {choices}."),
)
_PATTERNS = [
    (re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", re.escape(m)) + "$"), m)
    for m in FIELD_MESSAGES if "{" in m
]


def translate_messages(messages):
    """Validation messages (a list, or a dict of them by field, nested as marshmallow nests them), translated."""
    if isinstance(messages, dict):
        return {name: translate_messages(value) for name, value in messages.items()}
    if isinstance(messages, list | tuple):
        return [translate_messages(message) for message in messages]
    if not isinstance(messages, str):
        return messages
    for pattern, msgid in _PATTERNS:
        found = pattern.match(messages)
        if found:
            return gettext(msgid).format(**found.groupdict())
    return translate(messages)
