"""Schemas of webhooks, for the API and the pages alike."""

from __future__ import annotations

import marshmallow as ma

from campaigns.schemas.fields import StrictSchema, Text
from campaigns.services import webhooks


class EndpointIn(StrictSchema):
    url = Text(required=True, min_length=1, max_length=500,
               metadata={"description": "HTTPS, to a public host (http is allowed in development)."})
    event_types = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(webhooks.EVENT_TYPES)),
                                 required=True, validate=ma.validate.Length(min=1, max=len(webhooks.EVENT_TYPES)))


class EndpointPatchIn(StrictSchema):
    url = Text(min_length=1, max_length=500)
    event_types = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(webhooks.EVENT_TYPES)),
                                 validate=ma.validate.Length(min=1, max=len(webhooks.EVENT_TYPES)))
    enabled = ma.fields.Boolean()


class EndpointOut(ma.Schema):
    id = ma.fields.Integer()
    org_id = ma.fields.Integer()
    url = ma.fields.String()
    event_types = ma.fields.List(ma.fields.String())
    enabled = ma.fields.Boolean()
    failing_since = ma.fields.DateTime(allow_none=True)
    disabled_reason = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()


class EndpointSecretOut(EndpointOut):
    secret = ma.fields.String(metadata={"description": "The signing secret (whsec_…). Shown only this once."})


class TestOut(ma.Schema):
    planned = ma.fields.Integer(metadata={"description": "1: a test delivery is on its way."})


class DeliveryOut(ma.Schema):
    id = ma.fields.Integer()
    webhook_id = ma.fields.String(attribute="payload.webhook_id")
    event_type = ma.fields.String(attribute="payload.event_type")
    status = ma.fields.String()
    attempts = ma.fields.Integer()
    last_error = ma.fields.String(allow_none=True)
    due_at = ma.fields.DateTime()
    next_attempt_at = ma.fields.DateTime()
    sent_at = ma.fields.DateTime(allow_none=True)
    skip_reason = ma.fields.String(allow_none=True)
