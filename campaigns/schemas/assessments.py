"""Schemas of assessments, for the API and the pages alike."""

from __future__ import annotations

import marshmallow as ma

from campaigns.schemas.concerns import KindText
from campaigns.schemas.fields import Id, StrictSchema
from campaigns.services import assessments


def _part(description: str) -> KindText:
    return KindText(max_length=assessments.TEXT_MAX, load_default="", metadata={"description": description})


class AssessmentIn(StrictSchema):
    concern_ids = ma.fields.List(Id(), required=True, validate=ma.validate.Length(
        min=1, max=50, error="Choose between {min} and {max} shared concerns."))
    affected = _part("Who is affected, in general terms.")
    root_causes = _part("Why it happens.")
    stakeholders = _part("Who else has a stake in it.")
    targets = _part("The decision-makers who could change it.")
    notes = _part("Anything else.")
