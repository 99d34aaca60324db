"""Finding English in a page a Spanish speaker reads: every catalog msgid whose Spanish differs, looked for in the
page's visible text (each text whole, and the longer sentences anywhere inside a text)."""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser

from tests.i18n.catalogs import TRANSLATIONS, read

VISIBLE_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description", "label"}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdf]|\{(\w+)\}")
WORD = re.compile(r"[A-Za-z]{2,}")


class Visible(HTMLParser):
    """The texts a person reads or hears: text outside script and style, and the attributes read aloud."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style", "template")
        values = dict(attrs)
        for name, value in attrs:
            if value and (name in VISIBLE_ATTRIBUTES or (name == "value" and tag == "input"
                                                         and values.get("type") in ("submit", "button"))):
                self._add(value)

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style", "template")

    def handle_data(self, data):
        if not self.hidden:
            self._add(data)

    def _add(self, text: str):
        text = " ".join(text.split())
        if WORD.search(text):
            self.texts.append(text)


def visible_texts(html: str) -> list[str]:
    parser = Visible()
    parser.feed(html)
    return parser.texts


def _pattern(msgid: str) -> str:
    """The msgid as a pattern: its words as they are (white space as any), each placeholder any text."""
    parts, last = [], 0
    for found in PLACEHOLDER.finditer(msgid):
        parts += [_literal(msgid[last:found.start()]), ".+?"]
        last = found.end()
    return "".join(parts + [_literal(msgid[last:])]).strip()


def _literal(text: str) -> str:
    return re.escape(re.sub(r"\s+", " ", text))


@cache
def english_patterns(locale: str = "es") -> tuple[re.Pattern, re.Pattern]:
    """(a text that is wholly a msgid, a longer msgid inside a text): only msgids whose translation differs."""
    whole, inside = set(), set()
    for message in read(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", locale):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        for msgid in ids:
            words = WORD.findall(PLACEHOLDER.sub("", msgid))
            # a placeholder beside a single word ("In %(language)s") would match too much of any text
            if msgid in strings or not words or (PLACEHOLDER.search(msgid) and len(words) < 2):
                continue
            pattern = _pattern(msgid)
            whole.add(pattern)
            # a sentence of four words or more, with no placeholder, is English wherever it appears
            if not PLACEHOLDER.search(msgid) and len(msgid.split()) >= 4:
                inside.add(pattern)
    by_length = sorted(whole, key=len, reverse=True)
    return (re.compile("(?:" + "|".join(by_length) + ")", re.S),
            re.compile("(?:" + "|".join(sorted(inside, key=len, reverse=True)) + ")", re.S))


def english_in(texts: list[str], locale: str = "es") -> list[str]:
    """The texts that are (or hold) English a translated msgid says."""
    whole, inside = english_patterns(locale)
    return [text for text in texts if whole.fullmatch(text) or inside.search(text)]
