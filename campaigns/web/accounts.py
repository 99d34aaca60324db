"""Log in and out, password reset, joining, and the "my account" page (profile, password, API tokens)."""

from __future__ import annotations

from zoneinfo import available_timezones

import marshmallow as ma
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from campaigns import auth, i18n
from campaigns.auth import client_ip, current_user
from campaigns.db import get_session
from campaigns.domain.model import Organisation
from campaigns.domain.text import N_
from campaigns.nudges import mail
from campaigns.schemas.accounts import MeIn, TokenIn
from campaigns.schemas.fields import StrictSchema, Text, Timezone
from campaigns.services import accounts, orgs, policy, tokens
from campaigns.services.errors import DomainError, Forbidden, Invalid
from campaigns.web import forms

bp = Blueprint("accounts", __name__)


class LoginIn(StrictSchema):
    email = Text(required=True, min_length=1, max_length=254)
    password = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=256))
    next = ma.fields.String(load_default=None)


class PasswordIn(StrictSchema):
    current_password = ma.fields.String(required=True, validate=ma.validate.Length(max=256))
    new_password = ma.fields.String(required=True, validate=ma.validate.Length(max=256))


class ForgotIn(StrictSchema):
    email = Text(required=True, min_length=3, max_length=254)


class ResetIn(StrictSchema):
    password = ma.fields.String(required=True, validate=ma.validate.Length(max=256))


class RegisterIn(StrictSchema):
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))
    display_name = Text(required=True, min_length=1, max_length=80)
    password = ma.fields.String(required=True, validate=ma.validate.Length(max=256))
    timezone = Timezone()


class JoinCodeIn(StrictSchema):
    code = Text(required=True, min_length=1, max_length=32)


def timezones() -> list[str]:
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))


def _safe_next(target: str | None) -> str:
    # only local paths: no open redirect
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("meta.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = forms.Form(values={"next": request.args.get("next", "")})
    if request.method == "POST":
        form = forms.load(LoginIn())
        if form.ok:
            try:
                user, token = accounts.log_in(get_session(), email=form.data["email"],
                                              password=form.data["password"], ip=client_ip())
            except DomainError as error:
                form.fail(error)
            else:
                auth.begin(user, token)
                return redirect(_safe_next(form.data.get("next")))
        return render_template("accounts/login.html", form=form), 422 if form.errors else 200
    return render_template("accounts/login.html", form=form)


@bp.post("/language")
def language():
    """The language switch on every page: a member's account keeps the choice, a visitor's browser does (a
    cookie, kept after logging out too)."""
    code = i18n.offered(request.form.get("locale"))
    if code is None:
        raise Invalid(_("Choose one of the offered languages."), field="locale")
    user = current_user()
    if user is not None:
        accounts.update_profile(get_session(), user, locale=code)
    response = redirect(_safe_next(request.form.get("next")))
    response.set_cookie(i18n.COOKIE, code, max_age=i18n.COOKIE_MAX_AGE, httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.post("/logout")
def logout():
    auth.end()
    flash(_("You have logged out."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = forms.Form()
    if request.method == "POST":
        form = forms.load(ForgotIn())
        if form.ok:
            try:
                token = accounts.request_password_reset(get_session(), email=form.data["email"], ip=client_ip())
            except DomainError as error:
                form.fail(error)
            else:
                if token:
                    hours = current_app.config["PASSWORD_RESET_HOURS"]
                    mail.send_template(to=form.data["email"], template="password_reset", hours=hours,
                                       link=url_for("accounts.reset_password", token=token, _external=True))
                # the same words either way: nobody learns whether an account exists
                flash(_("If an account uses that address, we've sent it a link to choose a new password."),
                      "success")
                return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form), 422 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    form = forms.Form()
    if request.method == "POST":
        done, form = forms.submit(
            ResetIn(),
            lambda **data: accounts.reset_password(get_session(), token=token, new=data["password"], ip=client_ip()),
            done=_("Your password is changed. Please log in with it."), then=url_for("accounts.login"))
        if done:
            return done
    return render_template("accounts/reset.html", form=form, token=token), 422 if form.errors else 200


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    user = current_user()
    form = forms.Form(values=user.model_dump())
    if request.method == "POST":
        done, form = forms.submit(
            MeIn(),
            lambda **data: accounts.update_profile(get_session(), user, **data),
            done=_("Your account is updated."), then=url_for("accounts.account"))
        if done:
            return done
    return _account_page(profile=form)


def _account_page(*, profile=None, password=None, token_form=None, new_token=None, status=None):
    user = current_user()
    page = render_template(
        "accounts/account.html",
        profile=profile or forms.Form(values=user.model_dump()),
        password=password or forms.Form(),
        token_form=token_form or forms.Form(),
        new_token=new_token,
        tokens=tokens.of_user(get_session(), user),
        features=policy.account_features(get_session(), user),
        timezones=timezones(),
    )
    failed = any(f is not None and f.errors for f in (profile, password, token_form))
    return page, status or (422 if failed else 200)


@bp.post("/account/password")
@login_required
def change_password():
    form = forms.load(PasswordIn())
    if form.ok:
        try:
            token = accounts.change_password(get_session(), current_user(), current=form.data["current_password"],
                                             new=form.data["new_password"], ip=client_ip())
        except DomainError as error:
            form.fail(error)
        else:
            auth.begin(current_user(), token)
            flash(_("Your password is changed. Other devices have been logged out and your API tokens revoked."),
                  "success")
            return redirect(url_for("accounts.account"))
    return _account_page(password=form)


@bp.post("/account/tokens")
@login_required
def create_token():
    if "api_tokens" not in policy.account_features(get_session(), current_user()):
        raise Forbidden(N_("API tokens are for the people who coordinate or support campaigns."))
    form = forms.load(TokenIn())
    if form.ok:
        try:
            token, secret = tokens.create(get_session(), current_user(), ip=client_ip(), **form.data)
        except DomainError as error:
            form.fail(error)
        else:
            return _account_page(new_token=secret, status=201)
    return _account_page(token_form=form)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    tokens.revoke(get_session(), current_user(), token_id, ip=client_ip())
    flash(_("The token is revoked. Anything using it stops working now."), "success")
    return redirect(url_for("accounts.account"))


def _register_and_log_in(form: forms.Form, *, email: str | None = None):
    user = accounts.create_user(get_session(), email=email or form.data["email"], password=form.data["password"],
                                display_name=form.data["display_name"], timezone=form.data.get("timezone"))
    _, token = accounts.log_in(get_session(), email=user.email, password=form.data["password"], ip=client_ip())
    auth.begin(user, token)
    return user


@bp.route("/join", methods=["GET", "POST"])
def join():
    """Join a group with its code; newcomers create their account on the same page."""
    form = forms.Form(values={"code": request.args.get("code", "")})
    if request.method == "POST":
        form = forms.load(JoinCodeIn() if current_user() else _JoinNewIn())
        if form.ok:
            try:
                member = _join_by_code(form.data)
            except DomainError as error:
                form.fail(error)
            else:
                org = get_session().get(Organisation, member.org_id)
                flash(_("Welcome to %(org)s.", org=org.name), "success")
                return redirect(url_for("orgs.home", slug=org.slug))
    return render_template("accounts/join.html", form=form, timezones=timezones()), 422 if form.errors else 200


def _join_by_code(data: dict):
    if current_user():
        return orgs.join_by_code(get_session(), code=data["code"], user=current_user(), ip=client_ip())
    user, member = orgs.join_as_newcomer(get_session(), code=data["code"], email=data["email"],
                                         password=data["password"], display_name=data["display_name"],
                                         timezone=data.get("timezone"), ip=client_ip())
    _, token = accounts.log_in(get_session(), email=user.email, password=data["password"], ip=client_ip())
    auth.begin(user, token)
    return member


class _JoinNewIn(RegisterIn):
    code = Text(required=True, min_length=1, max_length=32)


class _InvitedIn(StrictSchema):
    display_name = Text(required=True, min_length=1, max_length=80)
    password = ma.fields.String(required=True, validate=ma.validate.Length(max=256))
    timezone = Timezone()


@bp.route("/join/invitation/<secret>", methods=["GET", "POST"])
def invitation(secret: str):
    """Accept an invitation: logged-in people confirm; newcomers create their account."""
    session = get_session()
    try:
        invite = orgs.invitation_for(session, secret)
    except DomainError as error:
        return render_template("accounts/invitation.html", error=error.message, form=forms.Form()), 400
    org = session.get(Organisation, invite.org_id)
    form = forms.Form()
    if request.method == "POST":
        form = forms.load(StrictSchema() if current_user() else _InvitedIn())
        if form.ok:
            try:
                user = current_user() or _register_and_log_in(form, email=invite.email)
                orgs.accept_invitation(session, secret=secret, user=user, ip=client_ip())
            except DomainError as error:
                form.fail(error)
            else:
                flash(_("Welcome to %(org)s.", org=org.name), "success")
                return redirect(url_for("orgs.home", slug=org.slug))
    status = 422 if form.errors else 200
    return render_template("accounts/invitation.html", invite=invite, org=org, form=form,
                           timezones=timezones()), status
