"""Site administration: organisations and the installation's security log. Admins only; others get 404."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from campaigns.auth import current_user
from campaigns.db import get_session
from campaigns.domain.model import Organisation
from campaigns.pagination import page_of
from campaigns.schemas.orgs import OrgIn
from campaigns.services import audit, policy
from campaigns.services import orgs as org_service
from campaigns.web import forms
from campaigns.web.orgs import audit_entries

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _admins_only():
    policy.require_admin(current_user())


@bp.route("/orgs", methods=["GET", "POST"])
def orgs():
    form = forms.Form()
    if request.method == "POST":
        done, form = forms.submit(
            OrgIn(),
            lambda **data: org_service.create(get_session(), creator=current_user(), **data),
            done=lambda org: _("%(name)s is ready. You are its first coordinator.", name=org.name),
            then=lambda org: url_for("orgs.home", slug=org.slug))
        if done:
            return done
    from sqlmodel import select

    all_orgs = list(get_session().exec(select(Organisation).order_by(Organisation.name)))
    return render_template("admin/orgs.html", orgs=all_orgs, form=form), 422 if form.errors else 200


@bp.get("/audit")
def audit_log():
    page = page_of(audit.org_events(get_session(), None))
    return render_template("admin/audit.html", page=page, **audit_entries(page.items))
