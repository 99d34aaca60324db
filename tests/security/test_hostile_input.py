"""Hostile input never breaks the app (issue 18): NUL and other control characters in text, integers too big for
any column or for Python's JSON parser, page numbers past any offset, repeated and overlong query parameters.
Each is a clear 4xx (problem+json in the API, a message beside the field on a page), never a 500, on both
databases; the error log never echoes submitted text as SQL parameters."""

from __future__ import annotations

import json
import logging

import pytest

from campaigns.fuzz import hostile
from tests.factories import csrf_token
from tests.security import matrix

PROBLEM = "application/problem+json"
HUGE = "9" * 20  # past a bigint
DIGITS_5000 = "1" * 5000  # past Python's int-from-text digit limit (4300)


def _problem(response, status: int | tuple[int, ...]):
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, response.get_data(as_text=True)[:400]
    assert response.mimetype == PROBLEM
    return response.get_json()


@pytest.mark.parametrize("text", ["nul\x00", "bell\x07", "esc\x1b[31m", "del\x7f", "tab\tin a name", "lone\ud800"])
def test_control_characters_in_a_display_name_are_a_422_naming_the_field(api, people, text):
    body = _problem(api(people.client).patch("/api/v1/me", json={"display_name": text}), 422)
    assert set(body["errors"]) == {"display_name"}


def test_a_nul_in_a_concern_title_is_a_422_naming_the_field(api, people):
    response = api(people.client).post(f"/api/v1/orgs/{people.org.id}/concerns", json={
        "title": "Damp\x00flats", "description": "line one\nline two\ttabbed", "categories": ["housing"]})
    assert set(_problem(response, 422)["errors"]) == {"title"}


def test_newlines_and_tabs_are_fine_in_long_text(api, people):
    response = api(people.client).post(f"/api/v1/orgs/{people.org.id}/concerns", json={
        "title": "Damp flats", "description": "line one\r\nline two\ttabbed", "categories": ["housing"]})
    assert response.status_code == 201


def test_a_nul_in_the_account_form_is_a_422_beside_the_field(client, people, login):
    login(people.client)
    response = client.post("/account", data={"display_name": "nul\x00", "timezone": "Europe/London",
                                             "csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 422
    assert 'id="display_name-error"' in response.get_data(as_text=True)


def test_a_nul_in_the_concern_form_is_a_422_beside_the_field(client, people, login):
    login(people.client)
    path = f"/o/{people.org.slug}/concerns/new"
    for submit in ("check", "raise"):
        response = client.post(path, data={"title": "Damp\x00", "description": "", "categories": "housing",
                                           "submit": submit, "csrf_token": csrf_token(client, path)})
        assert response.status_code == 422
        assert 'id="title-error"' in response.get_data(as_text=True)


def test_a_nul_in_a_login_email_is_a_422(client, people):
    response = client.post("/login", data={"email": "a\x00@example.org", "password": "whatever at all",
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 422


def test_a_nul_in_a_query_parameter_is_a_422_naming_it(api, people):
    body = _problem(api(people.client).get(f"/api/v1/orgs/{people.org.id}/concerns/similar?q=damp%00"), 422)
    assert set(body["errors"]) == {"q"}


def test_a_nul_in_a_page_query_or_path_is_a_4xx(client, people, login):
    login(people.coordinator)
    assert client.get(f"/o/{people.org.slug}%00/").status_code == 404
    assert client.get(f"/o/{people.org.slug}/members?find=x%00").status_code == 400


def test_a_5000_digit_integer_in_a_json_body_is_a_problem(api, people):
    response = api(people.client).post("/api/v1/me/tokens", data=f'{{"name": "t", "expires_days": {DIGITS_5000}}}',
                                       headers={"Content-Type": "application/json"})
    assert _problem(response, (400, 422))


def test_a_huge_integer_in_a_json_body_is_a_422(api, people):
    response = api(people.client).post("/api/v1/me/tokens", data=f'{{"name": "t", "expires_days": {HUGE}}}',
                                       headers={"Content-Type": "application/json"})
    assert set(_problem(response, 422)["errors"]) == {"expires_days"}


def test_a_huge_page_number_on_a_page_is_not_a_500(client, people, login):
    login(people.coordinator)
    for path in (f"/o/{people.org.slug}/members", "/inbox", f"/o/{people.org.slug}/concerns"):
        response = client.get(f"{path}?page={HUGE}")
        assert response.status_code in (200, 400, 404), path


def test_a_huge_page_number_in_the_api_is_not_a_500(api, people):
    response = api(people.client).get(f"/api/v1/me/reads?page={HUGE}")
    assert response.status_code < 500


def test_repeated_page_parameters_are_answered_as_a_problem(api, people):
    response = api(people.client).get("/api/v1/me/reads?" + "&".join(["page=1"] * 500))
    assert response.status_code < 500 and (response.status_code < 400 or response.mimetype == PROBLEM)


def test_a_very_long_q_on_similar_concerns_is_a_problem(api, people):
    response = api(people.client).get(f"/api/v1/orgs/{people.org.id}/concerns/similar?q={'damp ' * 4000}")
    assert _problem(response, (400, 414, 422))


def test_database_errors_never_carry_the_submitted_text(app):
    """What reaches the error log from a failed statement names no parameter (hide_parameters on the engine)."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    secret = "my private words 12345"
    with app.extensions["campaigns.engine"].connect() as connection, pytest.raises(DBAPIError) as failed:
        connection.execute(text("SELECT * FROM no_such_table WHERE x = :x"), {"x": secret})
    assert secret not in str(failed.value)


def test_the_error_log_does_not_echo_submitted_text(api, people, caplog):
    secret = "my private words 12345"
    with caplog.at_level(logging.DEBUG):
        api(people.client).patch("/api/v1/me", json={"display_name": secret + "\x00"})
    assert secret not in caplog.text


def test_gunicorn_answers_every_malformed_query_string_as_a_problem(database_url):
    """Through gunicorn in production mode (gunicorn.conf.py): many repeated parameters and a very long `q`
    reach the app, and what gunicorn itself refuses (a request line past its ceiling) is problem+json too."""
    from tests.bench import servers

    with servers.gunicorn("wsgi:app", env=servers.app_env(database_url), workers=1) as server:
        for path in ("/api/v1/me/reads?" + "&".join(["page=1"] * 1000),
                     "/api/v1/orgs/1/concerns/similar?q=" + "damp+" * 1500,
                     "/api/v1/orgs/1/concerns/similar?q=" + "damp+" * 4000):
            status, headers, body = servers.request(server.port, "GET", path)
            assert 400 <= status < 500, (len(path), status, body[:200])
            assert dict(headers)["Content-Type"] == PROBLEM, (len(path), status, body[:200])
            assert json.loads(body)["status"] == status


# -- every route: the matrix's routes, with hostile input instead of the usual ----------------------------------
HOSTILE_QUERIES = {
    "a huge page": f"page={HUGE}&page_size={HUGE}",
    "repeated parameters": "&".join(["page=2"] * 300),
    "control characters": "q=damp%00&find=x%00&stage=%00&status=%1b&page=%00&next=%00",
    "huge ids": f"action={HUGE}&concern={HUGE}&goal_id={HUGE}&task_id={HUGE}&action_id={HUGE}&exclude={HUGE}",
}


def _every_get(app, spec, built):
    from tests.security.matrix_api import API
    from tests.security.matrix_web import WEB
    from tests.security.test_matrix import api_keys, web_keys

    for key, rule in web_keys(app).items():
        if key.startswith("GET "):
            yield False, matrix.fill(rule, built, matrix.as_row(WEB[key]).params)
    for key in api_keys(spec):
        if key.startswith("GET "):
            yield True, matrix.fill(key.split(" ", 1)[1], built, matrix.as_row(API[key]).params)


def test_every_read_survives_hostile_query_strings(app, new_world, spec):
    built, callers = new_world()
    failures = []
    for is_api, url in _every_get(app, spec, built):
        for name, query in HOSTILE_QUERIES.items():
            response = callers.pages["coordinator"].get(f"{url}?{query}", headers=callers.headers("coordinator"))
            if response.status_code >= 500 or (is_api and response.status_code >= 400
                                               and response.mimetype != PROBLEM):
                failures.append(f"GET {url} with {name}: {response.status_code} {response.mimetype}")
            response.close()
    assert not failures, "\n".join(failures)


def test_every_api_write_survives_nul_and_huge_numbers(app, new_world, spec):
    from tests.security.matrix_api import API
    from tests.security.test_matrix import api_keys

    built, callers = new_world()
    failures = []
    for key, operation in sorted(api_keys(spec).items()):
        method, path = key.split(" ", 1)
        body = matrix.body_for(operation, spec, built)
        if method not in {"POST", "PUT", "PATCH"} or body is None:
            continue
        url = matrix.fill(path, built, matrix.as_row(API[key]).params)
        raw = json.dumps(hostile(body) if body else {"name": "x"})[:-1] + f', "digits": {DIGITS_5000}}}'
        for what, sent in (("NUL and huge integers", {"json": hostile(body)}),
                           ("a 5,000-digit integer", {"data": raw, "content_type": "application/json"})):
            response = callers.pages["anonymous"].open(url, method=method, headers=callers.headers("coordinator"),
                                                       **sent)
            if response.status_code >= 500 or (response.status_code >= 400 and response.mimetype != PROBLEM):
                failures.append(f"{key} with {what}: {response.status_code} {response.get_data(as_text=True)[:200]}")
    assert not failures, "\n".join(failures)


def _form_names() -> dict[str, object]:
    """Every field any input schema declares (pages post them), with a hostile value for its kind."""
    import marshmallow as ma

    from campaigns.schemas.fields import StrictSchema

    names: dict[str, object] = {"back_to_page": HUGE, "concern_ids": HUGE, "next": "/\x00", "submit": "check"}
    stack = list(StrictSchema.__subclasses__())
    while stack:
        schema = stack.pop()
        stack += schema.__subclasses__()
        for name, declared in schema._declared_fields.items():
            names.setdefault(name, HUGE if isinstance(declared, ma.fields.Number) else "nul\x00")
    return names


def test_every_page_form_survives_nul_and_huge_numbers(app, new_world, spec):
    from tests.security.matrix_web import WEB
    from tests.security.test_matrix import web_keys

    failures, form = [], _form_names()
    for key, rule in sorted(web_keys(app).items()):
        if not key.startswith("POST ") or key == "POST accounts.logout":
            continue
        built, callers = new_world()
        url = matrix.fill(rule, built, matrix.as_row(WEB[key]).params)
        response = callers.pages["coordinator"].post(url, data=form)
        if response.status_code >= 500:
            failures.append(f"{key}: {response.status_code}")
    assert not failures, "\n".join(failures)
