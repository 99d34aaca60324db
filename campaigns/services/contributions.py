"""Contributions: counted results toward a goal (12 letters, 40 signatures, 3 hours), logged by volunteers and
verified or kindly declined by coordinators.

Goal progress is kept incrementally by the handlers below, in the same transaction as the verification, with an
atomic `UPDATE goal SET current = current + :amount`. Each contribution's `counted` flag is flipped with a
conditional UPDATE first, so an amount is never counted twice (or taken away twice).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import update
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain import events as ev
from campaigns.domain import rules_volunteering as rules
from campaigns.domain.model import (
    Action,
    Campaign,
    Contribution,
    EventRecord,
    Goal,
    Organisation,
    Task,
    User,
)
from campaigns.domain.text import N_
from campaigns.services import messagebus, policy, progress
from campaigns.services.errors import Conflict, Invalid, NotFound
from campaigns.services.volunteering import check, signups_with_context


def _check_goal(session: Session, goal_id: int, campaign_id: int) -> Goal:
    goal = session.get(Goal, goal_id)
    if goal is None or goal.campaign_id != campaign_id:
        raise Invalid(_("Choose one of this campaign's goals."), field="goal_id")
    if goal.status != "accepted":
        raise Invalid(_("This goal hasn't been agreed yet, so nothing can be counted toward it."), field="goal_id")
    if goal.kind != "measure":
        raise Invalid(_("This goal is a milestone, reached or not, so amounts aren't counted toward it."),
                      field="goal_id")
    return goal


def _check_link(session: Session, model: type, row_id: int | None, campaign_id: int, field: str) -> None:
    row = session.get(model, row_id) if row_id is not None else None
    if row_id is not None and (row is None or row.campaign_id != campaign_id):
        raise Invalid(_("Choose one of this campaign's tasks or actions."), field=field)


def log_contribution(session: Session, *, user: User, campaign_id: int, goal_id: int, amount: float,
                     hours: float = 0.0, note: str = "", task_id: int | None = None,
                     action_id: int | None = None) -> Contribution:
    """A volunteer logs what they did toward a goal of the campaign. Records ContributionLogged.

    It counts toward the goal once verified (or at once, where the organisation counts pending ones).
    """
    campaign = policy.campaign_for(session, user, campaign_id, "volunteer")
    _check_goal(session, goal_id, campaign.id)
    check(rules.check_contribution, amount, hours)
    _check_link(session, Task, task_id, campaign.id, "task_id")
    _check_link(session, Action, action_id, campaign.id, "action_id")
    with transaction(session):
        contribution = Contribution(org_id=campaign.org_id, campaign_id=campaign.id, goal_id=goal_id,
                                    user_id=user.id, task_id=task_id, action_id=action_id, amount=amount,
                                    hours=hours, note=(note or "").strip())
        session.add(contribution)
        session.flush()
        messagebus.record(session, ev.ContributionLogged(
            org_id=campaign.org_id, campaign_id=campaign.id, subject_id=contribution.id, goal_id=goal_id,
            amount=amount))
    return contribution


def _reviewable(session: Session, user: User, contribution_id: int) -> Contribution:
    contribution = session.get(Contribution, contribution_id)
    if contribution is None:
        raise NotFound()
    policy.campaign_for(session, user, contribution.campaign_id, "contribution.review")
    query = select(Contribution).where(Contribution.id == contribution_id).with_for_update()
    return session.exec(query.execution_options(populate_existing=True)).one()


def verify(session: Session, *, contribution_id: int, user: User) -> Contribution:
    """A coordinator confirms a contribution; it counts toward its goal at once. Records ContributionVerified."""
    with transaction(session):
        contribution = _reviewable(session, user, contribution_id)
        if contribution.status == "verified":
            return contribution
        if contribution.status == "rejected":
            raise Conflict(_("This contribution was declined. Ask the volunteer to log it again if it should count."))
        if needs_another_reviewer(session, contribution, user):
            raise Conflict(OWN_CONTRIBUTION)
        _review(contribution, user, "verified")
        session.add(contribution)
        session.flush()
        messagebus.record(session, ev.ContributionVerified(
            org_id=contribution.org_id, campaign_id=contribution.campaign_id, subject_id=contribution.id,
            goal_id=contribution.goal_id, amount=contribution.amount))
    return contribution


OWN_CONTRIBUTION = N_("This is your own contribution: another coordinator verifies it, so every count has two "
                    "pairs of eyes.")


def needs_another_reviewer(session: Session, contribution: Contribution, user: User) -> bool:
    """Whether `user` logged it and someone else could verify it. A group with one coordinator verifies its own
    (the contribution then reads as self-verified: reviewed by the person who logged it)."""
    if contribution.user_id != user.id:
        return False
    return bool(policy.reviewers(session, contribution.org_id, contribution.campaign_id) - {user.id})


def waiting_for_another(session: Session, pending, user: User) -> set[int]:
    """Of these contributions, the ids `user` logged and leaves to another coordinator (for the review page)."""
    return {c.id for c in pending if needs_another_reviewer(session, c, user)}


def reject(session: Session, *, contribution_id: int, user: User, reason: str) -> Contribution:
    """A coordinator declines a contribution with a kind reason. Records ContributionRejected."""
    if not (reason or "").strip():
        raise Invalid(_("Say kindly why it can't be counted, so the volunteer understands."), field="reason")
    with transaction(session):
        contribution = _reviewable(session, user, contribution_id)
        if contribution.status == "rejected":
            return contribution
        if contribution.status == "verified":
            raise Conflict(_("This contribution is already verified and counted."))
        _review(contribution, user, "rejected")
        contribution.reject_reason = reason.strip()
        session.add(contribution)
        session.flush()
        messagebus.record(session, ev.ContributionRejected(
            org_id=contribution.org_id, campaign_id=contribution.campaign_id, subject_id=contribution.id,
            goal_id=contribution.goal_id))
    return contribution


def _review(contribution: Contribution, user: User, status: str) -> None:
    contribution.status, contribution.reviewed_by_id, contribution.reviewed_at = status, user.id, clock.now()


def pending_of_campaign(campaign_id: int, *, action_id: int | None = None):
    """Contributions waiting for review, oldest first (a query, for paging)."""
    query = select(Contribution).where(Contribution.campaign_id == campaign_id, Contribution.status == "pending")
    if action_id is not None:
        in_action = select(Task.id).where(Task.action_id == action_id)
        query = query.where((col(Contribution.action_id) == action_id) | col(Contribution.task_id).in_(in_action))
    return query.order_by(col(Contribution.id))


def of_campaign(campaign_id: int, *, status: str | None = None):
    query = select(Contribution).where(Contribution.campaign_id == campaign_id)
    if status:
        query = query.where(Contribution.status == status)
    return query.order_by(col(Contribution.id).desc())


# -- handlers (listed in bootstrap.event_handlers) -----------------------------------------------------------------
def _move(session: Session, contribution_id: int, *, count: bool) -> None:
    """Add a contribution's amount to its goal (or take it away), exactly once, in the caller's transaction."""
    flipped = session.exec(update(Contribution)  # type: ignore[call-overload]
                           .where(col(Contribution.id) == contribution_id, col(Contribution.counted) == (not count))
                           .values(counted=count).execution_options(synchronize_session="fetch"))
    if flipped.rowcount != 1:
        return
    contribution = session.get(Contribution, contribution_id)
    delta = contribution.amount if count else -contribution.amount  # type: ignore[union-attr]
    session.exec(update(Goal).where(col(Goal.id) == contribution.goal_id)  # type: ignore[call-overload,union-attr]
                 .values(current=col(Goal.current) + delta).execution_options(synchronize_session="fetch"))


def count_verified(session: Session, event: ev.Event, record: EventRecord) -> None:
    """ContributionVerified: the goal moves on at once."""
    _move(session, event.subject_id, count=True)  # type: ignore[arg-type]


def count_if_pending_counts(session: Session, event: ev.Event, record: EventRecord) -> None:
    """ContributionLogged: where the organisation counts pending contributions, count it now."""
    # FOR SHARE: a change of the setting (FOR UPDATE, see recount_pending) waits for this one to commit and then
    # sees it, or this one waits for the change and reads the new setting; either way nothing is missed. (The
    # insert's foreign-key lock on the organisation already orders them on PostgreSQL; this says so out loud.)
    query = select(Organisation.count_pending_contributions).where(Organisation.id == event.org_id)
    if session.exec(query.with_for_update(read=True)).first():
        _move(session, event.subject_id, count=True)  # type: ignore[arg-type]


def recount_pending(session: Session, org_id: int, *, count: bool) -> None:
    """The organisation switched counting pending contributions on or off: add its pending contributions to their
    goals (or take them away), each once, then recompute progress. In the caller's transaction, which holds the
    organisation's row (FOR UPDATE)."""
    flipped = session.exec(update(Contribution)  # type: ignore[call-overload]
                           .where(col(Contribution.org_id) == org_id, col(Contribution.status) == "pending",
                                  col(Contribution.counted) == (not count))
                           .values(counted=count)
                           .returning(Contribution.goal_id, Contribution.campaign_id, Contribution.amount)).all()
    deltas: dict[int, float] = {}
    for goal_id, _campaign_id, amount in flipped:
        deltas[goal_id] = deltas.get(goal_id, 0.0) + (amount if count else -amount)
    for goal_id in sorted(deltas):
        session.exec(update(Goal).where(col(Goal.id) == goal_id)  # type: ignore[call-overload]
                     .values(current=col(Goal.current) + deltas[goal_id]))
    for campaign_id in sorted({row[1] for row in flipped}):
        progress.refresh_campaign(session, campaign_id)
    for goal_id in sorted(deltas):
        progress.record_milestones(session, goal_id=goal_id)


def uncount_rejected(session: Session, event: ev.Event, record: EventRecord) -> None:
    """ContributionRejected: take back an amount that was counted while pending."""
    _move(session, event.subject_id, count=False)  # type: ignore[arg-type]


# -- a person's own hours, contributions and history (reads) ---------------------------------------------------
def contributions_of(session: Session, user: User):
    """The person's own contributions, newest first (a query, for paging)."""
    return select(Contribution).where(Contribution.user_id == user.id).order_by(col(Contribution.id).desc())


#: the history's columns and words, in the reader's language when written (dates and numbers stay as a
#: spreadsheet reads them)
HISTORY_COLUMNS = [N_("date"), N_("kind"), N_("campaign"), N_("what"), N_("amount"), N_("unit"), N_("hours"),
                   N_("status")]
HISTORY_WORDS = {"task": N_("task"), "contribution": N_("contribution"), "attended": N_("attended"),
                 "absent": N_("not recorded as attending"), "signed_up": N_("signed up"), "pending": N_("pending"),
                 "verified": N_("verified"), "rejected": N_("rejected")}


def history_rows(session: Session, user: User) -> list[list[str]]:
    """The person's own volunteering history (tasks they held, contributions they logged), oldest first."""
    rows: list[tuple[datetime, list]] = []
    for item in signups_with_context(session, user, statuses=("confirmed",)):
        when = item.starts_at or item.signup.confirmed_at or item.signup.queued_at
        status = item.signup.attendance if item.signup.attendance in ("attended", "absent") else "signed_up"
        rows.append((when, [when.date().isoformat(), _word("task"), item.campaign.name, item.task.title, "", "", "",
                            _word(status)]))
    query = (select(Contribution, Goal, Campaign).join(Goal, col(Goal.id) == Contribution.goal_id)
             .join(Campaign, col(Campaign.id) == Contribution.campaign_id).where(Contribution.user_id == user.id))
    for contribution, goal, campaign in session.exec(query):
        rows.append((contribution.created_at, [
            contribution.created_at.date().isoformat(), _word("contribution"), campaign.name, goal.name,
            f"{contribution.amount:g}", goal.unit, f"{contribution.hours:g}", _word(contribution.status)]))
    return [[rules.csv_safe(v) for v in row] for _, row in sorted(rows, key=lambda r: r[0])]


def _word(code: str) -> str:
    return _(HISTORY_WORDS[code]) if code in HISTORY_WORDS else code


def history_csv(session: Session, user: User) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_(column) for column in HISTORY_COLUMNS])
    writer.writerows(history_rows(session, user))
    return buffer.getvalue()
