"""A goal's total is always the sum the organisation's setting defines: verified contributions, plus pending ones
where the group counts them. A property test over sequences of logging, verifying, rejecting and switching the
setting (either way, at any moment)."""

from __future__ import annotations

import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns.db import new_session
from campaigns.domain.model import Goal, Organisation, User
from campaigns.services import contributions, orgs
from campaigns.services.errors import Conflict

steps = st.lists(st.one_of(
    st.tuples(st.just("log"), st.integers(min_value=1, max_value=500)),
    st.tuples(st.sampled_from(["verify", "reject"]), st.integers(min_value=0, max_value=20)),
    st.tuples(st.just("setting"), st.booleans()),
), min_size=1, max_size=12)


def _expected(logged: list[list], count_pending: bool) -> float:
    return sum(amount for amount, status in logged
               if status == "verified" or (status == "pending" and count_pending))


def _apply(session, people, campaign, goal, logged: list[list], ids: list[int], step) -> None:
    kind, value = step
    if kind == "log":
        ids.append(contributions.log_contribution(session, user=people.client, campaign_id=campaign.id,
                                                  goal_id=goal.id, amount=value).id)
        logged.append([value, "pending"])
    elif kind == "setting":
        orgs.update_settings(session, people.org, actor=people.coordinator, count_pending_contributions=value)
    elif ids:
        i = value % len(ids)
        wanted = "verified" if kind == "verify" else "rejected"
        try:
            if kind == "verify":
                contributions.verify(session, contribution_id=ids[i], user=people.coordinator)
            else:
                contributions.reject(session, contribution_id=ids[i], user=people.coordinator, reason="Counted twice")
        except Conflict:
            assert logged[i][1] not in ("pending", wanted)  # only a decided one refuses the other decision
        else:
            logged[i][1] = wanted


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps, start=st.booleans())
def test_a_goals_total_is_always_the_sum_the_setting_defines(session, people, campaign, make_goal, steps, start):
    orgs.update_settings(session, people.org, actor=people.coordinator, count_pending_contributions=start)
    goal = make_goal(target=1000)
    logged: list[list] = []
    ids: list[int] = []
    for step in steps:
        _apply(session, people, campaign, goal, logged, ids, step)
        with new_session() as fresh:  # what everyone else reads right after the write
            count_pending = fresh.get(Organisation, people.org.id).count_pending_contributions
            total = fresh.get(Goal, goal.id).current
        assert total == _expected(logged, count_pending), (steps, logged)


@pytest.mark.postgres_only
def test_switching_counting_on_while_a_contribution_is_being_logged_counts_it(app, session, people, campaign,
                                                                              make_goal):
    """A contribution logged (not yet committed) while the setting is off, and the setting switched on before it
    commits: the switch waits for it and counts it, so the total matches the setting."""
    from campaigns.db import transaction

    goal = make_goal(target=1000)
    logged, switched = threading.Event(), threading.Event()

    def log():
        with app.app_context(), new_session() as own, transaction(own):
            contributions.log_contribution(own, user=own.get(User, people.client.id), campaign_id=campaign.id,
                                           goal_id=goal.id, amount=7)
            logged.set()
            switched.wait(timeout=1)  # the switch blocks on our share lock (or, unlocked, would finish here)

    def switch():
        logged.wait(timeout=10)
        with app.app_context(), new_session() as own:
            orgs.update_settings(own, own.get(Organisation, people.org.id),
                                 actor=own.get(User, people.coordinator.id), count_pending_contributions=True)
        switched.set()

    threads = [threading.Thread(target=log), threading.Thread(target=switch)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with new_session() as fresh:
        assert fresh.get(Organisation, people.org.id).count_pending_contributions
        assert fresh.get(Goal, goal.id).current == 7
