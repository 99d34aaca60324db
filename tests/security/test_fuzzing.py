"""schemathesis over the whole OpenAPI document, in-process, with every check (a bounded run here; the long one
is `flask --app wsgi fuzz --examples 2000`)."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import abort

from campaigns import fuzz
from campaigns.api.blueprint import BEARER, Blueprint, caller
from campaigns.db import get_session
from campaigns.domain.model import Organisation
from campaigns.extensions import api as api_extension
from campaigns.services import tokens

PEERS = ("coordinator", "outsider")


def _tokens(session, world) -> dict[str, str]:
    return {name: tokens.create(session, world.actor(name), name="fuzz")[1] for name in PEERS}


def test_the_api_survives_fuzzing_with_every_check(app, session, world):
    report = fuzz.run(app, tokens=_tokens(session, world), user="coordinator", peers=PEERS, max_examples=5,
                      coverage=False)
    print(report.describe(verbose=True))
    assert report.examples >= 300
    assert {"not_a_server_error", "response_schema_conformance", "status_code_conformance",
            "content_type_conformance", "ignored_auth", "object_level_authorization",
            "negative_data_rejection", "positive_data_acceptance"} <= set(report.checks)
    assert report.ok, report.describe(verbose=True)


class _OrgOut(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()


def test_fuzzing_would_catch_an_endpoint_that_shows_another_organisation(app, session, world):
    """The object-level authorization check is real: a planted leak is found."""
    leak = Blueprint("api_planted_leak", __name__, description="A deliberately leaky endpoint.")

    @leak.route("/planted-leak/<int:org_id>")
    class Leaky(MethodView):
        @leak.doc(security=BEARER)
        @leak.response(200, _OrgOut)
        def get(self, org_id: int):
            """Any organisation, to anyone with a token (the bug this test plants)."""
            caller()
            return get_session().get(Organisation, org_id) or abort(404)

    api_extension.register_blueprint(leak)
    report = fuzz.run(app, tokens=_tokens(session, world), user="coordinator", peers=PEERS, max_examples=10,
                      coverage=False, path_regex=r"planted-leak|/api/v1/orgs$")
    assert any(key.startswith("object_level_authorization on GET /api/v1/planted-leak") for key in report.failures)
