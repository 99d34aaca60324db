"""Assessments of shared concerns: who is affected, root causes, stakeholders, targets. They name no client."""

from __future__ import annotations

from flask.views import MethodView

from campaigns.api.blueprint import BEARER, Blueprint, caller
from campaigns.api.concerns import assessments_out, org_for
from campaigns.api.pagination import paginate
from campaigns.db import get_session
from campaigns.schemas.assessments import AssessmentIn
from campaigns.schemas.concerns import AssessmentOut
from campaigns.services import assessments, concerns

blp = Blueprint("api_assessments", __name__,
                description="Assessments of shared concerns (the Assessment step). They name no client.")






@blp.route("/orgs/<int:org_id>/assessments")
class Assessments(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, AssessmentOut(many=True))
    @blp.paginate()
    def get(self, org_id: int, pagination_parameters):
        """The organisation's assessments, newest first."""
        org = org_for(org_id)
        return assessments_out(paginate(assessments.org_query(org.id), pagination_parameters))

    @blp.doc(security=BEARER)
    @blp.arguments(AssessmentIn)
    @blp.response(201, AssessmentOut)
    def post(self, data, org_id: int):
        """Record an assessment of one or more shared concerns (workers and coordinators)."""
        org = org_for(org_id)
        assessment = assessments.record(get_session(), org_id=org.id, actor=caller(), **data)
        return assessments_out([assessment])[0]


@blp.route("/assessments/<int:assessment_id>")
class AssessmentItem(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, AssessmentOut)
    def get(self, assessment_id: int):
        """One assessment."""
        return assessments_out([assessments.assessment_for(get_session(), caller(), assessment_id)])[0]


@blp.route("/concerns/<int:concern_id>/assessments")
class ConcernAssessments(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, AssessmentOut(many=True))
    @blp.paginate()
    def get(self, concern_id: int, pagination_parameters):
        """A concern's assessments, newest first."""
        concern = concerns.concern_for(get_session(), caller(), concern_id)
        return assessments_out(paginate(assessments.concern_query(concern.id), pagination_parameters))
