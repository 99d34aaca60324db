"""The assessment form: the social context of one or more shared concerns, naming no client."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from campaigns.auth import current_user
from campaigns.db import get_session
from campaigns.schemas.assessments import AssessmentIn
from campaigns.services import assessments
from campaigns.services.errors import DomainError
from campaigns.web import forms
from campaigns.web.orgs import org_for

bp = Blueprint("assessments", __name__, url_prefix="/o/<slug>/assessments")


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(slug: str):
    org = org_for(slug, "assessment.write")
    form = forms.Form()
    chosen = [request.args.get("concern", type=int)]
    if request.method == "POST":
        form = forms.load(AssessmentIn())
        chosen = request.form.getlist("concern_ids", type=int)
        if form.ok:
            try:
                assessment = assessments.record(get_session(), org_id=org.id, actor=current_user(), **form.data)
            except DomainError as error:
                form.fail(error)
            else:
                flash(_("The assessment is saved and shown on its concerns."), "success")
                first = form.data["concern_ids"][0]
                return redirect(url_for("concerns.page", slug=org.slug, concern_id=first,
                                        _anchor=f"assessment-{assessment.id}"))
    return render_template("concerns/assess.html", org=org, form=form, chosen=chosen, fields=FIELD_LABELS,
                           concerns=assessments.assessable(get_session(), org.id)), 422 if form.errors else 200


#: the parts of the form: (field, label, hint)
FIELD_LABELS = [
    ("affected", "Who is affected", "In general terms, like 'families renting privately'. Never name anyone."),
    ("root_causes", "Root causes", "Why it happens: rules, money, attitudes, missing services."),
    ("stakeholders", "Stakeholders", "Who else has a stake: landlords, services, community groups."),
    ("targets", "Targets (decision-makers)", "Who could change it: a council committee, a manager, an official."),
    ("notes", "Notes", "Anything else worth knowing."),
]
