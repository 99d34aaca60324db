"""The campaign lifecycle as pure rules: which stage may follow which, and what each stage needs first.

The stages follow the Social Action Model: assessment → collaboration → intervention → evaluation → closed,
and a campaign can be archived from any stage. The rules, in order:

1. Nothing leaves `archived`, and `closed` may only be archived (a closed campaign's record is final).
2. `archived` can be reached from every other stage (a campaign can be set aside at any time).
3. Otherwise a campaign moves one stage at a time: one forward, never jumping over a stage; or one back
   from collaboration, intervention or evaluation (to re-assess, re-plan goals or act again).
4. Entering a stage needs what that stage works on:
   - intervention: at least one accepted goal and a deadline (there is something to act toward, by a date);
   - evaluation: intervention has begun (there is something to evaluate);
   - closed: a closing summary and at least one recorded outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from campaigns.domain.text import N_

#: the working stages, in order
STAGES: tuple[str, ...] = ("assessment", "collaboration", "intervention", "evaluation", "closed")
ARCHIVED = "archived"
ALL_STAGES: tuple[str, ...] = (*STAGES, ARCHIVED)
#: stages in which a campaign's plan (details, goals, team) can still change
ACTIVE: frozenset[str] = frozenset(STAGES[:4])
#: stages one may step back from (to the stage before)
BACK_FROM: frozenset[str] = frozenset({"collaboration", "intervention", "evaluation"})

LABELS: dict[str, str] = {
    "assessment": N_("Assessment"), "collaboration": N_("Collaboration"), "intervention": N_("Intervention"),
    "evaluation": N_("Evaluation"), "closed": N_("Closed"), "archived": N_("Archived"),
}


@dataclass(frozen=True)
class StageFacts:
    """What the rules need to know about a campaign, gathered by the service."""

    accepted_goals: int = 0
    has_deadline: bool = False
    intervention_began: bool = False
    has_closing_summary: bool = False
    outcomes: int = 0


def why_not(from_stage: str, to_stage: str, facts: StageFacts) -> str | None:
    """None if the move is allowed, else the rule's reason in plain words."""
    if to_stage not in ALL_STAGES:
        return N_("That is not a stage.")
    if from_stage == to_stage:
        return N_("The campaign is already in the %(stage)s stage.", stage=LABELS[to_stage])
    if from_stage == ARCHIVED:
        return N_("An archived campaign stays archived.")
    if from_stage == "closed" and to_stage != ARCHIVED:
        return N_("A closed campaign can only be archived.")
    if to_stage == ARCHIVED:
        return None
    return _step_problem(from_stage, to_stage) or _entry_problem(to_stage, facts)


def _step_problem(from_stage: str, to_stage: str) -> str | None:
    distance = STAGES.index(to_stage) - STAGES.index(from_stage)
    if distance > 1:
        return N_("A campaign moves one stage at a time: after %(stage)s comes %(next)s.",
                  stage=LABELS[from_stage], next=LABELS[STAGES[STAGES.index(from_stage) + 1]])
    if distance < -1:
        return N_("A campaign can only go back one stage at a time.")
    if distance == -1 and from_stage not in BACK_FROM:
        return N_("A campaign can't go back from %(stage)s.", stage=LABELS[from_stage])
    return None


def _entry_problem(to_stage: str, facts: StageFacts) -> str | None:
    if to_stage == "intervention":
        if facts.accepted_goals < 1:
            return N_("Intervention needs at least one accepted goal. Add or accept a goal first.")
        if not facts.has_deadline:
            return N_("Intervention needs a deadline. Set one on the campaign first.")
    if to_stage == "evaluation" and not facts.intervention_began:
        return N_("Evaluation can begin only once intervention has begun.")
    if to_stage == "closed":
        if facts.outcomes < 1:
            return N_("Closing needs at least one recorded outcome: what changed, or didn't.")
        if not facts.has_closing_summary:
            return N_("Closing needs a closing summary.")
    return None


def can_move(from_stage: str, to_stage: str, facts: StageFacts) -> bool:
    return why_not(from_stage, to_stage, facts) is None


def allowed_moves(from_stage: str, facts: StageFacts) -> list[str]:
    """The stages this campaign may move to now, in lifecycle order."""
    return [stage for stage in ALL_STAGES if can_move(from_stage, stage, facts)]


def next_stage(stage: str) -> str | None:
    """The stage after `stage` in the lifecycle, if there is one."""
    if stage not in STAGES[:-1]:
        return None
    return STAGES[STAGES.index(stage) + 1]


def steps(stage: str, *, archived_from: str | None = None) -> list[tuple[str, str]]:
    """(stage, state) for a step indicator: done, current or todo. An archived campaign shows where it stopped."""
    reached = archived_from if stage == ARCHIVED else stage
    if reached not in STAGES:
        return [(s, "todo") for s in STAGES]
    here = STAGES.index(reached)
    return [(s, "done" if i < here else "current" if i == here else "todo") for i, s in enumerate(STAGES)]


def days_left(deadline: date | None, today: date) -> int | None:
    """Whole days from `today` (in the campaign's time zone) to the deadline; negative once it has passed."""
    return None if deadline is None else (deadline - today).days
