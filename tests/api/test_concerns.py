"""The concerns API: nobody but the author learns who raised a concern, counts below k stay hidden, bad input
is a clear 4xx with nothing written, and the similar, export, assessment and consent endpoints."""

from __future__ import annotations

import csv
import io

import pytest

from campaigns.services import concerns, consents
from tests import concern_fixtures as fx

author, clients, raise_one, consent = fx.author, fx.clients, fx.raise_one, fx.consent

CONCERN_KEYS = {"id", "org_id", "title", "description", "categories", "tags", "status", "is_shared", "shared_at",
                "created_at", "merged_into_id", "support_count", "support_count_hidden", "threshold",
                "raised_by_you", "supported_by_you"}


def who(people, author, role):
    return author if role == "author" else people.by_role(role)


@pytest.fixture
def authored(session, people, author, raise_one):
    """A concern raised by the distinctive author and supported by another client (2 supporters: k-1)."""
    concern = raise_one(actor=author, title="Damp flats", categories=["housing"])
    concerns.support(session, concern_id=concern.id, actor=people.other_client)
    return concern


@pytest.mark.parametrize("role", fx.ROLES)
def test_only_the_author_learns_who_raised_a_concern_through_the_api(api, people, author, authored, role):
    caller = api(who(people, author, role))
    one = caller.get(f"/api/v1/concerns/{authored.id}")
    listed = caller.get(f"/api/v1/orgs/{people.org.id}/concerns")
    exported = caller.get(f"/api/v1/orgs/{people.org.id}/concerns/export")
    if role == "anonymous":
        assert {one.status_code, listed.status_code, exported.status_code} == {401}
        return
    if role in ("admin", "outsider"):  # not members: the concern does not exist for them
        assert {one.status_code, listed.status_code, exported.status_code} == {404}
        return
    assert one.status_code == listed.status_code == 200
    body, [item] = one.get_json(), listed.get_json()
    assert set(item) == CONCERN_KEYS and set(body) == CONCERN_KEYS | {"assessments"}
    assert fx.author_keys(body) == set() and fx.author_keys(item) == set()
    assert body["raised_by_you"] is (role == "author") and item["raised_by_you"] is (role == "author")
    for response in (one, listed):
        assert not fx.leaks_author(response.get_data(as_text=True))
    if role == "coordinator":
        assert exported.status_code == 200 and exported.mimetype == "text/csv"
        assert not fx.leaks_author(exported.get_data(as_text=True))
    else:
        assert exported.status_code == 403


@pytest.mark.parametrize("role", ["author", "other_client", "worker", "coordinator"])
@pytest.mark.parametrize("supporters", [2, 3])  # k-1 and k, with k = 3
def test_counts_below_k_are_exact_only_for_the_author(session, api, people, author, raise_one, clients,
                                                       role, supporters):
    concern = raise_one(actor=author)
    for person in clients(supporters - 1):
        concerns.support(session, concern_id=concern.id, actor=person)
    caller = api(who(people, author, role))
    body = caller.get(f"/api/v1/concerns/{concern.id}").get_json()
    [listed] = caller.get(f"/api/v1/orgs/{people.org.id}/concerns").get_json()
    export = caller.get(f"/api/v1/orgs/{people.org.id}/concerns/export").get_data(as_text=True)
    exact = supporters == 3 or role == "author"
    for data in (body, listed):
        assert data["threshold"] == 3
        assert data["support_count"] == (supporters if exact else None)
        assert data["support_count_hidden"] is (not exact)
    if role == "coordinator":
        [row] = list(csv.DictReader(io.StringIO(export)))
        assert row["supporters"] == ("3" if supporters == 3 else "fewer than 3")


def test_raising_through_the_api_and_supporting_twice(api, people):
    caller = api(people.client)
    created = caller.post(f"/api/v1/orgs/{people.org.id}/concerns", json={
        "title": "  No interpreter at the clinic ", "categories": ["health_access", "cultural_language"],
        "tags": ["Clinic", "interpreter"]})
    assert created.status_code == 201
    data = created.get_json()
    assert data["title"] == "No interpreter at the clinic" and data["tags"] == ["clinic", "interpreter"]
    assert data["raised_by_you"] and data["support_count"] == 1
    other = api(people.other_client)
    first = other.post(f"/api/v1/concerns/{data['id']}/support")
    second = other.post(f"/api/v1/concerns/{data['id']}/support", json={})
    assert first.status_code == second.status_code == 200
    assert second.get_json()["supported_by_you"] and second.get_json()["support_count"] is None
    assert caller.get(f"/api/v1/concerns/{data['id']}").get_json()["support_count"] == 2
    withdrawn = other.delete(f"/api/v1/concerns/{data['id']}/support")
    assert withdrawn.status_code == 200 and not withdrawn.get_json()["supported_by_you"]


@pytest.mark.parametrize(("body", "field"), [
    ({"title": "", "categories": ["housing"]}, "title"),
    ({"title": "x" * 141, "categories": ["housing"]}, "title"),
    ({"title": "Rent", "description": "x" * 5001, "categories": ["housing"]}, "description"),
    ({"title": "Rent", "categories": ["weather"]}, "categories"),
    ({"title": "Rent", "categories": []}, "categories"),
    ({"title": "Rent"}, "categories"),
    ({"title": "Rent", "categories": ["housing"], "tags": ["x" * 31]}, "tags"),
    ({"title": "Rent", "categories": ["housing"], "author_id": 1}, "author_id"),
])
def test_bad_input_is_a_422_with_the_field_and_nothing_is_written(session, api, people, body, field):
    before = fx.counts(session)
    response = api(people.client).post(f"/api/v1/orgs/{people.org.id}/concerns", json=body)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert fx.counts(session) == before


def test_supporting_a_closed_concern_is_a_409(session, api, people, raise_one):
    concern = raise_one()
    assert api(people.coordinator).post(f"/api/v1/concerns/{concern.id}/close").status_code == 200
    response = api(people.other_client).post(f"/api/v1/concerns/{concern.id}/support")
    assert response.status_code == 409 and "closed" in response.get_json()["detail"]


def test_another_groups_concern_is_a_404_for_every_use(api, people, raise_one):
    concern = raise_one()
    outsider = api(people.outsider)
    for method, path in (("get", ""), ("post", "/support"), ("delete", "/support"), ("post", "/close"),
                         ("get", "/assessments")):
        assert getattr(outsider, method)(f"/api/v1/concerns/{concern.id}{path}").status_code == 404
    assert outsider.post(f"/api/v1/concerns/{concern.id}/merge", json={"into_id": concern.id}).status_code == 404
    assert outsider.post(f"/api/v1/orgs/{people.org.id}/concerns",
                         json={"title": "x", "categories": ["other"]}).status_code == 404


def test_acting_for_a_client_needs_their_consent(session, api, people, raise_one, consent):
    worker = api(people.worker)
    body = {"title": "Bus route cut", "categories": ["work"], "on_behalf_of": people.client.id}
    before = fx.counts(session)
    refused = worker.post(f"/api/v1/orgs/{people.org.id}/concerns", json=body)
    assert refused.status_code == 403 and "hasn't given you consent" in refused.get_json()["detail"]
    assert fx.counts(session) == before
    consent("raise_concerns")
    created = worker.post(f"/api/v1/orgs/{people.org.id}/concerns", json=body).get_json()
    assert created["you_raised_for"] == "Client Alex" and not created["raised_by_you"]
    mine = api(people.client).get(f"/api/v1/concerns/{created['id']}").get_json()
    assert mine["raised_by_you"] and mine["raised_for_you_by"] == "Worker Robin"
    theirs = api(people.coordinator).get(f"/api/v1/concerns/{created['id']}").get_json()
    assert set(theirs) == CONCERN_KEYS | {"assessments"}
    other = raise_one(actor=people.other_client)
    no_scope = worker.post(f"/api/v1/concerns/{other.id}/support", json={"on_behalf_of": people.client.id})
    assert no_scope.status_code == 403


def test_similar_concerns_and_the_board_filters(session, api, people, raise_one):
    rent = raise_one(title="Rent rises we can't keep up with")
    raise_one(actor=people.worker, title="No interpreter at the clinic", categories=["health_access"],
              description="Appointments go ahead without one.")
    caller = api(people.other_client)
    found = caller.get(f"/api/v1/orgs/{people.org.id}/concerns/similar?q=our+rent+keeps+rising")
    assert found.status_code == 200 and [c["id"] for c in found.get_json()] == [rent.id]
    assert 0 < found.get_json()[0]["score"] <= 1 and "X-Pagination" in found.headers
    assert caller.get(f"/api/v1/orgs/{people.org.id}/concerns/similar").status_code == 422
    filtered = caller.get(f"/api/v1/orgs/{people.org.id}/concerns?category=health_access&sort=support")
    assert [c["title"] for c in filtered.get_json()] == ["No interpreter at the clinic"]
    assert caller.get(f"/api/v1/orgs/{people.org.id}/concerns?status=nonsense").status_code == 422
    paged = caller.get(f"/api/v1/orgs/{people.org.id}/concerns?page_size=1")
    assert len(paged.get_json()) == 1 and "next" in paged.headers["Link"]
    assert api(people.client).get(f"/api/v1/orgs/{people.org.id}/concerns?mine=true").get_json()[0]["id"] == rent.id
    assert caller.get(f"/api/v1/orgs/{people.org.id}/concerns?mine=true").get_json() == []


def test_coordinators_merge_through_the_api(session, api, people, raise_one):
    first, second = raise_one(title="Rent"), raise_one(actor=people.other_client, title="Rents")
    assert api(people.worker).post(f"/api/v1/concerns/{second.id}/merge",
                                   json={"into_id": first.id}).status_code == 403
    merged = api(people.coordinator).post(f"/api/v1/concerns/{second.id}/merge", json={"into_id": first.id})
    assert merged.status_code == 200 and merged.get_json()["id"] == first.id
    assert merged.get_json()["support_count"] is None  # 2 supporters: still below k for the coordinator
    gone = api(people.other_client).get(f"/api/v1/concerns/{second.id}").get_json()
    assert gone["status"] == "merged" and gone["merged_into_id"] == first.id and gone["raised_by_you"]


def test_assessments_through_the_api_name_no_client(session, api, people, raise_one, clients):
    concern = raise_one()
    for person in clients(2):
        concerns.support(session, concern_id=concern.id, actor=person)
    worker = api(people.worker)
    path = f"/api/v1/orgs/{people.org.id}/assessments"
    refused = worker.post(path, json={"concern_ids": [concern.id], "affected": "Client Alex and family"})
    assert refused.status_code == 422 and set(refused.get_json()["errors"]) == {"affected"}
    created = worker.post(path, json={"concern_ids": [concern.id], "affected": "Families renting privately",
                                      "targets": "Housing committee"})
    assert created.status_code == 201 and created.get_json()["concern_ids"] == [concern.id]
    assert api(people.client).post(path, json={"concern_ids": [concern.id], "notes": "x"}).status_code == 403
    shown = api(people.client).get(f"/api/v1/concerns/{concern.id}").get_json()["assessments"]
    assert [a["targets"] for a in shown] == ["Housing committee"]
    assert fx.author_keys(shown) == set()
    one = api(people.other_client).get(f"/api/v1/assessments/{created.get_json()['id']}")
    assert one.status_code == 200 and api(people.outsider).get(
        f"/api/v1/assessments/{created.get_json()['id']}").status_code == 404
    assert len(worker.get(f"/api/v1/concerns/{concern.id}/assessments").get_json()) == 1
    assert len(worker.get(path).get_json()) == 1


def test_clients_give_list_and_revoke_consents_and_workers_see_them(session, api, people):
    client = api(people.client)
    given = client.post("/api/v1/me/consents", json={"org_id": people.org.id, "worker_id": people.worker.id,
                                                     "scope": "support_concerns", "expires_on": None})
    assert given.status_code == 201
    data = given.get_json()
    assert data["worker_display_name"] == "Worker Robin" and data["live"] and data["expires_at"] is None
    assert [c["id"] for c in client.get("/api/v1/me/consents").get_json()] == [data["id"]]
    seen = api(people.worker).get("/api/v1/me/client-consents").get_json()
    assert [c["client_display_name"] for c in seen] == ["Client Alex"]
    assert api(people.other_client).delete(f"/api/v1/me/consents/{data['id']}").status_code == 404
    assert client.delete(f"/api/v1/me/consents/{data['id']}").status_code == 204
    assert not client.get("/api/v1/me/consents").get_json()[0]["live"]
    assert consents.live(session, worker=people.worker, client_id=people.client.id, scope="support_concerns",
                         org_id=people.org.id) is None


@pytest.mark.parametrize(("body", "field"), [
    ({"worker_id": "coordinator", "scope": "raise_concerns"}, "worker_id"),
    ({"scope": "everything"}, "scope"),
    ({"scope": "raise_concerns", "expires_on": "2001-01-01"}, "expires_on"),
    ({"scope": "raise_concerns", "expires_on": "soon"}, "expires_on"),
])
def test_bad_consents_are_refused_per_field(api, people, body, field):
    if body.get("worker_id") == "coordinator":
        body = {**body, "worker_id": people.coordinator.id}
    response = api(people.client).post("/api/v1/me/consents", json={
        "org_id": people.org.id, "worker_id": people.worker.id, **body})
    assert response.status_code == 422 and field in response.get_json()["errors"]
