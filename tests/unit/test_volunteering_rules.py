"""Pure rules of volunteering: local times, windows, capacity, sign-up windows, amounts, CSV cells."""

from datetime import UTC, datetime, timedelta

import pytest

from campaigns.domain import rules_volunteering as rules

NOW = datetime(2031, 5, 1, 12, 0, tzinfo=UTC)


def test_wall_clock_time_is_read_in_the_actions_zone():
    assert rules.to_utc(datetime(2031, 1, 15, 9, 0), "Asia/Tokyo", field="starts_at") == \
        datetime(2031, 1, 15, 0, 0, tzinfo=UTC)


def test_an_aware_moment_is_taken_as_it_is():
    moment = datetime(2031, 1, 15, 9, 0, tzinfo=UTC)
    assert rules.to_utc(moment, "Asia/Tokyo", field="starts_at") == moment


def test_a_time_skipped_when_clocks_go_forward_is_refused():
    with pytest.raises(rules.RuleBroken) as broken:
        rules.to_utc(datetime(2031, 3, 30, 1, 30), "Europe/London", field="starts_at")
    assert broken.value.field == "starts_at"


def test_an_unknown_zone_is_refused_on_the_timezone_field():
    with pytest.raises(rules.RuleBroken) as broken:
        rules.to_utc(datetime(2031, 3, 30, 9, 0), "Mars/Olympus", field="starts_at")
    assert broken.value.field == "timezone"


@pytest.mark.parametrize("hours", [0, -1, 24 * 32])
def test_a_window_must_end_after_it_starts_and_not_run_for_months(hours):
    with pytest.raises(rules.RuleBroken):
        rules.check_window(NOW, NOW + timedelta(hours=hours))


@pytest.mark.parametrize(("capacity", "ok"), [(0, False), (1, True), (10_000, True), (10_001, False)])
def test_capacity_is_1_to_10000(capacity, ok):
    if ok:
        rules.check_capacity(capacity)
    else:
        with pytest.raises(rules.RuleBroken):
            rules.check_capacity(capacity)


def test_capacity_cannot_go_below_the_confirmed_count():
    with pytest.raises(rules.RuleBroken, match="4 people are already confirmed"):
        rules.check_capacity_change(3, 4)
    rules.check_capacity_change(4, 4)


@pytest.mark.parametrize(("kwargs", "closed"), [
    ({"action_status": "cancelled", "ends_at": NOW + timedelta(days=1), "deadline": None}, True),
    ({"action_status": "planned", "ends_at": NOW - timedelta(minutes=1), "deadline": None}, True),
    ({"action_status": None, "ends_at": None, "deadline": NOW - timedelta(minutes=1)}, True),
    ({"action_status": "planned", "ends_at": NOW + timedelta(hours=1), "deadline": None}, False),
    ({"action_status": None, "ends_at": None, "deadline": NOW + timedelta(days=2)}, False),
])
def test_sign_ups_close_when_called_off_over_or_past_the_deadline(kwargs, closed):
    assert (rules.signup_closed_reason(now=NOW, **kwargs) is not None) is closed


@pytest.mark.parametrize(("amount", "hours", "field"), [
    (0, 0, "amount"), (-3, 0, "amount"), (100_001, 0, "amount"), (5, -1, "hours"), (5, 1_001, "hours"),
])
def test_contribution_amounts_and_hours_have_sane_bounds(amount, hours, field):
    with pytest.raises(rules.RuleBroken) as broken:
        rules.check_contribution(amount, hours)
    assert broken.value.field == field


def test_check_in_opens_an_hour_before_and_closes_a_few_hours_after():
    start, end = NOW, NOW + timedelta(hours=2)
    assert rules.checkin_open(start, end, NOW - timedelta(minutes=59))
    assert not rules.checkin_open(start, end, NOW - timedelta(minutes=61))
    assert not rules.checkin_open(start, end, end + timedelta(hours=4))


def test_a_private_place_is_for_confirmed_volunteers_and_coordinators():
    assert rules.may_see_place(address_public=True, is_confirmed=False, is_coordinator=False)
    assert not rules.may_see_place(address_public=False, is_confirmed=False, is_coordinator=False)
    assert rules.may_see_place(address_public=False, is_confirmed=True, is_coordinator=False)


@pytest.mark.parametrize(("value", "safe"), [("=SUM(A1)", "'=SUM(A1)"), ("@cmd", "'@cmd"), ("Letters", "Letters"),
                                             (None, "")])
def test_csv_cells_never_start_a_formula(value, safe):
    assert rules.csv_safe(value) == safe
