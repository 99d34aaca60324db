"""Pure rules of text messages: how many SMS segments a text takes (GSM-7 or UCS-2), fitting a text into a
number of segments, and reading a reply's keyword (the CTIA keywords). No database here."""

from __future__ import annotations

import re
import unicodedata
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
#: What a one-word reply means, in English and Spanish. The English opt-out and opt-in words are the CTIA ones
#: and those Twilio acts on by default (REVOKE and OPTOUT too); the Spanish ones are those Spanish-language SMS
#: programmes in the US and Mexico use (BAJA, PARAR, ALTO, DETENER; ALTA, COMENZAR; AYUDA). CANCEL is an opt-out
#: word for CTIA and Twilio, so it switches texts off, and since it answers a text about a place it also steps
#: back from it, as NO does. Accents do not count (SÍ is SI).
ENGLISH = {
    "stop": {"STOP", "STOPALL", "UNSUBSCRIBE", "END", "QUIT", "REVOKE", "OPTOUT"},
    "start": {"START", "UNSTOP"},
    "help": {"HELP", "INFO"},
    "yes": {"YES", "Y"},
    "no": {"NO", "N"},
    "cancel": {"CANCEL"},
}
SPANISH = {
    "stop": {"BAJA", "PARAR", "ALTO", "DETENER"},
    "start": {"ALTA", "COMENZAR"},
    "help": {"AYUDA"},
    "yes": {"SI"},
    "no": {"NO"},
    "cancel": {"CANCELAR"},
}
KEYWORDS = {word: meaning for table in (SPANISH, ENGLISH) for meaning, words in table.items() for word in words}
#: words that are Spanish only (NO is both): a stranger who writes one is answered in Spanish
SPANISH_ONLY = frozenset(set().union(*SPANISH.values()) - set().union(*ENGLISH.values()))
_WORD = re.compile(r"[^\W_]+")


def _bare(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word.upper()) if not unicodedata.combining(c))


def _alone(body: str) -> str | None:
    words = _WORD.findall(body)
    return _bare(words[0]) if len(words) == 1 else None


def keyword(body: str) -> str | None:
    """What a reply asks: "stop", "start", "help", "yes", "no", "cancel" (no and stop), or None for anything
    else. Only a reply that is the keyword alone counts ("Stop." and " sí!" do; "yes but late" does not): a
    sentence goes to people."""
    return KEYWORDS.get(_alone(body) or "")


def language_of(body: str) -> str | None:
    """"es" when the reply is a Spanish-only keyword, else None (English, both, or not a keyword)."""
    return "es" if _alone(body) in SPANISH_ONLY else None
