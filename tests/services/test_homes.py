"""Each person's home: the next step for a volunteer, what clients shared with their worker (within their
consent), today's work for a coordinator, and the installation's health for a site admin."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from campaigns import clock
from campaigns.domain.model import Contribution, Nudge, PersonalGoal, ReadAccess, SchedulerHeartbeat, Signup
from campaigns.services import concerns, homes, installation, signups
from campaigns.services.errors import NotFound
from tests import campaign_fixtures as fx

give_consent, make_outcome = fx.give_consent, fx.make_outcome


@pytest.fixture
def shift(session, make_action, make_task):
    """shift(days=…, capacity=…) -> (action, task): a task in an action `days` from now."""
    def make(days: float = 3, capacity: int = 4, **action_fields):
        starts = (clock.now() + timedelta(days=days)).replace(microsecond=0)
        action = make_action(starts_at=starts, ends_at=starts + timedelta(hours=2), **action_fields)
        return action, make_task(action_id=action.id, capacity=capacity)
    return make


def _intervention(session, campaign):
    campaign.stage = "intervention"
    session.add(campaign)
    session.commit()


def test_the_next_shift_is_the_soonest_that_has_not_ended(session, people, campaign, shift):
    _intervention(session, campaign)
    later_action, later = shift(days=9)
    soon_action, soon = shift(days=2)
    called_off, cancelled_task = shift(days=1)
    past_action, past = shift(days=-2)
    for task in (later, soon, cancelled_task):
        signups.sign_up(session, task_id=task.id, user=people.client)
    session.add(Signup(task_id=past.id, user_id=people.client.id, status="confirmed"))  # taken before it began
    called_off.status = "cancelled"
    session.add(called_off)
    session.commit()

    home = homes.home(session, user=people.client, org=people.org)

    assert home.volunteer.next_shift.task.id == soon.id
    assert home.volunteer.later_shifts == 1
    assert home.clients is None and home.coordinator is None


def test_actions_needing_people_leave_out_those_the_person_is_in(session, people, campaign, shift):
    _intervention(session, campaign)
    mine_action, mine = shift(days=2)
    open_action, _ = shift(days=4)
    signups.sign_up(session, task_id=mine.id, user=people.client)

    needing = homes.home(session, user=people.client, org=people.org).volunteer.actions_needing_people

    assert [u.action.id for u in needing] == [open_action.id]


def test_concerns_waiting_are_open_ones_the_person_neither_raised_nor_supports(session, people):
    theirs = concerns.raise_concern(session, actor=people.other_client, org_id=people.org.id,
                                    title="No interpreter at the clinic", description="", categories=["health_access"])
    supported = concerns.raise_concern(session, actor=people.worker, org_id=people.org.id,
                                       title="Buses stop at six", description="", categories=["economic"])
    concerns.raise_concern(session, actor=people.client, org_id=people.org.id, title="Damp in the flats",
                           description="", categories=["housing"])
    concerns.support(session, concern_id=supported.id, actor=people.client)

    waiting = homes.home(session, user=people.client, org=people.org).volunteer.concerns_to_support

    assert [c["id"] for c in waiting] == [theirs.id]
    assert "author_id" not in waiting[0] and waiting[0]["support_count_hidden"]  # below k: no count, no author


def test_personal_goals_not_yet_done_are_on_the_home(session, people, campaign):
    session.add(PersonalGoal(campaign_id=campaign.id, user_id=people.client.id, text="Speak at a meeting"))
    session.add(PersonalGoal(campaign_id=campaign.id, user_id=people.other_client.id, text="Not mine"))
    session.commit()

    goals = homes.home(session, user=people.client, org=people.org).volunteer.personal_goals

    assert [(g.text, c.id) for g, c in goals] == [("Speak at a meeting", campaign.id)]


def test_a_worker_sees_sign_ups_only_under_the_sign_up_consent(session, people, campaign, shift, give_consent):
    _, task = shift(days=2)
    signups.sign_up(session, task_id=task.id, user=people.client)
    signups.sign_up(session, task_id=task.id, user=people.other_client)
    give_consent(people.client, people.worker, people.org, scope="sign_up")
    give_consent(people.other_client, people.worker, people.org, scope="raise_concerns")

    shares = {s.client.id: s for s in homes.home(session, user=people.worker, org=people.org).clients}

    assert [i.task.id for i in shares[people.client.id].signups] == [task.id]
    assert shares[people.other_client.id].signups == []  # raising concerns for them is not seeing their shifts
    assert shares[people.other_client.id].scopes == ["raise_concerns"]
    logged = {r.subject_user_id for r in session.exec(select(ReadAccess).where(
        ReadAccess.viewer_id == people.worker.id))}
    assert logged == {people.client.id, people.other_client.id}


def test_a_worker_sees_only_the_personal_goals_clients_chose_to_share(session, people, campaign, give_consent):
    give_consent(people.client, people.worker, people.org, scope="sign_up")
    session.add(PersonalGoal(campaign_id=campaign.id, user_id=people.client.id, text="Shared", shared_with_worker=True))
    session.add(PersonalGoal(campaign_id=campaign.id, user_id=people.other_client.id, text="No consent",
                             shared_with_worker=True))
    session.commit()

    shares = homes.home(session, user=people.worker, org=people.org).clients

    assert [(s.client.id, [g.text for g, _ in s.goals]) for s in shares] == [(people.client.id, ["Shared"])]


def test_a_revoked_consent_shows_nothing(session, people, give_consent):
    give_consent(people.client, people.worker, people.org, revoked_at=clock.now() - timedelta(minutes=1))
    assert homes.home(session, user=people.worker, org=people.org).clients == []


def test_a_coordinators_day(session, people, make_campaign, make_goal, shift, make_outcome, app):
    today = date.today()
    quiet = make_campaign(name="Quiet one", stage="intervention",
                          last_activity_at=clock.now() - timedelta(days=app.config["STALLED_DAYS"] + 1))
    busy = make_campaign(name="Busy one", stage="intervention")
    goal = make_goal(campaign_id=busy.id)
    session.add(Contribution(org_id=people.org.id, campaign_id=busy.id, goal_id=goal.id, user_id=people.client.id,
                             amount=3))
    session.add(Nudge(dedupe_key="x1", org_id=people.org.id, campaign_id=busy.id, recipient_id=people.client.id,
                      kind="day_before", subject_type="signup", channel="email", due_at=clock.now(),
                      next_attempt_at=clock.now(), status="dead"))
    session.commit()
    action, _ = shift(days=2, campaign_id=busy.id)
    outcome = make_outcome(campaign_id=busy.id, review_on=today)

    day = homes.home(session, user=people.coordinator, org=people.org).coordinator

    assert [(r.campaign.id, r.count) for r in day.to_verify] == [(busy.id, 1)]
    assert [c.id for c in day.stalled] == [quiet.id]
    assert [u.action.id for u in day.unfilled] == [action.id]
    assert [o.id for o, _ in day.reviews] == [outcome.id]
    assert [(r.campaign.id, r.count) for r in day.failed] == [(busy.id, 1)]
    assert not day.nothing_to_do


def test_a_client_who_leads_a_campaign_sees_its_work(session, people, campaign):
    from campaigns.domain.model import CampaignMember

    session.add(CampaignMember(campaign_id=campaign.id, user_id=people.client.id, role="lead"))
    session.commit()
    day = homes.home(session, user=people.client, org=people.org).coordinator
    assert day is not None and day.nothing_to_do


def test_an_outsider_has_no_home_in_the_group(session, people):
    with pytest.raises(NotFound):
        homes.home(session, user=people.outsider, org=people.org)


# -- the installation -------------------------------------------------------------------------------------------
def test_the_heartbeat_job_marks_the_scheduler_alive_and_silence_marks_it_stopped(session, people):
    assert not installation.health(session, user=people.admin).scheduler_running  # no scheduler ever ran
    start = datetime(2031, 1, 6, 9, 0, tzinfo=UTC)
    clock.pin(start)
    installation.beat(session)
    clock.pin(start + timedelta(minutes=1))
    installation.beat(session)
    rows = session.exec(select(SchedulerHeartbeat)).all()
    assert len(rows) == 1 and rows[0].beat_at == start + timedelta(minutes=1)

    assert installation.health(session, user=people.admin).scheduler_running
    clock.pin(start + timedelta(minutes=1) + installation.STALE_AFTER + timedelta(seconds=1))
    health = installation.health(session, user=people.admin)
    assert not health.scheduler_running and health.last_beat_at == start + timedelta(minutes=1)


def test_the_heartbeat_is_one_of_the_schedulers_jobs():
    from campaigns.jobs import JOBS

    job = next(j for j in JOBS if j.id == "scheduler_heartbeat")
    assert job.func is installation.beat and job.seconds == 60


def test_health_counts_dead_nudges_and_groups(session, people):
    session.add(Nudge(dedupe_key="d1", kind="day_before", subject_type="signup", channel="email", status="dead",
                      due_at=clock.now(), next_attempt_at=clock.now()))
    session.commit()
    health = installation.health(session, user=people.admin)
    assert (health.dead_nudges, health.groups) == (1, 2)


@pytest.mark.parametrize("who", ["client", "coordinator", "outsider"])
def test_only_site_admins_see_the_installations_health(session, people, who):
    with pytest.raises(NotFound):
        installation.health(session, user=getattr(people, who))
