"""A group's guests page (coordinators): who took part from public pages, invite one to join, erase one."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from campaigns.auth import client_ip, current_user
from campaigns.db import get_session
from campaigns.services import guest_admin
from campaigns.services.errors import DomainError
from campaigns.web.orgs import org_for

bp = Blueprint("guests", __name__, url_prefix="/o/<slug>/guests")


@bp.get("")
@login_required
def index(slug: str):
    org = org_for(slug, "members.view")
    rows = guest_admin.guests_of(get_session(), viewer=current_user(), org=org)
    return render_template("guests/index.html", org=org, rows=rows, roles=guest_admin.INVITABLE)


@bp.post("/<int:guest_id>/invitation")
@login_required
def invite(slug: str, guest_id: int):
    org = org_for(slug, "members.manage")
    try:
        guest_admin.invite(get_session(), viewer=current_user(), org=org, guest_id=guest_id,
                           role=request.form.get("role", ""), ip=client_ip())
    except DomainError as error:
        if error.status == 404:
            raise
        flash(error.message, "error")
        return redirect(url_for("guests.index", slug=slug)), 303
    flash(_("Invitation sent."), "success")
    return redirect(url_for("guests.index", slug=slug))


@bp.post("/<int:guest_id>/erase")
@login_required
def erase(slug: str, guest_id: int):
    org = org_for(slug, "members.manage")
    guest_admin.erase(get_session(), viewer=current_user(), org=org, guest_id=guest_id)
    flash(_("The guest is erased. Their places went to the next people waiting."), "success")
    return redirect(url_for("guests.index", slug=slug))
