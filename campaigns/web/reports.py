"""Report pages: a summary with CSV downloads per campaign and for the whole organisation (no names, no emails)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_login import login_required
from sqlmodel import select

from campaigns import clock
from campaigns.auth import current_user
from campaigns.db import get_session
from campaigns.domain.model import Campaign
from campaigns.downloads import csv_attachment
from campaigns.services import reports
from campaigns.web.orgs import org_for
from campaigns.web.progress import campaign_for

bp = Blueprint("reports", __name__)


def _csv(text: str, name: str) -> Response:
    stamp = clock.now().strftime("%Y-%m-%d")
    return csv_attachment(text, f"{name}-{stamp}.csv")


@bp.get("/o/<slug>/reports")
@login_required
def index(slug: str):
    org = org_for(slug, "reports.view")
    report = reports.org_report(get_session(), org=org, user=current_user())
    campaigns = list(get_session().exec(select(Campaign).where(Campaign.org_id == org.id).order_by(Campaign.name)))
    return render_template("progress/reports.html", org=org, report=report, campaigns=campaigns)


@bp.get("/o/<slug>/reports.csv")
@login_required
def org_csv(slug: str):
    org = org_for(slug, "reports.view")
    return _csv(reports.to_csv(reports.org_report(get_session(), org=org, user=current_user())), org.slug)


@bp.get("/campaigns/<int:campaign_id>/report.csv")
@login_required
def campaign_csv(campaign_id: int):
    campaign = campaign_for(campaign_id)
    report = reports.campaign_report(get_session(), campaign=campaign, user=current_user())
    return _csv(reports.to_csv(report), f"campaign-{campaign.id}")
