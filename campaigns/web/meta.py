"""The home page, the health check, and the development mail folder."""

from __future__ import annotations

from email import policy as email_policy
from email.parser import BytesParser

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import text

from campaigns.auth import current_user
from campaigns.db import get_session
from campaigns.nudges.channels import email
from campaigns.services import installation
from campaigns.web.context import my_orgs

bp = Blueprint("meta", __name__)


@bp.get("/")
def home():
    user = current_user()
    if user is None:
        return render_template("meta/welcome.html")
    memberships = my_orgs()
    if len(memberships) == 1 and not user.is_admin:
        return redirect(url_for("orgs.home", slug=memberships[0][0].slug))
    health = installation.health(get_session(), user=user) if user.is_admin else None
    return render_template("meta/home.html", memberships=memberships, health=health,
                           stale_minutes=int(installation.STALE_AFTER.total_seconds() // 60))


@bp.get("/healthz")
def healthz():
    """Liveness and database reachability, for load balancers."""
    try:
        get_session().exec(text("SELECT 1")).one()
    except Exception:  # any database failure means unhealthy, never a 500 page
        current_app.logger.exception("health check failed")
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


def _dev_only():
    if current_app.config["ENV_NAME"] not in {"development", "testing"} or current_app.config["MAIL_SERVER"]:
        abort(404)


@bp.get("/dev/mail")
def dev_mail():
    """Every mail the app would have sent, when no SMTP server is configured (development only)."""
    _dev_only()
    mails = [(path.name, _parse(path)) for path in email.folder_messages()]
    return render_template("meta/mail_list.html", mails=mails)


@bp.get("/dev/mail/<name>")
def dev_mail_one(name: str):
    _dev_only()
    path = next((p for p in email.folder_messages(limit=10_000) if p.name == name), None)
    if path is None:
        abort(404)
    msg = _parse(path)
    body = msg.get_body(preferencelist=("plain",))
    return render_template("meta/mail_one.html", msg=msg, text=body.get_content() if body else "", name=name)


def _dev_texts_only():
    from campaigns.nudges.channels import sms

    if current_app.config["ENV_NAME"] not in {"development", "testing"} or sms.configured():
        abort(404)


@bp.get("/dev/sms")
def dev_sms():
    """Every text the app would have sent, when no SMS provider is configured (development only)."""
    from campaigns.domain.rules_sms import segments
    from campaigns.nudges.channels import sms

    _dev_texts_only()
    texts = [(text, segments(text["body"])) for text in sms.folder_texts()]
    return render_template("meta/sms_list.html", texts=texts)


@bp.post("/dev/sms/reply")
def dev_sms_reply():
    """Reply to a text as its recipient would (development only): the same handling as the provider's webhook."""
    import secrets

    from flask import flash, request

    from campaigns.services import sms_replies
    from campaigns.services.errors import DomainError

    _dev_texts_only()
    try:
        answer = sms_replies.receive(get_session(), number=request.form.get("number", "").strip()[:20],
                                     body=request.form.get("body", "")[:1600], sid="DEV" + secrets.token_hex(16))
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("meta.dev_sms"))
    flash(_("Reply received. The answer: %(answer)s", answer=answer.body) if answer else
          _("Reply received; it needs no answer."), "success")
    return redirect(url_for("meta.dev_sms"))


def _parse(path):
    return BytesParser(policy=email_policy.default).parsebytes(path.read_bytes())
