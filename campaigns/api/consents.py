"""Consents: a client lets a worker act for them (raise or support concerns, sign up for tasks), and revokes it."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest.pagination import Page

from campaigns.api.common import BEARER, Blueprint, Id, StrictSchema, caller
from campaigns.db import get_session
from campaigns.services import consent_overview, consents

blp = Blueprint("api_consents", __name__,
                description="Consents: what a client lets a worker of their group do for them.")


class ConsentIn(StrictSchema):
    org_id = Id(required=True, metadata={"description": "The group you are a client of."})
    worker_id = Id(required=True, metadata={"description": "A worker of that group."})
    scope = ma.fields.String(required=True, validate=ma.validate.OneOf(
        list(consents.SCOPES), error="Choose what the worker may do for you."),
        metadata={"description": f"One of: {', '.join(consents.SCOPES)}."})
    expires_on = ma.fields.Date(allow_none=True, load_default=None, metadata={
        "description": "Last day it works (in your time zone); empty: until you revoke it."})


class ConsentOut(ma.Schema):
    id = ma.fields.Integer()
    org_id = ma.fields.Integer()
    org_name = ma.fields.String()
    scope = ma.fields.String()
    scope_label = ma.fields.String()
    given_at = ma.fields.DateTime()
    expires_at = ma.fields.DateTime(allow_none=True)
    revoked_at = ma.fields.DateTime(allow_none=True)
    live = ma.fields.Boolean(metadata={"description": "Not revoked and not expired."})
    worker_id = ma.fields.Integer()
    worker_display_name = ma.fields.String(metadata={"description": "In your own consents."})
    client_id = ma.fields.Integer()
    client_display_name = ma.fields.String(metadata={"description": "In consents given to you (workers)."})


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
