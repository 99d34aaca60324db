"""Contributions toward goals, their review, your hours and history, and your calendar feed."""

from __future__ import annotations

from flask import url_for
from flask.views import MethodView

from campaigns.api.blueprint import BEARER, Blueprint, caller
from campaigns.api.pagination import paginate
from campaigns.db import get_session
from campaigns.downloads import HISTORY_CSV, csv_attachment
from campaigns.schemas.contributions import ContributionIn, ContributionOut, FeedOut, HoursOut, RejectIn, StatusFilter
from campaigns.services import audit, calendar, contributions, policy, volunteering

blp = Blueprint("api_contributions", __name__,
                description="Contributions toward goals (logged, verified, declined kindly), hours and calendars.")














@blp.route("/campaigns/<int:campaign_id>/contributions")
class CampaignContributions(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(StatusFilter, location="query")
    @blp.response(200, ContributionOut(many=True))
    @blp.paginate()
    def get(self, args, campaign_id: int, pagination_parameters):
        """A campaign's contributions, newest first (coordinators), e.g. ?status=pending to review."""
        campaign = policy.campaign_for(get_session(), caller(), campaign_id, "contribution.review")
        page = paginate(contributions.of_campaign(campaign.id, status=args.get("status")), pagination_parameters)
        audit.log_reads(get_session(), viewer_id=caller().id, subject_ids=[c.user_id for c in page],
                        what="contributions", campaign=campaign.name)
        return page

    @blp.doc(security=BEARER)
    @blp.arguments(ContributionIn)
    @blp.response(201, ContributionOut)
    def post(self, data, campaign_id: int):
        """Log what you did toward a goal of the campaign (12 letters, 40 signatures, 3 hours)."""
        return contributions.log_contribution(get_session(), user=caller(), campaign_id=campaign_id, **data)


@blp.route("/contributions/<int:contribution_id>/verify")
class Verify(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ContributionOut)
    def post(self, contribution_id: int):
        """Verify a contribution (coordinators): it counts toward its goal at once. Safe to repeat."""
        return contributions.verify(get_session(), contribution_id=contribution_id, user=caller())


@blp.route("/contributions/<int:contribution_id>/reject")
class Reject(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(RejectIn)
    @blp.response(200, ContributionOut)
    def post(self, data, contribution_id: int):
        """Decline a contribution with a kind reason (coordinators)."""
        return contributions.reject(get_session(), contribution_id=contribution_id, user=caller(), **data)


@blp.route("/me/contributions")
class MyContributions(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ContributionOut(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """Your own contributions, newest first."""
        return paginate(contributions.contributions_of(get_session(), caller()), pagination_parameters)


@blp.route("/me/hours")
class MyHours(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, HoursOut)
    def get(self):
        """Your volunteering hours: verified, and still waiting to be checked."""
        return volunteering.hours_of(get_session(), caller())


@blp.route("/me/history.csv")
class MyHistory(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, content_type="text/csv", description="Your history as CSV.")
    def get(self):
        """Download your volunteering history (tasks and contributions) as CSV."""
        return csv_attachment(contributions.history_csv(get_session(), caller()), HISTORY_CSV)




@blp.route("/me/calendar-feed")
class CalendarFeed(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(201, FeedOut)
    def post(self):
        """Create (or replace) your secret calendar feed address; any older address stops working."""
        token = calendar.issue_token(get_session(), user=caller())
        return {"url": url_for("calendar.personal_feed", token=token, _external=True)}

    @blp.doc(security=BEARER)
    @blp.response(204)
    def delete(self):
        """Turn your calendar feed off: its address stops working at once."""
        calendar.revoke_token(get_session(), user=caller())
