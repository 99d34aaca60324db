"""Goal counters into campaign progress, milestones once each, activity and stalling, daily snapshots."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from campaigns import clock
from campaigns.db import new_session
from campaigns.domain import events as ev
from campaigns.domain.model import Campaign, Goal, GoalSnapshot
from campaigns.services import progress
from tests.progress_helpers import count_queries, events_of, record, verify


def test_campaign_progress_is_the_weighted_mean_of_its_accepted_goals(session, campaign, make_goal):
    letters = make_goal(target=100, weight=3)
    calls = make_goal(target=10, weight=1)
    make_goal(target=10, status="proposed")  # not agreed yet: doesn't count
    verify(session, letters, 50)
    verify(session, calls, 20)  # over target counts as done, never more
    assert campaign_progress(session, campaign) == pytest.approx((3 * 0.5 + 1 * 1.0) / 4)


def campaign_progress(session, campaign):
    return session.exec(select(Campaign.progress).where(Campaign.id == campaign.id)).one()


def test_each_milestone_is_recorded_once_as_the_goal_passes_it(session, campaign, make_goal):
    goal = make_goal(target=100)
    verify(session, goal, 30)
    verify(session, goal, 10)
    assert [e.payload["percent"] for e in events_of(session, "GoalMilestoneReached")] == [25]
    verify(session, goal, 45)  # 85 %: passes 50 and 75 at once, each recorded
    verify(session, goal, 15)
    verify(session, goal, 5)  # beyond the target: nothing new
    assert [e.payload["percent"] for e in events_of(session, "GoalMilestoneReached")] == [25, 50, 75]
    reached = events_of(session, "GoalReached")
    assert len(reached) == 1 and reached[0].subject_id == goal.id and reached[0].payload["name"] == goal.name
    session.refresh(goal)
    assert goal.milestone_reached == 100 and goal.achieved_at is not None


def test_a_lowered_target_records_the_milestones_it_now_passes(session, campaign, make_goal):
    goal = make_goal(target=100)
    verify(session, goal, 40)
    goal.target = 50
    session.add(goal)
    session.commit()
    record(session, ev.GoalChanged(org_id=campaign.org_id, campaign_id=campaign.id, subject_id=goal.id,
                                   name=goal.name, target=50, due_on=None))
    assert [e.payload["percent"] for e in events_of(session, "GoalMilestoneReached")] == [25, 50, 75]
    assert campaign_progress(session, campaign) == pytest.approx(0.8)


@pytest.mark.postgres_only
def test_concurrent_verifications_record_each_milestone_once(app, session, people, campaign, make_goal):
    from campaigns.domain.model import CampaignTally, OrgTally

    goal = make_goal(target=100)
    barrier = threading.Barrier(8)
    errors = []

    def worker():
        with app.app_context():
            own = new_session()
            try:
                barrier.wait()
                verify(own, own.get(Goal, goal.id), 15, user=people.client, hours=1)
            except Exception as error:  # surfaced below
                errors.append(error)
            finally:
                own.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    session.refresh(goal)
    assert goal.current == 120
    assert [e.payload["percent"] for e in events_of(session, "GoalMilestoneReached")] == [25, 50, 75]
    assert len(events_of(session, "GoalReached")) == 1
    assert campaign_progress(session, campaign) == pytest.approx(1.0)
    tallies = session.get(CampaignTally, campaign.id), session.get(OrgTally, people.org.id)
    assert [(t.hours, t.volunteers) for t in tallies] == [(8, 1), (8, 1)]  # one person, counted once


@pytest.mark.parametrize("make_event", [
    lambda c, g: ev.SignupConfirmed(org_id=c.org_id, campaign_id=c.id, subject_id=1, task_id=1),
    lambda c, g: ev.CampaignStageChanged(org_id=c.org_id, campaign_id=c.id, subject_id=c.id,
                                         from_stage="collaboration", to_stage="intervention"),
])
def test_signups_and_stage_changes_keep_a_campaign_active(session, campaign, make_goal, make_event):
    later = clock.now() + timedelta(days=3)
    clock.pin(later)
    record(session, make_event(campaign, None))
    session.refresh(campaign)
    assert campaign.last_activity_at == later


def test_a_verified_contribution_keeps_a_campaign_active(session, campaign, make_goal):
    goal = make_goal()
    later = clock.now() + timedelta(days=2)
    clock.pin(later)
    verify(session, goal, 1)
    assert campaign.last_activity_at == later


def test_a_quiet_campaign_is_recorded_as_stalled_once_per_stall(app, session, campaign, make_campaign, make_goal):
    quiet = campaign
    closed = make_campaign(stage="closed")
    start = clock.now()
    clock.pin(start + timedelta(days=app.config["STALLED_DAYS"] - 1))
    assert progress.mark_stalled(session) == 0
    clock.pin(start + timedelta(days=app.config["STALLED_DAYS"], hours=1))
    assert progress.mark_stalled(session) == 1
    assert progress.mark_stalled(session) == 0  # the same stall is recorded once
    stalled = events_of(session, "CampaignStalled")
    assert [e.campaign_id for e in stalled] == [quiet.id] and closed.id not in [e.campaign_id for e in stalled]
    assert progress.campaign_progress(session, quiet).stalled

    verify(session, make_goal(campaign_id=quiet.id), 1)  # activity ends the stall…
    assert not progress.campaign_progress(session, session.get(Campaign, quiet.id)).stalled
    clock.advance(timedelta(days=app.config["STALLED_DAYS"] + 1))
    assert progress.mark_stalled(session) == 1  # …and a new stall is a new event
    assert len(events_of(session, "CampaignStalled")) == 2


def test_snapshots_are_taken_once_per_goal_and_day(session, campaign, make_goal, make_campaign):
    goal = make_goal()
    make_goal(campaign_id=make_campaign(stage="closed").id)  # over: no snapshots
    verify(session, goal, 5)
    assert progress.take_snapshots(session) == 1
    verify(session, goal, 5)
    assert progress.take_snapshots(session) == 0  # the same day again: ignored
    clock.pin(datetime.now(UTC) + timedelta(days=1))
    assert progress.take_snapshots(session) == 1
    values = session.exec(select(GoalSnapshot.value).order_by(GoalSnapshot.day)).all()
    assert values == [5, 10]


def test_progress_shows_points_ideal_and_projection(session, make_campaign, make_goal):
    today = clock.now().date()
    campaign = make_campaign(starts_on=today - timedelta(days=20), deadline=today + timedelta(days=20))
    goal = make_goal(campaign_id=campaign.id, target=100, due_on=today + timedelta(days=20))
    for days_ago, value in ((20, 0), (14, 10), (7, 20)):
        session.add(GoalSnapshot(goal_id=goal.id, day=today - timedelta(days=days_ago), value=value))
    session.commit()
    verify(session, goal, 24)
    state = progress.campaign_progress(session, session.get(Campaign, campaign.id))
    (goal_state,) = state.goals
    assert goal_state.points[-1] == (today, 24) and len(goal_state.points) == 4
    assert goal_state.ideal_today == pytest.approx(50)
    assert goal_state.projection.status == "on_pace"
    # the median of the slopes between every two days (1.2 and 1.43 in the middle): 1.31 a day, 76 to go
    assert goal_state.projection.pace == pytest.approx((1.2 + 10 / 7) / 2)
    assert goal_state.projection.on == today + timedelta(days=58)


def test_reading_progress_costs_one_query_however_many_contributions(session, campaign, make_goal):
    goals = [make_goal(), make_goal()]
    verify(session, goals[0], 1)
    with count_queries() as few:
        progress.campaign_progress(session, session.get(Campaign, campaign.id))
    for n in range(30):
        verify(session, goals[n % 2], 1)
    fresh = session.get(Campaign, campaign.id)
    with count_queries() as many:
        progress.campaign_progress(session, fresh)
    assert few() == many() == 1  # goals with their snapshots


def test_the_coordinator_dashboard_reads_six_queries_however_many_campaigns_and_contributions(
        session, people, campaign, make_campaign, make_goal, make_action, make_task):
    from campaigns.services import dashboards

    def read():
        with count_queries() as queries:
            board = dashboards.coordinator_dashboard(session, user=people.coordinator, org=people.org)
        return queries(), board

    goal = make_goal()
    verify(session, goal, 1)
    few, _ = read()
    for n in range(3):
        other = make_campaign(stage="intervention")
        make_task(campaign_id=other.id, action_id=make_action(campaign_id=other.id).id)
        for _ in range(5):
            verify(session, make_goal(campaign_id=other.id), 2)
    many, board = read()
    assert few == many <= 6
    assert len(board.campaigns) == 4 and len(board.upcoming) == 3


def test_the_progress_jobs_run_in_the_scheduler(app, session, campaign, make_goal):
    from campaigns import jobs, scheduler

    make_goal()
    ours = {j.id: j for j in jobs.JOBS if j.func.__module__ in (
        "campaigns.services.progress", "campaigns.services.outcomes", "campaigns.services.webhooks")}
    assert set(ours) == {"goal_snapshots", "stalled_campaigns", "outcome_reviews", "webhook_deliveries",
                         "webhook_health"}
    results = {job_id: scheduler.run_job(app, job) for job_id, job in ours.items()}
    assert results == {"goal_snapshots": 1, "stalled_campaigns": 0, "outcome_reviews": 0, "webhook_deliveries": 0,
                       "webhook_health": 0}


def test_hours_and_volunteers_are_tallied_once_per_person(session, people, campaign, make_campaign, make_goal):
    from campaigns.domain.model import CampaignTally, OrgTally

    other = make_campaign()
    verify(session, make_goal(), 1, user=people.client, hours=2)
    verify(session, make_goal(), 1, user=people.client, hours=1.5)
    verify(session, make_goal(), 1, user=people.other_client, hours=1)
    verify(session, make_goal(campaign_id=other.id), 1, user=people.client, hours=4)
    verify(session, make_goal(campaign_id=other.id), 1, user=None, hours=1)  # an erased person: hours only
    session.expire_all()
    mine, theirs = session.get(CampaignTally, campaign.id), session.get(CampaignTally, other.id)
    assert (mine.hours, mine.volunteers) == (4.5, 2)
    assert (theirs.hours, theirs.volunteers) == (5, 1)
    org = session.get(OrgTally, people.org.id)
    assert (org.hours, org.volunteers) == (9.5, 2)


def test_a_milestone_marked_achieved_counts_in_the_campaign_progress(session, people, campaign, make_goal):
    from campaigns.services import goals

    meeting = make_goal(kind="milestone", target=1, name="Meeting granted")
    make_goal(target=100)
    goals.mark_achieved(session, actor=people.coordinator, goal=meeting, campaign=campaign)
    assert campaign_progress(session, campaign) == pytest.approx(0.5)
    assert len(events_of(session, "GoalReached")) == 1  # recorded by the goals feature, not again here
