"""Outcome pages: a campaign's outcomes with the form to record one, reviews with lessons, and corrections."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from campaigns import clock
from campaigns.auth import current_user
from campaigns.db import get_session
from campaigns.domain import rules_progress as rules
from campaigns.domain.model import Campaign, Organisation
from campaigns.schemas.outcomes import OutcomeIn, ReviewIn
from campaigns.services import outcomes, policy, reflections
from campaigns.web import forms
from campaigns.web.progress import campaign_for

bp = Blueprint("outcomes", __name__)


def _page(campaign: Campaign, form: forms.Form | None = None, status: int = 200):
    session, user = get_session(), current_user()
    today = clock.now().date()
    summary = reflections.summary(session, campaign=campaign, user=user) \
        if policy.allowed(session, user, "reports.view", campaign.org_id) else None
    return render_template(
        "progress/outcomes.html", campaign=campaign, org=session.get(Organisation, campaign.org_id),
        items=list(session.exec(outcomes.of_campaign(campaign.id))), results=rules.OUTCOME_RESULTS,
        form=form or forms.Form(values={"occurred_on": today.isoformat(), "result": "achieved"}), today=today,
        can_manage=policy.allowed(session, user, "campaign.manage", campaign.org_id, campaign_id=campaign.id),
        summary=summary,
    ), status


@bp.get("/campaigns/<int:campaign_id>/outcomes")
@login_required
def index(campaign_id: int):
    return _page(campaign_for(campaign_id))


@bp.post("/campaigns/<int:campaign_id>/outcomes")
@login_required
def create(campaign_id: int):
    campaign = campaign_for(campaign_id, "campaign.manage")
    done, form = forms.submit(
        OutcomeIn(),
        lambda **data: outcomes.record(get_session(), campaign=campaign, user=current_user(), **data),
        done=_("Outcome recorded."),
        then=lambda outcome: url_for("outcomes.index", campaign_id=campaign.id, _anchor=f"outcome-{outcome.id}"))
    if done:
        return done
    return _page(campaign, form, 422)


@bp.post("/outcomes/<int:outcome_id>/review")
@login_required
def review(outcome_id: int):
    outcome, campaign = outcomes.get(get_session(), user=current_user(), outcome_id=outcome_id,
                                     permission="campaign.manage")
    form = forms.load(ReviewIn())
    if form.ok:
        outcomes.mark_reviewed(get_session(), outcome_id=outcome.id, user=current_user(), **form.data)
        flash(_("Marked as reviewed. Thank you for taking stock."), "success")
        return redirect(url_for("outcomes.index", campaign_id=campaign.id, _anchor=f"outcome-{outcome.id}"))
    flash(_("Please keep each answer under 5000 characters."), "error")
    return redirect(url_for("outcomes.index", campaign_id=campaign.id, _anchor=f"outcome-{outcome.id}"))


@bp.route("/outcomes/<int:outcome_id>/edit", methods=["GET", "POST"])
@login_required
def edit(outcome_id: int):
    session, user = get_session(), current_user()
    outcome, campaign = outcomes.get(session, user=user, outcome_id=outcome_id, permission="campaign.manage")
    form = forms.Form(values={**outcome.model_dump(), "evidence_url": outcome.evidence_url or ""})
    if request.method == "POST":
        done, form = forms.submit(
            OutcomeIn(),
            lambda **data: outcomes.update(session, outcome_id=outcome.id, user=user, **data),
            done=_("Outcome updated."),
            then=url_for("outcomes.index", campaign_id=campaign.id, _anchor=f"outcome-{outcome.id}"))
        if done:
            return done
    return render_template("progress/outcome_edit.html", outcome=outcome, campaign=campaign, form=form,
                           results=rules.OUTCOME_RESULTS), 422 if form.errors else 200
