"""Personal goals: each participant's private goal for a campaign ("speak once at a public meeting").

Seen by its owner, and by their worker only if the owner shares it — a worker in the organisation the owner
has given a live consent to, in any scope. A worker's every look is logged as a read access. Personal goals
never appear in lists, exports or event payloads for anyone else, so no domain event carries one.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.db import insert_ignore, transaction
from campaigns.domain import stages
from campaigns.domain.model import Campaign, PersonalGoal, Role, User
from campaigns.services import audit, consents, policy
from campaigns.services.errors import Conflict, Invalid, NotFound

MAX_TEXT = 500


def mine(session: Session, *, user: User, campaign: Campaign) -> PersonalGoal | None:
    """The person's own personal goal for a campaign, if they set one."""
    query = select(PersonalGoal).where(PersonalGoal.campaign_id == campaign.id, PersonalGoal.user_id == user.id)
    return session.exec(query).first()


def set_mine(session: Session, *, user: User, campaign: Campaign, text: str, shared_with_worker: bool = False,
             done: bool | None = None) -> PersonalGoal:
    """Set or change your personal goal for a campaign, share it with your worker or not, mark it done."""
    policy.authorize(session, user, "campaign.view", campaign.org_id, campaign_id=campaign.id)
    text = (text or "").strip()
    if not text or len(text) > MAX_TEXT:
        raise Invalid(_("Write your goal in up to %(n)s characters.", n=MAX_TEXT), field="text")
    with transaction(session):
        now = clock.now()
        if mine(session, user=user, campaign=campaign) is None and campaign.stage not in stages.ACTIVE:
            raise Conflict(_("This campaign has ended; personal goals can be set while it is active."))
        # insert-or-ignore, then update: two saves at once still leave exactly one goal
        insert_ignore(session, PersonalGoal.__table__, [{"campaign_id": campaign.id, "user_id": user.id, "text": text,
                                               "shared_with_worker": False, "created_at": now}],
                      unique=["campaign_id", "user_id"])
        goal = session.exec(select(PersonalGoal).where(
            PersonalGoal.campaign_id == campaign.id, PersonalGoal.user_id == user.id)
            .execution_options(populate_existing=True)).one()
        goal.text, goal.shared_with_worker = text, bool(shared_with_worker)
        if done is not None:
            goal.done_at = (goal.done_at or now) if done else None
        session.add(goal)
    return goal


def mark_done(session: Session, *, user: User, campaign: Campaign, done: bool = True) -> PersonalGoal:
    """Mark your personal goal done (or not done after all)."""
    goal = mine(session, user=user, campaign=campaign)
    if goal is None:
        raise NotFound(_("You haven't set a personal goal for this campaign."))
    return set_mine(session, user=user, campaign=campaign, text=goal.text,
                    shared_with_worker=goal.shared_with_worker, done=done)


def delete_mine(session: Session, *, user: User, campaign: Campaign) -> None:
    """Remove your personal goal for a campaign."""
    with transaction(session):
        goal = mine(session, user=user, campaign=campaign)
        if goal is None:
            raise NotFound(_("You haven't set a personal goal for this campaign."))
        session.delete(goal)


def shared_with_me_query(session: Session, *, worker: User, campaign: Campaign):
    """(PersonalGoal, owner's display name) that clients with a live consent to this worker chose to share."""
    member = policy.require_member(session, worker, campaign.org_id)
    policy.authorize(session, worker, "campaign.view", campaign.org_id, campaign_id=campaign.id)
    client_ids = [c.id for c in consents.clients_of(session, worker, campaign.org_id)] \
        if member.role == Role.worker else []
    return (select(PersonalGoal, User.display_name).join(User, User.id == PersonalGoal.user_id)
            .where(PersonalGoal.campaign_id == campaign.id, col(PersonalGoal.shared_with_worker).is_(True),
                   col(PersonalGoal.user_id).in_(client_ids))
            .order_by(User.display_name, PersonalGoal.id))


def log_views(session: Session, *, worker: User, campaign: Campaign, goals: list[PersonalGoal]) -> None:
    """Record that the worker looked at each of these clients' personal goals."""
    if not goals:
        return
    with transaction(session):
        for goal in goals:
            audit.log_read(session, viewer_id=worker.id, subject_user_id=goal.user_id,  # type: ignore[arg-type]
                           what="personal_goal", campaign=campaign.name)


def shared_with_me(session: Session, *, worker: User, campaign: Campaign) -> list[tuple[PersonalGoal, str]]:
    """Clients' personal goals shared with this worker, each look logged as a read access."""
    rows = [(row[0], row[1]) for row in session.exec(shared_with_me_query(session, worker=worker,
                                                                           campaign=campaign))]
    log_views(session, worker=worker, campaign=campaign, goals=[goal for goal, _ in rows])
    return rows
