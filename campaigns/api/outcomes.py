"""Outcomes of campaigns (what changed, evidence, a review date) and their reviews with lessons learned."""

from __future__ import annotations

from flask.views import MethodView

from campaigns.api.blueprint import BEARER, Blueprint, caller
from campaigns.api.pagination import paginate
from campaigns.db import get_session
from campaigns.schemas.outcomes import OutcomeIn, OutcomeOut, OutcomePatchIn, ReviewIn
from campaigns.services import outcomes, policy

blp = Blueprint("api_outcomes", __name__, description="Outcomes, reviews and lessons (the Evaluation step).")










def _campaign(campaign_id: int, permission: str = "campaign.view"):
    return policy.campaign_for(get_session(), caller(), campaign_id, permission)


@blp.route("/campaigns/<int:campaign_id>/outcomes")
class Outcomes(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, OutcomeOut(many=True))
    @blp.paginate()
    def get(self, campaign_id: int, pagination_parameters):
        """A campaign's outcomes, latest first (members)."""
        return paginate(outcomes.of_campaign(_campaign(campaign_id).id), pagination_parameters)

    @blp.doc(security=BEARER)
    @blp.arguments(OutcomeIn)
    @blp.response(201, OutcomeOut)
    def post(self, data, campaign_id: int):
        """Record an outcome: what changed, the result, evidence and a review date (coordinators)."""
        return outcomes.record(get_session(), campaign=_campaign(campaign_id), user=caller(), **data)


@blp.route("/outcomes/<int:outcome_id>")
class OutcomeItem(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, OutcomeOut)
    def get(self, outcome_id: int):
        """One outcome (members)."""
        return outcomes.get(get_session(), user=caller(), outcome_id=outcome_id)[0]

    @blp.doc(security=BEARER)
    @blp.arguments(OutcomePatchIn)
    @blp.response(200, OutcomeOut)
    def patch(self, data, outcome_id: int):
        """Correct an outcome or move its review date (coordinators)."""
        return outcomes.update(get_session(), outcome_id=outcome_id, user=caller(), **data)


@blp.route("/outcomes/<int:outcome_id>/review")
class OutcomeReview(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ReviewIn)
    @blp.response(200, OutcomeOut)
    def post(self, data, outcome_id: int):
        """Mark an outcome reviewed, with what worked and what to change (coordinators)."""
        return outcomes.mark_reviewed(get_session(), outcome_id=outcome_id, user=caller(), **data)
