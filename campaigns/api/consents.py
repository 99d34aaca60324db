"""Consents: a client lets a worker act for them (raise or support concerns, sign up for tasks), and revokes it."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest.pagination import Page

from campaigns.api.blueprint import BEARER, Blueprint, caller
from campaigns.db import get_session
from campaigns.schemas.consents import ConsentIn, ConsentOut
from campaigns.services import consent_overview, consents

blp = Blueprint("api_consents", __name__,
                description="Consents: what a client lets a worker of their group do for them.")






@blp.route("/me/consents")
class MyConsents(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ConsentOut(many=True))
    @blp.paginate(Page)
    def get(self):
        """The consents you have given, newest first."""
        return consent_overview.of_client(get_session(), caller())

    @blp.doc(security=BEARER)
    @blp.arguments(ConsentIn)
    @blp.response(201, ConsentOut)
    def post(self, data):
        """Let a worker of your group act for you in one scope, until a day you choose or until you revoke it."""
        consent = consent_overview.give(get_session(), client=caller(), **data)
        return consent_overview.describe(get_session(), consent)


@blp.route("/me/consents/<int:consent_id>")
class MyConsent(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(204)
    def delete(self, consent_id: int):
        """Revoke a consent; it stops working at once."""
        consents.revoke(get_session(), client=caller(), consent_id=consent_id)


@blp.route("/me/client-consents")
class ClientConsents(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ConsentOut(many=True))
    @blp.paginate(Page)
    def get(self):
        """Consents clients have given you (workers), newest first. Each viewing is logged for those clients."""
        return consent_overview.given_to(get_session(), caller())
