"""The authorization matrix: every page route and every API operation, for every actor, asserts the status and
that nothing confidential comes back (IDOR, ASVS 4.2.1). Another organisation's objects answer 404, not 403.

Adding a route or an operation without a row fails `test_every_route_and_operation_has_a_row`, which names it.
`MATRIX_RECORD=1 pytest tests/security/test_matrix.py -k sqlite -s` prints every row as the app answers now: review
each cell (who should be refused?) before pasting it into matrix_web.py or matrix_api.py.
Reads share one world; every state-changing row gets a fresh one, so rows never depend on each other's order.
"""

from __future__ import annotations

import os

from tests.security import matrix
from tests.security.matrix_api import API
from tests.security.matrix_web import WEB
from tests.security.world import ACTORS

RECORD = bool(os.environ.get("MATRIX_RECORD"))
SAFE = {"GET", "HEAD"}


def web_keys(app) -> dict[str, str]:
    """'METHOD endpoint' -> URL rule, for every route that is not an API operation."""
    keys = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            keys[f"{method} {rule.endpoint}"] = rule.rule
    return keys


def api_keys(spec: dict) -> dict[str, dict]:
    """'METHOD /api/v1/path/{param}' -> the operation, for every operation in the OpenAPI document."""
    return {f"{method.upper()} {path}": operation for path, operations in spec["paths"].items()
            for method, operation in operations.items() if method != "parameters"}


def _call(key: str, actor: str, target, callers, built, spec, expected: matrix.Row):
    method = key.split(" ", 1)[0]
    if isinstance(target, str):  # a page route
        url = matrix.fill(target, built, expected.params)
        data = {} if method not in SAFE else None
        return callers.pages[actor].open(url, method=method, data=data)
    url = matrix.fill(key.split(" ", 1)[1], built, expected.params)
    body = matrix.body_for(target, spec, built)
    client = callers.pages["anonymous"]
    return client.open(url, method=method, json=body, headers=callers.headers(actor),
                       query_string=matrix.query_for(target, spec, built))


def _run(rows: dict, targets: dict, new_world, spec) -> list[str]:
    problems, observed = [], {}
    shared = new_world()
    for key, expected in sorted(rows.items()):
        expected = matrix.as_row(expected)
        built, callers = shared if key.split(" ", 1)[0] in SAFE else new_world()
        statuses = []
        for actor, want in zip(ACTORS, expected.statuses, strict=True):
            response = _call(key, actor, targets[key], callers, built, spec, expected)
            statuses.append(response.status_code)
            if response.status_code != want and not RECORD:
                problems.append(f"{key} as {actor}: expected {want}, got {response.status_code}")
            problems += [f"{key} as {actor} leaked {what}" for what in matrix.leaks(response, actor, built, expected)]
            response.close()  # static files stream from an open file until closed
        observed[key] = " ".join(str(s) for s in statuses)
    if RECORD:
        print("\n".join(f'    "{k}": "{v}",' for k, v in sorted(observed.items())))
    return problems


def _unrecorded(keys: dict) -> dict:
    return {key: "0 0 0 0 0 0 0 0" for key in keys} if RECORD else {}


def test_every_route_and_operation_has_a_row(app, spec):
    missing = sorted(set(web_keys(app)) - set(WEB)) + sorted(set(api_keys(spec)) - set(API))
    stale = sorted(set(WEB) - set(web_keys(app))) + sorted(set(API) - set(api_keys(spec)))
    assert not missing, "add these to matrix_web.py / matrix_api.py (run with MATRIX_RECORD=1 to observe):\n" + \
        "\n".join(missing)
    assert not stale, "these rows name routes that no longer exist:\n" + "\n".join(stale)


def test_every_api_route_is_a_documented_operation(app, spec):
    documented = {(path, method) for key in api_keys(spec) for method, path in [key.split(" ", 1)]}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = matrix.fill(rule.rule, _Names(), {})
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (path, method) in documented, f"{method} {rule.rule} is not in the OpenAPI document"


class _Names:
    """Fills `<int:x>` back as `{x}`, to compare routes with the OpenAPI paths."""

    class _Params(dict):
        def __missing__(self, name):
            return "{" + name + "}"

    params = _Params()


def test_pages_answer_each_actor_as_the_matrix_says(app, new_world, spec):
    rows = {**_unrecorded(web_keys(app)), **WEB}
    problems = _run({k: v for k, v in rows.items() if k in web_keys(app)}, web_keys(app), new_world, spec)
    assert problems == [], "\n".join(problems)


def test_api_operations_answer_each_actor_as_the_matrix_says(app, new_world, spec):
    rows = {**_unrecorded(api_keys(spec)), **API}
    problems = _run({k: v for k, v in rows.items() if k in api_keys(spec)}, api_keys(spec), new_world, spec)
    assert problems == [], "\n".join(problems)
