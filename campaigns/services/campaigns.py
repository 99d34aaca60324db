"""Campaigns: launching one from shared concerns, changing its details, and moving it through the stages.

Confidentiality: a campaign is built from concerns, but it never learns who raised them. Every read of the
concern table here selects named columns, never `Concern.author_id`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from zoneinfo import ZoneInfo

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import case, func, update
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.db import remembered, transaction
from campaigns.domain import events as ev
from campaigns.domain import stages
from campaigns.domain.model import (
    Campaign,
    CampaignConcern,
    CampaignMember,
    Concern,
    EventRecord,
    Goal,
    Organisation,
    Outcome,
    User,
)
from campaigns.domain.rules import is_valid_timezone
from campaigns.services import messagebus, policy
from campaigns.services.errors import Conflict, Invalid, NotFound

VISIBILITIES = ("members", "public")
#: text fields of a campaign: (longest, required)
TEXT_FIELDS: dict[str, tuple[int, bool]] = {
    "name": (140, True), "summary": (5000, False), "ask": (2000, False), "target": (500, False),
    "closing_summary": (5000, False),
}
EDITABLE = frozenset({*TEXT_FIELDS, "starts_on", "deadline", "timezone", "visibility"})
_STAGE_ORDER = case({stage: i for i, stage in enumerate(stages.ALL_STAGES)}, value=Campaign.stage)


# -- reading -------------------------------------------------------------------------------------------------
def get(session: Session, *, user: User | None, campaign_id: int, permission: str = "campaign.view") -> Campaign:
    """The campaign if `user` may `permission` in it; NotFound for other organisations and unknown ids."""
    return policy.campaign_for(session, user, campaign_id, permission)


def list_query(session: Session, *, user: User | None, org_id: int, stage: str | None = None):
    """The organisation's campaigns (optionally in one stage), in lifecycle order: for members only."""
    policy.authorize(session, user, "campaign.view", org_id)
    query = select(Campaign).where(Campaign.org_id == org_id)
    if stage:
        query = query.where(Campaign.stage == stage)
    return query.order_by(_STAGE_ORDER, col(Campaign.deadline).is_(None), Campaign.deadline, Campaign.id)


def shared_concerns(session: Session, org_id: int) -> list[tuple[int, str]]:
    """(id, title) of the organisation's shared concerns a campaign can be launched from."""
    query = (select(Concern.id, Concern.title).where(Concern.org_id == org_id, Concern.status == "shared")
             .order_by(col(Concern.support_count).desc(), Concern.title))
    return [(row[0], row[1]) for row in session.exec(query)]


def already_in_campaigns(session: Session, org_id: int) -> int:
    """How many of the organisation's concerns are already worked on by a campaign (so not offered for a launch)."""
    return session.exec(select(func.count()).select_from(Concern).where(
        Concern.org_id == org_id, Concern.status == "in_campaign")).one()


def campaigns_of_concern(session: Session, concern_id: int) -> list[tuple[int, str, str]]:
    """(id, name, stage) of the campaigns working on a concern, newest first: a concern's page links to them."""
    query = (select(Campaign.id, Campaign.name, Campaign.stage)
             .join(CampaignConcern, CampaignConcern.campaign_id == Campaign.id)
             .where(CampaignConcern.concern_id == concern_id).order_by(col(Campaign.id).desc()))
    return [(row[0], row[1], row[2]) for row in session.exec(query)]


def concerns_of(session: Session, campaign_id: int) -> list[tuple[int, str]]:
    """(id, title) of the concerns a campaign works on."""
    query = (select(Concern.id, Concern.title).join(CampaignConcern, CampaignConcern.concern_id == Concern.id)
             .where(CampaignConcern.campaign_id == campaign_id).order_by(Concern.title))
    return [(row[0], row[1]) for row in session.exec(query)]


def today_for(campaign: Campaign) -> date:
    """Today's date where the campaign happens (deadlines are dates in its time zone)."""
    return clock.now().astimezone(ZoneInfo(campaign.timezone)).date()


def days_left(campaign: Campaign) -> int | None:
    return stages.days_left(campaign.deadline, today_for(campaign))


def stage_facts(session: Session, campaign: Campaign, *, closing_summary: str | None = None) -> stages.StageFacts:
    """What the stage rules need to know about this campaign now."""
    def load():  # both counts in one round trip, once per request (the page asks for moves and the blocker)
        goals = select(func.count()).where(Goal.campaign_id == campaign.id, Goal.status == "accepted")
        outcomes = select(func.count()).where(Outcome.campaign_id == campaign.id)
        return session.exec(select(goals.scalar_subquery(), outcomes.scalar_subquery())).one()

    accepted_goals, outcomes = remembered(session, ("stage counts", campaign.id), load)
    summary = closing_summary if closing_summary is not None else campaign.closing_summary
    return stages.StageFacts(
        accepted_goals=accepted_goals, has_deadline=campaign.deadline is not None,
        intervention_began=campaign.intervention_began_at is not None,
        has_closing_summary=bool((summary or "").strip()), outcomes=outcomes,
    )


def possible_moves(session: Session, campaign: Campaign) -> list[str]:
    """Stages the campaign could move to now, taking a closing summary as given (it is asked for on closing)."""
    facts = replace(stage_facts(session, campaign), has_closing_summary=True)
    return stages.allowed_moves(campaign.stage, facts)


def next_step_blocker(session: Session, campaign: Campaign) -> tuple[str, str] | None:
    """(next stage, why not yet) when the next stage forward is not open yet, to say what to do first."""
    following = stages.next_stage(campaign.stage)
    if following is None:
        return None
    facts = replace(stage_facts(session, campaign), has_closing_summary=True)
    reason = stages.why_not(campaign.stage, following, facts)
    return (following, reason) if reason else None


def stage_history(session: Session, campaign_id: int) -> list[tuple[EventRecord, str | None]]:
    """Each stage change with who made it (display name), oldest first."""
    query = (select(EventRecord, User.display_name).outerjoin(User, User.id == EventRecord.actor_id)
             .where(EventRecord.campaign_id == campaign_id, EventRecord.type == "CampaignStageChanged")
             .order_by(EventRecord.position))
    return [(row[0], row[1]) for row in session.exec(query)]


def archived_from(session: Session, campaign: Campaign) -> str | None:
    """The stage an archived campaign was in when it was set aside."""
    if campaign.stage != stages.ARCHIVED:
        return None
    history = stage_history(session, campaign.id)
    return history[-1][0].payload.get("from_stage") if history else None


# -- checks shared by launch and edit --------------------------------------------------------------------------
def _clean_text(name: str, value: str | None) -> str:
    longest, required = TEXT_FIELDS[name]
    value = (value or "").strip()
    if required and not value:
        raise Invalid(_("This can't be empty."), field=name)
    if len(value) > longest:
        raise Invalid(_("Keep this to %(n)s characters or fewer.", n=longest), field=name)
    return value


def _check_dates(starts_on: date, deadline: date | None) -> None:
    if deadline is not None and deadline < starts_on:
        raise Invalid(_("Choose a deadline on or after the start date."), field="deadline")


def _check_timezone(zone: str) -> str:
    if not is_valid_timezone(zone):
        raise Invalid(_("Choose a time zone from the list, like Europe/London."), field="timezone")
    return zone


def _check_visibility(visibility: str) -> str:
    if visibility not in VISIBILITIES:
        raise Invalid(_("Choose who can see the campaign: members of the group, or everyone."), field="visibility")
    return visibility


# -- launching -------------------------------------------------------------------------------------------------
def launch(session: Session, *, actor: User, org_id: int, concern_ids: list[int], name: str, starts_on: date,
           summary: str = "", ask: str = "", target: str = "", deadline: date | None = None,
           timezone: str | None = None, visibility: str = "members") -> Campaign:
    """Launch a campaign from shared concerns; they move into it and the launcher leads it. Records
    CampaignLaunched."""
    policy.authorize(session, actor, "campaign.launch", org_id)
    org = session.get(Organisation, org_id)
    texts = {k: _clean_text(k, v) for k, v in {"name": name, "summary": summary, "ask": ask,
                                               "target": target}.items()}
    _check_dates(starts_on, deadline)
    zone = _check_timezone(timezone or org.timezone)  # type: ignore[union-attr]
    _check_visibility(visibility)
    ids = sorted(set(concern_ids))
    if not ids:
        raise Invalid(_("Choose at least one shared concern."), field="concern_ids")
    with transaction(session):
        _take_concerns(session, org_id, ids)
        campaign = Campaign(org_id=org_id, starts_on=starts_on, deadline=deadline, timezone=zone,
                            visibility=visibility, stage=stages.STAGES[0], created_by_id=actor.id, **texts)
        session.add(campaign)
        session.flush()
        session.add_all([CampaignConcern(campaign_id=campaign.id, concern_id=i) for i in ids])
        session.add(CampaignMember(campaign_id=campaign.id, user_id=actor.id, role="lead"))
        messagebus.record(session, ev.CampaignLaunched(org_id=org_id, campaign_id=campaign.id,
                                                       subject_id=campaign.id, actor_id=actor.id,
                                                       name=campaign.name))
    return campaign


def _take_concerns(session: Session, org_id: int, ids: list[int]) -> None:
    """Move shared concerns into a campaign, atomically: a concern is in at most one live campaign."""
    rows = session.exec(select(Concern.id, Concern.title, Concern.status)
                        .where(col(Concern.id).in_(ids), Concern.org_id == org_id)).all()
    if len(rows) != len(ids):
        raise NotFound(_("One of those concerns doesn't exist in this group."))
    waiting = [row[1] for row in rows if row[2] != "shared"]
    if waiting:
        raise Invalid(_("Only shared concerns can become a campaign; “%(title)s” isn't shared right now.",
                        title=waiting[0]),
                      field="concern_ids")
    # conditional update: two launches racing for one concern cannot both take it
    taken = session.exec(update(Concern).where(col(Concern.id).in_(ids), Concern.status == "shared")  # type: ignore[call-overload]
                         .values(status="in_campaign")).rowcount
    if taken != len(ids):
        raise Conflict(_("One of those concerns was just taken into another campaign. Reload and choose again."))


# -- editing ---------------------------------------------------------------------------------------------------
def update_details(session: Session, *, actor: User, campaign: Campaign, **changes) -> Campaign:
    """Change a campaign's name, texts, dates, time zone or visibility (while it is active)."""
    policy.authorize(session, actor, "campaign.manage", campaign.org_id, campaign_id=campaign.id)
    unknown = set(changes) - EDITABLE
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    clean = {k: (_clean_text(k, v) if k in TEXT_FIELDS else v) for k, v in changes.items()}
    if "timezone" in clean:
        _check_timezone(clean["timezone"])
    if "visibility" in clean:
        _check_visibility(clean["visibility"])
    if clean.get("starts_on", campaign.starts_on) is None:
        raise Invalid(_("Choose a start date."), field="starts_on")
    with transaction(session):
        campaign = _locked(session, campaign.id)
        if campaign.stage not in stages.ACTIVE:
            raise Conflict(_("A closed or archived campaign can't be changed."))
        starts_on, deadline = clean.get("starts_on", campaign.starts_on), clean.get("deadline", campaign.deadline)
        _check_dates(starts_on, deadline)
        _check_deadline_fits(session, campaign, deadline)
        for name, value in clean.items():
            setattr(campaign, name, value)
        session.add(campaign)
    return campaign


def _check_deadline_fits(session: Session, campaign: Campaign, deadline: date | None) -> None:
    if deadline is None:
        if campaign.stage in {"intervention", "evaluation"}:
            raise Invalid(_("A campaign in intervention or evaluation needs a deadline."), field="deadline")
        return
    late = session.exec(select(Goal).where(Goal.campaign_id == campaign.id, Goal.status != "declined",
                                           col(Goal.due_on) > deadline).order_by(Goal.due_on)).first()
    if late is not None:
        raise Invalid(_("The goal “%(name)s” is due on %(date)s, after this deadline. Move its due date first.",
                        name=late.name, date=format_date(late.due_on)), field="deadline")  # type: ignore[union-attr]


def _locked(session: Session, campaign_id: int) -> Campaign:
    """The campaign, fresh from the database and locked for this write (a no-op lock on SQLite)."""
    campaign = session.get(Campaign, campaign_id, with_for_update=True, populate_existing=True)
    if campaign is None:
        raise NotFound()
    return campaign


# -- stages ----------------------------------------------------------------------------------------------------
def change_stage(session: Session, *, actor: User, campaign: Campaign, to_stage: str,
                 closing_summary: str | None = None) -> Campaign:
    """Move the campaign to another stage if the stage rules allow it. Records CampaignStageChanged."""
    policy.authorize(session, actor, "campaign.manage", campaign.org_id, campaign_id=campaign.id)
    summary = _clean_text("closing_summary", closing_summary) if closing_summary is not None else None
    with transaction(session):
        campaign = _locked(session, campaign.id)
        facts = stage_facts(session, campaign, closing_summary=summary if to_stage == "closed" else None)
        reason = stages.why_not(campaign.stage, to_stage, facts)
        if reason:
            raise Conflict(reason, field="to")
        from_stage, now = campaign.stage, clock.now()
        if to_stage == "intervention" and campaign.intervention_began_at is None:
            campaign.intervention_began_at = now
        if to_stage == "closed" and summary:
            campaign.closing_summary = summary
        if to_stage == stages.ARCHIVED and from_stage != "closed":
            _release_concerns(session, campaign.id)
        campaign.stage, campaign.last_activity_at = to_stage, now
        session.add(campaign)
        messagebus.record(session, ev.CampaignStageChanged(
            org_id=campaign.org_id, campaign_id=campaign.id, subject_id=campaign.id, actor_id=actor.id,
            from_stage=from_stage, to_stage=to_stage))
    return campaign


def _release_concerns(session: Session, campaign_id: int) -> None:
    """A campaign set aside unfinished gives its concerns back, so another campaign can take them up."""
    ids = select(CampaignConcern.concern_id).where(CampaignConcern.campaign_id == campaign_id)
    session.exec(update(Concern).where(col(Concern.id).in_(ids), Concern.status == "in_campaign")  # type: ignore[call-overload]
                 .values(status="shared"))
