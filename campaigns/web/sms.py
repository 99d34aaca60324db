"""Texts: the short links they carry (/s/<token>), and the provider's webhooks, each refused (403) without
a valid X-Twilio-Signature (checked with twilio's RequestValidator, the reference implementation)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from campaigns.auth import current_user
from campaigns.db import get_session
from campaigns.extensions import csrf
from campaigns.pagination import page_of
from campaigns.services import mobile as mobile_service
from campaigns.services import sms, sms_replies
from campaigns.services.errors import Invalid
from campaigns.web import forms

bp = Blueprint("sms", __name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


@bp.get("/s/<token>")
def short_link(token: str):
    """Where a text's short link leads (a page in the app)."""
    target = sms.follow(get_session(), token)
    if target is None:
        return render_template("sms/short_link.html"), 404
    return redirect(target)


def signed_form() -> dict[str, str]:
    """The webhook's form, if Twilio signed it (HMAC-SHA1 of our public URL and the fields); 403 otherwise.
    The URL is rebuilt from BASE_URL, as Twilio called it, not from what a proxy in front says."""
    from twilio.request_validator import RequestValidator

    token = current_app.config["TWILIO_AUTH_TOKEN"]
    signature = request.headers.get("X-Twilio-Signature", "")
    form = request.form.to_dict()
    url = current_app.config["BASE_URL"].rstrip("/") + request.full_path.rstrip("?")
    if not token or not signature or not RequestValidator(token).validate(url, form, signature):
        abort(403)
    return form


def _code(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 9 else None


@bp.post("/sms/status")
@csrf.exempt
def status_callback():
    """Twilio's delivery report for a text we sent: moves the text on; a replay changes nothing."""
    form = signed_form()
    sms.report(get_session(), sid=form.get("MessageSid", "")[:64], status=form.get("MessageStatus", ""),
               key=request.args.get("k", "")[:40] or None, error_code=_code(form.get("ErrorCode")))
    return Response(status=204)


@bp.post("/sms/inbound")
@csrf.exempt
def inbound():
    """A text someone sent to our number: handled (YES, NO, STOP, START, HELP or words for the coordinators);
    any answer goes out as a text of its own, so this answers Twilio with an empty TwiML document."""
    form = signed_form()
    try:
        sms_replies.receive(get_session(), number=form.get("From", "")[:20], body=form.get("Body", "")[:1600],
                            sid=form.get("MessageSid", "")[:64], opt_out_type=form.get("OptOutType", "")[:10])
    except Invalid as error:
        return Response(error.message, status=400, mimetype="text/plain")
    return Response(EMPTY_TWIML, mimetype="text/xml")


# -- my mobile number and my texts -----------------------------------------------------------------------------
def _mobile_page(number_form=None, code_form=None):
    user = current_user()
    failed = number_form is not None or code_form is not None
    return render_template("sms/mobile.html", user=user, waiting=mobile_service.pending(get_session(), user),
                           number_form=number_form or forms.Form(), code_form=code_form or forms.Form()), \
        422 if failed else 200


@bp.route("/account/mobile", methods=["GET", "POST"])
@login_required
def mobile_page():
    """My mobile number: add one (a code is texted to it), give the code back, or take it off."""
    from campaigns.schemas.sms import MobileIn

    if request.method == "GET":
        return _mobile_page()
    done, form = forms.submit(MobileIn(), lambda mobile: mobile_service.request_code(
        get_session(), current_user(), number=mobile), done=_("We've texted you a code. Type it below to finish."),
        then=url_for("sms.mobile_page"))
    return done or _mobile_page(number_form=form)


@bp.post("/account/mobile/verify")
@login_required
def mobile_verify():
    from campaigns.schemas.sms import CodeIn

    done, form = forms.submit(
        CodeIn(), lambda code: mobile_service.confirm(get_session(), current_user(), code=code),
        done=_("Your mobile number is on your account. Choose which messages come by text below."),
        then=url_for("nudges.settings"))
    return done or _mobile_page(code_form=form)


@bp.post("/account/mobile/remove")
@login_required
def mobile_remove():
    mobile_service.remove(get_session(), current_user())
    flash(_("Your mobile number is gone from your account. No more texts will come."), "success")
    return redirect(url_for("sms.mobile_page"))


@bp.get("/account/texts")
@login_required
def texts_page():
    """Every text we sent me, and my replies."""
    page = page_of(mobile_service.texts(current_user()), size=30)
    return render_template("sms/texts.html", page=page)


@bp.get("/o/<slug>/texts")
@login_required
def budget_page(slug: str):
    """The group's texts this month against its budget (coordinators)."""
    from campaigns.web.orgs import org_for

    org = org_for(slug, "org.manage")
    session = get_session()
    return render_template("sms/budget.html", org=org, used=sms.used_this_month(session, org),
                           since=sms.month_start(org.timezone))
