"""The machinery of the authorization matrix: who asks (a client per actor), what is sent (a URL filled from the
world, a schema-valid JSON body for API writes, an empty form for page posts), and what must never come back.

The expectations themselves are data, in matrix_web.py and matrix_api.py.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import Flask

from campaigns import clock
from tests.factories import PASSWORD
from tests.security.world import ACTORS, GUEST_NAME, GUEST_NEEDS, PERSONAL_GOAL, REFLECTION, World

#: what a status code in a row means, for readers: L = 302 to the login page
LOGIN = 302


@dataclass(frozen=True)
class Row:
    """Expected statuses, one per actor in ACTORS order; `hides` names what must not show (see `_hidden`)."""

    statuses: tuple[int, ...]
    hides: tuple[str, ...] = ()
    #: URL parameter -> key of World.params to use instead of the parameter's own name
    params: dict[str, str] = field(default_factory=dict)


def row(statuses: str, *, hides: tuple[str, ...] = (), params: dict[str, str] | None = None) -> Row:
    codes = tuple(int(code) for code in statuses.split())
    assert len(codes) == len(ACTORS), f"{statuses!r}: one status per actor ({', '.join(ACTORS)})"
    return Row(codes, hides, params or {})


def as_row(value: str | Row) -> Row:
    return value if isinstance(value, Row) else row(value)


# -- who asks --------------------------------------------------------------------------------------------------
class Callers:
    """A page client (logged in through a server-side session) and a bearer header for each actor."""

    def __init__(self, app: Flask, world: World):
        self.app, self.world = app, world
        self.pages: dict[str, Any] = {}
        for name in ACTORS:
            client = app.test_client()
            if name != "anonymous":
                with client.session_transaction() as cookie:
                    cookie["_user_id"] = world.sessions[name]
                    cookie["_fresh"] = True
            self.pages[name] = client

    def headers(self, actor: str) -> dict[str, str]:
        return {} if actor == "anonymous" else {"Authorization": f"Bearer {self.world.api_tokens[actor]}"}


# -- what is sent ----------------------------------------------------------------------------------------------
def fill(path: str, world: World, overrides: dict[str, str]) -> str:
    """A URL template (`/x/<int:id>` or `/x/{id}`) with the world's values in it."""
    def value(match: re.Match) -> str:
        name = match.group(1).split(":")[-1]
        return str(world.params[overrides.get(name, name)])

    return re.sub(r"[<{]([^>}]+)[>}]", value, path)


def _resolve(schema: dict, spec: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if "allOf" in schema:
        merged: dict = {}
        for part in schema["allOf"]:
            merged.update(_resolve(part, spec))
        return merged
    return schema


def _named(name: str, world: World) -> Any:
    p = world.params
    known = {"concern_ids": [p["concern_id"]], "email": "someone.new@example.org", "password": PASSWORD,
             "timezone": "Europe/London", "url": "https://hooks.example.org/new", "phase": "before",
             "scope": "sign_up", "code": "NOPE-NOPE", "token": "forged-token", "into_id": p["other_concern_id"]}
    return known.get(name, p.get(name))


def example(schema: dict, spec: dict, world: World, name: str = "") -> Any:
    """A small value valid for `schema`, using the world's ids for fields named like them."""
    schema = _resolve(schema, spec)
    if (named := _named(name, world)) is not None:
        return named
    if "enum" in schema:
        return "Europe/London" if "Europe/London" in schema["enum"] else schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        required = set(schema.get("required", []))
        return {key: example(sub, spec, world, key) for key, sub in schema.get("properties", {}).items()
                if key in required}
    if kind == "array":
        return [example(schema.get("items", {}), spec, world, name)] * schema.get("minItems", 0)
    if kind in {"integer", "number"}:
        return max(schema.get("minimum", 1), 1)
    if kind == "boolean":
        return False
    if schema.get("pattern", "").endswith("(:[0-5][0-9])?$") and "T" in schema["pattern"]:  # WallClock
        moment = clock.now() + timedelta(days=10, hours=2 if name == "ends_at" else 0)
        return moment.strftime("%Y-%m-%dT%H:%M")
    formats = {"date": (date.today() + timedelta(days=30)).isoformat(),
               "date-time": (clock.now() + timedelta(days=10)).replace(microsecond=0).isoformat(),
               "time": "09:00:00", "email": "someone.new@example.org", "url": "https://example.org/x",
               "uri": "https://example.org/x"}
    return formats.get(schema.get("format"), "x" * max(1, schema.get("minLength", 1)))


def query_for(operation: dict, spec: dict, world: World) -> dict[str, Any]:
    """Values for the operation's required query parameters."""
    return {p["name"]: example(p.get("schema", {}), spec, world, p["name"]) for p in operation.get("parameters", [])
            if p.get("in") == "query" and p.get("required")}


def body_for(operation: dict, spec: dict, world: World) -> Any:
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    return example(content["application/json"].get("schema", {}), spec, world)


# -- what must never come back ---------------------------------------------------------------------------------
def _visible_to(world: World) -> dict[str, set[str]]:
    """Text -> the actors allowed to see it; everyone else must never receive it."""
    shown = {person.email: {name} for name, person in world.users.items()}
    shown[world.objects["invitation"].email] = {"coordinator"}
    shown[PERSONAL_GOAL] = {"client", "worker"}  # shared with the worker the client gave consent to
    shown[REFLECTION] = {"client"}
    # a guest: who they are and what they told the organisers, for coordinators only
    shown[world.objects["guest_user"].email] = shown[GUEST_NAME] = shown[GUEST_NEEDS] = {"coordinator"}
    return shown


def _hidden(marker: str, world: World) -> list[tuple[str, set[str]]]:
    """(text, actors who may see it) for a marker a row names in `hides`."""
    p = world.people
    return {
        # a concern's author is shown to nobody but the author (the world's two concerns: client, other_client)
        "author": [(p.client.display_name, {"client"}), (p.other_client.display_name, {"other_client"})],
        # public pages name nobody, whoever looks
        "names": [(p.client.display_name, set()), (p.other_client.display_name, set()),
                  (p.coordinator.display_name, set()), (GUEST_NAME, set())],
    }[marker]


def _json_leaks(data: Any, actor: str) -> list[str]:
    found = []
    if isinstance(data, dict):
        if data.get("author_id") is not None and actor != "client":
            found.append("author_id")
        if data.get("attendance") is not None and actor not in {"client", "coordinator"}:
            found.append("attendance of someone else")
        for value in data.values():
            found += _json_leaks(value, actor)
    elif isinstance(data, list):
        for value in data:
            found += _json_leaks(value, actor)
    return found


def leaks(response, actor: str, world: World, spec_row: Row) -> list[str]:
    """Confidential things in a successful answer that this actor must not receive."""
    if response.status_code >= 300:
        return []
    text = response.get_data(as_text=True)
    found = [f"{secret[:40]!r}" for secret, allowed in _visible_to(world).items()
             if actor not in allowed and secret in text]
    for marker in spec_row.hides:
        found += [f"{marker} ({secret})" for secret, allowed in _hidden(marker, world)
                  if actor not in allowed and secret in text]
    if response.mimetype and response.mimetype.endswith("json") and not response.request.path.endswith("openapi.json"):
        found += _json_leaks(json.loads(text or "null"), actor)
    return found
