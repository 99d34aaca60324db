"""The campaign stage rules, as a table: every (from, to) pair, allowed or forbidden, and why."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date

import pytest

from campaigns.domain import stages
from campaigns.domain.stages import ALL_STAGES, StageFacts, allowed_moves, can_move, steps, why_not

#: every precondition met: only the shape of the lifecycle decides
READY = StageFacts(accepted_goals=1, has_deadline=True, intervention_began=True, has_closing_summary=True,
                   outcomes=1)

#: the moves allowed when every precondition is met; every other pair is forbidden
ALLOWED = {
    ("assessment", "collaboration"), ("assessment", "archived"),
    ("collaboration", "assessment"), ("collaboration", "intervention"), ("collaboration", "archived"),
    ("intervention", "collaboration"), ("intervention", "evaluation"), ("intervention", "archived"),
    ("evaluation", "intervention"), ("evaluation", "closed"), ("evaluation", "archived"),
    ("closed", "archived"),
}

PAIRS = list(itertools.product(ALL_STAGES, ALL_STAGES))


@pytest.mark.parametrize(("from_stage", "to_stage"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_the_transition_table(from_stage, to_stage):
    expected = (from_stage, to_stage) in ALLOWED
    reason = why_not(from_stage, to_stage, READY)
    assert (reason is None) == expected, reason
    if not expected:
        assert reason and reason.endswith(".")  # a sentence a person can read


@pytest.mark.parametrize(("from_stage", "to_stage", "facts", "words"), [
    ("collaboration", "intervention", replace(READY, accepted_goals=0), "accepted goal"),
    ("collaboration", "intervention", replace(READY, has_deadline=False), "deadline"),
    ("evaluation", "intervention", replace(READY, accepted_goals=0), "accepted goal"),
    ("intervention", "evaluation", replace(READY, intervention_began=False), "intervention has begun"),
    ("evaluation", "closed", replace(READY, outcomes=0), "outcome"),
    ("evaluation", "closed", replace(READY, has_closing_summary=False), "closing summary"),
])
def test_entering_a_stage_needs_what_it_works_on(from_stage, to_stage, facts, words):
    assert words in why_not(from_stage, to_stage, facts)


@pytest.mark.parametrize("from_stage", [s for s in ALL_STAGES if s != "archived"])
def test_archiving_needs_nothing(from_stage):
    assert can_move(from_stage, "archived", StageFacts())


def test_nothing_is_needed_to_start_collaborating_or_to_step_back():
    assert can_move("assessment", "collaboration", StageFacts())
    assert can_move("intervention", "collaboration", StageFacts())
    assert can_move("collaboration", "assessment", StageFacts())


@pytest.mark.parametrize(("from_stage", "to_stage", "words"), [
    ("assessment", "intervention", "one stage at a time"),
    ("collaboration", "closed", "one stage at a time"),
    ("evaluation", "assessment", "back one stage"),
    ("closed", "evaluation", "only be archived"),
    ("archived", "assessment", "stays archived"),
    ("collaboration", "collaboration", "already in the Collaboration stage"),
    ("collaboration", "finished", "not a stage"),
])
def test_forbidden_moves_say_which_rule(from_stage, to_stage, words):
    assert words in why_not(from_stage, to_stage, READY)


def test_allowed_moves_lists_only_what_the_rules_allow_in_lifecycle_order():
    assert allowed_moves("collaboration", StageFacts()) == ["assessment", "archived"]
    assert allowed_moves("collaboration", READY) == ["assessment", "intervention", "archived"]
    assert allowed_moves("archived", READY) == []


def test_the_step_indicator_marks_done_current_and_todo():
    assert steps("intervention") == [("assessment", "done"), ("collaboration", "done"),
                                     ("intervention", "current"), ("evaluation", "todo"), ("closed", "todo")]
    assert steps("archived", archived_from="collaboration")[1] == ("collaboration", "current")
    assert {state for _, state in steps("archived")} == {"todo"}


def test_days_left_counts_whole_days_and_goes_negative_once_passed():
    today = date(2026, 3, 2)
    assert stages.days_left(date(2026, 4, 12), today) == 41
    assert stages.days_left(today, today) == 0
    assert stages.days_left(date(2026, 3, 1), today) == -1
    assert stages.days_left(None, today) is None
