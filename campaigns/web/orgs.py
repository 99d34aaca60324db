"""An organisation's home, its members (invite, change role, remove), settings, and the audit log page."""

from __future__ import annotations

import marshmallow as ma
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from campaigns.auth import client_ip, current_user
from campaigns.db import get_session
from campaigns.domain.model import Organisation, Role
from campaigns.pagination import page_of
from campaigns.schemas.orgs import InvitationIn, OrgSettingsIn, RoleIn
from campaigns.services import audit, consent_overview, homes, orgs, policy
from campaigns.services.errors import DomainError
from campaigns.web import forms

bp = Blueprint("orgs", __name__, url_prefix="/o/<slug>")


def org_for(slug: str, permission: str = "org.view") -> Organisation:
    """The organisation if the current person may `permission` in it; outsiders get 404."""
    return policy.org_by_slug(get_session(), current_user(), slug, permission)


@bp.get("/")
@login_required
def home(slug: str):
    """The person's home in the group: their next step first, by what they do here (services/homes)."""
    org = org_for(slug)
    me = current_user()
    mine = homes.home(get_session(), user=me, org=org)
    return render_template("orgs/home.html", org=org, home=mine, sections=HOME_SECTIONS,
                           scope_labels=consent_overview.FOR_WORKERS,
                           may_see_place=lambda item: homes.may_see_place(item, viewer_id=me.id))


#: links on an organisation's home page, added to as features land: (endpoint, label, permission)
HOME_SECTIONS: list[tuple[str, str, str]] = [
    ("orgs.members", "Members", "members.view"),
    ("orgs.settings", "Settings", "org.manage"),
    ("orgs.audit_log", "Security log", "audit.view"),
    ("concerns.board", "Concerns", "org.view"),
    ("campaigns.index", "Campaigns", "campaign.view"),
    ("nudges.org_reminders", "Reminders and deliveries", "nudges.manage"),
    ("progress.dashboard", "Dashboard", "reports.view"),
    ("progress.overview", "Overview", "org.view"),
    ("progress.org_activity", "Activity", "org.view"),
    ("webhooks.endpoints", "Webhooks", "webhooks.manage"),
    ("reports.index", "Reports", "reports.view"),
]


def _members_page(org: Organisation, invite_form=None, status=200):
    members = orgs.members(get_session(), org.id)
    audit.log_reads(get_session(), viewer_id=current_user().id, subject_ids=[u.id for _, u in members],
                    what="members", group=org.name)
    return render_template(
        "orgs/members.html", org=org, members=members, roles=[r.value for r in Role],
        invite_form=invite_form or forms.Form(values={"role": "client"}), invited_link=request.args.get("sent"),
    ), status


@bp.get("/members")
@login_required
def members(slug: str):
    return _members_page(org_for(slug, "members.view"))


@bp.post("/members/invite")
@login_required
def invite(slug: str):
    org = org_for(slug, "members.manage")
    form = forms.load(InvitationIn())
    if form.ok:
        try:
            invitation, _link = orgs.invite_by_email(get_session(), org, email=form.data["email"],
                                                     role=form.data["role"], invited_by=current_user(),
                                                     ip=client_ip())
        except DomainError as error:
            form.fail(error)
        else:
            flash(_("Invitation sent to %(email)s.", email=invitation.email), "success")
            return redirect(url_for("orgs.members", slug=slug))
    return _members_page(org, form, 422)


@bp.post("/members/<int:member_id>/role")
@login_required
def change_role(slug: str, member_id: int):
    org = org_for(slug, "members.manage")
    form = forms.load(RoleIn())
    if not form.ok:
        abort(400)
    try:
        orgs.change_role(get_session(), org, member_id=member_id, role=form.data["role"], actor=current_user(),
                         ip=client_ip())
        flash(_("Role changed."), "success")
    except DomainError as error:
        if error.status == 404:
            raise
        flash(_(error.message), "error")
    return redirect(url_for("orgs.members", slug=slug))


@bp.post("/members/<int:member_id>/remove")
@login_required
def remove_member(slug: str, member_id: int):
    org = org_for(slug, "members.manage")
    try:
        orgs.remove_member(get_session(), org, member_id=member_id, actor=current_user(), ip=client_ip())
        flash(_("Member removed."), "success")
    except DomainError as error:
        if error.status == 404:
            raise
        flash(_(error.message), "error")
    return redirect(url_for("orgs.members", slug=slug))


class _JoinCodeIn(ma.Schema):
    enabled = ma.fields.Boolean(load_default=True)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings(slug: str):
    org = org_for(slug, "org.manage")
    form = forms.Form(values=org.model_dump())
    if request.method == "POST":
        done, form = forms.submit(
            OrgSettingsIn(),
            lambda **data: orgs.update_settings(get_session(), org, actor=current_user(), **data),
            done=_("Settings saved."), then=url_for("orgs.settings", slug=org.slug))
        if done:
            return done
    from campaigns.web.accounts import timezones

    return render_template("orgs/settings.html", org=org, form=form, timezones=timezones()), \
        422 if form.errors else 200


@bp.post("/settings/join-code")
@login_required
def join_code(slug: str):
    org = org_for(slug, "org.manage")
    enabled = request.form.get("enabled", "1") == "1"
    orgs.set_join_code(get_session(), org, actor=current_user(), enabled=enabled)
    flash(_("A new join code is ready.") if enabled else _("Joining by code is switched off."), "success")
    return redirect(url_for("orgs.settings", slug=slug))


@bp.get("/audit")
@login_required
def audit_log(slug: str):
    org = org_for(slug, "audit.view")
    page = page_of(audit.org_events(get_session(), org.id))
    return render_template("orgs/audit.html", org=org, page=page, **audit_entries(page.items))


def audit_entries(items) -> dict:
    """What the security log table shows of a page of events (templates/_audit_table.html)."""
    return {"entries": audit.readable(get_session(), list(items), viewer=current_user())}
