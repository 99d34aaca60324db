"""The private reflection form: three statements from 1 to 5 and a free text only the person ever sees."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from campaigns.auth import current_user
from campaigns.db import get_session
from campaigns.schemas.reflections import ReflectionIn
from campaigns.services import reflections
from campaigns.services.errors import DomainError
from campaigns.web import forms
from campaigns.web.progress import campaign_for

bp = Blueprint("reflections", __name__)
PHASE = "<any(before, after):phase>"


@bp.route(f"/campaigns/<int:campaign_id>/reflection/{PHASE}", methods=["GET", "POST"])
@login_required
def form(campaign_id: int, phase: str):
    campaign, user, session = campaign_for(campaign_id), current_user(), get_session()
    mine = reflections.mine(session, campaign_id=campaign.id, user=user).get(phase)
    form = forms.Form(values=mine.model_dump() if mine else {})
    if request.method == "POST":
        done, form = forms.submit(
            ReflectionIn(),
            lambda **data: reflections.submit(session, campaign=campaign, user=user, phase=phase, **data),
            done=_("Thank you. Only you can see your answers."),
            then=url_for("campaigns.show", campaign_id=campaign.id))
        if done:
            return done
    open_now = reflections.may_answer(session, campaign=campaign, user=user, phase=phase)
    return render_template("progress/reflection.html", campaign=campaign, phase=phase, form=form, mine=mine,
                           open_now=open_now, questions=reflections.QUESTIONS), 422 if form.errors else 200


@bp.post(f"/campaigns/<int:campaign_id>/reflection/{PHASE}/delete")
@login_required
def delete(campaign_id: int, phase: str):
    campaign = campaign_for(campaign_id)
    try:
        reflections.withdraw(get_session(), campaign_id=campaign.id, user=current_user(), phase=phase)
    except DomainError:
        pass  # already gone: the result the person wanted
    flash(_("Your answers are deleted."), "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign.id))
