"""A campaign's next step for the caller: what the top of its overview page says to do."""

from __future__ import annotations

from flask.views import MethodView

from campaigns.api.blueprint import BEARER, Blueprint, caller
from campaigns.db import get_session
from campaigns.schemas.campaign_workspace import NextStepOut
from campaigns.services import campaign_workspace, policy

blp = Blueprint("api_campaign_workspace", __name__, description="A campaign's next step for you.")




@blp.route("/campaigns/<int:campaign_id>/next-step")
class NextStep(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, NextStepOut)
    def get(self, campaign_id: int):
        """Your next step in the campaign (the same one its overview page shows)."""
        session, user = get_session(), caller()
        campaign = policy.campaign_for(session, user, campaign_id)
        step = campaign_workspace.next_step(session, user=user, campaign=campaign)
        if step is None:
            return {"kind": None, "count": 0, "places": 0}
        shift = step.shift
        action = step.action or (shift.action if shift else None)
        return {"kind": step.kind, "count": step.count, "stage": step.stage, "reason": step.reason,
                "action_id": action.id if action else None, "task_id": shift.task.id if shift else None,
                "places": step.places}
