"""Schemas of privacy, for the API and the pages alike."""

from __future__ import annotations

import marshmallow as ma

from campaigns.schemas.fields import StrictSchema
from campaigns.services import erasure


class ReadOut(ma.Schema):
    who = ma.fields.String(metadata={"description": "The display name of the person who looked."})
    what = ma.fields.String()
    at = ma.fields.DateTime()


class ErasureIn(StrictSchema):
    password = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=256),
                                metadata={"description": "Your password, again."})
    concerns = ma.fields.String(load_default="keep", validate=ma.validate.OneOf(erasure.CONCERN_CHOICES),
                                metadata={"description": "keep: concerns you raised stay, without your name. "
                                                         "delete: they are removed (unless a campaign is built "
                                                         "on them)."})
