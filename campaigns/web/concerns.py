"""Concern pages: the board, raising a concern (with a "check for similar" step that needs no JavaScript), a
concern's page (support, withdraw, similar, assessments, merge, close) and the CSV export."""

from __future__ import annotations

import marshmallow as ma
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from campaigns.auth import current_user
from campaigns.db import get_session
from campaigns.domain import rules_concerns as rules
from campaigns.domain.model import Concern, Organisation
from campaigns.downloads import csv_attachment
from campaigns.limits import text_problem
from campaigns.pagination import page_of
from campaigns.schemas.concerns import BoardArgs, ConcernIn, MergeIn, OnBehalfIn
from campaigns.services import assessments, concern_board, concerns, consent_overview, policy
from campaigns.services import campaigns as campaign_service
from campaigns.services.errors import DomainError
from campaigns.web import forms
from campaigns.web.orgs import org_for

bp = Blueprint("concerns", __name__, url_prefix="/o/<slug>/concerns")

STATUS_LABELS = {"open": "Open", "shared": "Shared", "in_campaign": "In a campaign", "closed": "Closed",
                 "merged": "Merged"}


def _common(org: Organisation) -> dict:
    return {"org": org, "category_labels": rules.CATEGORIES, "status_labels": STATUS_LABELS}


@bp.get("")
@login_required
def board(slug: str):
    org = org_for(slug)
    try:
        args = BoardArgs().load(request.args.to_dict())
        errors = {}
    except ma.ValidationError as error:
        args, errors = BoardArgs().load({}), error.messages
    query = concern_board.board_query(org, category=args.get("category"), status=args.get("status"),
                                      q=args.get("q"), sort=args["sort"],
                                      raised_by=current_user() if args["mine"] else None)
    page = page_of(query, size=20)
    items = concern_board.present_many(get_session(), page.items, current_user(), org)
    filters = {k: v for k, v in request.args.items() if k in BoardArgs().fields and k not in errors and v}
    return render_template("concerns/board.html", page=page, items=items, filters=filters,
                           form=forms.Form(values=request.args.to_dict(), errors=errors), **_common(org)), \
        422 if errors else 200


def _on_behalf_choices(org: Organisation, scope: str) -> list:
    """For a worker: the clients who let them act for them in `scope`. Empty for everyone else."""
    user = current_user()
    if not policy.allowed(get_session(), user, "act_for_client", org.id):
        return []
    return consent_overview.clients_for(get_session(), user, org.id, scope)


def _raise_page(org: Organisation, form: forms.Form, similar=None, checked=False, status=200):
    chosen = request.form.getlist("categories") if request.method == "POST" else []
    similar = similar or []
    in_campaigns = concern_board.campaigns_of(get_session(), [c["id"] for c, _s in similar
                                                              if c["status"] == "in_campaign"])
    # each campaign once, in the order of the concerns that led to it (most alike first)
    campaigns = list(dict.fromkeys(pair for c, _s in similar for pair in in_campaigns.get(c["id"], [])))
    return render_template("concerns/raise.html", form=form, chosen=chosen, similar=similar, checked=checked,
                           campaigns=campaigns, clients=_on_behalf_choices(org, "raise_concerns"),
                           **_common(org)), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def raise_form(slug: str):
    org = org_for(slug, "concern.raise")
    if request.method == "GET":
        return _raise_page(org, forms.Form())
    title, description = request.form.get("title", ""), request.form.get("description", "")
    if text_problem(title) or text_problem(description, multiline=True):  # unreadable: nothing to compare
        return _raise_page(org, forms.load(ConcernIn()), status=422)
    found = concern_board.similar(get_session(), org_id=org.id, title=title, description=description,
                                  language=current_user().locale)
    similar = list(zip(concern_board.present_many(get_session(), [c for c, _s in found], current_user(), org),
                       [s for _c, s in found], strict=True))
    if request.form.get("submit") == "check":
        return _raise_page(org, forms.Form(values=request.form.to_dict()), similar, checked=True)
    done, form = forms.submit(
        ConcernIn(),
        lambda **data: concerns.raise_concern(get_session(), org_id=org.id, actor=current_user(), **data),
        done=_("Your concern is raised. Only you can see that you raised it."),
        then=lambda concern: url_for("concerns.page", slug=org.slug, concern_id=concern.id))
    if done:
        return done
    return _raise_page(org, form, similar, status=422)


def _concern_in(org: Organisation, concern_id: int, permission: str = "org.view") -> Concern:
    concern = concerns.concern_for(get_session(), current_user(), concern_id, permission)
    if concern.org_id != org.id:
        abort(404)
    return concern


def _concern_page(org: Organisation, concern: Concern, *, error: str | None = None, status: int = 200):
    session, user = get_session(), current_user()
    similar = concern_board.similar(session, org_id=org.id, title=concern.title, description=concern.description,
                                    exclude_id=concern.id, language=user.locale)
    can = {name: policy.allowed(session, user, permission, org.id) for name, permission in (
        ("merge", "concern.merge"), ("close", "concern.close"), ("assess", "assessment.write"))}
    return render_template(
        "concerns/concern.html", concern=concern_board.present(session, concern, user), error=error, can=can,
        similar=concern_board.present_many(session, [c for c, _s in similar], user, org),
        assessments=assessments.for_concern(session, concern.id),
        campaigns=campaign_service.campaigns_of_concern(session, concern.id),
        merge_into=concern_board.merge_candidates(session, concern) if can["merge"] else [],
        clients=_on_behalf_choices(org, "support_concerns"), **_common(org)), status


@bp.get("/<int:concern_id>")
@login_required
def page(slug: str, concern_id: int):
    org = org_for(slug)
    return _concern_page(org, _concern_in(org, concern_id))


def _act(slug: str, concern_id: int, schema: ma.Schema, use_case, done: str, **extra):
    """Run a concern use case from a posted form; a refusal re-renders the concern page with its 4xx status."""
    org = org_for(slug)
    concern = _concern_in(org, concern_id)
    form = forms.load(schema)
    if not form.ok:
        return _concern_page(org, concern, error=" ".join(m for ms in form.errors.values() for m in ms), status=422)
    try:
        result = use_case(get_session(), concern_id=concern.id, actor=current_user(), **form.data, **extra)
    except DomainError as error:
        if error.status == 404:
            raise
        return _concern_page(org, concerns.concern_for(get_session(), current_user(), concern.id),
                             error=error.message, status=error.status)
    flash(done, "success")
    return redirect(url_for("concerns.page", slug=org.slug, concern_id=result.id))


@bp.post("/<int:concern_id>/support")
@login_required
def support(slug: str, concern_id: int):
    return _act(slug, concern_id, OnBehalfIn(), concerns.support, _("Thank you: your support is counted."))


@bp.post("/<int:concern_id>/withdraw")
@login_required
def withdraw(slug: str, concern_id: int):
    return _act(slug, concern_id, OnBehalfIn(), concerns.withdraw, _("Your support is withdrawn."))


@bp.post("/<int:concern_id>/merge")
@login_required
def merge(slug: str, concern_id: int):
    org_for(slug, "concern.merge")  # coordinators only: say so before reading the form
    return _act(slug, concern_id, MergeIn(), concerns.merge,
                _("Merged. Everyone who supported either concern is counted once here."))


@bp.post("/<int:concern_id>/close")
@login_required
def close(slug: str, concern_id: int):
    return _act(slug, concern_id, ma.Schema(), concerns.close, _("The concern is closed."))


@bp.get("/export.csv")
@login_required
def export(slug: str):
    org = org_for(slug, "concern.export")
    body = concern_board.export_csv(get_session(), org=org, actor=current_user())
    return csv_attachment(body, f"concerns-{org.slug}.csv", private=False)
