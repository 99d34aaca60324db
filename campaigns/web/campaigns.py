"""Campaign pages: the list by stage, the launch form, the campaign page, its edit page and stage moves.

Goals and personal goals live in web/goals.py, the team in web/campaign_team.py, on this same blueprint
(with the helpers below, which bring a press or a form back to the campaign page).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from campaigns.auth import current_user
from campaigns.db import get_session
from campaigns.domain import stages
from campaigns.domain.model import Campaign, Organisation
from campaigns.pagination import page_of
from campaigns.schemas.campaigns import CampaignIn, CampaignPatchIn, StageIn
from campaigns.services import campaign_team, campaign_workspace, goals, personal_goals, policy
from campaigns.services import campaigns as service
from campaigns.services.errors import DomainError
from campaigns.web import forms
from campaigns.web.orgs import org_for

bp = Blueprint("campaigns", __name__)

UNIT_LABELS = {"letters": "letters", "signatures": "signatures", "attendees": "attendees", "hours": "hours",
               "meetings_held": "meetings held", "milestone": ""}


@bp.app_template_filter("goal_unit")
def goal_unit(unit: str) -> str:
    """A goal's unit in words ("meetings held"); custom units as written."""
    label = UNIT_LABELS.get(unit)
    return unit if label is None else (_(label) if label else "")


@bp.app_template_filter("stage_label")
def stage_label(stage: str) -> str:
    return _(stages.LABELS.get(stage, stage))


@bp.app_context_processor
def _workspace_helpers() -> dict:
    """`workspace(campaign)`: the header of every campaign section (templates/campaigns/_workspace.html);
    `next_step_for(campaign)`: the viewer's next step, on the overview (templates/campaigns/_next_step.html)."""
    return {"workspace": workspace, "next_step_for": lambda campaign: campaign_workspace.next_step(
        get_session(), user=current_user(), campaign=campaign)}


def workspace(campaign: Campaign) -> dict:
    """The campaign's organisation (already loaded with the viewer's standing) and its sections (endpoint, label)."""
    return {"org": get_session().get(Organisation, campaign.org_id),
            "sections": [(SECTION_ENDPOINTS[key], label) for key, label in campaign_workspace.SECTIONS]}


#: where each workspace section lives
SECTION_ENDPOINTS = {"overview": "campaigns.show", "actions": "volunteering.actions_section",
                     "progress": "progress.campaign", "team": "campaigns.team_page", "outcomes": "outcomes.index"}


def campaign_for(campaign_id: int, permission: str = "campaign.view") -> Campaign:
    return service.get(get_session(), user=current_user(), campaign_id=campaign_id, permission=permission)


# -- the list --------------------------------------------------------------------------------------------------
@bp.get("/o/<slug>/campaigns")
@login_required
def index(slug: str):
    org = org_for(slug, "campaign.view")
    stage = request.args.get("stage") if request.args.get("stage") in stages.ALL_STAGES else None
    page = page_of(service.list_query(get_session(), user=current_user(), org_id=org.id, stage=stage))
    return render_template("campaigns/index.html", org=org, page=page, stage=stage,
                           all_stages=stages.ALL_STAGES, days_left=service.days_left)


# -- launching -------------------------------------------------------------------------------------------------
def _launch_page(org: Organisation, form: forms.Form, status: int = 200):
    from campaigns.web.accounts import timezones

    chosen = request.form.getlist("concern_ids") if request.method == "POST" else request.args.getlist("concern")
    return render_template("campaigns/launch.html", org=org, form=form, timezones=timezones(),
                           concerns=service.shared_concerns(get_session(), org.id), chosen=set(chosen),
                           in_campaigns=service.already_in_campaigns(get_session(), org.id)), status


@bp.route("/o/<slug>/campaigns/new", methods=["GET", "POST"])
@login_required
def launch(slug: str):
    org = org_for(slug, "campaign.launch")
    if request.method == "GET":
        return _launch_page(org, forms.Form(values={"timezone": org.timezone, "visibility": "members"}))
    form = forms.load(CampaignIn())
    if form.ok:
        try:
            campaign = service.launch(get_session(), actor=current_user(), org_id=org.id, **form.data)
        except DomainError as error:
            if error.status == 404:
                raise
            form.fail(error)
        else:
            flash(_("Campaign launched. Next: agree its goals together."), "success")
            return redirect(url_for("campaigns.show", campaign_id=campaign.id))
    return _launch_page(org, form, 422)


# -- the campaign page -----------------------------------------------------------------------------------------
def page_context(campaign: Campaign, **form_overrides) -> dict:
    """Everything the campaign page shows, for this viewer."""
    session, me = get_session(), current_user()
    can_manage = policy.allowed(session, me, "campaign.manage", campaign.org_id, campaign_id=campaign.id)
    member = policy.membership(session, me, campaign.org_id)
    mine = campaign_team.member_of(session, campaign.id, me.id)
    context = {
        "campaign": campaign, "org": session.get(Organisation, campaign.org_id), "can_manage": can_manage,
        "concerns": service.concerns_of(session, campaign.id), "days_left": service.days_left(campaign),
        "steps": stages.steps(campaign.stage, archived_from=service.archived_from(session, campaign)),
        "moves": service.possible_moves(session, campaign) if can_manage else [], "stage_order": stages.STAGES,
        "blocker": service.next_step_blocker(session, campaign) if can_manage else None,
        "history": service.stage_history(session, campaign.id),
        "goals": goals.visible(session, viewer=me, campaign=campaign),
        "units": goals.UNITS, "active": campaign.stage in stages.ACTIVE,
        "team_size": campaign_team.team_size(session, campaign.id), "my_place": mine, "roles": campaign_team.ROLES,
        "can_join": mine is None and campaign.stage in stages.ACTIVE and policy.has_role(member, "campaign.join"),
        "can_propose": not can_manage and campaign.stage == "collaboration",
        "personal_goal": personal_goals.mine(session, user=me, campaign=campaign),
        "client_goals": personal_goals.shared_with_me(session, worker=me, campaign=campaign)
        if policy.has_role(member, "act_for_client") else [],
        "goal_form": forms.Form(values={"kind": "measure", "unit": "letters"}),
        "personal_form": forms.Form(),
        "stage_form": forms.Form(),
    }
    context.update(form_overrides)
    return context


def render_page(campaign: Campaign, status: int = 200, **form_overrides):
    return render_template("campaigns/show.html", **page_context(campaign, **form_overrides)), status


@bp.get("/campaigns/<int:campaign_id>")
@login_required
def show(campaign_id: int):
    return render_page(campaign_for(campaign_id))


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@login_required
def edit(campaign_id: int):
    from campaigns.web.accounts import timezones

    campaign = campaign_for(campaign_id, "campaign.manage")
    form = forms.Form(values=campaign.model_dump())
    if request.method == "POST":
        done, form = forms.submit(
            CampaignPatchIn(),
            lambda **data: service.update_details(get_session(), actor=current_user(), campaign=campaign, **data),
            done=_("Campaign saved."), then=url_for("campaigns.show", campaign_id=campaign.id))
        if done:
            return done
    return render_template("campaigns/edit.html", campaign=campaign, form=form, timezones=timezones()), \
        422 if form.errors else 200


@bp.post("/campaigns/<int:campaign_id>/stage")
@login_required
def stage(campaign_id: int):
    campaign = campaign_for(campaign_id, "campaign.manage")
    form, status = forms.load(StageIn()), 422
    if form.ok:
        try:
            campaign = service.change_stage(get_session(), actor=current_user(), campaign=campaign,
                                            to_stage=form.data["to"],
                                            closing_summary=form.data.get("closing_summary"))
        except DomainError as error:
            form.fail(error)
            status = error.status
        else:
            flash(_("The campaign is now in %(stage)s.", stage=stage_label(campaign.stage).lower()), "success")
            return redirect(url_for("campaigns.show", campaign_id=campaign.id))
    return render_page(campaign, status, stage_form=form)


# -- helpers for the pages that change parts of a campaign page (web/goals.py, web/campaign_team.py) ----------
def back_to(campaign_id: int, anchor: str):
    number = request.form.get("back_to_page", type=int)
    if number:  # a press on the whole-team page returns to that page of it
        return redirect(url_for("campaigns.team_page", campaign_id=campaign_id, page=number))
    if anchor == "team" and request.endpoint not in ("campaigns.join", "campaigns.leave"):
        return redirect(url_for("campaigns.team_page", campaign_id=campaign_id))  # the team is a section of its own
    return redirect(url_for("campaigns.show", campaign_id=campaign_id, _anchor=anchor))


def press(campaign_id: int, anchor: str, act: Callable[[], object], done: str):
    """Run a button's use case; a refusal becomes a message, except 403/404 which stay errors."""
    try:
        act()
    except DomainError as error:
        if error.status in (403, 404):
            raise
        flash(_(error.message), "error")
    else:
        flash(done, "success")
    return back_to(campaign_id, anchor)


def submit_on_page(campaign, schema, use_case: Callable[..., object], form_name: str, anchor: str, done: str,
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
            return back_to(campaign.id, anchor)
    return page(campaign, status, **{form_name: form})
