"""Progress pages: the coordinator dashboard, the organisation overview, activity feeds, a campaign's progress
with burn-up charts, and the public campaign page. Also the panel the campaign page includes."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from campaigns.auth import current_user
from campaigns.db import get_session
from campaigns.domain import stages
from campaigns.domain.model import Campaign, Organisation
from campaigns.pagination import page_of
from campaigns.services import activity, dashboards, policy, progress, reflections
from campaigns.web import caching, charts
from campaigns.web.orgs import org_for

bp = Blueprint("progress", __name__)

RESULTS = activity.RESULTS


def campaign_for(campaign_id: int, permission: str = "campaign.view") -> Campaign:
    return policy.campaign_for(get_session(), current_user(), campaign_id, permission)


@bp.get("/o/<slug>/dashboard")
@login_required
def dashboard(slug: str):
    org = org_for(slug)
    board = dashboards.coordinator_dashboard(get_session(), user=current_user(), org=org)
    return render_template("progress/dashboard.html", org=org, board=board)


@bp.get("/o/<slug>/overview")
@login_required
def overview(slug: str):
    org = org_for(slug)
    return render_template("progress/overview.html", org=org,
                           summary=dashboards.overview(get_session(), user=current_user(), org=org))


@bp.get("/o/<slug>/activity")
@login_required
def org_activity(slug: str):
    org = org_for(slug)
    page = page_of(activity.org_feed(org.id), size=30)
    page.items = activity.describe(get_session(), page.items)
    return render_template("progress/activity.html", org=org, campaign=None, page=page)


@bp.get("/campaigns/<int:campaign_id>/activity")
@login_required
def campaign_activity(campaign_id: int):
    campaign = campaign_for(campaign_id)
    page = page_of(activity.campaign_feed(campaign), size=30)
    page.items = activity.describe(get_session(), page.items)
    org = get_session().get(Organisation, campaign.org_id)
    return render_template("progress/activity.html", org=org, campaign=campaign, page=page)


@bp.get("/campaigns/<int:campaign_id>/progress")
@login_required
def campaign(campaign_id: int):
    found = campaign_for(campaign_id)
    session = get_session()
    return render_template("progress/campaign.html", campaign=found, state=progress.campaign_progress(session, found),
                           org=session.get(Organisation, found.org_id),
                           feed=activity.recent(session, found, limit=FEED_SHOWN), may_reflect=_may_reflect(found))


#: the progress section shows the latest activity; "All activity" has the rest (outcomes have a section of their own)
FEED_SHOWN = 6


def _may_reflect(campaign: Campaign) -> dict[str, bool]:
    """Which private reflections (before, after) the viewer may give now."""
    session, user = get_session(), current_user()
    return {phase: reflections.may_answer(session, campaign=campaign, user=user, phase=phase)
            for phase in ("before", "after")}


@bp.get("/p/<int:campaign_id>")
@caching.conditional("campaign", "campaign_id")
def public(campaign_id: int):
    """A public campaign: no login, no people. Members-only campaigns answer 404."""
    return render_template("progress/public.html", page=dashboards.public_campaign(get_session(), campaign_id))


@bp.record_once
def _template_globals(state) -> None:
    # globals, not context: the macros in templates/progress/ are imported without context and still need them
    state.app.jinja_env.globals.update(burnup_chart=charts.burnup_chart, projection_text=charts.projection_text,
                                       outcome_results=RESULTS, stage_labels=stages.LABELS)
