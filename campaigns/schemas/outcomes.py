"""Schemas of outcomes, for the API and the pages alike."""

from __future__ import annotations

import marshmallow as ma

from campaigns.domain import rules_progress as rules
from campaigns.schemas.fields import StrictSchema, Text


class OutcomeIn(StrictSchema):
    what_changed = Text(required=True, min_length=1, max_length=5000)
    result = ma.fields.String(required=True, validate=ma.validate.OneOf(rules.OUTCOME_RESULTS))
    evidence_url = Text(max_length=500, allow_none=True, metadata={"description": "An http(s) link."})
    occurred_on = ma.fields.Date(required=True)
    review_on = ma.fields.Date(allow_none=True, metadata={"description": "When to look at it again."})
    what_worked = Text(max_length=5000)
    what_to_change = Text(max_length=5000)


class OutcomePatchIn(OutcomeIn):
    def on_bind_field(self, field_name, field_obj):
        field_obj.required = False  # every field optional when correcting


class ReviewIn(StrictSchema):
    what_worked = Text(max_length=5000)
    what_to_change = Text(max_length=5000)


class OutcomeOut(ma.Schema):
    id = ma.fields.Integer()
    campaign_id = ma.fields.Integer()
    what_changed = ma.fields.String()
    result = ma.fields.String()
    evidence_url = ma.fields.String(allow_none=True)
    occurred_on = ma.fields.Date()
    review_on = ma.fields.Date(allow_none=True)
    reviewed_at = ma.fields.DateTime(allow_none=True)
    what_worked = ma.fields.String()
    what_to_change = ma.fields.String()
    created_at = ma.fields.DateTime()
