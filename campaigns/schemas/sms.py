"""Schemas of texts (SMS), for the API and the pages alike."""

from __future__ import annotations

import marshmallow as ma

from campaigns.schemas.fields import StrictSchema, Text


class MobileOut(ma.Schema):
    mobile = ma.fields.String(allow_none=True, metadata={"description": "Your verified number, E.164."})
    verified_at = ma.fields.DateTime(allow_none=True)
    pending = ma.fields.String(allow_none=True, metadata={"description": "A number waiting for its code."})


class MobileIn(StrictSchema):
    mobile = Text(required=True, min_length=1, max_length=40, metadata={
        "description": "As you'd write it; without +country it is read as a number of your group's country."})


class CodeIn(StrictSchema):
    code = Text(required=True, min_length=1, max_length=12)


class TextOut(ma.Schema):
    id = ma.fields.Integer()
    direction = ma.fields.String(metadata={"description": "out: we sent it; in: you sent it."})
    kind = ma.fields.String()
    body = ma.fields.String()
    segments = ma.fields.Integer()
    encoding = ma.fields.String()
    status = ma.fields.String()
    created_at = ma.fields.DateTime()


class UsageOut(ma.Schema):
    budget = ma.fields.Integer(metadata={"description": "SMS segments a month (the group's setting)."})
    used = ma.fields.Integer(metadata={"description": "Segments sent this calendar month, in the group's zone."})
    month_start = ma.fields.DateTime()
