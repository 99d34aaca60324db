"""Raising concerns confidentially, supporting and withdrawing, becoming shared at k exactly once (also under
concurrent supports), acting for a client only under consent, and bad input that writes nothing."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from campaigns import clock
from campaigns.db import new_session
from campaigns.domain.model import Concern, ConcernCategory, ConcernSupport, Organisation
from campaigns.services import concern_board, concerns, consents
from campaigns.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests import concern_fixtures as fx

clients, consent, raise_one = fx.clients, fx.consent, fx.raise_one
events, counts, fresh = fx.events, fx.counts, fx.fresh


def set_k(session, org, k: int) -> None:
    org = session.get(Organisation, org.id)
    org.share_threshold = k
    session.add(org)
    session.commit()


# -- raising ---------------------------------------------------------------------------------------------------
def test_raising_counts_the_author_and_records_an_event_without_an_actor(session, people, raise_one):
    concern = raise_one(categories=["housing", "economic"], tags=["Rent", "#rent", "eviction"])
    assert concern.support_count == 1 and concern.status == "open" and concern.author_id == people.client.id
    assert concern.tags == ["rent", "eviction"]
    rows = session.exec(select(ConcernSupport).where(ConcernSupport.concern_id == concern.id)).all()
    assert [r.user_id for r in rows] == [people.client.id]
    cats = session.exec(select(ConcernCategory.category).where(ConcernCategory.concern_id == concern.id)).all()
    assert set(cats) == {"housing", "economic"}
    [raised] = events(session, "ConcernRaised")
    assert raised.actor_id is None and raised.subject_id == concern.id
    assert raised.payload == {"title": concern.title}


@pytest.mark.parametrize("role", ["client", "worker", "coordinator"])
def test_any_member_may_raise_a_concern(people, raise_one, role):
    assert raise_one(actor=getattr(people, role)).support_count == 1


def test_with_k_of_one_a_concern_is_shared_as_soon_as_it_is_raised(session, people, raise_one):
    set_k(session, people.org, 1)
    concern = raise_one()
    assert concern.status == "shared" and concern.shared_at is not None
    assert len(events(session, "ConcernBecameShared")) == 1


@pytest.mark.parametrize(("fields", "field"), [
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"title": "x" * 141}, "title"),
    ({"description": "x" * 5001}, "description"),
    ({"categories": []}, "categories"),
    ({"categories": ["housing", "weather"]}, "categories"),
    ({"tags": [f"t{i}" for i in range(11)]}, "tags"),
    ({"tags": ["x" * 31]}, "tags"),
])
def test_bad_input_is_refused_per_field_and_nothing_is_written(session, raise_one, fields, field):
    before = counts(session)
    with pytest.raises(Invalid) as refused:
        raise_one(**fields)
    assert field in refused.value.errors
    assert counts(session) == before


@pytest.mark.parametrize("who", ["outsider", "admin", None])
def test_people_outside_the_group_cannot_raise_there(people, raise_one, who):
    with pytest.raises(NotFound):
        raise_one(actor=getattr(people, who) if who else None)


# -- supporting ------------------------------------------------------------------------------------------------
def test_supporting_twice_counts_once_and_withdrawing_uncounts(session, people, raise_one):
    concern = raise_one()
    concerns.support(session, concern_id=concern.id, actor=people.other_client)
    again = concerns.support(session, concern_id=concern.id, actor=people.other_client)
    assert again.support_count == 2
    withdrawn = concerns.withdraw(session, concern_id=concern.id, actor=people.other_client)
    assert withdrawn.support_count == 1
    assert concerns.withdraw(session, concern_id=concern.id, actor=people.other_client).support_count == 1
    assert events(session, "ConcernSupported") == []  # counting support events would reveal a count below k


def test_reaching_k_shares_the_concern_once(session, people, raise_one, clients):
    concern = raise_one()
    first, second, third = clients(3)
    concerns.support(session, concern_id=concern.id, actor=first)
    assert fresh(session, concern).status == "open"
    shared = concerns.support(session, concern_id=concern.id, actor=second)
    assert shared.status == "shared" and shared.shared_at is not None
    concerns.support(session, concern_id=concern.id, actor=third)
    [became] = events(session, "ConcernBecameShared")
    assert became.actor_id is None and became.subject_id == concern.id


def test_withdrawing_below_k_keeps_it_shared_and_records_nothing_new(session, people, raise_one, clients):
    concern = raise_one()
    first, second = clients(2)
    for person in (first, second):
        concerns.support(session, concern_id=concern.id, actor=person)
    concerns.withdraw(session, concern_id=concern.id, actor=first)
    after = fresh(session, concern)
    assert after.status == "shared" and after.support_count == 2
    concerns.support(session, concern_id=concern.id, actor=first)  # back to k: still one event
    assert len(events(session, "ConcernBecameShared")) == 1


@pytest.mark.parametrize(("status", "message"), [("closed", concerns.CLOSED), ("merged", concerns.MERGED)])
def test_a_closed_or_merged_concern_takes_no_support(session, people, raise_one, status, message):
    concern = raise_one()
    row = session.get(Concern, concern.id)
    row.status = status
    session.add(row)
    session.commit()
    before = counts(session)
    with pytest.raises(Conflict) as refused:
        concerns.support(session, concern_id=concern.id, actor=people.other_client)
    assert refused.value.message == message and refused.value.status == 409
    assert counts(session) == before


def test_coordinators_close_concerns_and_others_may_not(session, people, raise_one):
    concern = raise_one()
    with pytest.raises(Forbidden):
        concerns.close(session, concern_id=concern.id, actor=people.worker)
    assert concerns.close(session, concern_id=concern.id, actor=people.coordinator).status == "closed"


@pytest.mark.parametrize("who", ["outsider", "admin", None])
def test_another_groups_concern_is_not_found(session, people, raise_one, who):
    concern = raise_one()
    actor = getattr(people, who) if who else None
    for use_case in (concerns.support, concerns.withdraw):
        with pytest.raises(NotFound):
            use_case(session, concern_id=concern.id, actor=actor)
    with pytest.raises(NotFound):
        concerns.support(session, concern_id=999_999, actor=people.client)


# -- on behalf, with consent -----------------------------------------------------------------------------------
def test_a_worker_raises_for_a_client_only_under_consent(session, people, raise_one, consent):
    before = counts(session)
    with pytest.raises(Forbidden) as refused:
        raise_one(actor=people.worker, on_behalf_of=people.client.id)
    assert "hasn't given you consent" in refused.value.message and "nothing was done" in refused.value.message
    assert counts(session) == before
    consent("raise_concerns")
    concern = raise_one(actor=people.worker, on_behalf_of=people.client.id)
    assert (concern.author_id, concern.on_behalf_by_id) == (people.client.id, people.worker.id)
    [raised] = events(session, "ConcernRaised")
    assert raised.actor_id is None


def test_the_record_of_acting_for_a_client_is_seen_by_those_two_only(session, people, raise_one, consent):
    consent("raise_concerns")
    concern = raise_one(actor=people.worker, on_behalf_of=people.client.id)
    seen = {role: concern_board.present(session, concern, getattr(people, role))
            for role in ("client", "worker", "other_client", "coordinator")}
    assert seen["client"]["raised_by_you"] and seen["client"]["raised_for_you_by"] == "Worker Robin"
    assert seen["worker"]["you_raised_for"] == "Client Alex" and not seen["worker"]["raised_by_you"]
    for role in ("other_client", "coordinator"):
        assert not {"raised_for_you_by", "you_raised_for"} & set(seen[role])
        assert not seen[role]["raised_by_you"]


def test_a_worker_supports_for_a_client_under_the_support_scope(session, people, raise_one, consent):
    concern = raise_one(actor=people.other_client)
    consent("raise_concerns")  # the wrong scope
    with pytest.raises(Forbidden):
        concerns.support(session, concern_id=concern.id, actor=people.worker, on_behalf_of=people.client.id)
    consent("support_concerns")
    supported = concerns.support(session, concern_id=concern.id, actor=people.worker, on_behalf_of=people.client.id)
    assert supported.support_count == 2
    row = session.exec(select(ConcernSupport).where(ConcernSupport.user_id == people.client.id)).one()
    assert row.on_behalf_by_id == people.worker.id
    assert concern_board.present(session, concern, people.client)["your_support_recorded_by"] == "Worker Robin"
    assert concern_board.present(session, concern, people.worker)["you_supported_for"] == ["Client Alex"]
    assert "you_supported_for" not in concern_board.present(session, concern, people.coordinator)


def test_revoked_or_expired_consent_no_longer_works(session, people, raise_one, consent):
    clock.pin(datetime(2026, 3, 2, 12, tzinfo=UTC))
    given = consent("raise_concerns", expires_at=clock.now() + timedelta(days=1))
    clock.advance(timedelta(days=2))
    with pytest.raises(Forbidden):
        raise_one(actor=people.worker, on_behalf_of=people.client.id)
    again = consent("raise_concerns")
    consents.revoke(session, client=people.client, consent_id=again.id)
    with pytest.raises(Forbidden):
        raise_one(actor=people.worker, on_behalf_of=people.client.id)
    assert given.id != again.id


def test_only_workers_act_for_clients(session, people, raise_one):
    with pytest.raises(Forbidden):
        raise_one(actor=people.other_client, on_behalf_of=people.client.id)
    with pytest.raises(NotFound):  # someone outside the group is nobody to act for
        raise_one(actor=people.worker, on_behalf_of=people.outsider.id)


# -- concurrency -----------------------------------------------------------------------------------------------
def _support_all_at_once(app, concern_id: int, user_ids: list[int]) -> list[BaseException]:
    """Each user id supports from its own thread and session, all released together."""
    from campaigns.domain.model import User

    gate = threading.Barrier(len(user_ids))
    failures: list[BaseException] = []

    def run(user_id: int) -> None:
        with app.app_context():
            session = new_session()
            try:
                user = session.get(User, user_id)
                session.commit()
                gate.wait(timeout=30)
                concerns.support(session, concern_id=concern_id, actor=user)
            except BaseException as error:  # reported by the test, not lost in the thread
                failures.append(error)
            finally:
                session.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return failures


def _check_concurrent_supports(app, session, people, raise_one, clients, *, distinct: int, repeats: int, k: int):
    set_k(session, people.org, k)
    concern = raise_one()
    supporters = clients(distinct)
    ids = [u.id for u in supporters] + [u.id for u in supporters[:repeats]]  # some people press twice at once
    assert _support_all_at_once(app, concern.id, ids) == []
    after = fresh(session, concern)
    rows = session.exec(select(ConcernSupport).where(ConcernSupport.concern_id == concern.id)).all()
    assert after.support_count == len(rows) == distinct + 1  # everyone once, and the author
    assert after.status == "shared"
    assert len(events(session, "ConcernBecameShared")) == 1


@pytest.mark.postgres_only
def test_concurrent_supports_count_each_person_once_and_share_once_on_postgresql(
        app, session, people, raise_one, clients):
    _check_concurrent_supports(app, session, people, raise_one, clients, distinct=15, repeats=5, k=6)


def test_concurrent_supports_also_count_once_on_either_database(app, session, people, raise_one, clients):
    _check_concurrent_supports(app, session, people, raise_one, clients, distinct=6, repeats=2, k=4)
