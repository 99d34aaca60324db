"""Demo progress: a month of daily snapshots so burn-up charts show a curve, outcomes (one due for review),
reflections from enough people to show aggregates, a stalled campaign, and a webhook endpoint that is off."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from campaigns import clock
from campaigns.db import insert_ignore, transaction
from campaigns.domain.model import (
    Campaign,
    CampaignMember,
    Goal,
    GoalSnapshot,
    Reflection,
    WebhookEndpoint,
)
from campaigns.services import outcomes, progress, webhooks
from campaigns.services.errors import Invalid

HISTORY_DAYS = 30
DEMO_HOOK = "http://127.0.0.1:9/hook"  # the discard port: nothing listens, and the endpoint is off anyway


def build(world) -> None:
    session, org = world.session, world.org
    campaigns = list(session.exec(select(Campaign).where(Campaign.org_id == org.id).order_by(Campaign.id)))
    if not campaigns:
        campaigns = [_fallback_campaign(session, org)]
    main = next((c for c in campaigns if c.stage == "intervention"), campaigns[0])
    _history(session, main)
    _outcomes(world, main, campaigns)
    closed = [c for c in campaigns if c.stage == "closed"] + [c for c in campaigns if c.stage == "evaluation"]
    _reflections(world, closed[0] if closed else main)
    _stall(session, [c for c in campaigns if c.id != main.id])
    _webhook(world)
    progress.take_snapshots(session)


def _fallback_campaign(session, org) -> Campaign:
    """Only when the campaigns step made none: one campaign with a goal, so the charts have something."""
    today = clock.now().date()
    with transaction(session):
        campaign = Campaign(org_id=org.id, name="Fair rents on the estate", stage="intervention",
                            starts_on=today - timedelta(days=HISTORY_DAYS + 5), deadline=today + timedelta(days=60),
                            ask="Cap rent rises at inflation.", target="City housing committee")
        session.add(campaign)
        session.flush()
        session.add(Goal(campaign_id=campaign.id, name="Letters to councillors", unit="letters", target=300,
                         due_on=today + timedelta(days=45), current=140))
    return campaign


def _history(session, campaign: Campaign) -> None:
    """A curve for each counted goal: slow at first, quicker lately, ending at today's counter."""
    today = clock.now().date()
    first = max(campaign.starts_on, today - timedelta(days=HISTORY_DAYS))
    days = max((today - first).days, 1)
    goals = session.exec(select(Goal).where(Goal.campaign_id == campaign.id, Goal.status == "accepted",
                                            Goal.kind == "measure", Goal.current > 0)).all()
    rows = [{"goal_id": goal.id, "day": first + timedelta(days=n), "value": round(goal.current * (n / days) ** 1.4, 1)}
            for goal in goals for n in range(days)]
    with transaction(session):
        for start in range(0, len(rows), 500):
            insert_ignore(session, GoalSnapshot.__table__, rows[start:start + 500], unique=["goal_id", "day"])


def _outcomes(world, main: Campaign, campaigns: list[Campaign]) -> None:
    session, coordinator, today = world.session, world.people["coordinator"], clock.now().date()
    outcomes.record(session, campaign=main, user=coordinator, result="partly",
                    what_changed="The housing committee agreed to hear tenants at its next meeting.",
                    occurred_on=today - timedelta(days=21), review_on=today,
                    evidence_url="https://example.org/committee-minutes",
                    what_worked="Tenants telling their own stories, in their own words.")
    done = next((c for c in campaigns if c.stage in ("closed", "evaluation") and c.id != main.id), None)
    if done is not None:
        outcomes.record(session, campaign=done, user=coordinator, result="achieved",
                        what_changed="The clinic now books an interpreter with every appointment.",
                        occurred_on=today - timedelta(days=40), review_on=today + timedelta(days=60),
                        what_worked="A letter signed by forty patients.",
                        what_to_change="Involve the clinic's staff earlier.")


def _reflections(world, campaign: Campaign) -> None:
    """Answers from five participants when they joined, and from three after it closed (k is 3 by default)."""
    session = world.session
    nicks = ["client", "client2", "client3", "client4", "client5"]
    people = [world.people[n] for n in nicks if n in world.people]
    before = [(2, 3, 2), (1, 2, 2), (3, 3, 3), (2, 4, 1), (2, 2, 3)]
    after = [(4, 4, 4), (3, 5, 4), (4, 3, 5)]
    with transaction(session):
        members = set(session.exec(select(CampaignMember.user_id).where(CampaignMember.campaign_id == campaign.id)))
        for person in people:
            if person.id not in members:
                session.add(CampaignMember(campaign_id=campaign.id, user_id=person.id))
        # written directly: the "before" answers were given when they joined, before the campaign closed
        for phase, answers in (("before", before), ("after", after if campaign.stage == "closed" else [])):
            for person, (influence, connected, know_how) in zip(people, answers, strict=False):
                session.add(Reflection(campaign_id=campaign.id, user_id=person.id, phase=phase, influence=influence,
                                       connected=connected, know_how=know_how,
                                       free_text="Private: only this person sees it."))


def _stall(session, others: list[Campaign]) -> None:
    """One quiet campaign, so the dashboards show a stalled flag."""
    quiet = next((c for c in others if c.stage in ("assessment", "collaboration")), None)
    if quiet is None:
        return
    with transaction(session):
        quiet.last_activity_at = clock.now() - timedelta(days=20)
        session.add(quiet)
    progress.mark_stalled(session)


def _webhook(world) -> None:
    session, org, coordinator = world.session, world.org, world.people["coordinator"]
    if session.exec(select(WebhookEndpoint).where(col(WebhookEndpoint.org_id) == org.id)).first():
        return
    try:
        endpoint, _secret = webhooks.create(session, org_id=org.id, user=coordinator, url=DEMO_HOOK,
                                            event_types=["GoalMilestoneReached", "GoalReached", "OutcomeRecorded"])
    except Invalid:  # settings that refuse http (production): the demo endpoint is only an example
        return
    webhooks.update_endpoint(session, endpoint_id=endpoint.id, user=coordinator, enabled=False)
