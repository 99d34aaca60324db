"""The parts of a campaign page that change it: community goals, your personal goal, and the team.

Routes on the campaigns blueprint. A refused form re-renders the campaign page with the messages beside the
fields; a refused button press (accept, join…) comes back as a message at the top of the page.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from campaigns.auth import current_user
from campaigns.db import get_session
from campaigns.domain import stages
from campaigns.pagination import page_of
from campaigns.schemas.campaigns import DeclineIn, GoalIn, GoalPatchIn, PersonalGoalIn, TeamIn, TeamRoleIn
from campaigns.services import campaign_team, goals, personal_goals, policy
from campaigns.services.errors import DomainError
from campaigns.web import forms
from campaigns.web.campaigns import bp, campaign_for, render_page


def _back(campaign_id: int, anchor: str):
    number = request.form.get("back_to_page", type=int)
    if number:  # a press on the whole-team page returns to that page of it
        return redirect(url_for("campaigns.team_page", campaign_id=campaign_id, page=number))
    if anchor == "team" and request.endpoint not in ("campaigns.join", "campaigns.leave"):
        return redirect(url_for("campaigns.team_page", campaign_id=campaign_id))  # the team is a section of its own
    return redirect(url_for("campaigns.show", campaign_id=campaign_id, _anchor=anchor))


def _press(campaign_id: int, anchor: str, act: Callable[[], object], done: str):
    """Run a button's use case; a refusal becomes a message, except 403/404 which stay errors."""
    try:
        act()
    except DomainError as error:
        if error.status in (403, 404):
            raise
        flash(_(error.message), "error")
    else:
        flash(done, "success")
    return _back(campaign_id, anchor)


def _submit(campaign, schema, use_case: Callable[..., object], form_name: str, anchor: str, done: str,
            page: Callable[..., object] = render_page):
    """Load a form on the campaign page (or `page`) and run its use case, or re-render the page with the messages.

    The use case may return its own success message."""
    form, status = forms.load(schema), 422
    if form.ok:
        try:
            said = use_case(**form.data)
        except DomainError as error:
            if error.status in (403, 404):
                raise
            form.fail(error)
            status = error.status
        else:
            flash(said if isinstance(said, str) else done, "success")
            return _back(campaign.id, anchor)
    return page(campaign, status, **{form_name: form})


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

    return _submit(campaign, GoalIn(), add, "goal_form", "goals", _("Goal saved."))


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
                return _back(campaign.id, "goals")
    return render_template("campaigns/goal_edit.html", goal=goal, campaign=campaign, form=form), \
        422 if form.errors else 200


@bp.post("/goals/<int:goal_id>/accept")
@login_required
def accept_goal(goal_id: int):
    goal, campaign = _goal(goal_id)
    return _press(campaign.id, "goals", lambda: goals.accept_goal(
        get_session(), actor=current_user(), goal=goal, campaign=campaign), _("Goal accepted."))


@bp.post("/goals/<int:goal_id>/decline")
@login_required
def decline_goal(goal_id: int):
    goal, campaign = _goal(goal_id)
    form = forms.load(DeclineIn())
    reason = form.data.get("reason", "") if form.ok else ""
    return _press(campaign.id, "goals", lambda: goals.decline_goal(
        get_session(), actor=current_user(), goal=goal, campaign=campaign, reason=reason),
        _("Goal declined. The person who proposed it will see your reason."))


@bp.post("/goals/<int:goal_id>/achieve")
@login_required
def achieve_goal(goal_id: int):
    goal, campaign = _goal(goal_id)
    return _press(campaign.id, "goals", lambda: goals.mark_achieved(
        get_session(), actor=current_user(), goal=goal, campaign=campaign), _("Milestone marked achieved."))


# -- your personal goal ----------------------------------------------------------------------------------------
@bp.post("/campaigns/<int:campaign_id>/personal-goal")
@login_required
def set_personal_goal(campaign_id: int):
    campaign = campaign_for(campaign_id)

    def save(**data):
        personal_goals.set_mine(get_session(), user=current_user(), campaign=campaign, **data)

    return _submit(campaign, PersonalGoalIn(), save, "personal_form", "personal-goal",
                   _("Your personal goal is saved. Only you can see it, unless you share it with your worker."))


@bp.post("/campaigns/<int:campaign_id>/personal-goal/done")
@login_required
def personal_goal_done(campaign_id: int):
    campaign = campaign_for(campaign_id)
    done = request.form.get("done", "1") == "1"
    return _press(campaign.id, "personal-goal", lambda: personal_goals.mark_done(
        get_session(), user=current_user(), campaign=campaign, done=done),
        _("Well done!") if done else _("Marked as not done yet."))


@bp.post("/campaigns/<int:campaign_id>/personal-goal/delete")
@login_required
def delete_personal_goal(campaign_id: int):
    campaign = campaign_for(campaign_id)
    return _press(campaign.id, "personal-goal", lambda: personal_goals.delete_mine(
        get_session(), user=current_user(), campaign=campaign), _("Your personal goal is removed."))


# -- the team --------------------------------------------------------------------------------------------------
@bp.get("/campaigns/<int:campaign_id>/team")
@login_required
def team_page(campaign_id: int):
    """The whole team, page by page (the campaign page shows only the first few, so it stays quick), and for
    coordinators the form that adds people: found by name, so anyone in a large group can be added."""
    return render_team_page(campaign_for(campaign_id))


def render_team_page(campaign, status: int = 200, team_form: forms.Form | None = None):
    session, find = get_session(), request.args.get("find", "")[:80]
    page = page_of(campaign_team.team_query(campaign.id), size=50)
    can_manage = policy.allowed(session, current_user(), "campaign.manage", campaign.org_id, campaign_id=campaign.id)
    active = campaign.stage in stages.ACTIVE
    addable = campaign_team.addable(session, campaign, find=find) if can_manage and active else []
    return render_template("campaigns/team.html", campaign=campaign, page=page, team=page.items,
                           team_size=page.total, can_manage=can_manage, active=active, roles=campaign_team.ROLES,
                           find=find, addable=addable, addable_limit=campaign_team.ADDABLE_LIMIT,
                           team_form=team_form or forms.Form(values={"role": "member"})), status


@bp.post("/campaigns/<int:campaign_id>/team")
@login_required
def add_to_team(campaign_id: int):
    campaign = campaign_for(campaign_id, "campaign.manage")

    def add(**data):
        campaign_team.add_member(get_session(), actor=current_user(), campaign=campaign, **data)

    return _submit(campaign, TeamIn(), add, "team_form", "team", _("Added to the team."), page=render_team_page)


@bp.post("/campaigns/<int:campaign_id>/team/<int:member_id>/role")
@login_required
def change_team_role(campaign_id: int, member_id: int):
    campaign = campaign_for(campaign_id, "campaign.manage")
    form = forms.load(TeamRoleIn())
    role = form.data.get("role", "") if form.ok else ""
    return _press(campaign.id, "team", lambda: campaign_team.change_role(
        get_session(), actor=current_user(), campaign=campaign, member_id=member_id, role=role),
        _("Role changed."))


@bp.post("/campaigns/<int:campaign_id>/team/<int:member_id>/remove")
@login_required
def remove_from_team(campaign_id: int, member_id: int):
    campaign = campaign_for(campaign_id, "campaign.manage")
    return _press(campaign.id, "team", lambda: campaign_team.remove_member(
        get_session(), actor=current_user(), campaign=campaign, member_id=member_id), _("Taken off the team."))


@bp.post("/campaigns/<int:campaign_id>/join")
@login_required
def join(campaign_id: int):
    campaign = campaign_for(campaign_id)
    return _press(campaign.id, "team", lambda: campaign_team.join(
        get_session(), user=current_user(), campaign=campaign), _("Welcome to the team!"))


@bp.post("/campaigns/<int:campaign_id>/leave")
@login_required
def leave(campaign_id: int):
    campaign = campaign_for(campaign_id)
    return _press(campaign.id, "team", lambda: campaign_team.leave(
        get_session(), user=current_user(), campaign=campaign),
        _("You've stepped off the team. Thank you for what you did."))
