"""Schemas of privacy, for the API and the pages alike."""

from __future__ import annotations

import marshmallow as ma

from campaigns.schemas.fields import StrictSchema
from campaigns.services import erasure


class ReadOut(ma.Schema):
    who = ma.fields.String(metadata={"description": "The display name of the person who looked."})
    what = ma.fields.String(metadata={"description": "What they looked at, in words, in the request's language."})
    code = ma.fields.String(allow_none=True, metadata={
        "description": "What they looked at, as a stable code (consents, personal_goal, roster_of_action, "
                       "roster_of_task, members…); null for entries written before the codes."})
    values = ma.fields.Dict(metadata={"description": "The values the words name (a campaign, a task's title)."})
    at = ma.fields.DateTime()


class ErasureIn(StrictSchema):
    password = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=256),
                                metadata={"description": "Your password, again."})
    concerns = ma.fields.String(load_default="keep", validate=ma.validate.OneOf(erasure.CONCERN_CHOICES),
                                metadata={"description": "keep: concerns you raised stay, without your name. "
                                                         "delete: they are removed (unless a campaign is built "
                                                         "on them)."})
