"""API conventions: problem+json for every error, bearer tokens, pagination, a valid OpenAPI document."""

import pytest


def test_the_openapi_document_is_valid_openapi_3(client):
    from openapi_spec_validator import validate

    spec = client.get("/api/openapi.json").get_json()
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert all(path.startswith("/api/v1/") for path in spec["paths"])


def test_the_docs_page_loads_nothing_from_a_cdn(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()
    assert "/static/vendor/swagger-ui/" in page


def test_anonymous_calls_get_a_401_problem(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_session_cookies_do_not_authenticate_the_api(client, people, login):
    login(people.client)
    assert client.get("/api/v1/me").status_code == 401


def test_me_answers_for_the_token_owner(api, people):
    body = api(people.client).get("/api/v1/me").get_json()
    assert body["email"] == people.client.email
    assert [m["role"] for m in body["memberships"]] == ["client"]


@pytest.mark.parametrize(("body", "content_type", "status"), [
    ("{not json", "application/json", 400),
    ('{"name": 5}', "application/json", 422),
    ('{"name": "x", "colour": "blue"}', "application/json", 422),
    ("{}", "application/json", 422),
    ('{"name": "' + "x" * 81 + '"}', "application/json", 422),
    ("name=x", "application/x-www-form-urlencoded", 415),
])
def test_bad_input_gets_a_problem_and_writes_nothing(api, people, body, content_type, status):
    caller = api(people.client)
    response = caller.post("/api/v1/me/tokens", data=body, headers={"Content-Type": content_type})
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == status
    assert len(caller.get("/api/v1/me/tokens").get_json()) == 1  # only the caller's own test token


def test_validation_problems_name_each_field(api, people):
    body = api(people.client).post("/api/v1/me/tokens", json={"name": "", "extra": 1}).get_json()
    assert set(body["errors"]) == {"name", "extra"}


def test_an_oversized_body_is_refused(api, people):
    response = api(people.client).post("/api/v1/me/tokens", json={"name": "x" * 300_000})
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_tokens_are_shown_once_and_revocable(api, people, client):
    caller = api(people.client)
    created = caller.post("/api/v1/me/tokens", json={"name": "sync"})
    assert created.status_code == 201
    secret = created.get_json()["token"]
    listed = caller.get("/api/v1/me/tokens").get_json()
    assert all("token" not in t for t in listed)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert caller.delete(f"/api/v1/me/tokens/{created.get_json()['id']}").status_code == 204
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_a_forged_token_is_refused(client):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer cmp_forged"})
    assert response.status_code == 401


def test_another_organisation_answers_404(api, people):
    outsider = api(people.outsider)
    assert outsider.get(f"/api/v1/orgs/{people.org.id}").status_code == 404
    assert outsider.get(f"/api/v1/orgs/{people.org.id}/members").status_code == 404
    assert api(people.client).get(f"/api/v1/orgs/{people.org.id}/members").status_code == 403


def test_lists_are_paginated_with_headers(api, people):
    response = api(people.coordinator).get(f"/api/v1/orgs/{people.org.id}/members?page=1&page_size=2")
    assert response.status_code == 200
    assert len(response.get_json()) == 2
    assert '"total": 4' in response.headers["X-Pagination"]
    assert 'rel="next"' in response.headers["Link"]


def test_unknown_paths_and_methods_are_problems(api, people):
    assert api(people.client).get("/api/v1/nothing-here").mimetype == "application/problem+json"
    response = api(people.client).put("/api/v1/me", json={})
    assert response.status_code == 405 and response.mimetype == "application/problem+json"


def test_health_checks_the_database(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}
