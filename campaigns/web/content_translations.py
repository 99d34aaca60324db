"""Pages to give a campaign's or an action's own words in another language (campaign coordinators)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from campaigns import i18n
from campaigns.auth import current_user
from campaigns.db import get_session
from campaigns.domain.model import Action, Campaign
from campaigns.schemas.content_translations import ActionWordsIn, CampaignWordsIn
from campaigns.services import content_translations as service
from campaigns.services.campaigns import get as get_campaign
from campaigns.services.volunteering import action_for
from campaigns.web import forms

bp = Blueprint("content_translations", __name__)


@bp.route("/campaigns/<int:campaign_id>/translations/<locale>", methods=["GET", "POST"])
@login_required
def campaign(campaign_id: int, locale: str):
    subject = get_campaign(get_session(), user=current_user(), campaign_id=campaign_id, permission="campaign.manage")
    return _page(subject, locale, CampaignWordsIn(), url_for("campaigns.show", campaign_id=subject.id))


@bp.route("/actions/<int:action_id>/translations/<locale>", methods=["GET", "POST"])
@login_required
def action(action_id: int, locale: str):
    subject = action_for(get_session(), current_user(), action_id, "campaign.manage")
    return _page(subject, locale, ActionWordsIn(), url_for("volunteering.action_page", action_id=subject.id))


def _page(subject: Campaign | Action, locale: str, schema, back: str):
    if i18n.offered(locale) is None:
        abort(404)
    form = forms.Form(values=dict(subject.translations.get(locale, {})))
    if request.method == "POST":
        done, form = forms.submit(
            schema,
            lambda **data: service.translate_content(get_session(), actor=current_user(), subject=subject,
                                                     locale=locale, texts=data),
            done=_("Translation saved."), then=back)
        if done:
            return done
    fields = list(service.FIELDS[type(subject)])
    return render_template("content_translations/edit.html", subject=subject, fields=fields, form=form,
                           locale=locale, back=back), 422 if form.errors else 200
