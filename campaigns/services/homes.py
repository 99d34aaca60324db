"""Each person's home in a group: what to do next, by what they do there.

Everyone who volunteers sees their next shift, concerns waiting for their support, actions that still need people
and their personal goals; a worker also sees what their consenting clients chose to share with them (each look
logged as a read); a coordinator (or a campaign's lead or organiser) sees today's work across the campaigns they
run. Nothing here writes, except the read log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import func
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.domain import rules_progress, stages
from campaigns.domain.model import (
    Campaign,
    Concern,
    ConcernSupport,
    Consent,
    Contribution,
    Nudge,
    Organisation,
    PersonalGoal,
    Role,
    Signup,
    Task,
    User,
)
from campaigns.services import audit, concern_board, consents, dashboards, outcomes, policy
from campaigns.services.errors import Forbidden
from campaigns.services.volunteering import MyTask, signups_with_context

#: how many of each list a home shows (each links to the full page)
SHOWN = 5
#: the coordinator's "failed deliveries" look back this far
FAILED_DAYS = 7


@dataclass
class VolunteerHome:
    next_shift: MyTask | None = None
    #: more confirmed shifts after the next one
    later_shifts: int = 0
    #: concern_board.present() dicts: open concerns the person has not raised or supported
    concerns_to_support: list[dict] = field(default_factory=list)
    actions_needing_people: list[dashboards.UpcomingAction] = field(default_factory=list)
    personal_goals: list[tuple[PersonalGoal, Campaign]] = field(default_factory=list)


@dataclass
class ClientShare:
    """What one consenting client shows their worker: sign-ups (only under the sign-up consent), shared goals."""

    client: User
    scopes: list[str]
    signups: list[MyTask] = field(default_factory=list)
    goals: list[tuple[PersonalGoal, Campaign]] = field(default_factory=list)


@dataclass
class CampaignCount:
    campaign: Campaign
    count: int


@dataclass
class CoordinatorHome:
    unfilled: list[dashboards.UpcomingAction] = field(default_factory=list)
    to_verify: list[CampaignCount] = field(default_factory=list)
    stalled: list[Campaign] = field(default_factory=list)
    reviews: list[tuple[outcomes.Outcome, str]] = field(default_factory=list)
    #: deliveries that failed (retrying) or gave up, in the last FAILED_DAYS, per campaign
    failed: list[CampaignCount] = field(default_factory=list)

    @property
    def nothing_to_do(self) -> bool:
        return not (self.unfilled or self.to_verify or self.stalled or self.reviews or self.failed)


@dataclass
class Home:
    org: Organisation
    role: str
    volunteer: VolunteerHome
    clients: list[ClientShare] | None = None  #: workers only
    coordinator: CoordinatorHome | None = None  #: those who run campaigns only


def home(session: Session, *, user: User, org: Organisation) -> Home:
    """The person's home in `org` (NotFound for outsiders)."""
    member = policy.require_member(session, user, org.id)
    result = Home(org=org, role=member.role, volunteer=volunteer_home(session, user=user, org=org))
    if member.role == Role.worker:
        result.clients = clients_shared(session, worker=user, org=org)
    result.coordinator = coordinator_home(session, user=user, org=org)
    return result


def may_see_place(item: MyTask, *, viewer_id: int | None) -> bool:
    """Whether the viewer may see where this sign-up's action happens: a private place is for the confirmed
    volunteer themself (coordinators see it on the action's page)."""
    if item.action is None:
        return False
    return item.action.address_public or (item.signup.status == "confirmed" and item.signup.user_id == viewer_id)


# -- everyone who volunteers -----------------------------------------------------------------------------------
def volunteer_home(session: Session, *, user: User, org: Organisation) -> VolunteerHome:
    shifts = upcoming_signups(session, user, org, statuses=("confirmed",))
    return VolunteerHome(
        next_shift=shifts[0] if shifts else None, later_shifts=max(len(shifts) - 1, 0),
        concerns_to_support=concerns_to_support(session, user=user, org=org),
        actions_needing_people=actions_needing_people(session, user=user, org=org),
        personal_goals=open_personal_goals(session, [user.id], org)[user.id] if user.id else [])


def upcoming_signups(session: Session, user: User, org: Organisation, *,
                     statuses: tuple[str, ...] = ("confirmed", "waitlisted")) -> list[MyTask]:
    """The person's sign-ups in `org` that have not ended and whose action is not called off, soonest first."""
    now = clock.now()
    found = [item for item in signups_with_context(session, user, statuses=statuses)
             if item.campaign.org_id == org.id and (item.ends_at is None or item.ends_at > now)
             and not (item.action and item.action.status == "cancelled")]
    far = now + timedelta(days=36500)
    return sorted(found, key=lambda i: i.starts_at or far)


def concerns_to_support(session: Session, *, user: User, org: Organisation) -> list[dict]:
    """Open concerns (not yet shared) that the person neither raised nor supports, newest first."""
    supported = select(ConcernSupport.concern_id).where(ConcernSupport.user_id == user.id)
    query = (select(Concern).where(Concern.org_id == org.id, Concern.status == "open",
                                   col(Concern.author_id).is_distinct_from(user.id), col(Concern.id).not_in(supported))
             .order_by(col(Concern.created_at).desc(), col(Concern.id).desc()).limit(SHOWN))
    return concern_board.present_many(session, list(session.exec(query)), user, org)


def actions_needing_people(session: Session, *, user: User, org: Organisation) -> list[dashboards.UpcomingAction]:
    """Upcoming actions of the group's working campaigns with free places, except those the person is in."""
    working = list(session.exec(select(Campaign.id, Campaign.name).where(
        Campaign.org_id == org.id, col(Campaign.stage).in_(stages.ACTIVE))))
    upcoming = dashboards.upcoming_unfilled(session, [i for i, _ in working], dict(working))
    mine = set(session.exec(select(Task.action_id).join(Signup, col(Signup.task_id) == Task.id).where(
        Signup.user_id == user.id, col(Signup.status).in_(("confirmed", "waitlisted")),
        col(Task.action_id).in_([u.action.id for u in upcoming]))))
    return [u for u in upcoming if u.action.id not in mine][:SHOWN]


def open_personal_goals(session: Session, user_ids: list[int], org: Organisation, *,
                        shared_only: bool = False) -> dict[int, list[tuple[PersonalGoal, Campaign]]]:
    """Personal goals not yet done in the group's campaigns, by owner."""
    found: dict[int, list[tuple[PersonalGoal, Campaign]]] = {uid: [] for uid in user_ids}
    if not user_ids:
        return found
    query = (select(PersonalGoal, Campaign).join(Campaign, col(Campaign.id) == PersonalGoal.campaign_id)
             .where(Campaign.org_id == org.id, col(PersonalGoal.user_id).in_(user_ids),
                    col(PersonalGoal.done_at).is_(None), Campaign.stage != stages.ARCHIVED)
             .order_by(col(PersonalGoal.id)))
    if shared_only:
        query = query.where(col(PersonalGoal.shared_with_worker).is_(True))
    for goal, campaign in session.exec(query):
        found[goal.user_id].append((goal, campaign))
    return found


# -- workers ---------------------------------------------------------------------------------------------------
def clients_shared(session: Session, *, worker: User, org: Organisation) -> list[ClientShare]:
    """Each client with a live consent to this worker: their upcoming sign-ups where the consent covers signing
    them up, and the personal goals they chose to share. Every client shown is logged as a read."""
    live = [c for c in session.exec(select(Consent).where(Consent.worker_id == worker.id, Consent.org_id == org.id))
            if consents.is_live(c)]
    scopes: dict[int, list[str]] = {}
    for consent in live:
        scopes.setdefault(consent.client_id, []).append(consent.scope)
    if not scopes:
        return []
    clients = session.exec(select(User).where(col(User.id).in_(scopes), col(User.erased_at).is_(None))
                           .order_by(User.display_name))
    goals = open_personal_goals(session, list(scopes), org, shared_only=True)
    shares = [ClientShare(client=c, scopes=sorted(scopes[c.id]), goals=goals.get(c.id, [])) for c in clients]
    for share in shares:
        if "sign_up" in share.scopes:
            share.signups = upcoming_signups(session, share.client, org)
    audit.log_reads(session, viewer_id=worker.id, subject_ids=[s.client.id for s in shares],
                    what="shared_on_home")
    return shares


# -- those who run campaigns -----------------------------------------------------------------------------------
def coordinator_home(session: Session, *, user: User, org: Organisation) -> CoordinatorHome | None:
    """Today's work across the campaigns the person runs; None if they run none (and are not a coordinator)."""
    try:
        campaigns = dashboards.managed_campaigns(session, user=user, org=org)
    except Forbidden:
        return None
    by_id = {c.id: c for c in campaigns}
    ids, names = list(by_id), {c.id: c.name for c in campaigns}
    days, now = current_app.config["STALLED_DAYS"], clock.now()
    return CoordinatorHome(
        unfilled=dashboards.upcoming_unfilled(session, ids, names)[:SHOWN],
        to_verify=_counts(session, by_id, select(Contribution.campaign_id, func.count()).where(
            col(Contribution.campaign_id).in_(ids), Contribution.status == "pending")
            .group_by(Contribution.campaign_id)),
        stalled=[c for c in campaigns if rules_progress.is_stalled(c.stage, c.last_activity_at, now, days)],
        reviews=[(o, names[o.campaign_id]) for o in outcomes.due_for_review(session, ids)],
        failed=_counts(session, by_id, select(Nudge.campaign_id, func.count()).where(
            col(Nudge.campaign_id).in_(ids), col(Nudge.status).in_(("failed", "dead")),
            Nudge.created_at >= now - timedelta(days=FAILED_DAYS)).group_by(Nudge.campaign_id)))


def _counts(session: Session, by_id: dict, query) -> list[CampaignCount]:
    if not by_id:
        return []
    return sorted((CampaignCount(by_id[cid], n) for cid, n in session.exec(query)),
                  key=lambda c: (-c.count, c.campaign.name))
