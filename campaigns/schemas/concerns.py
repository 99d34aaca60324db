"""Schemas of concerns, for the API and the pages alike."""

from __future__ import annotations

import marshmallow as ma

from campaigns.domain import rules_concerns as rules
from campaigns.schemas.fields import MULTILINE_FROM, Id, StrictSchema, Text
from campaigns.services import concern_board

CATEGORY_NAMES = list(rules.CATEGORIES)


class KindText(Text):
    """Trimmed text with a length limit, refused with a plain message."""

    def __init__(self, *, max_length: int, min_length: int = 0, **kwargs):
        self.multiline = max_length >= MULTILINE_FROM
        message = ("Write between {min} and {max} characters." if min_length
                   else "Keep this to {max} characters or fewer.")
        ma.fields.String.__init__(
            self, validate=ma.validate.Length(min=min_length, max=max_length, error=message), **kwargs)


class Tags(ma.fields.List):
    """Short free tags. A comma-separated string (as a form sends it) is split; tags are lower-cased."""

    def __init__(self, **kwargs):
        super().__init__(ma.fields.String(), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = [part for v in value for part in v.split(",")]
        tags = rules.clean_tags(super()._deserialize(value, attr, data, **kwargs))
        problem = rules.tag_problem(tags)
        if problem:
            raise ma.ValidationError(problem)
        return tags


class ConcernIn(StrictSchema):
    title = KindText(required=True, min_length=1, max_length=rules.TITLE_MAX)
    description = KindText(max_length=rules.DESCRIPTION_MAX, load_default="")
    categories = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(CATEGORY_NAMES, error="Choose areas from the list.")),
        required=True, validate=ma.validate.Length(min=1, error="Choose at least one area this concern is about."),
        metadata={"description": f"One or more of: {', '.join(CATEGORY_NAMES)}."})
    tags = Tags(load_default=list, metadata={"description": f"Up to {rules.TAGS_MAX} free tags."})
    on_behalf_of = Id(
        allow_none=True, load_default=None,
        metadata={"description": "A client's user id: a worker raises it for them, under their consent."})


class OnBehalfIn(StrictSchema):
    on_behalf_of = Id(
        allow_none=True, load_default=None,
        metadata={"description": "A client's user id: a worker acts for them, under their consent."})


class OnBehalfArgs(ma.Schema):
    on_behalf_of = Id(load_default=None)


class MergeIn(StrictSchema):
    into_id = Id(required=True, metadata={"description": "The concern that stays."})


class BoardArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    category = ma.fields.String(validate=ma.validate.OneOf(CATEGORY_NAMES))
    status = ma.fields.String(validate=ma.validate.OneOf(rules.BOARD_STATUSES))
    q = KindText(max_length=200)
    sort = ma.fields.String(load_default="newest", validate=ma.validate.OneOf(concern_board.SORTS),
                            metadata={"description": "newest, or support (counts below k sort after, by date)."})
    mine = ma.fields.Boolean(load_default=False, metadata={"description": "Only concerns you raised."})


class SimilarArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    q = KindText(required=True, min_length=1, max_length=rules.TITLE_MAX + rules.DESCRIPTION_MAX)
    exclude = Id(load_default=None)


class ConcernOut(ma.Schema):
    id = ma.fields.Integer()
    org_id = ma.fields.Integer()
    title = ma.fields.String()
    description = ma.fields.String()
    categories = ma.fields.List(ma.fields.String())
    tags = ma.fields.List(ma.fields.String())
    status = ma.fields.String(metadata={"description": "open, shared, in_campaign, closed or merged."})
    is_shared = ma.fields.Boolean()
    shared_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()
    merged_into_id = ma.fields.Integer(allow_none=True)
    support_count = ma.fields.Integer(allow_none=True, metadata={
        "description": "Distinct supporters; null ('fewer than threshold') below k, except for the author."})
    support_count_hidden = ma.fields.Boolean()
    threshold = ma.fields.Integer(metadata={"description": "k: supporters needed to be shared."})
    raised_by_you = ma.fields.Boolean()
    supported_by_you = ma.fields.Boolean()
    raised_for_you_by = ma.fields.String(metadata={"description": "Only for you, if a worker raised it for you."})
    you_raised_for = ma.fields.String(metadata={"description": "Only for the worker who raised it for a client."})
    your_support_recorded_by = ma.fields.String(metadata={"description": "If a worker supported it for you."})
    you_supported_for = ma.fields.List(ma.fields.String(), metadata={
        "description": "Only for a worker: the clients they supported it for."})


class CampaignRef(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()


class SimilarOut(ConcernOut):
    score = ma.fields.Float(metadata={"description": "How alike, 0 to 1."})
    campaigns = ma.fields.List(ma.fields.Nested(CampaignRef), metadata={
        "description": "Campaigns already built on this concern: join or support one instead of raising a twin."})


class AssessmentOut(ma.Schema):
    id = ma.fields.Integer()
    org_id = ma.fields.Integer()
    concern_ids = ma.fields.List(ma.fields.Integer())
    affected = ma.fields.String()
    root_causes = ma.fields.String()
    stakeholders = ma.fields.String()
    targets = ma.fields.String(metadata={"description": "The decision-makers who could change it."})
    notes = ma.fields.String()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime(allow_none=True)


class ConcernDetailOut(ConcernOut):
    assessments = ma.fields.List(ma.fields.Nested(AssessmentOut))
