"""Pure rules for concerns: hidden counts at k, categories, tags, similarity, and spotting a named client."""

import pytest

from campaigns.domain import rules_concerns as rules
from campaigns.domain.rules import visible_count


@pytest.mark.parametrize(("count", "k", "is_author", "shown"), [
    (2, 3, False, None),   # k-1: hidden from everyone but the author
    (2, 3, True, 2),
    (3, 3, False, 3),      # k: shown to all
    (3, 3, True, 3),
    (0, 3, False, None),
    (1, 1, False, 1),
])
def test_counts_below_k_are_hidden_from_all_but_the_author(count, k, is_author, shown):
    assert visible_count(count, k, is_author=is_author) == shown


@pytest.mark.parametrize(("categories", "ok"), [
    (["housing"], True),
    (["housing", "economic", "other"], True),
    ([], False),
    (["housing", "weather"], False),
])
def test_a_concern_needs_known_categories(categories, ok):
    assert (rules.category_problem(categories) is None) == ok


def test_tags_are_trimmed_lowercased_and_deduplicated():
    assert rules.clean_tags([" Rent ", "#rent", "", "Eviction", "  "]) == ["rent", "eviction"]


@pytest.mark.parametrize(("tags", "ok"), [
    (["a"] * 1, True),
    ([f"t{i}" for i in range(rules.TAGS_MAX)], True),
    ([f"t{i}" for i in range(rules.TAGS_MAX + 1)], False),
    (["x" * (rules.TAG_MAX + 1)], False),
])
def test_tags_have_limits(tags, ok):
    assert (rules.tag_problem(tags) is None) == ok


def test_tokens_drop_stop_words_and_fold_plurals():
    assert rules.tokens("The rents are too high for us!") == {"rent", "high"}


def test_similar_concerns_score_above_unrelated_ones():
    rent = ("Rent rises we can't keep up with", "Rents on the estate keep going up.")
    twin = ("Rent is rising too fast", "Our rent went up again and we cannot keep up with it.")
    other = ("No interpreter at the clinic", "Appointments go ahead without an interpreter.")
    alike = rules.similarity(*rent, *twin)
    unlike = rules.similarity(*rent, *other)
    assert alike >= rules.SIMILAR_ENOUGH > unlike
    assert rules.similarity(*rent, *rent) == 1.0
    assert rules.similarity("", "", *rent) == 0.0


@pytest.mark.parametrize(("text", "found"), [
    ("Alex said the landlord refused repairs.", True),
    ("alex said so", True),
    ("Write to alex@example.org.", True),
    ("Alexandra Road residents are affected.", False),
    ("Tenants on the estate.", False),
    ("", False),
])
def test_client_names_are_found_as_whole_words(text, found):
    assert rules.names_found(text, ["Alex", "alex@example.org", "A"]) == found


def test_spanish_concerns_are_stemmed_and_compared_in_spanish():
    rent = ("El alquiler sube y no podemos pagar", "")
    twin = ("Subida de alquileres", "Los alquileres aumentaron otra vez.")
    other = ("No hay intérprete en la clínica", "")
    assert rules.tokens("Los alquileres", "es") == rules.tokens("el alquiler", "es") == {"alquil"}
    assert rules.similarity(*rent, *twin, "es") >= rules.SIMILAR_ENOUGH > rules.similarity(*rent, *other, "es")
