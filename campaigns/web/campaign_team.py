"""The campaign's team: who coordinates and who takes part, joining and leaving (routes on the campaigns blueprint).
"""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from campaigns.auth import current_user
from campaigns.db import get_session
from campaigns.domain import stages
from campaigns.pagination import page_of
from campaigns.schemas.campaigns import TeamIn, TeamRoleIn
from campaigns.services import campaign_team, policy
from campaigns.web import forms
from campaigns.web.campaigns import bp, campaign_for, press, submit_on_page


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

    return submit_on_page(campaign, TeamIn(), add, "team_form", "team", _("Added to the team."), page=render_team_page)


@bp.post("/campaigns/<int:campaign_id>/team/<int:member_id>/role")
@login_required
def change_team_role(campaign_id: int, member_id: int):
    campaign = campaign_for(campaign_id, "campaign.manage")
    form = forms.load(TeamRoleIn())
    role = form.data.get("role", "") if form.ok else ""
    return press(campaign.id, "team", lambda: campaign_team.change_role(
        get_session(), actor=current_user(), campaign=campaign, member_id=member_id, role=role),
        _("Role changed."))


@bp.post("/campaigns/<int:campaign_id>/team/<int:member_id>/remove")
@login_required
def remove_from_team(campaign_id: int, member_id: int):
    campaign = campaign_for(campaign_id, "campaign.manage")
    return press(campaign.id, "team", lambda: campaign_team.remove_member(
        get_session(), actor=current_user(), campaign=campaign, member_id=member_id), _("Taken off the team."))


@bp.post("/campaigns/<int:campaign_id>/join")
@login_required
def join(campaign_id: int):
    campaign = campaign_for(campaign_id)
    return press(campaign.id, "team", lambda: campaign_team.join(
        get_session(), user=current_user(), campaign=campaign), _("Welcome to the team!"))


@bp.post("/campaigns/<int:campaign_id>/leave")
@login_required
def leave(campaign_id: int):
    campaign = campaign_for(campaign_id)
    return press(campaign.id, "team", lambda: campaign_team.leave(
        get_session(), user=current_user(), campaign=campaign),
        _("You've stepped off the team. Thank you for what you did."))
