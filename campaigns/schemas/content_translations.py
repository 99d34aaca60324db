"""Schemas of content translations, for the API and the pages alike."""

from __future__ import annotations

from campaigns.schemas.fields import StrictSchema, Text

EMPTY_REMOVES = "An empty text removes that translation."


class CampaignWordsIn(StrictSchema):
    name = Text(max_length=140, allow_none=True, metadata={"description": EMPTY_REMOVES})
    summary = Text(max_length=5000, allow_none=True)
    ask = Text(max_length=2000, allow_none=True)


class ActionWordsIn(StrictSchema):
    title = Text(max_length=140, allow_none=True, metadata={"description": EMPTY_REMOVES})
    description = Text(max_length=5000, allow_none=True)
