"""Pure rules of text messages: how many SMS segments a text takes (GSM-7 or UCS-2), fitting a text into a
number of segments, and reading a reply's keyword (the CTIA keywords). No database here."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: the GSM 03.38 default alphabet (3GPP TS 23.038), one septet each (ESC, 0x1B, is not a character of its own)
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
#: the extension table: an escape and the character, two septets each
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")
#: units per segment: a lone segment, and each part of a concatenated text (the rest is the UDH header)
SINGLE = {"GSM-7": 160, "UCS-2": 70}
PART = {"GSM-7": 153, "UCS-2": 67}


@dataclass(frozen=True)
class Segments:
    encoding: str  #: "GSM-7" or "UCS-2"
    count: int
    units: int  #: septets (GSM-7) or UTF-16 code units (UCS-2)


def encoding_of(text: str) -> str:
    """GSM-7 when every character is in the GSM alphabet or its extension; otherwise UCS-2."""
    return "GSM-7" if all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text) else "UCS-2"


def _costs(text: str, encoding: str) -> list[int]:
    if encoding == "GSM-7":
        return [2 if c in GSM7_EXTENDED else 1 for c in text]
    return [2 if ord(c) > 0xFFFF else 1 for c in text]  # a character beyond the BMP is a surrogate pair


def segments(text: str) -> Segments:
    """How many segments the text is sent as. An escape pair or a surrogate pair is never split between two
    parts, so a part may hold one unit less than its size."""
    encoding = encoding_of(text)
    costs = _costs(text, encoding)
    units = sum(costs)
    if units <= SINGLE[encoding]:
        return Segments(encoding, 1 if text else 0, units)
    count, used = 1, 0
    for cost in costs:
        if used + cost > PART[encoding]:
            count, used = count + 1, 0
        used += cost
    return Segments(encoding, count, units)


ELLIPSIS = "..."  # "…" is not in the GSM alphabet: it would make the whole text UCS-2


def fit(template: str, *, shrinkable: str, limit: int = 2) -> str:
    """`template` with `{}` replaced by `shrinkable`, shortened (with "...") until the text fits `limit`
    segments. The fixed part is written to fit; if even an empty `shrinkable` does not, the text is returned
    with it emptied."""
    text = template.replace("{}", shrinkable)
    if segments(text).count <= limit:
        return text
    low, high = 0, len(shrinkable)  # the longest prefix that fits: the count only grows with the prefix
    while low < high:
        middle = (low + high + 1) // 2
        if segments(template.replace("{}", shrinkable[:middle].rstrip() + ELLIPSIS)).count <= limit:
            low = middle
        else:
            high = middle - 1
    return template.replace("{}", shrinkable[:low].rstrip() + ELLIPSIS if low else "")


# -- replies ---------------------------------------------------------------------------------------------------
#: CTIA opt-out and opt-in keywords, HELP, and our two answers. CANCEL steps back from a sign-up here (as NO
#: does); it does not switch texts off.
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "END", "QUIT"})
START_WORDS = frozenset({"START", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})
YES_WORDS = frozenset({"YES", "Y"})
NO_WORDS = frozenset({"NO", "N", "CANCEL"})
KEYWORDS = {**dict.fromkeys(STOP_WORDS, "stop"), **dict.fromkeys(START_WORDS, "start"),
            **dict.fromkeys(HELP_WORDS, "help"), **dict.fromkeys(YES_WORDS, "yes"), **dict.fromkeys(NO_WORDS, "no")}
_WORD = re.compile(r"[^\W_]+")


def keyword(body: str) -> str | None:
    """What a reply asks: "stop", "start", "help", "yes", "no", or None for anything else. Only a reply that
    is the keyword alone counts ("Stop." and " yes!" do; "yes but late" does not): a sentence goes to people."""
    words = _WORD.findall(body.upper())
    return KEYWORDS.get(words[0]) if len(words) == 1 else None
