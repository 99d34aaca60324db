"""The event log is append-only, and the activity feeds built from it keep people's privacy."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from campaigns.db import engine
from campaigns.domain import events as ev
from campaigns.services import activity
from tests.progress_helpers import record, verify


@pytest.mark.parametrize("statement", ["UPDATE event SET type = 'Forged'", "DELETE FROM event"])
def test_the_event_log_refuses_updates_and_deletes(session, campaign, statement):
    record(session, ev.CampaignLaunched(org_id=campaign.org_id, campaign_id=campaign.id, name="Rent"))
    with engine().connect() as conn, pytest.raises(DBAPIError, match="append-only"):
        conn.execute(text(statement))
        conn.commit()
    with engine().connect() as conn:
        assert conn.execute(text("SELECT type FROM event")).scalars().all() == ["CampaignLaunched"]


def feed(session, query, **kwargs):
    return activity.describe(session, list(session.exec(query)), **kwargs)


def test_the_feed_names_people_by_display_name_and_never_concern_authors(session, people, campaign, make_goal):
    client = people.client
    record(session, ev.ConcernRaised(org_id=people.org.id, subject_id=1, title="Mould in my flat at 3 Elm Rd"))
    record(session, ev.ConcernSupported(org_id=people.org.id, subject_id=1, actor_id=people.other_client.id))
    record(session, ev.ConcernBecameShared(org_id=people.org.id, subject_id=1, title="Mould in council flats"))
    record(session, ev.MemberJoinedCampaign(org_id=people.org.id, campaign_id=campaign.id, actor_id=client.id))
    verify(session, make_goal(name="Letters to the council", unit="letters"), 12, user=client)
    entries = feed(session, activity.org_feed(people.org.id))
    summaries = [e.summary for e in entries]
    assert summaries == ["12 letters toward Letters to the council", "Joined the campaign",
                         "A concern is now shared by enough people: Mould in council flats",
                         "A new concern was raised."]
    assert [e.actor for e in entries] == ["Client Alex", "Client Alex", None, None]
    text_ = repr(entries)
    assert "Elm Rd" not in text_ and client.email not in text_ and "Client Jo" not in text_


def test_attendance_waitlists_cancellations_and_other_organisations_stay_out(session, people, campaign,
                                                                            make_campaign):
    org = people.org.id
    record(session, ev.AttendanceRecorded(org_id=org, campaign_id=campaign.id, subject_id=4, task_id=1,
                                          actor_id=people.coordinator.id))
    record(session, ev.SignupWaitlisted(org_id=org, campaign_id=campaign.id, subject_id=5, task_id=1,
                                        actor_id=people.client.id))
    record(session, ev.SignupCancelled(org_id=org, campaign_id=campaign.id, subject_id=5, task_id=1, was="confirmed",
                                       actor_id=people.client.id))
    elsewhere = make_campaign(org_id=people.other_org.id)
    record(session, ev.CampaignLaunched(org_id=people.other_org.id, campaign_id=elsewhere.id, name="Elsewhere"))
    assert feed(session, activity.org_feed(org)) == []
    assert feed(session, activity.campaign_feed(campaign)) == []


def test_a_public_feed_names_nobody_and_leaves_sign_ups_out(session, people, campaign, make_goal, make_task):
    task = make_task(title="Leafleting")
    record(session, ev.SignupConfirmed(org_id=people.org.id, campaign_id=campaign.id, subject_id=1, task_id=task.id,
                                       actor_id=people.client.id))
    verify(session, make_goal(unit="signatures", name="Petition"), 20, user=people.client)
    members = feed(session, activity.campaign_feed(campaign))
    assert [(e.actor, e.summary) for e in members] == [
        ("Client Alex", "20 signatures toward Petition"), ("Client Alex", "Took a place: Leafleting")]
    public = feed(session, activity.campaign_feed(campaign, public=True), public=True)
    assert [(e.actor, e.summary) for e in public] == [(None, "20 signatures toward Petition")]


def test_describing_a_page_of_events_takes_a_few_queries_not_one_per_event(session, people, campaign, make_goal):
    from tests.progress_helpers import count_queries

    goal = make_goal()
    for _ in range(10):
        verify(session, goal, 1, user=people.client)
    rows = list(session.exec(activity.org_feed(people.org.id)))
    with count_queries() as queries:
        activity.describe(session, rows)
    assert queries() <= 4
