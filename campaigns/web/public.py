"""Public action pages (no login): the action, guest sign-up, confirming by code or link, cancelling and stopping
messages by signed link, the calendar file and a printable poster with a QR code."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from campaigns.auth import client_ip
from campaigns.db import get_session
from campaigns.domain.model import Signup, Task, User
from campaigns.schemas.public import GuestSignupIn
from campaigns.services import contacts, guests, public, security, signups
from campaigns.services.errors import DomainError, Invalid
from campaigns.services.ics import event_file
from campaigns.web import caching, forms

bp = Blueprint("public", __name__)


@bp.app_context_processor
def _helpers() -> dict:
    return {"map_search": public.map_search}


def _page(page: public.PublicAction, form: forms.Form | None = None, status: int = 200):
    return render_template("public/action.html", page=page, form=form or forms.Form(),
                           mobile_hint=contacts.example_mobile(page.org.country)), status


@bp.route("/p/actions/<int:action_id>", methods=["GET", "POST"])
@caching.conditional("action", "action_id")
def action_page(action_id: int):
    """What, when, where and the places, for anyone; and the guest sign-up form."""
    session = get_session()
    page = public.public_action(session, action_id)
    if request.method == "GET":
        return _page(page)
    form = forms.load(GuestSignupIn())
    if form.ok:
        try:
            answer = guests.request_signup(session, _request(form.data), ip=client_ip())
        except Invalid as error:
            form.fail(error)
        except DomainError as error:
            if error.status == 429:
                raise
            form.fail(error)
        else:
            flash(_("Almost done: we sent a code to %(to)s. Your place is kept once you confirm.",
                    to=answer.sent_to), "success")
            return redirect(url_for("public.confirm_page", ref=public.ref_for(answer.signup_id)))
    return _page(page, form, 422)


def _request(data: dict) -> guests.Request:
    return guests.Request(task_id=data["task_id"], display_name=data["display_name"], email=data["email"],
                          mobile=data["mobile"], channels=tuple(data["channels"]),
                          accessibility_needs=data["accessibility_needs"], website=data["website"])


@bp.route("/p/signups/<ref>", methods=["GET", "POST"])
def confirm_page(ref: str):
    """Type the code from the email or text."""
    form, signup_id = forms.Form(), public.signup_of_ref(ref)  # a forged reference is refused at once
    if request.method == "POST":
        form.values = {"code": request.form.get("code", "")}
        done = _confirmed(form, signup_id, form.values["code"])
        if done:
            return done
    return render_template("public/confirm.html", form=form, ref=ref), 422 if form.errors else 200


@bp.route("/p/confirm/<int:signup_id>/<code>", methods=["GET", "POST"])
def confirm_link(signup_id: int, code: str):
    """The link in the message: a button, so a mail scanner that opens links confirms nothing."""
    form = forms.Form()
    if request.method == "POST":
        done = _confirmed(form, signup_id, code)
        if done:
            return done
    return render_template("public/confirm_link.html", form=form), 422 if form.errors else 200


def _confirmed(form: forms.Form, signup_id: int, code: str):
    """Confirm with the code: the page that follows, or None with the refusal on the form (429s stay 429)."""
    try:
        signup = guests.confirm(get_session(), signup_id=signup_id, code=code[:12])
    except DomainError as error:
        if error.status == 429:
            raise
        form.fail(error)
        return None
    return redirect(url_for("public.done", token=public.cancel_token(signup.id)))


def _signup_of_token(token: str) -> tuple[Signup, public.PublicAction]:
    signup_id = security.unsign(public.CANCEL_PURPOSE, token, max_age_seconds=400 * 24 * 3600)
    signup = get_session().get(Signup, signup_id)
    task = get_session().get(Task, signup.task_id) if signup else None
    if signup is None or task is None or task.action_id is None:
        raise Invalid(_("This link is not valid."))
    return signup, public.public_action(get_session(), task.action_id)


@bp.get("/p/done/<token>")
def done(token: str):
    """After confirming: the place (or waiting-list spot), the place's address if it was kept back, and how to
    cancel."""
    signup, page = _signup_of_token(token)
    return render_template("public/done.html", signup=signup, page=page, token=token)


@bp.route("/p/cancel/<token>", methods=["GET", "POST"])
def cancel(token: str):
    """One click gives the place up (the button is the click: a link opened by a scanner changes nothing)."""
    signup, page = _signup_of_token(token)
    if request.method == "POST":
        signups.cancel(get_session(), signup_id=signup.id, user=get_session().get(User, signup.user_id))
        flash(_("You've given up your place. Thank you for letting us know."), "success")
        return redirect(url_for("public.action_page", action_id=page.action.id))
    return render_template("public/cancel.html", signup=signup, page=page)


@bp.route("/p/stop/<token>", methods=["GET", "POST"])
def stop(token: str):
    """A guest's "stop all messages" link."""
    if request.method == "POST":
        guests.stop_messages(get_session(), token=token)
        return render_template("public/stopped.html")
    return render_template("public/stop.html")


@bp.get("/p/actions/<int:action_id>/calendar.ics")
def calendar(action_id: int):
    """The action as a calendar file (the address only where it is public)."""
    page = public.public_action(get_session(), action_id)
    a = page.action
    body = event_file(uid=f"action-{a.id}", title=a.title, starts=a.starts_at, ends=a.ends_at,
                      location=page.address, description=a.description, sequence=a.sequence)
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="action-{a.id}.ics"'})


@bp.get("/p/actions/<int:action_id>/poster")
def poster(action_id: int):
    """A printable poster for a notice board, with a QR code to the page."""
    page = public.public_action(get_session(), action_id)
    url = url_for("public.action_page", action_id=action_id, _external=True)
    return render_template("public/poster.html", page=page, url=url, qr=public.qr_svg(url))
