"""Outbound webhooks: endpoints subscribed to event types, their secrets, test sends and delivery logs."""

from __future__ import annotations

from flask.views import MethodView

from campaigns.api.blueprint import BEARER, Blueprint, caller
from campaigns.api.pagination import paginate
from campaigns.db import get_session
from campaigns.schemas.webhooks import DeliveryOut, EndpointIn, EndpointOut, EndpointPatchIn, EndpointSecretOut, TestOut
from campaigns.services import policy, webhooks

blp = Blueprint("api_webhooks", __name__, description=(
    "Outbound webhooks, signed the Standard Webhooks way (webhook-id, webhook-timestamp, webhook-signature)."))













def _endpoint(endpoint_id: int):
    return webhooks.get(get_session(), user=caller(), endpoint_id=endpoint_id)


@blp.route("/orgs/<int:org_id>/webhooks")
class Endpoints(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, EndpointOut(many=True))
    @blp.paginate()
    def get(self, org_id: int, pagination_parameters):
        """The organisation's webhook endpoints (coordinators)."""
        policy.authorize(get_session(), caller(), "webhooks.manage", org_id)
        return paginate(webhooks.endpoints_query(org_id), pagination_parameters)

    @blp.doc(security=BEARER)
    @blp.arguments(EndpointIn)
    @blp.response(201, EndpointSecretOut)
    def post(self, data, org_id: int):
        """Subscribe an endpoint to event types (coordinators). The secret is returned only this once."""
        endpoint, secret = webhooks.create(get_session(), org_id=org_id, user=caller(), **data)
        return {**endpoint.model_dump(), "secret": secret}


@blp.route("/webhooks/<int:endpoint_id>")
class EndpointItem(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, EndpointOut)
    def get(self, endpoint_id: int):
        """One endpoint (coordinators). Its secret is never shown again."""
        return _endpoint(endpoint_id)

    @blp.doc(security=BEARER)
    @blp.arguments(EndpointPatchIn)
    @blp.response(200, EndpointOut)
    def patch(self, data, endpoint_id: int):
        """Change the address or events, or switch the endpoint on or off (coordinators)."""
        return webhooks.update_endpoint(get_session(), endpoint_id=endpoint_id, user=caller(), **data)


@blp.route("/webhooks/<int:endpoint_id>/secret")
class EndpointSecret(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, EndpointSecretOut)
    def post(self, endpoint_id: int):
        """Rotate the signing secret; the new one is returned only this once (coordinators)."""
        endpoint, secret = webhooks.rotate_secret(get_session(), endpoint_id=endpoint_id, user=caller())
        return {**endpoint.model_dump(), "secret": secret}


@blp.route("/webhooks/<int:endpoint_id>/test")
class EndpointTest(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(202, TestOut)
    def post(self, endpoint_id: int):
        """Send a signed test event ("webhook.test") through the delivery queue (coordinators)."""
        return {"planned": webhooks.send_test(get_session(), endpoint_id=endpoint_id, user=caller())}


@blp.route("/webhooks/<int:endpoint_id>/deliveries")
class Deliveries(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, DeliveryOut(many=True))
    @blp.paginate()
    def get(self, endpoint_id: int, pagination_parameters):
        """The endpoint's delivery log, newest first: status, attempts, last error (coordinators)."""
        endpoint = _endpoint(endpoint_id)
        return paginate(webhooks.deliveries(endpoint.id), pagination_parameters)
