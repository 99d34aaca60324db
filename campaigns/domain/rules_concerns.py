"""Pure rules for concerns: categories, tags, text similarity, and spotting a named client in free text."""

from __future__ import annotations

import re
from collections.abc import Iterable

from campaigns.domain import concern_words
from campaigns.domain.text import N_

#: the social-context categories of a concern (DOMAIN.md: the Assessment step), in the order forms show them
CATEGORIES: dict[str, str] = {
    "economic": N_("Money and economic pressure"),
    "housing": N_("Housing"),
    "work": N_("Work"),
    "health_access": N_("Access to health care"),
    "community_support": N_("Community support"),
    "cultural_language": N_("Culture or language"),
    "discrimination": N_("Discrimination"),
    "safety": N_("Safety"),
    "other": N_("Something else"),
}

#: statuses people may filter the board by (merged concerns only appear through their survivor)
BOARD_STATUSES = ("open", "shared", "in_campaign", "closed")
#: statuses in which a concern still takes supports
SUPPORTABLE = ("open", "shared", "in_campaign")
#: statuses of concerns still open to merging (similar ones are offered from SUPPORTABLE)
LIVE = ("open", "shared")

TITLE_MAX = 140
DESCRIPTION_MAX = 5000
TAG_MAX = 30
TAGS_MAX = 10

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
        return N_("Use at most %(n)s tags.", n=TAGS_MAX)
    if any(len(tag) > TAG_MAX for tag in tags):
        return N_("Keep each tag to %(n)s characters or fewer.", n=TAG_MAX)
    return None


def category_problem(categories: Iterable[str]) -> str | None:
    """Why a choice of categories is refused, or None."""
    chosen = list(categories)
    if not chosen:
        return N_("Choose at least one area this concern is about.")
    if any(c not in CATEGORIES for c in chosen):
        return N_("Choose areas from the list.")
    return None


def tokens(text: str, language: str = "en") -> frozenset[str]:
    """The meaningful words of a text in its language: stop-words dropped, stemmed, synonyms joined."""
    return concern_words.meaningful_words(text, language)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """How much of the shorter text the longer one says too (a short title against a long description)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def similarity(title_a: str, text_a: str, title_b: str, text_b: str, language: str = "en") -> float:
    """How alike two concerns read, 0..1: what they share of their words, the titles weighing more."""
    whole_a, whole_b = tokens(f"{title_a} {text_a}", language), tokens(f"{title_b} {text_b}", language)
    titles = jaccard(tokens(title_a, language), tokens(title_b, language))
    return round(max(jaccard(whole_a, whole_b), 0.5 * overlap(whole_a, whole_b) + 0.5 * titles), 3)


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
