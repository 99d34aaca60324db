"""Webhook pages for coordinators: endpoints, the secret shown once, test sends, switching on and off, and
each endpoint's delivery log."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from campaigns.auth import current_user
from campaigns.db import get_session
from campaigns.domain.model import Organisation, WebhookEndpoint
from campaigns.pagination import page_of
from campaigns.schemas.webhooks import EndpointIn
from campaigns.services import webhooks
from campaigns.services.errors import DomainError, NotFound
from campaigns.web import forms
from campaigns.web.orgs import org_for

bp = Blueprint("webhooks", __name__, url_prefix="/o/<slug>/webhooks")


def _endpoint(slug: str, endpoint_id: int) -> tuple[Organisation, WebhookEndpoint]:
    org = org_for(slug, "webhooks.manage")
    endpoint = webhooks.get(get_session(), user=current_user(), endpoint_id=endpoint_id)
    if endpoint.org_id != org.id:
        raise NotFound()
    return org, endpoint


def _list(org: Organisation, form: forms.Form | None = None, status: int = 200, secret: str | None = None,
          created: WebhookEndpoint | None = None):
    items = list(get_session().exec(webhooks.endpoints_query(org.id)))
    return render_template("progress/webhooks.html", org=org, items=items, event_types=webhooks.EVENT_TYPES,
                           form=form or forms.Form(values={"event_types": []}), secret=secret,
                           created=created), status


@bp.get("/")
@login_required
def endpoints(slug: str):
    return _list(org_for(slug, "webhooks.manage"))


@bp.post("/")
@login_required
def create(slug: str):
    org = org_for(slug, "webhooks.manage")
    form = forms.load(EndpointIn())
    form.values["event_types"] = request.form.getlist("event_types")
    if form.ok:
        try:
            endpoint, secret = webhooks.create(get_session(), org_id=org.id, user=current_user(), **form.data)
        except DomainError as error:
            form.fail(error)
        else:
            # shown in this answer only: never stored in a cookie or a flash message
            return _list(org, secret=secret, created=endpoint, status=201)
    return _list(org, form, 422)


def _detail(org, endpoint, form=None, status=200, secret=None):
    page = page_of(webhooks.deliveries(endpoint.id), size=30)
    return render_template("progress/webhook.html", org=org, endpoint=endpoint, page=page, secret=secret,
                           event_types=webhooks.EVENT_TYPES,
                           form=form or forms.Form(values={"url": endpoint.url,
                                                           "event_types": endpoint.event_types})), status


@bp.get("/<int:endpoint_id>")
@login_required
def endpoint(slug: str, endpoint_id: int):
    return _detail(*_endpoint(slug, endpoint_id))


@bp.post("/<int:endpoint_id>")
@login_required
def update(slug: str, endpoint_id: int):
    org, found = _endpoint(slug, endpoint_id)
    form = forms.load(EndpointIn())
    form.values["event_types"] = request.form.getlist("event_types")
    if form.ok:
        try:
            webhooks.update_endpoint(get_session(), endpoint_id=found.id, user=current_user(), **form.data)
        except DomainError as error:
            form.fail(error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("webhooks.endpoint", slug=slug, endpoint_id=found.id))
    return _detail(org, found, form, 422)


@bp.post("/<int:endpoint_id>/switch")
@login_required
def switch(slug: str, endpoint_id: int):
    _org, found = _endpoint(slug, endpoint_id)
    enabled = request.form.get("enabled") == "1"
    webhooks.update_endpoint(get_session(), endpoint_id=found.id, user=current_user(), enabled=enabled)
    flash(_("Switched on: new events will be delivered.") if enabled else _("Switched off: nothing is sent."),
          "success")
    return redirect(url_for("webhooks.endpoint", slug=slug, endpoint_id=found.id))


@bp.post("/<int:endpoint_id>/rotate")
@login_required
def rotate(slug: str, endpoint_id: int):
    org, found = _endpoint(slug, endpoint_id)
    found, secret = webhooks.rotate_secret(get_session(), endpoint_id=found.id, user=current_user())
    return _detail(org, found, secret=secret)


@bp.post("/<int:endpoint_id>/test")
@login_required
def test(slug: str, endpoint_id: int):
    _org, found = _endpoint(slug, endpoint_id)
    try:
        webhooks.send_test(get_session(), endpoint_id=found.id, user=current_user())
    except DomainError as error:
        flash(_(error.message), "error")
    else:
        flash(_("A test delivery is on its way. It shows in the delivery log below within a minute."), "success")
    return redirect(url_for("webhooks.endpoint", slug=slug, endpoint_id=found.id))
