"""Care rules, on their own: one pure function, checked by example and by property."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaigns.nudges.dispatch import care
from campaigns.nudges.dispatch.care import Hold, NudgeFacts, PersonState, Send, Skip, decide

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
REMINDER = NudgeFacts(kind="day_before", channel="email", expires_at=NOON + timedelta(days=1))


def test_a_reminder_to_a_willing_person_is_sent():
    assert decide(REMINDER, PersonState(timezone="Europe/London"), NOON) == Send()


def test_a_reminder_past_its_moment_is_skipped_never_sent_late():
    late = NudgeFacts(kind="two_hours_before", channel="inapp", expires_at=NOON)
    assert decide(late, PersonState(), NOON) == Skip(care.EXPIRED)


def test_someone_who_cancelled_is_not_reminded():
    assert decide(REMINDER, PersonState(gone="They cancelled their sign-up"), NOON) == \
        Skip("They cancelled their sign-up")


def test_a_moved_action_makes_its_old_reminder_stale():
    stale = NudgeFacts(kind="day_before", channel="inapp", stale="The action moved")
    assert decide(stale, PersonState(), NOON) == Skip("The action moved")


@pytest.mark.parametrize("channel, settings_", [("email", {"email_enabled": False}),
                                                ("inapp", {"inapp_enabled": False})])
def test_a_switched_off_channel_is_respected(channel, settings_):
    facts = NudgeFacts(kind="day_before", channel=channel)
    assert isinstance(decide(facts, PersonState(**settings_), NOON), Skip)


def test_a_muted_kind_is_respected():
    assert isinstance(decide(REMINDER, PersonState(muted_kinds=frozenset({"day_before"})), NOON), Skip)


def test_quiet_hours_hold_until_the_morning_in_the_persons_zone():
    night_in_tokyo = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # 23:00 in Tokyo
    decision = decide(REMINDER, PersonState(timezone="Asia/Tokyo"), night_in_tokyo)
    assert decision == Hold(datetime(2026, 3, 2, 23, 0, tzinfo=UTC), "It fell in their quiet hours")  # 08:00 JST


def test_the_fourth_nudge_of_a_day_waits_for_tomorrow_morning():
    person = PersonState(timezone="Europe/London", sent=(NOON - timedelta(hours=1),) * 3)
    decision = decide(REMINDER, person, NOON)
    assert isinstance(decision, Hold) and decision.until == datetime(2026, 3, 3, 8, 0, tzinfo=UTC)


def test_the_weekly_cap_waits_until_the_oldest_nudge_is_a_week_old():
    sent = tuple(NOON - timedelta(days=6, hours=n) for n in range(10))
    person = PersonState(timezone="Europe/London", sent=sent)
    decision = decide(NudgeFacts(kind="day_before", channel="inapp"), person, NOON)
    # the oldest turns seven days old at 03:00, inside quiet hours, so: the morning after
    assert decision == Hold(datetime(2026, 3, 3, 8, 0, tzinfo=UTC), "They had had their nudges for the week")


def test_a_held_nudge_that_would_arrive_too_late_is_skipped_instead():
    soon = NudgeFacts(kind="two_hours_before", channel="inapp", expires_at=NOON + timedelta(hours=1))
    person = PersonState(sent=(NOON - timedelta(hours=1),) * 3)
    decision = decide(soon, person, NOON)
    assert isinstance(decision, Skip) and "moment had passed" in decision.reason


@pytest.mark.parametrize("kind", ["signup_confirmed", "action_cancelled", "action_moved"])
def test_confirmations_and_safety_notices_skip_quiet_hours_caps_and_digests(kind):
    person = PersonState(timezone="Asia/Tokyo", digest="daily", sent=(NOON,) * 20, daily_cap=0)
    assert decide(NudgeFacts(kind=kind, channel="email"), person, NOON + timedelta(hours=2)) == Send()


def test_a_daily_digest_folds_reminders_but_not_confirmations():
    person = PersonState(digest="daily")
    assert decide(REMINDER, person, NOON) == Skip(care.FOLDED)
    assert decide(NudgeFacts(kind="signup_confirmed", channel="email"), person, NOON) == Send()


def test_stepping_back_pauses_reminders_but_not_confirmations():
    person = PersonState(pause_until=NOON + timedelta(days=10))
    assert isinstance(decide(REMINDER, person, NOON), Skip)
    assert decide(NudgeFacts(kind="signup_confirmed", channel="inapp"), person, NOON) == Send()


# -- properties ------------------------------------------------------------------------------------------------
ZONES = ["UTC", "Europe/London", "America/New_York", "Asia/Tokyo", "Pacific/Auckland", "Asia/Kolkata"]
KINDS = ["day_before", "two_hours_before", "after_action", "unfilled_tasks", "signup_confirmed", "action_moved",
         "digest", "message"]
moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31),
                       timezones=st.just(UTC))
times = st.times().map(lambda t: t.replace(second=0, microsecond=0))


@st.composite
def people(draw):
    now = draw(moments)
    sent = draw(st.lists(st.integers(min_value=0, max_value=7 * 24 * 60), max_size=15))
    return now, PersonState(
        active=draw(st.booleans()), gone=draw(st.sampled_from([None, None, "They cancelled their sign-up"])),
        timezone=draw(st.sampled_from(ZONES)), email_enabled=draw(st.booleans()), inapp_enabled=draw(st.booleans()),
        muted_kinds=frozenset(draw(st.lists(st.sampled_from(KINDS), max_size=2))),
        quiet_start=draw(times), quiet_end=draw(times), daily_cap=draw(st.integers(0, 5)),
        weekly_cap=draw(st.integers(0, 12)), digest=draw(st.sampled_from(["immediate", "immediate", "daily"])),
        pause_until=draw(st.one_of(st.none(), moments)), sent=tuple(now - timedelta(minutes=m) for m in sent))


@st.composite
def nudges(draw, now):
    expires = draw(st.one_of(st.none(), st.integers(-600, 3 * 24 * 60).map(lambda m: now + timedelta(minutes=m))))
    return NudgeFacts(kind=draw(st.sampled_from(KINDS)), channel=draw(st.sampled_from(["inapp", "email"])),
                      expires_at=expires, stale=draw(st.sampled_from([None, None, None, "The action moved"])))


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_care_never_sends_what_it_must_not(data):
    now, person = data.draw(people())
    nudge = data.draw(nudges(now))
    decision = decide(nudge, person, now)
    if isinstance(decision, Send):
        assert nudge.stale is None and person.active and person.gone is None
        assert nudge.expires_at is None or now < nudge.expires_at
        assert (person.email_enabled if nudge.channel == "email" else person.inapp_enabled)
        assert nudge.kind not in person.muted_kinds
        if not care.exempt(nudge.kind):
            local = now.astimezone(ZoneInfo(person.timezone)).time()
            assert not care.in_quiet_hours(local, person.quiet_start, person.quiet_end)
            assert person.pause_until is None or now >= person.pause_until
        if care.capped(nudge.kind):
            assert sum(1 for s in person.sent if now - s < timedelta(days=7)) < person.weekly_cap


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_a_hold_is_always_later_and_before_the_nudge_expires(data):
    now, person = data.draw(people())
    nudge = data.draw(nudges(now))
    decision = decide(nudge, person, now)
    if isinstance(decision, Hold):
        assert decision.until > now
        assert nudge.expires_at is None or decision.until < nudge.expires_at
        assert not care.exempt(nudge.kind)


@settings(max_examples=200, deadline=None)
@given(now=moments, zone=st.sampled_from(ZONES), start=times, end=times)
def test_the_morning_after_quiet_hours_is_never_inside_them(now, zone, start, end):
    person = PersonState(timezone=zone, quiet_start=start, quiet_end=end)
    morning = care.next_morning(now, person)
    assert morning > now
    local = morning.astimezone(ZoneInfo(zone))
    # a DST gap can move a wall-clock time; otherwise the morning is exactly the end of quiet hours
    assert local.time() == end or not care.in_quiet_hours(local.time(), start, end) or start == end


def test_quiet_hours_that_do_not_wrap_midnight():
    assert care.in_quiet_hours(time(13, 0), time(12, 0), time(14, 0))
    assert not care.in_quiet_hours(time(15, 0), time(12, 0), time(14, 0))
