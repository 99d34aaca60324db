"""Progress pages through real requests: dashboards, charts without inline styles, the public page, outcomes,
reflections, webhooks and CSV reports."""

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from campaigns import clock
from campaigns.domain import events as ev
from campaigns.domain.model import CampaignMember, GoalSnapshot, Nudge, Outcome, Reflection, WebhookEndpoint
from campaigns.nudges import outbox as nudges
from campaigns.services import outcomes, reflections
from tests.factories import csrf_token
from tests.progress_helpers import count_queries, record, verify


@pytest.fixture
def busy(session, people, make_campaign, make_goal, make_action, make_task):
    """A campaign with history: snapshots, contributions, an action short of volunteers, an outcome due, a
    stalled sibling and some nudges."""
    today = clock.now().date()
    campaign = make_campaign(name="Fair Rents", stage="intervention", starts_on=today - timedelta(days=20),
                             deadline=today + timedelta(days=40), visibility="public")
    goal = make_goal(campaign_id=campaign.id, name="Letters to councillors", unit="letters", target=200,
                     due_on=today + timedelta(days=30))
    for days_ago in range(20, 0, -1):
        session.add(GoalSnapshot(goal_id=goal.id, day=today - timedelta(days=days_ago), value=(20 - days_ago) * 3))
    session.commit()
    verify(session, goal, 60, user=people.client)
    action = make_action(campaign_id=campaign.id, title="Town hall on rents")
    make_task(campaign_id=campaign.id, action_id=action.id, title="Greeters", capacity=4, taken=1)
    outcomes.record(session, campaign=campaign, user=people.coordinator, what_changed="Councillors met us.",
                    result="partly", occurred_on=today, review_on=today, evidence_url="https://example.org/a")
    quiet = make_campaign(name="Quiet One", stage="collaboration")
    quiet.last_activity_at = clock.now() - timedelta(days=30)
    session.add(quiet)
    session.commit()
    nudges.plan(session, nudges.NudgeSpec(recipient_id=people.client.id, kind="reminder", subject_type="campaign",
                                          subject_id=campaign.id, reason="t", campaign_id=campaign.id,
                                          org_id=campaign.org_id))
    session.commit()
    return campaign


def page(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def test_the_dashboard_shows_stages_progress_charts_seats_reviews_and_nudges(client, login, people, busy):
    login(people.coordinator)
    html = page(client, f"/o/{people.org.slug}/dashboard")
    for text in ("Fair Rents", "Intervention", "Quiet One", "Stalled", "Town hall on rents", "3 of 4",
                 "Councillors met us", "Waiting to send", "At this pace", "<svg"):
        assert text in html, text
    assert "style=" not in html


def test_charts_read_without_sight_or_script(client, login, people, busy):
    login(people.coordinator)
    html = page(client, f"/campaigns/{busy.id}/progress")
    start = html.index('<svg class="chart"')
    svg = html[start:html.index("</svg>", start)]
    assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert 'class="ideal"' in svg and 'class="actual"' in svg and 'class="projected"' in svg
    assert "style" not in svg
    assert "The numbers behind the chart" in html and "<table>" in html
    assert "At this pace: reached around" in html
    # plain words for where the goal should be by now (200 letters over 50 days, 20 days in: 80; 60 counted)
    assert "ideal line is at" not in html and "about 80 letters by now: 20 to catch up" in html
    assert "<script" not in html.replace('<script src="/static/app.js" defer></script>', "")


def test_dashboard_queries_do_not_grow_with_contributions(client, login, session, people, busy):
    login(people.coordinator)
    path = f"/o/{people.org.slug}/dashboard"
    page(client, path)
    with count_queries() as before:
        page(client, path)
    goal = busy_goal(session, busy)
    for _ in range(25):
        verify(session, goal, 1, user=people.client)
    with count_queries() as after:
        page(client, path)
    assert after() == before()


def test_a_goal_without_snapshots_yet_still_shows_where_it_stands(client, login, people, campaign, make_goal):
    make_goal(name="First letters", target=50)
    login(people.coordinator)
    html = page(client, f"/campaigns/{campaign.id}/progress")
    # a one-point line draws nothing; today's count is marked with a dot, on the chart's baseline (0 so far)
    dot = re.search(r'<circle class="actual-now" cx="([\d.]+)" cy="([\d.]+)"', html)
    assert dot and float(dot.group(2)) == 260 - 40


@pytest.mark.parametrize("path", ["/campaigns/{id}/progress", "/o/{slug}/dashboard"])
def test_a_dashboard_request_costs_at_most_six_statements_who_is_asking_included(
        client, login, session, people, busy, path):
    login(people.coordinator)
    path = path.format(id=busy.id, slug=people.org.slug)
    page(client, path)  # the session's last-seen mark is written at most once a minute; measure the steady state
    with count_queries() as queries:
        assert "Letters to councillors" in page(client, path)
    assert queries() <= 6, "\n".join(s[:90] for s in queries.statements)


def busy_goal(session, campaign):
    from campaigns.domain.model import Goal

    return session.exec(select(Goal).where(Goal.campaign_id == campaign.id)).first()


def test_only_coordinators_and_campaign_leads_see_the_dashboard(client, login, session, people, busy):
    login(people.client)
    page(client, f"/o/{people.org.slug}/dashboard", 403)
    session.add(CampaignMember(campaign_id=busy.id, user_id=people.client.id, role="lead"))
    session.commit()
    html = page(client, f"/o/{people.org.slug}/dashboard")
    assert "Fair Rents" in html and "Quiet One" not in html


def test_the_public_page_needs_no_login_and_shows_no_people(client, session, people, busy, make_campaign, make_task):
    task = make_task(campaign_id=busy.id, title="Door knocking")
    record(session, ev.SignupConfirmed(org_id=busy.org_id, campaign_id=busy.id, subject_id=1, task_id=task.id,
                                       actor_id=people.client.id))
    html = page(client, f"/p/{busy.id}")
    assert "Fair Rents" in html and "Letters to councillors" in html and "Councillors met us" in html
    for private in (people.client.display_name, people.coordinator.display_name, people.client.email,
                    "Door knocking"):
        assert private not in html
    assert "style=" not in html
    members_only = make_campaign(visibility="members")
    page(client, f"/p/{members_only.id}", 404)
    page(client, "/p/999999", 404)


def test_the_overview_hides_counts_about_fewer_than_k_people(client, login, session, people, busy):
    login(people.client)
    html = page(client, f"/o/{people.org.slug}/overview")
    assert "fewer than 3" in html  # one volunteer so far
    assert "not shown for fewer than 3 people" in html


def test_the_org_home_links_the_new_sections_by_role(client, login, people):
    login(people.coordinator)
    html = page(client, f"/o/{people.org.slug}/")
    for label in ("Dashboard", "Overview", "Webhooks", "Reports", "Activity"):
        assert f">{label}<" in html
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    login(people.client)
    html = page(client, f"/o/{people.org.slug}/")
    assert ">Overview<" in html and ">Dashboard<" not in html and ">Webhooks<" not in html


def test_progress_and_outcomes_are_sections_of_the_campaign_of_their_own(client, login, people, busy):
    login(people.client)
    overview = page(client, f"/campaigns/{busy.id}")
    assert "burnup" not in overview and f'href="/campaigns/{busy.id}/progress"' in overview
    assert f'href="/campaigns/{busy.id}/outcomes"' in overview
    assert "burnup" in page(client, f"/campaigns/{busy.id}/progress")
    assert "Councillors met us" in page(client, f"/campaigns/{busy.id}/outcomes")


def test_recording_an_outcome_keeps_what_was_typed_when_refused(client, login, session, people, campaign):
    login(people.coordinator)
    path = f"/campaigns/{campaign.id}/outcomes"
    token = csrf_token(client, path)
    bad = client.post(path, data={"csrf_token": token, "what_changed": "Rents frozen", "result": "achieved",
                                  "occurred_on": clock.now().date().isoformat(), "evidence_url": "ftp://x"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "https://" in html and "Rents frozen" in html
    good = client.post(path, data={"csrf_token": token, "what_changed": "Rents frozen", "result": "achieved",
                                   "occurred_on": clock.now().date().isoformat(), "evidence_url": "",
                                   "review_on": ""})
    assert good.status_code == 302
    assert session.exec(select(Outcome)).one().what_changed == "Rents frozen"


def test_reviewing_an_outcome_from_its_page(client, login, session, people, campaign):
    outcome = outcomes.record(session, campaign=campaign, user=people.coordinator, what_changed="Meeting held",
                              result="too_early", occurred_on=clock.now().date(), review_on=clock.now().date())
    login(people.coordinator)
    path = f"/campaigns/{campaign.id}/outcomes"
    assert "Mark as reviewed" in page(client, path)
    response = client.post(f"/outcomes/{outcome.id}/review", data={
        "csrf_token": csrf_token(client, path), "what_worked": "Personal stories", "what_to_change": ""})
    assert response.status_code == 302
    session.refresh(outcome)
    assert outcome.reviewed_at and outcome.what_worked == "Personal stories"


def test_a_reflection_is_saved_privately(client, login, session, people, make_user, campaign):
    session.add(CampaignMember(campaign_id=campaign.id, user_id=people.client.id))
    session.commit()
    login(people.client)
    path = f"/campaigns/{campaign.id}/reflection/before"
    assert "only you" in page(client, path).lower()
    response = client.post(path, data={"csrf_token": csrf_token(client, path), "influence": "2", "connected": "4",
                                       "know_how": "3", "free_text": "I worry about my landlord"})
    assert response.status_code == 302
    assert session.exec(select(Reflection)).one().connected == 4
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    login(people.coordinator)
    html = page(client, f"/campaigns/{campaign.id}/outcomes")  # how people feel sits beside what changed
    assert "Not enough answers to show" in html and "landlord" not in html


def test_a_reflection_needs_each_statement_answered(client, login, session, people, campaign):
    session.add(CampaignMember(campaign_id=campaign.id, user_id=people.client.id))
    session.commit()
    login(people.client)
    path = f"/campaigns/{campaign.id}/reflection/before"
    response = client.post(path, data={"csrf_token": csrf_token(client, path), "influence": "2"})
    assert response.status_code == 422
    assert 'aria-invalid' in response.get_data(as_text=True) or "field-error" in response.get_data(as_text=True)


def test_a_webhook_secret_is_shown_once(client, login, session, people):
    login(people.coordinator)
    path = f"/o/{people.org.slug}/webhooks/"
    response = client.post(path, data={"csrf_token": csrf_token(client, path), "url": "http://127.0.0.1:9/hook",
                                       "event_types": ["GoalReached", "OutcomeRecorded"]})
    assert response.status_code == 201
    secret = re.search(r"whsec_[A-Za-z0-9+/=]+", response.get_data(as_text=True)).group(0)
    endpoint = session.exec(select(WebhookEndpoint)).one()
    assert endpoint.secret == secret and endpoint.event_types == ["GoalReached", "OutcomeRecorded"]
    detail = f"/o/{people.org.slug}/webhooks/{endpoint.id}"
    assert secret not in page(client, path) and secret not in page(client, detail)
    test = client.post(f"{detail}/test", data={"csrf_token": csrf_token(client, detail)})
    assert test.status_code == 302
    session.commit()  # end this session's read snapshot: the page wrote since
    assert session.exec(select(Nudge).where(Nudge.kind == "webhook_test")).one().channel == "webhook"
    rotated = client.post(f"{detail}/rotate", data={"csrf_token": csrf_token(client, detail)})
    assert "whsec_" in rotated.get_data(as_text=True) and secret not in rotated.get_data(as_text=True)
    off = client.post(f"{detail}/switch", data={"csrf_token": csrf_token(client, detail), "enabled": "0"})
    assert off.status_code == 302
    session.commit()
    session.refresh(endpoint)
    assert not endpoint.enabled


def test_a_webhook_needs_an_address_and_events(client, login, people):
    login(people.coordinator)
    path = f"/o/{people.org.slug}/webhooks/"
    response = client.post(path, data={"csrf_token": csrf_token(client, path), "url": ""})
    assert response.status_code == 422


def test_others_cannot_open_webhooks(client, login, people):
    login(people.worker)
    page(client, f"/o/{people.org.slug}/webhooks/", 403)


def test_csv_reports_hold_no_names_or_emails(client, login, session, people, make_user, busy):
    participants = [make_user(org=people.org, display_name=f"Participant {n}") for n in range(3)]
    for person in participants:
        session.add(CampaignMember(campaign_id=busy.id, user_id=person.id))
    session.commit()
    for person in participants:
        reflections.submit(session, campaign=busy, user=person, phase="before", influence=3, connected=4,
                           know_how=2, free_text="private words")
    login(people.coordinator)
    for path in (f"/o/{people.org.slug}/reports.csv", f"/campaigns/{busy.id}/report.csv"):
        response = client.get(path)
        assert response.status_code == 200 and response.mimetype == "text/csv"
        text = response.get_data(as_text=True)
        rows = list(csv.DictReader(io.StringIO(text)))
        assert any(r["section"] == "goal" and r["measure"] == "current" and r["value"] == "60.0" for r in rows)
        assert any(r["section"] == "empowerment" and r["measure"] == "influence_mean" for r in rows)
        assert any(r["measure"] == "volunteers" and r["value"] == "fewer than 3" for r in rows)
        for private in ["private words", people.client.display_name, people.client.email,
                        *(p.display_name for p in participants), *(p.email for p in participants)]:
            assert private not in text
    assert "Download" in page(client, f"/o/{people.org.slug}/reports")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    login(people.client)
    assert client.get(f"/o/{people.org.slug}/reports.csv").status_code == 403


def test_activity_pages_show_the_feed(client, login, session, people, busy):
    login(people.client)
    html = page(client, f"/o/{people.org.slug}/activity")
    assert "Outcome recorded: partly achieved" in html and "Fair Rents" in html
    html = page(client, f"/campaigns/{busy.id}/activity")
    assert "60 letters toward Letters to councillors" in html
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    login(people.outsider)
    assert client.get(f"/campaigns/{busy.id}/activity").status_code == 404
    assert client.get(f"/o/{people.org.slug}/activity").status_code == 404


@pytest.mark.parametrize(("taken", "width"), [(4, "4.00"), (8, "8.00"), (1, "1.00"), (37, "37.00")])
def test_progress_bars_draw_the_true_value_not_a_5_percent_step(client, login, session, people, campaign,
                                                                make_task, taken, width):
    task = make_task(title="Letter writers", capacity=100, taken=taken)
    login(people.coordinator)
    html = page(client, f"/tasks/{task.id}/roster")
    bar = html[html.index('role="progressbar"'):]
    assert re.search(r'<rect class="progress-fill"[^>]* width="([\d.]+)"', bar).group(1) == width
    assert f'aria-valuenow="{taken}"' in bar and "style=" not in html


def test_a_pending_contribution_waits_in_the_review_table_with_both_choices(client, login, session, people, busy):
    from campaigns.domain.model import Contribution

    goal_id = session.exec(select(GoalSnapshot)).first().goal_id
    waiting = Contribution(org_id=busy.org_id, campaign_id=busy.id, goal_id=goal_id, user_id=people.client.id,
                           amount=12, status="pending")
    session.add(waiting)
    session.commit()
    login(people.coordinator)
    html = page(client, f"/campaigns/{busy.id}/contributions")
    assert "Contributions waiting to be checked" in html and people.client.display_name in html
    assert f"/contributions/{waiting.id}/verify" in html and f'id="reason-{waiting.id}"' in html
