"""Pure rules for concerns: categories, tags, text similarity, and spotting a named client in free text."""

from __future__ import annotations

import re
from collections.abc import Iterable

#: the social-context categories of a concern (DOMAIN.md: the Assessment step), in the order forms show them
CATEGORIES: dict[str, str] = {
    "economic": "Money and economic pressure",
    "housing": "Housing",
    "work": "Work",
    "health_access": "Access to health care",
    "community_support": "Community support",
    "cultural_language": "Culture or language",
    "discrimination": "Discrimination",
    "safety": "Safety",
    "other": "Something else",
}

#: statuses people may filter the board by (merged concerns only appear through their survivor)
BOARD_STATUSES = ("open", "shared", "in_campaign", "closed")
#: statuses in which a concern still takes supports
SUPPORTABLE = ("open", "shared", "in_campaign")
#: statuses of concerns offered as "similar" and as merge partners
LIVE = ("open", "shared")

TITLE_MAX = 140
DESCRIPTION_MAX = 5000
TAG_MAX = 30
TAGS_MAX = 10

STOP_WORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being below between both
but by can cannot could did do does doing down during each few for from further had has have having he her here
hers him his how i if in into is it its just me more most my no nor not now of off on once only or other our ours
out over own same she should so some such than that the their them then there these they this those through to
too under until up us very was we were what when where which while who whom why will with would you your yours
get gets got keep keeps still really also even much many one people thing things lot need needs
""".split())

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Tags lower-cased, trimmed, without '#', duplicates or blanks, in the order given."""
    seen: list[str] = []
    for tag in tags:
        tag = tag.strip().lstrip("#").strip().lower()
        if tag and tag not in seen:
            seen.append(tag)
    return seen


def tag_problem(tags: list[str]) -> str | None:
    """Why a (cleaned) list of tags is refused, or None."""
    if len(tags) > TAGS_MAX:
        return f"Use at most {TAGS_MAX} tags."
    if any(len(tag) > TAG_MAX for tag in tags):
        return f"Keep each tag to {TAG_MAX} characters or fewer."
    return None


def category_problem(categories: Iterable[str]) -> str | None:
    """Why a choice of categories is refused, or None."""
    chosen = list(categories)
    if not chosen:
        return "Choose at least one area this concern is about."
    if any(c not in CATEGORIES for c in chosen):
        return "Choose areas from the list."
    return None


def _stem(word: str) -> str:
    # light plural folding, so "rents" meets "rent" and "clinics" meets "clinic"
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def tokens(text: str) -> frozenset[str]:
    """The meaningful words of a text: lower-cased, stop-words and very short words removed, plurals folded."""
    words = (w.lower() for w in _WORD.findall(text or ""))
    return frozenset(_stem(w) for w in words if len(w) > 2 and w not in STOP_WORDS)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similarity(title_a: str, text_a: str, title_b: str, text_b: str) -> float:
    """How alike two concerns read, 0..1: word overlap of the whole text, with titles weighing more."""
    whole = jaccard(tokens(f"{title_a} {text_a}"), tokens(f"{title_b} {text_b}"))
    titles = jaccard(tokens(title_a), tokens(title_b))
    return round(max(whole, 0.5 * whole + 0.5 * titles), 3)


#: below this, two concerns are not worth suggesting as the same
SIMILAR_ENOUGH = 0.15


def names_found(text: str, names: Iterable[str]) -> bool:
    """Whether any of `names` (display names, real names, emails) appears in `text` as a whole word or phrase.

    Case-insensitive; names shorter than two characters are ignored, as they match ordinary words.
    """
    if not text:
        return False
    for name in names:
        name = (name or "").strip()
        if len(name) < 2:
            continue
        if re.search(rf"(?<![\w@.]){re.escape(name)}(?![\w@])", text, re.IGNORECASE):
            return True
    return False
