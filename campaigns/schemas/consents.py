"""Schemas of consents, for the API and the pages alike."""

from __future__ import annotations

import marshmallow as ma

from campaigns.schemas.fields import Id, StrictSchema
from campaigns.services import consents


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
