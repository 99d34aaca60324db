"""Concerns: raise (the author stays confidential), support and withdraw, similar concerns, merge, close, the
board and its CSV export.

No response has an author field: the author sees `raised_by_you`; below k only the author gets a count.
"""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import abort
from flask_smorest.pagination import Page

from campaigns.api.blueprint import BEARER, Blueprint, caller
from campaigns.api.pagination import paginate
from campaigns.db import get_session
from campaigns.domain.model import Organisation
from campaigns.downloads import csv_attachment
from campaigns.schemas.concerns import (
    BoardArgs,
    ConcernDetailOut,
    ConcernIn,
    ConcernOut,
    MergeIn,
    OnBehalfArgs,
    OnBehalfIn,
    SimilarArgs,
    SimilarOut,
)
from campaigns.services import assessments, concern_board, concerns, policy

blp = Blueprint("api_concerns", __name__, description="Concerns: raised confidentially, shared at k supporters.")





























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
        return csv_attachment(body, f"concerns-{org.slug}.csv", private=False)


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
