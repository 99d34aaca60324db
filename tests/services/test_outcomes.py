"""Outcomes: recorded by coordinators, reviewed when their review date comes (one prompt), with lessons."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from campaigns import clock
from campaigns.domain.model import CampaignMember, Nudge
from campaigns.services import outcomes
from campaigns.services.errors import Forbidden, Invalid, NotFound
from tests.progress_helpers import events_of


def record(session, people, campaign, **overrides):
    fields = {"what_changed": "The council froze rents for a year.", "result": "achieved",
              "occurred_on": clock.now().date(), "evidence_url": "https://news.example.org/rents",
              "review_on": clock.now().date() + timedelta(days=30)}
    fields.update(overrides)
    return outcomes.record(session, campaign=campaign, user=people.coordinator, **fields)


def test_an_outcome_is_recorded_with_its_event(session, people, campaign):
    outcome = record(session, people, campaign, result="partly")
    (event,) = events_of(session, "OutcomeRecorded")
    assert event.subject_id == outcome.id and event.payload == {"result": "partly"}
    assert outcomes.count_for(session, campaign.id) == 1


@pytest.mark.parametrize(("field", "value"), [
    ("result", "great"), ("evidence_url", "javascript:alert(1)"), ("what_changed", "  "),
    ("review_on", datetime(2000, 1, 1, tzinfo=UTC).date()),
    ("occurred_on", datetime(2100, 1, 1, tzinfo=UTC).date()),
])
def test_bad_outcomes_are_refused_by_field(session, people, campaign, field, value):
    with pytest.raises(Invalid) as refused:
        record(session, people, campaign, **{field: value})
    assert field in refused.value.errors


def test_only_coordinators_and_campaign_leads_record_outcomes(session, people, campaign):
    with pytest.raises(Forbidden):
        outcomes.record(session, campaign=campaign, user=people.client, what_changed="x", result="achieved",
                        occurred_on=clock.now().date())
    session.add(CampaignMember(campaign_id=campaign.id, user_id=people.client.id, role="lead"))
    session.commit()
    assert outcomes.record(session, campaign=campaign, user=people.client, what_changed="x", result="too_early",
                           occurred_on=clock.now().date()).id
    with pytest.raises(NotFound):
        outcomes.record(session, campaign=campaign, user=people.outsider, what_changed="x", result="achieved",
                        occurred_on=clock.now().date())


def test_the_review_date_prompts_the_coordinators_once(session, people, campaign):
    session.add(CampaignMember(campaign_id=campaign.id, user_id=people.worker.id, role="organiser"))
    session.commit()
    outcome = record(session, people, campaign)
    assert outcomes.plan_reviews(session) == 0  # not yet
    clock.pin(datetime.combine(outcome.review_on, datetime.min.time(), tzinfo=UTC) + timedelta(hours=9))
    assert outcomes.plan_reviews(session) == 4  # two people, in-app and email
    assert outcomes.plan_reviews(session) == 0  # once
    prompts = session.exec(select(Nudge).where(Nudge.kind == "outcome_review")).all()
    assert {n.recipient_id for n in prompts} == {people.coordinator.id, people.worker.id}
    assert all(f"outcome-{outcome.id}" in n.payload["link"] for n in prompts)


def test_reviewing_records_the_lessons_and_stops_the_prompts(session, people, campaign):
    outcome = record(session, people, campaign, review_on=clock.now().date())
    reviewed = outcomes.mark_reviewed(session, outcome_id=outcome.id, user=people.coordinator,
                                      what_worked="Stories from tenants", what_to_change="Start earlier")
    assert reviewed.reviewed_at and reviewed.what_worked == "Stories from tenants"
    assert outcomes.plan_reviews(session) == 0
    assert outcomes.due_for_review(session, [campaign.id]) == []


def test_a_new_review_date_asks_for_a_new_review(session, people, campaign):
    outcome = record(session, people, campaign, review_on=clock.now().date())
    outcomes.plan_reviews(session)
    outcomes.mark_reviewed(session, outcome_id=outcome.id, user=people.coordinator)
    later = clock.now().date() + timedelta(days=60)
    outcomes.update(session, outcome_id=outcome.id, user=people.coordinator, review_on=later)
    assert [o.id for o in outcomes.due_for_review(session, [campaign.id], within_days=61)] == [outcome.id]
    clock.pin(datetime.combine(later, datetime.min.time(), tzinfo=UTC))
    assert outcomes.plan_reviews(session) == 2
