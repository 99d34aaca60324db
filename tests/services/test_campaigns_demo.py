"""The campaigns demo step: one campaign in each stage, with goals, a team and the client's personal goals."""

from __future__ import annotations

import pytest
from sqlmodel import select

from campaigns.demo import DemoWorld
from campaigns.demo import accounts as demo_accounts
from campaigns.demo import campaigns as demo_campaigns
from campaigns.demo import concerns as demo_concerns
from campaigns.domain import stages
from campaigns.domain.model import CampaignMember, Concern, Goal, Outcome, PersonalGoal


@pytest.mark.parametrize("with_concerns_step", [True, False])
def test_the_demo_has_one_campaign_in_each_stage(session, with_concerns_step):
    world = DemoWorld(session=session, echo=lambda _message: None)
    demo_accounts.build(world)
    if with_concerns_step:
        demo_concerns.build(world)
    demo_campaigns.build(world)
    made = world.extra["campaigns"]
    assert list(made) == list(stages.STAGES)
    assert [c.stage for c in made.values()] == list(stages.STAGES)
    client = world.people["client"]
    for campaign in made.values():
        goals = session.exec(select(Goal).where(Goal.campaign_id == campaign.id, Goal.status == "accepted")).all()
        assert 1 <= len(goals) <= 3
        team = session.exec(select(CampaignMember).where(CampaignMember.campaign_id == campaign.id)).all()
        assert any(m.role == "lead" for m in team)
    assert session.exec(select(Outcome).where(Outcome.campaign_id == made["closed"].id)).all()
    assert made["closed"].closing_summary
    assert len(session.exec(select(PersonalGoal).where(PersonalGoal.user_id == client.id)).all()) >= 1
    proposed = session.exec(select(Goal).where(Goal.status == "proposed")).all()
    assert [g.campaign_id for g in proposed] == [made["collaboration"].id]
    in_campaigns = session.exec(select(Concern.id).where(Concern.status == "in_campaign")).all()
    assert len(in_campaigns) == 5
