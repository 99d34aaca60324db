"""The consents page on "My account": a client gives and revokes consents; a worker sees who consented to them."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from campaigns.auth import current_user
from campaigns.db import get_session
from campaigns.schemas.consents import ConsentIn
from campaigns.services import consent_overview, consents, policy
from campaigns.web import forms

bp = Blueprint("consents", __name__, url_prefix="/account/consents")


def _page(form: forms.Form | None = None, status: int = 200):
    session, user = get_session(), current_user()
    is_worker = policy.has_role_anywhere(session, user, "act_for_client")
    mine = consent_overview.of_client(session, user)
    return render_template(
        "concerns/consents.html", form=form or forms.Form(values={"scope": "raise_concerns"}),
        mine=mine, choices=consent_overview.workers_to_choose(session, user),
        is_client=policy.has_role_anywhere(session, user, "consent.give") or bool(mine), is_worker=is_worker,
        # reading clients' consents is logged for each client, so only workers look
        given_to_me=consent_overview.given_to(session, user) if is_worker else [],
        scopes=consents.SCOPES), status


@bp.get("")
@login_required
def page():
    return _page()


@bp.post("")
@login_required
def give():
    done, form = forms.submit(
        ConsentIn(),
        lambda **data: consent_overview.give(get_session(), client=current_user(), **data),
        done=_("Consent given. You can revoke it here at any time."), then=url_for("consents.page"))
    if done:
        return done
    return _page(form, 422)


@bp.post("/<int:consent_id>/revoke")
@login_required
def revoke(consent_id: int):
    consents.revoke(get_session(), client=current_user(), consent_id=consent_id)
    flash(_("Consent revoked. It stopped working straight away."), "success")
    return redirect(url_for("consents.page"))
