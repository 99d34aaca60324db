"""Progress: a campaign's goals and burn-up data, activity feeds, the coordinator dashboard, the organisation
overview and public campaigns."""

from __future__ import annotations

from flask import url_for
from flask.views import MethodView
from flask_smorest import abort

from campaigns.api.blueprint import BEARER, Blueprint, caller
from campaigns.api.pagination import paginate
from campaigns.db import get_session
from campaigns.domain.model import Organisation
from campaigns.schemas.progress import (
    CampaignProgressOut,
    DashboardOut,
    EntryOut,
    OverviewOut,
    PublicCampaignOut,
)
from campaigns.services import activity, dashboards, policy, progress

blp = Blueprint("api_progress", __name__,
                description="Progress: goals, burn-up data, activity feeds, dashboards, public campaigns.")






























def progress_out(state: progress.CampaignProgress) -> dict:
    c = state.campaign
    return {"campaign_id": c.id, "name": c.name, "stage": c.stage, "progress_percent": state.percent,
            "stalled": state.stalled, "last_activity_at": c.last_activity_at, "goals": [{
                **g.goal.model_dump(), "percent": g.percent, "due_on": g.due, "ideal_today": g.ideal_today,
                "projection": g.projection, "series": [{"day": d, "value": v} for d, v in g.points]}
                for g in state.goals]}


def _org(org_id: int) -> Organisation:
    org = get_session().get(Organisation, org_id)
    if org is None:
        abort(404)
    return org


@blp.route("/campaigns/<int:campaign_id>/progress")
class CampaignProgress(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, CampaignProgressOut)
    def get(self, campaign_id: int):
        """A campaign's progress: goals, counters, burn-up series and projected dates (members)."""
        session = get_session()
        campaign = policy.campaign_for(session, caller(), campaign_id)
        return progress_out(progress.campaign_progress(session, campaign))


@blp.route("/campaigns/<int:campaign_id>/activity")
class CampaignActivity(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, EntryOut(many=True))
    @blp.paginate()
    def get(self, campaign_id: int, pagination_parameters):
        """What happened in a campaign, newest first (members; people by display name only)."""
        session = get_session()
        campaign = policy.campaign_for(session, caller(), campaign_id)
        return activity.describe(session, paginate(activity.campaign_feed(campaign), pagination_parameters))


@blp.route("/orgs/<int:org_id>/activity")
class OrgActivity(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, EntryOut(many=True))
    @blp.paginate()
    def get(self, org_id: int, pagination_parameters):
        """What happened in the organisation, newest first (members; people by display name only)."""
        session = get_session()
        policy.authorize(session, caller(), "org.view", org_id)
        return activity.describe(session, paginate(activity.org_feed(org_id), pagination_parameters))


@blp.route("/orgs/<int:org_id>/dashboard")
class Dashboard(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, DashboardOut)
    def get(self, org_id: int):
        """Your campaigns by stage with progress and stalled flags, actions short of volunteers, the nudge
        summary and outcomes due for review (coordinators and campaign leads)."""
        board = dashboards.coordinator_dashboard(get_session(), user=caller(), org=_org(org_id))
        return {"campaigns": [progress_out(p) for p in board.campaigns], "nudges": board.nudges,
                "upcoming": [{"action_id": u.action.id, "title": u.action.title, "campaign_id": u.action.campaign_id,
                              "campaign_name": u.campaign_name, "starts_at": u.action.starts_at,
                              "places": u.capacity, "taken": u.taken, "unfilled": u.unfilled}
                             for u in board.upcoming],
                "reviews": [{"outcome_id": o.id, "campaign_id": o.campaign_id, "campaign_name": name,
                             "result": o.result, "review_on": o.review_on} for o, name in board.reviews]}


@blp.route("/orgs/<int:org_id>/overview")
class Overview(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, OverviewOut)
    def get(self, org_id: int):
        """What the organisation has done together, in counts; counts about people below k are null."""
        return dashboards.overview(get_session(), user=caller(), org=_org(org_id))


@blp.route("/public/campaigns/<int:campaign_id>")
class PublicCampaign(MethodView):
    @blp.response(200, PublicCampaignOut)
    def get(self, campaign_id: int):
        """A campaign its coordinators made public: no login, and nothing about any person."""
        found = dashboards.public_campaign(get_session(), campaign_id)
        c = found.campaign
        return {"name": c.name, "summary": c.summary, "ask": c.ask, "target": c.target, "stage": c.stage,
                "deadline": c.deadline, "progress": progress_out(found.progress), "outcomes": found.outcomes,
                "activity": found.activity,
                "actions": [{"id": a.id, "title": a.title, "starts_at": a.starts_at.isoformat(), "timezone": a.timezone,
                             "url": url_for("public.action_page", action_id=a.id, _external=True)}
                            for a in found.actions]}
