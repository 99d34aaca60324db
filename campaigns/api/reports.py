"""Reports as JSON: goals and progress, actions with places and attendance counts, hours, outcomes and
empowerment aggregates. No names, no email addresses; counts about people below k are null."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import abort

from campaigns.api.blueprint import BEARER, Blueprint, caller
from campaigns.db import get_session
from campaigns.domain.model import Organisation
from campaigns.schemas.reports import ReportOut
from campaigns.services import policy, reports

blp = Blueprint("api_reports", __name__, description="Reports for coordinators (the CSV exports' JSON twins).")












@blp.route("/campaigns/<int:campaign_id>/report")
class CampaignReport(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ReportOut)
    def get(self, campaign_id: int):
        """One campaign's report (the organisation's coordinators)."""
        session = get_session()
        campaign = policy.campaign_for(session, caller(), campaign_id)
        return reports.campaign_report(session, campaign=campaign, user=caller())


@blp.route("/orgs/<int:org_id>/report")
class OrgReport(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ReportOut)
    def get(self, org_id: int):
        """Every campaign's report and the organisation's overview (coordinators)."""
        org = get_session().get(Organisation, org_id)
        if org is None:
            abort(404)
        return reports.org_report(get_session(), org=org, user=caller())
