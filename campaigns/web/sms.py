"""Texts: the short links they carry (/s/<token>), and the provider's webhooks, each refused (403) without
a valid X-Twilio-Signature (checked with twilio's RequestValidator, the reference implementation)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request

from campaigns.db import get_session
from campaigns.extensions import csrf
from campaigns.services import sms, sms_replies
from campaigns.services.errors import Invalid

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
                            sid=form.get("MessageSid", "")[:64])
    except Invalid as error:
        return Response(error.message, status=400, mimetype="text/plain")
    return Response(EMPTY_TWIML, mimetype="text/xml")
