"""The words that make two concerns read alike, per language: Snowball stems (so "rents", "rented" and "rental"
meet), stop words, and a small thesaurus of the ways people say the same hardship ("went up", "increase",
"rise"; "can't pay", "can't afford"). Pure data and pure functions: rules_concerns scores with them."""

from __future__ import annotations

import re
from functools import cache

import snowballstemmer

#: language code -> Snowball algorithm
STEMMERS = {"en": "english", "es": "spanish"}

STOP_WORDS = {
    "en": frozenset("""
a about above after again against all am an and any are as at be because been before being below between both
but by can cannot could did do does doing down during each few for from further had has have having he her here
hers him his how i if in into is it its just me more most my no nor not now of off on once only or other our ours
out over own same she should so some such than that the their them then there these they this those through to
too under until up us very was we were what when where which while who whom why will with would you your yours
get gets got keep keeps still really also even much many one people thing things lot need needs now
dont don't can't won't isn't aren't wasn't go goes going gone went put puts putting
""".split()),
    "es": frozenset("""
a al algo algunos ante antes como con contra cual cuando de del desde donde durante e el ella ellas ellos en entre
era es esa ese eso esta este esto estos estas fue ha han hay la las le les lo los mas más me mi mis mucho muy nada
ni no nos nosotros o otra otro para pero poco por porque que qué se sea ser si sí sin sobre su sus también tan te
tiene tienen todo todos tu tus un una unos unas y ya yo otra vez siempre sigue siguen puedo puede podemos pueden
""".split()),
}

#: phrases said in many ways: the word they mean is added beside them (matched on lower-cased text)
PHRASES = {
    "en": [
        (re.compile(r"\b(?:go|goes|going|gone|went|put|puts|putting|shot|shoots)\s+(?:\w+\s+){0,2}up\b"), "rise"),
        (re.compile(r"\b(?:can't|cannot|can not|couldn't|unable to|struggl\w* to)\s+(?:pay|afford|keep up)\b"),
         "afford"),
        (re.compile(r"\bstreet\s+lights?\b"), "streetlight"),
        (re.compile(r"\bwaiting\s+lists?\b"), "wait"),
    ],
    "es": [
        (re.compile(r"\bno\s+(?:puedo|podemos|pueden|alcanza\w*)\s+(?:pagar|con)\b"), "pagar"),
    ],
}

#: stem -> the stem it means here (after Snowball)
SYNONYMS = {
    "en": {
        "increas": "rise", "rais": "rise", "hike": "rise", "higher": "rise", "rose": "rise",
        "expens": "afford", "cost": "afford", "price": "afford", "pay": "afford", "unafford": "afford",
        "rental": "rent",
        "translat": "interpret", "translator": "interpret",
        "doctor": "clinic", "gp": "clinic", "surgeri": "clinic", "hospit": "clinic", "appoint": "clinic",
        "mold": "mould", "mouldi": "mould", "damp": "mould",
        "shut": "close",
        "saturday": "weekend", "sunday": "weekend",
        "therapi": "counsel", "therapist": "counsel",
        "racism": "racist",
        "unsaf": "safe", "danger": "safe",
        "dss": "benefit", "sanction": "benefit",
        "wait": "wait", "queue": "wait",
    },
    "es": {
        "alquiler": "alquil",  # Snowball leaves "alquileres" at alquiler but takes "alquiler" to alquil
        "aument": "sub", "alz": "sub", "encarec": "sub", "car": "pag",
        "traductor": "interpret", "medic": "clinic", "hospital": "clinic",
    },
}

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)


@cache
def _stemmer(language: str):
    return snowballstemmer.stemmer(STEMMERS.get(language, "english"))


def base_language(locale: str | None) -> str:
    """"es_MX" -> "es"; anything without its own words reads as English."""
    code = (locale or "en").replace("-", "_").split("_")[0].lower()
    return code if code in STEMMERS else "en"


def meaningful_words(text: str, language: str = "en") -> frozenset[str]:
    """The words that carry a text's meaning: phrases folded, stop words dropped, stemmed, synonyms joined."""
    language = base_language(language)
    lowered = (text or "").lower().replace("’", "'")
    for pattern, word in PHRASES[language]:
        lowered = pattern.sub(lambda found, word=word: f"{found.group(0)} {word}", lowered)
    stop, synonyms = STOP_WORDS[language], SYNONYMS[language]
    words = [w for w in _WORD.findall(lowered) if len(w) > 1 and w not in stop]
    stems = _stemmer(language).stemWords([w.replace("'", "") for w in words])
    return frozenset(synonyms.get(s, s) for s in stems if len(s) > 1)
