"""Pure rules of progress: fractions, weighted means, milestones, stalling, k, URLs, burn-up projections."""

from datetime import UTC, date, datetime, timedelta

import pytest

from campaigns.domain import burnup
from campaigns.domain import rules_progress as rules


@pytest.mark.parametrize(("current", "target", "expected"), [(0, 10, 0.0), (5, 10, 0.5), (15, 10, 1.0), (-1, 10, 0)])
def test_a_goal_fraction_stays_between_0_and_1(current, target, expected):
    assert rules.goal_fraction(current, target) == expected


def test_campaign_progress_weighs_each_goal():
    assert rules.weighted_progress([(3, 50, 100), (1, 20, 10)]) == pytest.approx(0.625)
    assert rules.weighted_progress([]) == 0.0


@pytest.mark.parametrize(("current", "expected"), [(24, []), (25, [25]), (74.9, [25, 50]), (100, [25, 50, 75, 100]),
                                                   (250, [25, 50, 75, 100])])
def test_milestones_crossed_are_those_at_or_below_the_percent(current, expected):
    assert rules.milestones_crossed(current, 100) == expected


def test_only_moving_campaigns_stall():
    now = datetime(2026, 3, 1, tzinfo=UTC)
    assert rules.is_stalled("intervention", now - timedelta(days=14), now, 14)
    assert not rules.is_stalled("intervention", now - timedelta(days=13, hours=23), now, 14)
    assert not rules.is_stalled("closed", now - timedelta(days=40), now, 14)


@pytest.mark.parametrize(("count", "k", "shown"), [(0, 3, 0), (1, 3, None), (2, 3, None), (3, 3, 3), (9, 3, 9)])
def test_counts_about_people_below_k_are_hidden(count, k, shown):
    assert rules.shown_count(count, k) == shown


def test_answers_are_summarised_only_from_k_people():
    answers = [(1, 2, 3), (3, 4, 5)]
    assert rules.summarize_answers(answers, 3) is None
    summary = rules.summarize_answers([*answers, (5, 5, 5)], 3)
    assert summary["answered"] == 3
    assert summary["items"]["influence"] == {"mean": 3.0, "distribution": [1, 0, 1, 0, 1]}


@pytest.mark.parametrize(("url", "allow_http", "ok"), [
    ("https://hooks.example.org/in", False, True),
    ("http://hooks.example.org/in", False, False),
    ("http://127.0.0.1:9/hook", True, True),
    ("https://127.0.0.1/hook", False, False),
    ("https://localhost/hook", False, False),
    ("https://10.0.0.5/hook", False, False),
    ("https://[::1]/hook", False, False),
    ("https://user:pw@hooks.example.org/", False, False),
    ("ftp://hooks.example.org/", True, False),
    ("https:///nohost", False, False),
])
def test_webhook_addresses_need_https_to_a_public_host_outside_development(url, allow_http, ok):
    assert (rules.webhook_url_problem(url, allow_http=allow_http) is None) is ok


@pytest.mark.parametrize(("url", "ok"), [("https://news.example.org/story", True), ("http://x.org", True),
                                         ("javascript:alert(1)", False), ("example.org", False)])
def test_evidence_links_are_http_or_https(url, ok):
    assert (rules.evidence_url_problem(url) is None) is ok


TODAY = date(2026, 3, 1)


def test_the_ideal_line_runs_from_zero_at_the_start_to_the_target_on_the_due_date():
    start, due = TODAY - timedelta(days=10), TODAY + timedelta(days=10)
    assert burnup.ideal(TODAY, start, due, 100) == 50
    assert burnup.ideal(start - timedelta(days=3), start, due, 100) == 0
    assert burnup.ideal(due + timedelta(days=3), start, due, 100) == 100
    assert burnup.ideal(TODAY, start, None, 100) is None


def test_the_projection_follows_the_recent_pace():
    points = [(TODAY - timedelta(days=30), 0), (TODAY - timedelta(days=14), 32), (TODAY - timedelta(days=1), 58)]
    projection = burnup.project(target=100, current=60, points=points, today=TODAY)
    assert projection.status == "on_pace"
    assert projection.pace == pytest.approx(2)  # 2 a day, however the days are paired
    assert projection.on == TODAY + timedelta(days=20)


def test_one_big_batch_does_not_swing_the_projection_by_months():
    """Four weeks at 3 a day, then 100 logged at once today: the date moves by what the batch adds, not by
    the pace of one day (the last-two-weeks pace moved it 225 days)."""
    steady = [(TODAY - timedelta(days=d), 3 * (28 - d)) for d in range(28, 0, -1)]
    before = burnup.project(target=1000, current=84, points=steady, today=TODAY)
    after = burnup.project(target=1000, current=184, points=steady, today=TODAY)
    swing = (before.on - after.on).days
    print(f"\none batch of 100 moves the projected date by {swing} days (pace {before.pace:.2f} -> {after.pace:.2f})")
    assert 0 <= swing <= 45


def test_no_progress_is_not_at_this_pace_and_no_history_is_too_early():
    flat = [(TODAY - timedelta(days=14), 30)]
    assert burnup.project(target=100, current=30, points=flat, today=TODAY).status == "not_at_pace"
    assert burnup.project(target=100, current=30, points=[], today=TODAY).status == "too_early"
    crawl = [(TODAY - timedelta(days=14), 0)]
    assert burnup.project(target=1_000_000, current=1, points=crawl, today=TODAY).status == "not_at_pace"


def test_a_reached_goal_says_when():
    done = burnup.project(target=10, current=12, points=[], today=TODAY, reached_on=TODAY - timedelta(days=2))
    assert done.status == "reached" and done.on == TODAY - timedelta(days=2)
