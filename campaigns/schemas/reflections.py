"""Schemas of reflections, for the API and the pages alike."""

from __future__ import annotations

import marshmallow as ma

from campaigns.schemas.fields import StrictSchema, Text
from campaigns.services import reflections

_SCALE = {"required": True, "validate": ma.validate.Range(min=1, max=5)}


class ReflectionIn(StrictSchema):
    influence = ma.fields.Integer(metadata={"description": reflections.QUESTIONS["influence"]}, **_SCALE)
    connected = ma.fields.Integer(metadata={"description": reflections.QUESTIONS["connected"]}, **_SCALE)
    know_how = ma.fields.Integer(metadata={"description": reflections.QUESTIONS["know_how"]}, **_SCALE)
    free_text = Text(max_length=5000, metadata={"description": "Only you ever see this."})


class ReflectionOut(ma.Schema):
    phase = ma.fields.String()
    influence = ma.fields.Integer()
    connected = ma.fields.Integer()
    know_how = ma.fields.Integer()
    free_text = ma.fields.String()
    created_at = ma.fields.DateTime()


class ItemSummaryOut(ma.Schema):
    mean = ma.fields.Float()
    distribution = ma.fields.List(ma.fields.Integer(), metadata={"description": "How many answered 1, 2, … 5."})


class PhaseSummaryOut(ma.Schema):
    answered = ma.fields.Integer()
    items = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(ItemSummaryOut))


class ReflectionSummaryOut(ma.Schema):
    k = ma.fields.Integer()
    before = ma.fields.Nested(PhaseSummaryOut, allow_none=True,
                              metadata={"description": "null: fewer than k answers, nothing shown."})
    after = ma.fields.Nested(PhaseSummaryOut, allow_none=True)
