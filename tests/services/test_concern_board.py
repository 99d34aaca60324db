"""The concern board (filters, search, sort by support without revealing hidden counts), similar concerns,
merging duplicates, and the CSV export."""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import select

from campaigns.domain.model import ConcernCategory, ConcernSupport
from campaigns.services import concern_board, concerns
from campaigns.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests import concern_fixtures as fx

author, clients, raise_one = fx.author, fx.clients, fx.raise_one
events, fresh = fx.events, fx.fresh


def support_by(session, concern, people_list):
    for person in people_list:
        concerns.support(session, concern_id=concern.id, actor=person)


def board(session, org, **filters):
    return [c.id for c in session.exec(concern_board.board_query(org, **filters))]


# -- the board -------------------------------------------------------------------------------------------------
def test_the_board_filters_by_category_status_and_text(session, people, raise_one, clients):
    rent = raise_one(title="Rent rises", categories=["housing", "economic"])
    clinic = raise_one(title="No interpreter at the clinic", categories=["health_access"],
                       description="Appointments without 50% of the words understood")
    support_by(session, clinic, clients(2))
    old = raise_one(title="Old", categories=["other"])
    closed = concerns.close(session, concern_id=old.id, actor=people.coordinator)
    org = people.org
    assert board(session, org, category="housing") == [rent.id]
    assert board(session, org, status="shared") == [clinic.id]
    assert board(session, org, status="closed") == [closed.id]
    assert board(session, org, q="INTERPRETER") == [clinic.id]
    assert board(session, org, q="50%") == [clinic.id]  # LIKE wildcards are searched literally
    assert board(session, org, q="_") == []
    assert set(board(session, org)) == {rent.id, clinic.id, closed.id}


def test_the_board_shows_another_groups_concerns_to_nobody(session, people, raise_one):
    raise_one()
    other = raise_one(actor=people.outsider, org_id=people.other_org.id)
    assert other.id not in board(session, people.org)


def test_sorting_by_support_orders_only_counts_at_or_above_k(session, people, raise_one, clients):
    crowd = clients(4)
    big = raise_one(title="Big")
    support_by(session, big, crowd[:4])  # 5
    small_shared = raise_one(title="Shared")
    support_by(session, small_shared, crowd[:2])  # 3 = k
    two = raise_one(title="Two")
    support_by(session, two, crowd[:1])  # 2: hidden
    one = raise_one(title="One")  # 1: hidden, newest
    order = board(session, people.org, sort="support")
    # below k: newest first, whatever their hidden counts, so the order gives nothing away
    assert order == [big.id, small_shared.id, one.id, two.id]


def test_the_board_can_show_only_my_concerns(session, people, raise_one):
    mine = raise_one()
    raise_one(actor=people.other_client)
    assert board(session, people.org, raised_by=people.client) == [mine.id]


# -- similar concerns ------------------------------------------------------------------------------------------
def test_similar_concerns_are_suggested_from_open_and_shared_ones_only(session, people, raise_one):
    rent = raise_one(title="Rent rises we can't keep up with", description="Rents on the estate keep going up.")
    closed = raise_one(title="Rent rising again", description="Rent up again on the estate.")
    concerns.close(session, concern_id=closed.id, actor=people.coordinator)
    raise_one(title="No interpreter at the clinic", description="Appointments without an interpreter.")
    found = concern_board.similar(session, org_id=people.org.id, title="Our rent is rising",
                                  description="The rent went up again and we can't keep up")
    assert [c.id for c, _score in found] == [rent.id]
    assert concern_board.similar(session, org_id=people.org.id, title="the and of") == []
    elsewhere = concern_board.similar(session, org_id=people.other_org.id, title="Rent rises")
    assert elsewhere == []


# -- merging ---------------------------------------------------------------------------------------------------
def test_merging_unites_supporters_once_and_the_survivor_may_become_shared(session, people, raise_one, clients):
    [both] = clients(1)
    survivor = raise_one(title="Rent rises", categories=["housing"], tags=["rent"])
    duplicate = raise_one(actor=people.other_client, title="Rents rising", categories=["economic"], tags=["debt"])
    support_by(session, survivor, [both])
    support_by(session, duplicate, [both])
    assert len(events(session, "ConcernBecameShared")) == 0  # two supporters each: below k
    merged = concerns.merge(session, concern_id=duplicate.id, into_id=survivor.id, actor=people.coordinator)
    # client + both (survivor), other_client (moved); `both` supported both and counts once
    assert merged.support_count == 3 and merged.status == "shared"
    supporters = session.exec(select(ConcernSupport.user_id).where(ConcernSupport.concern_id == survivor.id)).all()
    assert sorted(supporters) == sorted([people.client.id, both.id, people.other_client.id])
    gone = fresh(session, duplicate)
    assert (gone.status, gone.merged_into_id, gone.support_count) == ("merged", survivor.id, 0)
    cats = session.exec(select(ConcernCategory.category).where(ConcernCategory.concern_id == survivor.id)).all()
    assert set(cats) == {"housing", "economic"} and fresh(session, survivor).tags == ["rent", "debt"]
    [event] = events(session, "ConcernsMerged")
    assert (event.subject_id, event.payload, event.actor_id) == (survivor.id, {"merged_id": duplicate.id},
                                                                 people.coordinator.id)
    assert len(events(session, "ConcernBecameShared")) == 1
    # the duplicate's author still sees it as theirs; nobody can support it any more
    assert concern_board.present(session, gone, people.other_client)["raised_by_you"]
    with pytest.raises(Conflict):
        concerns.support(session, concern_id=duplicate.id, actor=people.worker)


def test_merging_two_shared_concerns_does_not_share_twice(session, people, raise_one, clients):
    crowd = clients(4)
    first, second = raise_one(title="A"), raise_one(title="B")
    support_by(session, first, crowd[:2])
    support_by(session, second, crowd[2:])
    concerns.merge(session, concern_id=second.id, into_id=first.id, actor=people.coordinator)
    assert len(events(session, "ConcernBecameShared")) == 2  # one each, when they were shared; none for merging


def test_merging_is_for_coordinators_within_one_group(session, people, raise_one):
    first, second = raise_one(title="A"), raise_one(title="B")
    elsewhere = raise_one(actor=people.outsider, org_id=people.other_org.id, title="C")
    with pytest.raises(Forbidden):
        concerns.merge(session, concern_id=first.id, into_id=second.id, actor=people.worker)
    with pytest.raises(Invalid):
        concerns.merge(session, concern_id=first.id, into_id=first.id, actor=people.coordinator)
    with pytest.raises(NotFound):
        concerns.merge(session, concern_id=first.id, into_id=elsewhere.id, actor=people.coordinator)
    concerns.close(session, concern_id=second.id, actor=people.coordinator)
    with pytest.raises(Invalid):
        concerns.merge(session, concern_id=first.id, into_id=second.id, actor=people.coordinator)
    assert fresh(session, first).status == "open"


# -- the CSV export --------------------------------------------------------------------------------------------
def test_the_export_has_no_identities_and_hides_counts_below_k(session, people, author, raise_one, clients):
    hidden = raise_one(actor=author, title="=HYPERLINK(\"x\")")
    shown = raise_one(actor=author, title="Shown")
    support_by(session, hidden, clients(1))  # 2: k-1
    support_by(session, shown, clients(2))  # 3: k
    text = concern_board.export_csv(session, org=people.org, actor=people.coordinator)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == concern_board.EXPORT_COLUMNS
    by_id = {int(r["id"]): r for r in rows}
    assert by_id[hidden.id]["supporters"] == "fewer than 3"
    assert by_id[shown.id]["supporters"] == "3"
    assert by_id[hidden.id]["title"].startswith("'=")  # no formula runs in a spreadsheet
    assert not fx.leaks_author(text)


@pytest.mark.parametrize("role", ["client", "worker", "outsider"])
def test_only_coordinators_export(session, people, role):
    expected = NotFound if role == "outsider" else Forbidden
    with pytest.raises(expected):
        concern_board.export_csv(session, org=people.org, actor=getattr(people, role))
