"""Outcomes: what changed (or didn't), with evidence, a review date that prompts the coordinators, and lessons.

Closing a campaign needs at least one outcome (the campaigns feature asks `count_for`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain import events as ev
from campaigns.domain import rules_progress as rules
from campaigns.domain.model import Campaign, CampaignMember, Membership, Outcome, Role, User
from campaigns.nudges import outbox as nudges
from campaigns.services import messagebus, policy
from campaigns.services.errors import Invalid, NotFound

REVIEW_KIND = "outcome_review"


def get(session: Session, *, user: User | None, outcome_id: int,
        permission: str = "campaign.view") -> tuple[Outcome, Campaign]:
    """An outcome and its campaign, if `user` may `permission` in it; NotFound otherwise."""
    outcome = session.get(Outcome, outcome_id)
    if outcome is None:
        raise NotFound()
    campaign = policy.campaign_for(session, user, outcome.campaign_id, permission)
    return outcome, campaign


def of_campaign(campaign_id: int):
    """A campaign's outcomes, latest first (a select to paginate)."""
    return (select(Outcome).where(Outcome.campaign_id == campaign_id)
            .order_by(col(Outcome.occurred_on).desc(), col(Outcome.id).desc()))


def count_for(session: Session, campaign_id: int) -> int:
    """How many outcomes a campaign has recorded (closing needs at least one)."""
    return session.exec(select(func.count()).select_from(Outcome).where(Outcome.campaign_id == campaign_id)).one()


def _check(*, what_changed: str | None = None, result: str | None = None, evidence_url: str | None = None,
           occurred_on: date | None = None, review_on: date | None = None) -> None:
    if what_changed is not None and not what_changed.strip():
        raise Invalid(_("Say what changed, or what didn't."), field="what_changed")
    if result is not None and result not in rules.OUTCOME_RESULTS:
        raise Invalid(_("Choose achieved, partly, not achieved or too early to tell."), field="result")
    if evidence_url and (problem := rules.evidence_url_problem(evidence_url)):
        raise Invalid(problem, field="evidence_url")
    if occurred_on is not None and occurred_on > clock.now().date() + timedelta(days=1):
        raise Invalid(_("An outcome is something that has happened: choose today or a past date."),
                      field="occurred_on")
    if review_on is not None and occurred_on is not None and review_on < occurred_on:
        raise Invalid(_("Choose a review date on or after the outcome's date."), field="review_on")


def record(session: Session, *, campaign: Campaign, user: User, what_changed: str, result: str,
           occurred_on: date, evidence_url: str | None = None, review_on: date | None = None,
           what_worked: str = "", what_to_change: str = "") -> Outcome:
    """Record an outcome of a campaign (its coordinators); records OutcomeRecorded."""
    policy.authorize(session, user, "campaign.manage", campaign.org_id, campaign_id=campaign.id)
    _check(what_changed=what_changed, result=result, evidence_url=evidence_url, occurred_on=occurred_on,
           review_on=review_on)
    if campaign.stage == "archived":
        raise Invalid(_("This campaign is archived; its record can't change."))
    with transaction(session):
        outcome = Outcome(campaign_id=campaign.id, what_changed=what_changed.strip(), result=result,
                          evidence_url=evidence_url or None, occurred_on=occurred_on, review_on=review_on,
                          what_worked=what_worked.strip(), what_to_change=what_to_change.strip(),
                          created_by_id=user.id)
        session.add(outcome)
        session.flush()
        messagebus.record(session, ev.OutcomeRecorded(org_id=campaign.org_id, campaign_id=campaign.id,
                                                      subject_id=outcome.id, actor_id=user.id, result=result))
    return outcome


EDITABLE = frozenset({"what_changed", "result", "evidence_url", "occurred_on", "review_on", "what_worked",
                      "what_to_change"})


def update(session: Session, *, outcome_id: int, user: User, **changes) -> Outcome:
    """Correct an outcome or move its review date (its coordinators). A new review date prompts again."""
    outcome, campaign = get(session, user=user, outcome_id=outcome_id, permission="campaign.manage")
    unknown = set(changes) - EDITABLE
    if unknown:
        raise Invalid(_("These can't be changed here: %(names)s.", names=", ".join(sorted(unknown))))
    merged = {name: changes.get(name, getattr(outcome, name)) for name in EDITABLE}
    _check(**{k: merged[k] for k in ("what_changed", "result", "evidence_url", "occurred_on", "review_on")})
    with transaction(session):
        for name, value in changes.items():
            setattr(outcome, name, value.strip() if isinstance(value, str) else value)
        if "review_on" in changes and changes["review_on"] is not None:
            outcome.reviewed_at = None  # a new review date asks for a new review
        session.add(outcome)
    return outcome


def mark_reviewed(session: Session, *, outcome_id: int, user: User, what_worked: str | None = None,
                  what_to_change: str | None = None) -> Outcome:
    """The coordinators reviewed the outcome, noting what worked and what to change."""
    outcome, _campaign = get(session, user=user, outcome_id=outcome_id, permission="campaign.manage")
    with transaction(session):
        if what_worked is not None:
            outcome.what_worked = what_worked.strip()
        if what_to_change is not None:
            outcome.what_to_change = what_to_change.strip()
        outcome.reviewed_at = clock.now()
        session.add(outcome)
    return outcome


def due_for_review(session: Session, campaign_ids: list[int], *, within_days: int = 7) -> list[Outcome]:
    """Unreviewed outcomes of these campaigns whose review date is past or within `within_days`."""
    if not campaign_ids:
        return []
    horizon = clock.now().date() + timedelta(days=within_days)
    return list(session.exec(select(Outcome).where(
        col(Outcome.campaign_id).in_(campaign_ids), col(Outcome.reviewed_at).is_(None),
        col(Outcome.review_on).is_not(None), col(Outcome.review_on) <= horizon).order_by(Outcome.review_on)))


def coordinators_of(session: Session, campaign: Campaign) -> list[int]:
    """Who coordinates a campaign: the organisation's coordinators and the campaign's leads and organisers."""
    org_side = select(Membership.user_id).where(Membership.org_id == campaign.org_id,
                                                Membership.role == Role.coordinator)
    team = select(CampaignMember.user_id).where(CampaignMember.campaign_id == campaign.id,
                                                col(CampaignMember.role).in_(policy.CAMPAIGN_MANAGERS))
    return sorted(set(session.exec(org_side).all()) | set(session.exec(team).all()))


def plan_reviews(session: Session) -> int:
    """Hourly job: when an outcome's review date comes, prompt its coordinators once (in-app and email)."""
    today = clock.now().date()
    due = session.exec(select(Outcome, Campaign).join(Campaign, col(Campaign.id) == Outcome.campaign_id).where(
        col(Outcome.reviewed_at).is_(None), col(Outcome.review_on).is_not(None), col(Outcome.review_on) <= today,
        Campaign.stage != "archived")).all()
    planned = 0
    with transaction(session):
        for outcome, campaign in due:
            for user_id in coordinators_of(session, campaign):
                planned += nudges.plan(session, _review_nudge(outcome, campaign, user_id))
    return planned


def _review_nudge(outcome: Outcome, campaign: Campaign, user_id: int) -> nudges.NudgeSpec:
    # the review date is the anchor: moving it plans a new prompt, the same date never prompts twice
    anchor = datetime.combine(outcome.review_on or clock.now().date(), time(), tzinfo=UTC)
    return nudges.NudgeSpec(
        recipient_id=user_id, kind=REVIEW_KIND, subject_type="outcome", subject_id=outcome.id,
        reason=REVIEW_KIND, org_id=campaign.org_id, campaign_id=campaign.id, anchor=anchor,
        channels=("inapp", "email"),
        payload={"title": f"Time to review an outcome of {campaign.name}",
                 "body": (f"You planned to look again at this outcome today: {outcome.what_changed[:200]}. "
                          "What worked, and what would you change?"),
                 "link": f"/campaigns/{campaign.id}/outcomes#outcome-{outcome.id}",
                 "campaign": campaign.name, "outcome_id": outcome.id})
