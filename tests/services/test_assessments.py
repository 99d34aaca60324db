"""Assessments of shared concerns: recorded by workers and coordinators, never naming a client."""

from __future__ import annotations

import pytest

from campaigns.services import assessments, concerns
from campaigns.services.errors import Forbidden, Invalid, NotFound
from tests import concern_fixtures as fx

author, clients, raise_one = fx.author, fx.clients, fx.raise_one

TEXTS = {"affected": "Private tenants on the estate.", "root_causes": "Uncapped rent rises.",
         "stakeholders": "Landlords, the housing association.", "targets": "The council's housing committee.",
         "notes": "Bring stories, not names."}


@pytest.fixture
def shared(session, people, raise_one, clients):
    concern = raise_one()
    for person in clients(2):
        concerns.support(session, concern_id=concern.id, actor=person)
    return concern


def test_workers_and_coordinators_assess_shared_concerns(session, people, shared):
    for actor in (people.worker, people.coordinator):
        assessment = assessments.record(session, org_id=people.org.id, actor=actor, concern_ids=[shared.id],
                                        **TEXTS)
        assert assessment.targets == TEXTS["targets"]
    listed = assessments.for_concern(session, shared.id)
    assert len(listed) == 2
    recorded = fx.events(session, "ConcernAssessed")
    assert [e.payload for e in recorded] == [{"concern_ids": [shared.id]}] * 2
    assert recorded[0].actor_id == people.worker.id


@pytest.mark.parametrize("role", ["client", "other_client"])
def test_clients_do_not_write_assessments(session, people, shared, role):
    with pytest.raises(Forbidden):
        assessments.record(session, org_id=people.org.id, actor=getattr(people, role), concern_ids=[shared.id],
                           **TEXTS)


@pytest.mark.parametrize("mention", [
    "Zed Secret-Author says the landlord ignores repairs.",   # display name
    "zebedee author is affected",                            # real name, any case
    "Contact zed.secret.author@example.org for details.",    # email
    "Client Jo told us about it.",                           # another client's display name
])
def test_an_assessment_naming_a_client_is_refused_with_a_field_error(session, people, author, shared, mention):
    before = fx.counts(session)
    with pytest.raises(Invalid) as refused:
        assessments.record(session, org_id=people.org.id, actor=people.worker, concern_ids=[shared.id],
                           **{**TEXTS, "root_causes": mention})
    assert set(refused.value.errors) == {"root_causes"}
    assert "don't name anyone" in refused.value.errors["root_causes"][0]
    assert fx.counts(session) == before


def test_naming_a_worker_or_a_decision_maker_is_fine(session, people, shared):
    assessment = assessments.record(session, org_id=people.org.id, actor=people.coordinator,
                                    concern_ids=[shared.id], targets="Councillor Smith", notes="Worker Robin helps.")
    assert assessment.notes == "Worker Robin helps."


def test_only_shared_concerns_of_the_group_are_assessed(session, people, raise_one, shared):
    still_open = raise_one(title="Below k")
    elsewhere = raise_one(actor=people.outsider, org_id=people.other_org.id)
    before = fx.counts(session)
    with pytest.raises(Invalid) as refused:
        assessments.record(session, org_id=people.org.id, actor=people.worker,
                           concern_ids=[shared.id, still_open.id], **TEXTS)
    assert "concern_ids" in refused.value.errors
    with pytest.raises(NotFound):
        assessments.record(session, org_id=people.org.id, actor=people.worker, concern_ids=[elsewhere.id], **TEXTS)
    with pytest.raises(Invalid):
        assessments.record(session, org_id=people.org.id, actor=people.worker, concern_ids=[], **TEXTS)
    assert fx.counts(session) == before


@pytest.mark.parametrize(("texts", "field"), [
    ({}, "affected"),
    ({"affected": "   "}, "affected"),
    ({"notes": "x" * 5001}, "notes"),
])
def test_empty_or_oversized_assessments_are_refused(session, people, shared, texts, field):
    with pytest.raises(Invalid) as refused:
        assessments.record(session, org_id=people.org.id, actor=people.worker, concern_ids=[shared.id], **texts)
    assert field in refused.value.errors
