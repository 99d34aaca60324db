"""My data: download everything about yourself, see who looked at your data, erase your account."""

from __future__ import annotations

import json

import marshmallow as ma
from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from campaigns import auth
from campaigns.auth import client_ip, current_user
from campaigns.db import get_session
from campaigns.pagination import page_of
from campaigns.schemas.privacy import ErasureIn
from campaigns.services import audit, erasure, privacy
from campaigns.services.errors import DomainError
from campaigns.web import forms

bp = Blueprint("privacy", __name__, url_prefix="/account/data")
bp.add_app_template_global(audit.read_words)


class ErasureFormIn(ErasureIn):
    confirm = ma.fields.Boolean(required=True, validate=ma.validate.Equal(True, error="Tick the box to confirm."))


def _page(form: forms.Form | None = None, status: int = 200):
    user = current_user()
    recent = list(get_session().exec(privacy.reads_query(user.id).limit(10)))
    return render_template("privacy/data.html", form=form or forms.Form(values={"concerns": "keep"}),
                           recent=recent, choices=erasure.CONCERN_CHOICES), status


@bp.get("/")
@login_required
def my_data():
    return _page()


@bp.get("/download")
@login_required
def download():
    """The whole export as a JSON file."""
    user = current_user()
    body = json.dumps(privacy.export(get_session(), user), indent=2, ensure_ascii=False)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="my-campaigns-data.json"'})


@bp.get("/reads")
@login_required
def reads():
    """Everyone who looked at this person's personal data, newest first."""
    page = page_of(privacy.reads_query(current_user().id))
    return render_template("privacy/reads.html", page=page)


@bp.post("/erase")
@login_required
def erase():
    form = forms.load(ErasureFormIn())
    if form.ok:
        try:
            erasure.erase_account(get_session(), current_user(), password=form.data["password"],
                                  concerns=form.data["concerns"], ip=client_ip())
        except DomainError as error:
            form.fail(error)
        else:
            auth.end()
            flash(_("Your account is erased. Thank you for everything you did here."), "success")
            return redirect(url_for("meta.home"))
    return _page(form, 422)
