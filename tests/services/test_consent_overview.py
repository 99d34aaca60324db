"""What clients and workers see of consents: giving until a day, no duplicates, and logged reads by workers."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from campaigns import clock
from campaigns.domain.model import ReadAccess
from campaigns.services import consent_overview, consents
from campaigns.services.errors import Invalid


def give(session, people, **kw):
    fields = {"client": people.client, "org_id": people.org.id, "worker_id": people.worker.id,
              "scope": "raise_concerns", **kw}
    return consent_overview.give(session, **fields)


def test_a_consent_with_a_last_day_works_through_that_day_in_the_clients_zone(session, people):
    clock.pin(datetime(2026, 3, 2, 12, tzinfo=UTC))
    consent = give(session, people, expires_on=date(2026, 3, 10))
    # the end of 10 March in London (GMT in March) is midnight UTC on the 11th
    assert consent.expires_at == datetime(2026, 3, 11, tzinfo=UTC)
    assert consents.is_live(consent)
    clock.pin(datetime(2026, 3, 11, 0, 0, 1, tzinfo=UTC))
    assert not consents.is_live(consent)


def test_giving_the_same_live_consent_twice_is_refused(session, people):
    give(session, people)
    with pytest.raises(Invalid) as refused:
        give(session, people)
    assert "scope" in refused.value.errors
    give(session, people, scope="support_concerns")  # another scope is another consent


@pytest.mark.parametrize(("kw", "field"), [
    ({"worker_id": "coordinator"}, "worker_id"),
    ({"expires_on": date(2000, 1, 1)}, "expires_on"),
    ({"scope": "everything"}, "scope"),
])
def test_consents_go_to_a_worker_of_the_group_with_a_known_scope_and_a_future_end(session, people, kw, field):
    if kw.get("worker_id") == "coordinator":
        kw = {"worker_id": people.coordinator.id}
    with pytest.raises(Invalid) as refused:
        give(session, people, **kw)
    assert field in refused.value.errors


def test_only_clients_give_consents(session, people):
    with pytest.raises(Invalid):
        give(session, people, client=people.coordinator)


def test_a_client_sees_their_consents_with_the_workers_name(session, people):
    give(session, people)
    [row] = consent_overview.of_client(session, people.client)
    assert row["worker_display_name"] == "Worker Robin" and row["live"] and row["org_name"] == people.org.name
    assert "client_display_name" not in row


def test_a_workers_view_of_client_consents_is_logged_for_each_client(session, people):
    give(session, people)
    give(session, people, scope="support_concerns")
    rows = consent_overview.given_to(session, people.worker)
    assert [r["client_display_name"] for r in rows] == ["Client Alex"] * 2
    session.commit()  # end any read snapshot…
    session.expire_all()  # …and forget what the session holds (it keeps objects on commit)
    reads = session.exec(select(ReadAccess).where(ReadAccess.subject_user_id == people.client.id)).all()
    assert [(r.viewer_id, r.what) for r in reads] == [(people.worker.id, "consents")]
    assert consent_overview.given_to(session, people.other_client) == []
