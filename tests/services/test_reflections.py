"""Empowerment reflections: private to the person; coordinators see aggregates only from k answers."""

import pytest

from campaigns.domain.model import Campaign, CampaignMember
from campaigns.services import reflections
from campaigns.services.errors import Forbidden, Invalid, NotFound


def join(session, campaign, *users):
    for user in users:
        session.add(CampaignMember(campaign_id=campaign.id, user_id=user.id))
    session.commit()


def answer(session, campaign, user, phase="before", scores=(2, 3, 4), text=""):
    return reflections.submit(session, campaign=campaign, user=user, phase=phase, influence=scores[0],
                              connected=scores[1], know_how=scores[2], free_text=text)


def test_a_participant_answers_and_changes_their_own_reflection(session, people, campaign):
    join(session, campaign, people.client)
    answer(session, campaign, people.client, text="Nervous but hopeful")
    changed = answer(session, campaign, people.client, scores=(4, 4, 4))
    assert (changed.influence, changed.free_text) == (4, "")
    assert set(reflections.mine(session, campaign_id=campaign.id, user=people.client)) == {"before"}
    reflections.withdraw(session, campaign_id=campaign.id, user=people.client, phase="before")
    assert reflections.mine(session, campaign_id=campaign.id, user=people.client) == {}
    with pytest.raises(NotFound):
        reflections.withdraw(session, campaign_id=campaign.id, user=people.client, phase="before")


def test_only_people_who_took_part_answer_and_after_only_once_closed(session, people, campaign):
    with pytest.raises(Invalid, match="Join the campaign"):
        answer(session, campaign, people.client)
    join(session, campaign, people.client)
    with pytest.raises(Invalid) as refused:
        answer(session, campaign, people.client, phase="after")
    assert "phase" in refused.value.errors
    with pytest.raises(Invalid) as refused:
        answer(session, campaign, people.client, scores=(0, 3, 6))
    assert "influence" in refused.value.errors


@pytest.mark.parametrize("k", [2, 3, 5])
def test_coordinators_see_aggregates_only_from_k_answers(session, people, make_user, campaign, k):
    people.org.share_threshold = k
    session.add(people.org)
    session.commit()
    participants = [make_user(org=people.org) for _ in range(k)]
    join(session, campaign, *participants)
    for n, person in enumerate(participants[:-1]):  # k − 1 answers: nothing shown
        answer(session, campaign, person, scores=(1 + n % 5, 3, 5), text=f"secret {n}")
    below = reflections.summary(session, campaign=campaign, user=people.coordinator)
    assert below["before"] is None and below["after"] is None
    answer(session, campaign, participants[-1], scores=(5, 3, 5), text="secret last")  # k answers: shown
    shown = reflections.summary(session, campaign=campaign, user=people.coordinator)
    assert shown["before"]["answered"] == k
    assert sum(shown["before"]["items"]["influence"]["distribution"]) == k
    assert shown["before"]["items"]["know_how"]["mean"] == 5
    assert "secret" not in repr(shown)


def test_before_and_after_are_counted_separately(session, people, make_user, campaign):
    participants = [make_user(org=people.org) for _ in range(3)]
    join(session, campaign, *participants)
    for person in participants:
        answer(session, campaign, person, scores=(2, 2, 2))
    campaign.stage = "closed"
    session.add(campaign)
    session.commit()
    for person in participants[:2]:
        answer(session, campaign, person, phase="after", scores=(4, 4, 4))
    summary = reflections.summary(session, campaign=session.get(Campaign, campaign.id), user=people.coordinator)
    assert summary["before"]["items"]["influence"]["mean"] == 2
    assert summary["after"] is None  # two "after" answers: fewer than k = 3


def test_other_members_never_see_the_aggregates(session, people, campaign):
    with pytest.raises(Forbidden):
        reflections.summary(session, campaign=campaign, user=people.client)
    with pytest.raises(NotFound):
        reflections.summary(session, campaign=campaign, user=people.outsider)


def test_joining_and_closing_invite_people_to_reflect_once(session, people, campaign):
    from sqlmodel import select

    from campaigns.domain import events as ev
    from campaigns.domain.model import Nudge
    from tests.progress_helpers import record

    join(session, campaign, people.client, people.other_client)
    record(session, ev.MemberJoinedCampaign(org_id=campaign.org_id, campaign_id=campaign.id,
                                            subject_id=campaign.id, actor_id=people.client.id))
    closing = ev.CampaignStageChanged(org_id=campaign.org_id, campaign_id=campaign.id, subject_id=campaign.id,
                                      from_stage="evaluation", to_stage="closed")
    record(session, closing)
    record(session, closing)
    invites = session.exec(select(Nudge).where(Nudge.kind == "reflection_invite")).all()
    assert sorted((n.recipient_id, n.payload["link"].rsplit("/", 1)[1]) for n in invites) == sorted([
        (people.client.id, "before"), (people.client.id, "after"), (people.other_client.id, "after")])
    assert {n.channel for n in invites} == {"inapp"}
