"""Community goals and your personal goal, on the campaign page (routes on the campaigns blueprint).

A refused form re-renders the campaign page with the messages beside the fields; a refused button press (accept,
decline…) comes back as a message at the top of the page.
"""

from __future__ import annotations

from flask import flash, render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from campaigns.auth import current_user
from campaigns.db import get_session
from campaigns.schemas.campaigns import DeclineIn, GoalIn, GoalPatchIn, PersonalGoalIn
from campaigns.services import goals, personal_goals
from campaigns.services.errors import DomainError
from campaigns.web import forms
from campaigns.web.campaigns import back_to, bp, campaign_for, press, submit_on_page


# -- community goals -------------------------------------------------------------------------------------------
@bp.post("/campaigns/<int:campaign_id>/goals")
@login_required
def add_goal(campaign_id: int):
    campaign, me = campaign_for(campaign_id), current_user()
    session = get_session()

    def add(**data):
        goal = goals.submit_goal(session, actor=me, campaign=campaign, **data)
        if goal.status == "proposed":
            return _("Thank you: your goal is proposed. A coordinator will accept or decline it.")
        return None

    return submit_on_page(campaign, GoalIn(), add, "goal_form", "goals", _("Goal saved."))


def _goal(goal_id: int):
    return goals.goal_for(get_session(), user=current_user(), goal_id=goal_id)


@bp.route("/goals/<int:goal_id>/edit", methods=["GET", "POST"])
@login_required
def edit_goal(goal_id: int):
    goal, campaign = _goal(goal_id)
    campaign = campaign_for(campaign.id, "campaign.manage")
    form = forms.Form(values=goal.model_dump())
    if request.method == "POST":
        form = forms.load(GoalPatchIn())
        if form.ok:
            try:
                goals.edit_goal(get_session(), actor=current_user(), goal=goal, campaign=campaign, **form.data)
            except DomainError as error:
                form.fail(error)
            else:
                flash(_("Goal saved."), "success")
                return back_to(campaign.id, "goals")
    return render_template("campaigns/goal_edit.html", goal=goal, campaign=campaign, form=form), \
        422 if form.errors else 200


@bp.post("/goals/<int:goal_id>/accept")
@login_required
def accept_goal(goal_id: int):
    goal, campaign = _goal(goal_id)
    return press(campaign.id, "goals", lambda: goals.accept_goal(
        get_session(), actor=current_user(), goal=goal, campaign=campaign), _("Goal accepted."))


@bp.post("/goals/<int:goal_id>/decline")
@login_required
def decline_goal(goal_id: int):
    goal, campaign = _goal(goal_id)
    form = forms.load(DeclineIn())
    reason = form.data.get("reason", "") if form.ok else ""
    return press(campaign.id, "goals", lambda: goals.decline_goal(
        get_session(), actor=current_user(), goal=goal, campaign=campaign, reason=reason),
        _("Goal declined. The person who proposed it will see your reason."))


@bp.post("/goals/<int:goal_id>/achieve")
@login_required
def achieve_goal(goal_id: int):
    goal, campaign = _goal(goal_id)
    return press(campaign.id, "goals", lambda: goals.mark_achieved(
        get_session(), actor=current_user(), goal=goal, campaign=campaign), _("Milestone marked achieved."))


# -- your personal goal ----------------------------------------------------------------------------------------
@bp.post("/campaigns/<int:campaign_id>/personal-goal")
@login_required
def set_personal_goal(campaign_id: int):
    campaign = campaign_for(campaign_id)

    def save(**data):
        personal_goals.set_mine(get_session(), user=current_user(), campaign=campaign, **data)

    return submit_on_page(campaign, PersonalGoalIn(), save, "personal_form", "personal-goal",
                   _("Your personal goal is saved. Only you can see it, unless you share it with your worker."))


@bp.post("/campaigns/<int:campaign_id>/personal-goal/done")
@login_required
def personal_goal_done(campaign_id: int):
    campaign = campaign_for(campaign_id)
    done = request.form.get("done", "1") == "1"
    return press(campaign.id, "personal-goal", lambda: personal_goals.mark_done(
        get_session(), user=current_user(), campaign=campaign, done=done),
        _("Well done!") if done else _("Marked as not done yet."))


@bp.post("/campaigns/<int:campaign_id>/personal-goal/delete")
@login_required
def delete_personal_goal(campaign_id: int):
    campaign = campaign_for(campaign_id)
    return press(campaign.id, "personal-goal", lambda: personal_goals.delete_mine(
        get_session(), user=current_user(), campaign=campaign), _("Your personal goal is removed."))
