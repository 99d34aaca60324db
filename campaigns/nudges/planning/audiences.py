"""Who a reminder rule's audience is for a target, now: volunteers with a place or waiting, campaign members
without a sign-up, coordinators, and workers of clients who consented. The planner asks for everyone; the
send-time check asks only about a batch's recipients (`among`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.domain.model import CampaignMember, Consent, Membership, Signup, Task
from campaigns.nudges.outbox import among as in_ids  # one parameter for a batch's people, not one each

if TYPE_CHECKING:
    from campaigns.nudges.planning.planner import Target


def audience(session: Session, name: str, target: Target, among: set[int] | None = None) -> set[int]:
    """Who a rule's audience is for this target, now (only looking at `among`, if given: the send-time check
    asks about a batch's recipients, not about a campaign's thousands)."""
    if among is not None:
        return _audience(session, name, target, among)
    if name not in target._audiences:
        target._audiences[name] = _audience(session, name, target, None)
    return target._audiences[name]


def _audience(session: Session, name: str, target: Target, among: set[int] | None) -> set[int]:
    if target.person is not None and name in ("confirmed", "waitlisted"):
        user_id, status = target.person
        found = {user_id} if user_id is not None and status == name else set()
    elif name in ("confirmed", "waitlisted"):
        found = _signed_up(session, target.task_ids, (name,), among)
    elif name == "members_without_signup":
        query = select(CampaignMember.user_id).where(CampaignMember.campaign_id == target.campaign_id)
        if among is not None:
            query = query.where(in_ids(session, CampaignMember.user_id, among))
        found = set(session.exec(query)) - _signed_up(session, target.task_ids, ("confirmed", "waitlisted"), among)
    elif name == "coordinators":
        found = coordinators(session, target.org_id, target.campaign_id)
    elif name == "consenting_workers":
        found = _consenting_workers(session, target.org_id, audience(session, "confirmed", target))
    else:
        found = set()
    return found if among is None else found & among


def _signed_up(session: Session, task_ids: tuple[int, ...], statuses: tuple[str, ...],
               among: set[int] | None = None) -> set[int]:
    if not task_ids or among == set():
        return set()
    query = select(Signup.user_id).where(col(Signup.task_id).in_(task_ids), col(Signup.status).in_(statuses))
    if among is not None:
        query = query.where(in_ids(session, Signup.user_id, among))
    return {user_id for user_id in session.exec(query) if user_id is not None}


def coordinators(session: Session, org_id: int, campaign_id: int | None) -> set[int]:
    """The organisation's coordinators and the campaign's leads and organisers."""
    people = set(session.exec(select(Membership.user_id).where(Membership.org_id == org_id,
                                                               Membership.role == "coordinator")))
    if campaign_id is not None:
        people |= set(session.exec(select(CampaignMember.user_id).where(
            CampaignMember.campaign_id == campaign_id, col(CampaignMember.role).in_(["lead", "organiser"]))))
    return people


def workers_of(session: Session, org_id: int, clients: set[int]) -> set[int]:
    """The workers these clients gave a live sign-up consent to."""
    return _consenting_workers(session, org_id, clients)


def _consenting_workers(session: Session, org_id: int, clients: set[int]) -> set[int]:
    if not clients:
        return set()
    now = clock.now()
    query = select(Consent.worker_id, Consent.expires_at).where(
        Consent.org_id == org_id, col(Consent.client_id).in_(clients), Consent.scope == "sign_up",
        col(Consent.revoked_at).is_(None))
    return {worker for worker, expires in session.exec(query) if expires is None or expires > now}


def has_free_places(session: Session, target: Target) -> bool:
    if not target.task_ids:
        return False
    query = select(Task.id).where(col(Task.id).in_(target.task_ids), col(Task.taken) < col(Task.capacity))
    return session.exec(query.limit(1)).first() is not None
