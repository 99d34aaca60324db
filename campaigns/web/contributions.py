"""Logging contributions toward goals, reviewing them (coordinators), and a person's history download."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from campaigns.auth import current_user
from campaigns.db import get_session
from campaigns.domain.model import Contribution, Goal, User
from campaigns.downloads import HISTORY_CSV, csv_attachment
from campaigns.pagination import page_of
from campaigns.schemas.contributions import ContributionIn, RejectIn
from campaigns.services import audit, contributions, policy, volunteering
from campaigns.services.errors import DomainError, NotFound
from campaigns.web import forms

bp = Blueprint("contributions", __name__)


@bp.route("/campaigns/<int:campaign_id>/contributions/new", methods=["GET", "POST"])
@login_required
def log(campaign_id: int):
    session = get_session()
    campaign = policy.campaign_for(session, current_user(), campaign_id, "volunteer")
    goals = volunteering.countable_goals(session, campaign.id)
    form = forms.Form(values={"goal_id": request.args.get("goal_id", ""), "hours": "0",
                              "task_id": request.args.get("task_id", ""),
                              "action_id": request.args.get("action_id", "")})
    if request.method == "POST":
        done, form = forms.submit(
            ContributionIn(),
            lambda **data: contributions.log_contribution(session, user=current_user(), campaign_id=campaign.id,
                                                          **data),
            done=_("Thank you — it's logged. A coordinator will check it, then it counts toward the goal."),
            then=url_for("volunteering.my_tasks"))
        if done:
            return done
    return render_template("volunteering/contribution_form.html", campaign=campaign, goals=goals,
                           form=form), 422 if form.errors else 200


@bp.get("/campaigns/<int:campaign_id>/contributions")
@login_required
def review(campaign_id: int):
    session = get_session()
    campaign = policy.campaign_for(session, current_user(), campaign_id, "contribution.review")
    page = page_of(contributions.pending_of_campaign(campaign.id))
    people = {c.user_id: session.get(User, c.user_id) for c in page.items if c.user_id}
    audit.log_reads(session, viewer_id=current_user().id, subject_ids=people, what="contributions_to_check",
                    campaign=campaign.name)
    goals = {c.goal_id: session.get(Goal, c.goal_id) for c in page.items}
    return render_template("volunteering/contributions_review.html", campaign=campaign, page=page, people=people,
                           goals=goals, for_another=contributions.waiting_for_another(session, page.items,
                                                                                      current_user()))


def _back(contribution: Contribution):
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(url_for("contributions.review", campaign_id=contribution.campaign_id))


@bp.post("/contributions/<int:contribution_id>/verify")
@login_required
def verify(contribution_id: int):
    try:
        done = contributions.verify(get_session(), contribution_id=contribution_id, user=current_user())
    except DomainError as error:
        if error.status in (403, 404):
            raise
        flash(_(error.message), "error")
        done = get_session().get(Contribution, contribution_id)
    else:
        flash(_("Verified. It counts toward the goal now."), "success")
    return _back(done)


@bp.post("/contributions/<int:contribution_id>/reject")
@login_required
def reject(contribution_id: int):
    contribution = get_session().get(Contribution, contribution_id)
    if contribution is None:
        raise NotFound()
    # authorise before reading the form: others (and other organisations) learn nothing from a bad form
    policy.campaign_for(get_session(), current_user(), contribution.campaign_id, "contribution.review")
    form = forms.load(RejectIn())
    if not form.ok:
        flash(_("Write a short, kind reason, so the volunteer understands."), "error")
        return _back(contribution)
    try:
        contributions.reject(get_session(), contribution_id=contribution_id, user=current_user(), **form.data)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        flash(_(error.message), "error")
    else:
        flash(_("Declined. The volunteer will see your reason."), "success")
    return _back(contribution)


@bp.get("/my/history.csv")
@login_required
def history():
    return csv_attachment(contributions.history_csv(get_session(), current_user()), HISTORY_CSV)
