"""Progress: goal counters become campaign progress and milestones (each once), activity keeps campaigns from
stalling, and a daily snapshot feeds the burn-up charts.

Reads never aggregate contributions: they read `goal.current` (kept by the volunteering handlers),
`campaign.progress` and `campaign.last_activity_at` (kept here), and one snapshot per goal and day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import String, cast, exists, func, update
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.db import insert_ignore, transaction
from campaigns.domain import burnup
from campaigns.domain import events as ev
from campaigns.domain import rules_progress as rules
from campaigns.domain.model import (
    Campaign,
    CampaignTally,
    Contribution,
    EventRecord,
    Goal,
    GoalSnapshot,
    OrgTally,
)
from campaigns.services import messagebus

#: snapshots are not taken once a campaign is over
SNAPSHOT_STAGES = ("assessment", "collaboration", "intervention", "evaluation")
_BATCH = 500


# -- handlers (see bootstrap.event_handlers) ----------------------------------------------------------------------
def on_contribution_verified(session: Session, event: ev.ContributionVerified, row: EventRecord) -> None:
    """After the goal counter moved: the campaign is active, its progress is recomputed, milestones recorded."""
    touch_activity(session, event, row)
    refresh_campaign(session, event.campaign_id)
    record_milestones(session, goal_id=event.goal_id)
    add_to_tallies(session, contribution_id=event.subject_id)


def on_counter_changed(session: Session, event: ev.Event, row: EventRecord) -> None:
    """A pending contribution counted (the organisation counts them) or a counted one rejected: recompute."""
    refresh_campaign(session, event.campaign_id)
    goal_id = getattr(event, "goal_id", None)
    if goal_id is not None:
        record_milestones(session, goal_id=goal_id)


def touch_activity(session: Session, event: ev.Event, row: EventRecord) -> None:
    """A verified contribution, a sign-up or a stage change: the campaign is moving (not stalled)."""
    if event.campaign_id is not None:
        session.exec(update(Campaign).where(col(Campaign.id) == event.campaign_id)  # type: ignore[call-overload]
                     .values(last_activity_at=row.occurred_at))


def on_goals_changed(session: Session, event: ev.Event, row: EventRecord) -> None:
    """A goal was set, changed, declined or marked reached: the weighted mean of the campaign's goals changes."""
    refresh_campaign(session, event.campaign_id)
    if event.subject_id is not None and isinstance(event, ev.GoalChanged):
        record_milestones(session, goal_id=event.subject_id)


def refresh_campaign(session: Session, campaign_id: int | None) -> float:
    """Recompute campaign.progress from its accepted goals' counters, inside the caller's transaction."""
    if campaign_id is None:
        return 0.0
    # Lock the campaign row first: concurrent verifications of different goals then recompute one after the
    # other, each seeing the other's committed counter (PostgreSQL; SQLite's BEGIN IMMEDIATE already queues).
    # FOR NO KEY UPDATE, not FOR UPDATE: it must not wait on the key-share locks that other transactions'
    # inserts (contributions, events) hold on the campaign row, or two verifications deadlock.
    session.exec(select(Campaign.id).where(Campaign.id == campaign_id).with_for_update(key_share=True)).first()
    goals = session.exec(select(Goal.weight, Goal.current, Goal.target).where(
        Goal.campaign_id == campaign_id, Goal.status == "accepted")).all()
    value = rules.weighted_progress(goals)
    session.exec(update(Campaign).where(col(Campaign.id) == campaign_id)  # type: ignore[call-overload]
                 .values(progress=value))
    return value


def record_milestones(session: Session, *, goal_id: int) -> list[int]:
    """Record GoalMilestoneReached (25/50/75) and GoalReached (100) for milestones newly crossed, each once.

    Each milestone is claimed by a conditional UPDATE (`milestone_reached < m`), so two verifications racing
    past the same line record it once: only the one whose UPDATE changed the row records the event.
    """
    found = session.exec(select(Goal.id, Goal.campaign_id, Goal.name, Goal.current, Goal.target, Goal.status,
                                Campaign.org_id).join(Campaign, col(Campaign.id) == Goal.campaign_id)
                         .where(Goal.id == goal_id)).first()
    if found is None or found.status != "accepted":
        return []
    recorded = []
    for milestone in rules.milestones_crossed(found.current, found.target):
        values: dict = {"milestone_reached": milestone}
        if milestone == 100:
            values["achieved_at"] = clock.now()
        claimed = session.exec(update(Goal).where(  # type: ignore[call-overload]
            col(Goal.id) == goal_id, col(Goal.milestone_reached) < milestone).values(**values)).rowcount
        if not claimed:
            continue
        common = {"org_id": found.org_id, "campaign_id": found.campaign_id, "subject_id": goal_id}
        if milestone == 100:
            messagebus.record(session, ev.GoalReached(**common, name=found.name))
        else:
            messagebus.record(session, ev.GoalMilestoneReached(**common, percent=milestone))
        recorded.append(milestone)
    return recorded


def add_to_tallies(session: Session, *, contribution_id: int | None) -> None:
    """Add a verified contribution's hours, and its person if new, to its campaign's and organisation's tallies.

    The tally rows are updated (so locked) before asking whether the person is new: two first contributions by
    one person, verified at once, then count them once.
    """
    contribution = session.get(Contribution, contribution_id) if contribution_id is not None else None
    if contribution is None:
        return
    for table, key, value, scope in ((CampaignTally, "campaign_id", contribution.campaign_id, Contribution.campaign_id),
                                     (OrgTally, "org_id", contribution.org_id, Contribution.org_id)):
        insert_ignore(session, table.__table__, [{key: value, "hours": 0.0, "volunteers": 0}], unique=[key])
        column = getattr(table, key)
        session.exec(update(table).where(column == value)  # type: ignore[call-overload]
                     .values(hours=table.hours + contribution.hours))
        if contribution.user_id is None:
            continue  # an erased person's contribution still counts its hours, anonymously
        earlier = session.exec(select(Contribution.id).where(
            scope == value, Contribution.user_id == contribution.user_id, Contribution.status == "verified",
            Contribution.id != contribution.id).limit(1)).first()
        if earlier is None:
            session.exec(update(table).where(column == value)  # type: ignore[call-overload]
                         .values(volunteers=table.volunteers + 1))


# -- jobs ----------------------------------------------------------------------------------------------------
def take_snapshots(session: Session) -> int:
    """Daily job: store each accepted goal's value for today, once (UNIQUE(goal_id, day), insert-or-ignore)."""
    today = clock.now().date()
    query = (select(Goal.id, Goal.current).join(Campaign, col(Campaign.id) == Goal.campaign_id)
             .where(Goal.status == "accepted", col(Campaign.stage).in_(SNAPSHOT_STAGES)).order_by(Goal.id))
    rows = [{"goal_id": goal_id, "day": today, "value": current} for goal_id, current in session.exec(query)]
    added = 0
    with transaction(session):
        for start in range(0, len(rows), _BATCH):
            added += insert_ignore(session, GoalSnapshot.__table__, rows[start:start + _BATCH],
                                   unique=["goal_id", "day"])
    return added


def mark_stalled(session: Session) -> int:
    """Hourly job: record CampaignStalled once per stall, for campaigns quiet for STALLED_DAYS."""
    days = current_app.config["STALLED_DAYS"]
    now = clock.now()
    already = exists().where(EventRecord.campaign_id == Campaign.id, EventRecord.type == "CampaignStalled",
                             EventRecord.occurred_at > Campaign.last_activity_at)
    candidates = session.exec(select(Campaign.id).where(
        col(Campaign.stage).in_(rules.ACTIVE_STAGES), Campaign.last_activity_at <= now - timedelta(days=days),
        ~already)).all()
    # each candidate is checked again under its row lock, in its own transaction
    return sum(_record_stall(session, campaign_id, days) for campaign_id in candidates)


def _record_stall(session: Session, campaign_id: int, days: int) -> int:
    with transaction(session):
        campaign = session.exec(select(Campaign).where(Campaign.id == campaign_id).with_for_update(key_share=True)
                                .execution_options(populate_existing=True)).one()
        now = clock.now()
        if not rules.is_stalled(campaign.stage, campaign.last_activity_at, now, days):
            return 0
        recorded = session.exec(select(EventRecord.position).where(
            EventRecord.campaign_id == campaign_id, EventRecord.type == "CampaignStalled",
            EventRecord.occurred_at > campaign.last_activity_at).limit(1)).first()
        if recorded is not None:
            return 0
        messagebus.record(session, ev.CampaignStalled(
            org_id=campaign.org_id, campaign_id=campaign_id, subject_id=campaign_id,
            days=(now - campaign.last_activity_at).days))
    return 1


# -- reading -------------------------------------------------------------------------------------------------
@dataclass
class GoalProgress:
    goal: Goal
    percent: int
    #: (day, value): one per snapshot day, then today's live counter
    points: list[tuple[date, float]]
    projection: burnup.Projection
    start: date
    due: date | None
    today: date

    @property
    def ideal_today(self) -> float | None:
        return burnup.ideal(self.today, self.start, self.due, self.goal.target)


@dataclass
class CampaignProgress:
    campaign: Campaign
    goals: list[GoalProgress] = field(default_factory=list)
    stalled: bool = False

    @property
    def percent(self) -> int:
        return int(self.campaign.progress * 100 + 1e-9)

    @property
    def quiet_days(self) -> int:
        return (clock.now() - self.campaign.last_activity_at).days


def campaign_progress(session: Session, campaign: Campaign) -> CampaignProgress:
    """One campaign's progress, goals, burn-up points and projections: one query, whatever the volume."""
    return progress_of(session, [campaign])[campaign.id]  # type: ignore[index]


def progress_of(session: Session, campaigns: list[Campaign]) -> dict[int, CampaignProgress]:
    """Progress of several campaigns in one query: one row per accepted goal, with its daily snapshots."""
    if not campaigns:
        return {}
    by_id = {c.id: c for c in campaigns}
    since = min(c.starts_on for c in campaigns)
    # the burn-up points come folded into one "day=value,…" string per goal: one row per goal, not per day, on
    # both databases (group_concat / string_agg)
    point = cast(GoalSnapshot.day, String) + "=" + cast(GoalSnapshot.value, String)
    points = (select(func.aggregate_strings(point, ",")).where(GoalSnapshot.goal_id == Goal.id,
                                                               GoalSnapshot.day >= since).scalar_subquery())
    query = (select(Goal, points).where(col(Goal.campaign_id).in_(by_id), Goal.status == "accepted")
             .order_by(Goal.campaign_id, Goal.id))
    now = clock.now()
    days = current_app.config["STALLED_DAYS"]
    result = {cid: CampaignProgress(c, stalled=rules.is_stalled(c.stage, c.last_activity_at, now, days))
              for cid, c in by_id.items()}
    for goal, folded in session.exec(query):
        result[goal.campaign_id].goals.append(_goal_progress(goal, by_id[goal.campaign_id], _unfold(folded)))
    return result


def _unfold(folded: str | None) -> list[tuple[date, float]]:
    pairs = (item.split("=") for item in folded.split(",")) if folded else ()
    return sorted((date.fromisoformat(day), float(value)) for day, value in pairs)


def _goal_progress(goal: Goal, campaign: Campaign, snapshots: list[tuple[date, float]]) -> GoalProgress:
    today = clock.now().date()
    points = [(day, value) for day, value in snapshots if day < today] + [(today, goal.current)]
    reached_on = goal.achieved_at.date() if goal.achieved_at else None
    projection = burnup.project(target=goal.target, current=goal.current, points=points[:-1], today=today,
                                reached_on=reached_on)
    return GoalProgress(goal=goal, percent=rules.percent(goal.current, goal.target), points=points,
                        projection=projection, start=campaign.starts_on, due=goal.due_on or campaign.deadline,
                        today=today)
