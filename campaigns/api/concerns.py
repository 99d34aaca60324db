"""Concerns: raise (the author stays confidential), support and withdraw, similar concerns, merge, close, the
board and its CSV export.

No response has an author field: the author sees `raised_by_you`; below k only the author gets a count.
"""

from __future__ import annotations

import marshmallow as ma
from flask import Response
from flask.views import MethodView
from flask_smorest import abort
from flask_smorest.pagination import Page

from campaigns.api.common import BEARER, MULTILINE_FROM, Blueprint, Id, StrictSchema, Text, caller, paginate
from campaigns.db import get_session
from campaigns.domain import rules_concerns as rules
from campaigns.domain.model import Organisation
from campaigns.services import assessments, concern_board, concerns, policy

blp = Blueprint("api_concerns", __name__, description="Concerns: raised confidentially, shared at k supporters.")

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


def org_for(org_id: int, permission: str = "org.view") -> Organisation:
    """The organisation if the caller may `permission` in it; outsiders get 404."""
    session = get_session()
    org = session.get(Organisation, org_id)
    if org is None:
        abort(404)
    policy.authorize(session, caller(), permission, org.id)
    return org


def assessments_out(items) -> list[dict]:
    ids = assessments.concern_ids_of(get_session(), [a.id for a in items])
    return [{**a.model_dump(), "concern_ids": ids[a.id]} for a in items]


def _one(concern) -> dict:
    return concern_board.present(get_session(), concern, caller())


@blp.route("/orgs/<int:org_id>/concerns")
class Concerns(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(BoardArgs, location="query")
    @blp.response(200, ConcernOut(many=True))
    @blp.paginate()
    def get(self, args, org_id: int, pagination_parameters):
        """The concern board: filter by category, status and text; sort by newest or by support."""
        org = org_for(org_id)
        query = concern_board.board_query(org, category=args.get("category"), status=args.get("status"),
                                          q=args.get("q"), sort=args["sort"],
                                          raised_by=caller() if args["mine"] else None)
        rows = paginate(query, pagination_parameters)
        return concern_board.present_many(get_session(), rows, caller(), org)

    @blp.doc(security=BEARER)
    @blp.arguments(ConcernIn)
    @blp.response(201, ConcernOut)
    def post(self, data, org_id: int):
        """Raise a concern. Nobody but you will ever see that you raised it."""
        org = org_for(org_id)
        concern = concerns.raise_concern(get_session(), org_id=org.id, actor=caller(), **data)
        return _one(concern)


@blp.route("/orgs/<int:org_id>/concerns/similar")
class Similar(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(SimilarArgs, location="query")
    @blp.response(200, SimilarOut(many=True))
    @blp.paginate(Page)
    def get(self, args, org_id: int):
        """Concerns that read like `q` (open, shared or already in a campaign), most alike first: support one, or
        join its campaign, instead of raising a twin."""
        org = org_for(org_id)
        found = concern_board.similar(get_session(), org_id=org.id, title=args["q"], exclude_id=args["exclude"],
                                      language=caller().locale)
        shown = concern_board.present_many(get_session(), [c for c, _ in found], caller(), org)
        in_campaigns = concern_board.campaigns_of(get_session(), [c.id for c, _ in found])
        return [{**data, "score": score, "campaigns": [{"id": i, "name": n} for i, n in in_campaigns.get(c.id, [])]}
                for data, (c, score) in zip(shown, found, strict=True)]


@blp.route("/orgs/<int:org_id>/concerns/export")
class Export(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, {"type": "string"}, content_type="text/csv",
                  description="CSV: no author, no supporters, counts below k hidden.")
    def get(self, org_id: int):
        """The organisation's concerns as CSV (coordinators)."""
        org = org_for(org_id)
        body = concern_board.export_csv(get_session(), org=org, actor=caller())
        return Response(body, mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="concerns-{org.slug}.csv"'})


@blp.route("/concerns/<int:concern_id>")
class ConcernItem(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ConcernDetailOut)
    def get(self, concern_id: int):
        """One concern, with its assessments."""
        concern = concerns.concern_for(get_session(), caller(), concern_id)
        return {**_one(concern), "assessments": assessments_out(assessments.for_concern(get_session(), concern.id))}


@blp.route("/concerns/<int:concern_id>/support")
class Support(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(OnBehalfIn)
    @blp.response(200, ConcernOut)
    def post(self, data, concern_id: int):
        """Support a concern ("this affects me too"). Supporting twice changes nothing."""
        return _one(concerns.support(get_session(), concern_id=concern_id, actor=caller(), **data))

    @blp.doc(security=BEARER)
    @blp.arguments(OnBehalfArgs, location="query")
    @blp.response(200, ConcernOut)
    def delete(self, args, concern_id: int):
        """Withdraw your support (a shared concern stays shared)."""
        return _one(concerns.withdraw(get_session(), concern_id=concern_id, actor=caller(), **args))


@blp.route("/concerns/<int:concern_id>/merge")
class Merge(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(MergeIn)
    @blp.response(200, ConcernOut)
    def post(self, data, concern_id: int):
        """Merge this duplicate into another concern (coordinators); returns the one that stays."""
        return _one(concerns.merge(get_session(), concern_id=concern_id, into_id=data["into_id"], actor=caller()))


@blp.route("/concerns/<int:concern_id>/close")
class Close(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ConcernOut)
    def post(self, concern_id: int):
        """Close a concern (coordinators): it takes no new support."""
        return _one(concerns.close(get_session(), concern_id=concern_id, actor=caller()))
