"""Dashboards: a coordinator's campaigns at a glance, the organisation's overview, a public campaign page.

Each reads counters and a fixed number of queries, however many contributions, sign-ups or nudges there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, func
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.domain import rules_progress as rules
from campaigns.domain import stages
from campaigns.domain.model import (
    Action,
    Campaign,
    CampaignMember,
    Concern,
    Goal,
    Membership,
    Nudge,
    Organisation,
    OrgTally,
    Outcome,
    Role,
    Task,
    User,
)
from campaigns.services import activity, outcomes, policy, progress, public
from campaigns.services.errors import Forbidden, NotFound

#: how far ahead the dashboard looks for actions that still need volunteers
UPCOMING_DAYS = 14
#: the nudge summary covers this many days
NUDGE_DAYS = 7


@dataclass
class UpcomingAction:
    action: Action
    campaign_name: str
    capacity: int
    taken: int

    @property
    def unfilled(self) -> int:
        return self.capacity - self.taken


@dataclass
class Dashboard:
    org: Organisation
    #: stage -> campaigns' progress, in lifecycle order
    by_stage: dict[str, list[progress.CampaignProgress]] = field(default_factory=dict)
    upcoming: list[UpcomingAction] = field(default_factory=list)
    nudges: dict[str, int] = field(default_factory=dict)
    reviews: list[tuple[Outcome, str]] = field(default_factory=list)

    @property
    def campaigns(self) -> list[progress.CampaignProgress]:
        return [p for group in self.by_stage.values() for p in group]

    @property
    def stalled(self) -> list[progress.CampaignProgress]:
        return [p for p in self.campaigns if p.stalled]


def managed_campaigns(session: Session, *, user: User, org: Organisation) -> list[Campaign]:
    """The campaigns a person coordinates: all of them for the organisation's coordinators, else those they
    lead or organise. NotFound for outsiders, Forbidden for a member who coordinates none.

    One query: the person's membership, outer-joined to the organisation's campaigns and their team role in each.
    """
    team = and_(col(CampaignMember.campaign_id) == Campaign.id, CampaignMember.user_id == user.id)
    query = (select(Membership.role, Campaign, CampaignMember.role).select_from(Membership)
             .join(Campaign, and_(col(Campaign.org_id) == Membership.org_id, Campaign.stage != stages.ARCHIVED),
                   isouter=True)
             .join(CampaignMember, team, isouter=True)
             .where(Membership.org_id == org.id, Membership.user_id == user.id).order_by(Campaign.name))
    rows = session.exec(query).all()
    if not rows:
        raise NotFound()
    coordinator = Role(rows[0][0]) in policy.PERMISSIONS["reports.view"]
    found = [c for _role, c, team_role in rows
             if c is not None and (coordinator or team_role in policy.CAMPAIGN_MANAGERS)]
    if not found and not coordinator:
        raise Forbidden(_("The dashboard is for the people who coordinate campaigns."))
    return found


def coordinator_dashboard(session: Session, *, user: User, org: Organisation) -> Dashboard:
    """A coordinator's campaigns by stage with progress, upcoming actions short of volunteers, the nudge
    summary and outcomes due for review."""
    campaigns = managed_campaigns(session, user=user, org=org)
    ids = [c.id for c in campaigns]
    states = progress.progress_of(session, campaigns)
    dashboard = Dashboard(org=org)
    for stage in stages.ALL_STAGES:
        group = [states[c.id] for c in campaigns if c.stage == stage]
        if group:
            dashboard.by_stage[stage] = group
    names = {c.id: c.name for c in campaigns}
    dashboard.upcoming = upcoming_unfilled(session, ids, names)
    dashboard.nudges = nudge_summary(session, ids)
    dashboard.reviews = [(o, names[o.campaign_id]) for o in outcomes.due_for_review(session, ids)]  # type: ignore
    return dashboard


def upcoming_unfilled(session: Session, campaign_ids: list, names: dict) -> list[UpcomingAction]:
    """Planned actions in the next UPCOMING_DAYS whose tasks still have free places (from task.taken)."""
    if not campaign_ids:
        return []
    now = clock.now()
    capacity, taken = func.sum(Task.capacity), func.sum(Task.taken)
    query = (select(Action, capacity, taken).join(Task, col(Task.action_id) == Action.id)
             .where(col(Action.campaign_id).in_(campaign_ids), Action.status == "planned",
                    Action.starts_at >= now, Action.starts_at <= now + timedelta(days=UPCOMING_DAYS))
             .group_by(col(Action.id)).having(capacity > taken).order_by(Action.starts_at))
    return [UpcomingAction(action, names[action.campaign_id], int(cap), int(tak))
            for action, cap, tak in session.exec(query)]


def nudge_summary(session: Session, campaign_ids: list) -> dict[str, int]:
    """How many of these campaigns' nudges were planned, sent, skipped, failed… over the last NUDGE_DAYS."""
    if not campaign_ids:
        return {}
    since = clock.now() - timedelta(days=NUDGE_DAYS)
    query = (select(Nudge.status, func.count()).where(col(Nudge.campaign_id).in_(campaign_ids),
                                                      Nudge.created_at >= since).group_by(Nudge.status))
    return {status: n for status, n in session.exec(query)}


# -- organisation overview --------------------------------------------------------------------------------------
@dataclass
class Overview:
    org: Organisation
    k: int
    #: None where fewer than k (people-derived counts only)
    concerns_raised: int | None
    concerns_shared: int | None
    volunteers: int | None
    volunteer_hours: float | None
    campaigns_by_stage: dict[str, int]
    goals_reached: int
    actions_held: int
    outcomes_achieved: int


def overview(session: Session, *, user: User, org: Organisation) -> Overview:
    """The organisation's achievements in counts; counts about people below k show as "fewer than k"."""
    policy.authorize(session, user, "org.view", org.id)
    k, now = org.share_threshold, clock.now()
    raised, shared = session.exec(select(func.count(), func.count(Concern.shared_at)).where(
        Concern.org_id == org.id, Concern.status != "merged")).one()
    tally = session.get(OrgTally, org.id)  # running totals: contributions are never summed on read
    people, hours = (tally.volunteers, tally.hours) if tally else (0, 0.0)
    by_stage = dict(session.exec(select(Campaign.stage, func.count()).where(Campaign.org_id == org.id)
                                 .group_by(Campaign.stage)).all())
    reached = session.exec(select(func.count()).select_from(Goal).join(Campaign, col(Campaign.id) == Goal.campaign_id)
                           .where(Campaign.org_id == org.id, col(Goal.achieved_at).is_not(None))).one()
    held = session.exec(select(func.count()).select_from(Action).where(
        Action.org_id == org.id, Action.status == "planned", Action.ends_at < now)).one()
    achieved = session.exec(select(func.count()).select_from(Outcome).join(
        Campaign, col(Campaign.id) == Outcome.campaign_id).where(Campaign.org_id == org.id,
                                                                 Outcome.result == "achieved")).one()
    volunteers = rules.shown_count(people, k)
    return Overview(org=org, k=k, concerns_raised=rules.shown_count(raised, k),
                    concerns_shared=rules.shown_count(shared, k), volunteers=volunteers,
                    volunteer_hours=round(float(hours), 1) if volunteers is not None else None,
                    campaigns_by_stage={s: by_stage.get(s, 0) for s in stages.ALL_STAGES},
                    goals_reached=reached, actions_held=held, outcomes_achieved=achieved)


# -- public campaign page ---------------------------------------------------------------------------------------
@dataclass
class PublicCampaign:
    campaign: Campaign
    progress: progress.CampaignProgress
    outcomes: list[Outcome]
    activity: list[activity.Entry]
    #: its public actions still to come, each with its own page and guest sign-up
    actions: list = field(default_factory=list)


def public_campaign(session: Session, campaign_id: int) -> PublicCampaign:
    """A campaign marked public, for anyone: its ask, progress, outcomes and recent events; no people at all.
    NotFound for members-only campaigns."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or campaign.visibility != "public":
        raise NotFound()
    return PublicCampaign(
        campaign=campaign, progress=progress.campaign_progress(session, campaign),
        outcomes=list(session.exec(outcomes.of_campaign(campaign.id).limit(20))),  # type: ignore[arg-type]
        activity=activity.recent(session, campaign, limit=10, public=True),
        actions=public.upcoming_public_actions(session, campaign))
