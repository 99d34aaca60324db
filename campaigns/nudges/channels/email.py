"""Email over SMTP, or into a local folder when no SMTP server is configured (development and demo).

Sending is at-least-once: callers pass a stable Message-ID so a retried mail is recognisably the same one.
`send_nudge` is the email channel of the dispatcher: the Message-ID comes from the nudge's dedupe key, every
mail has text and HTML parts, says why it was sent, and carries a one-click `List-Unsubscribe` (RFC 8058) that
really switches that kind of message off; a sign-up confirmation brings an .ics file.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, render_template

from campaigns import clock
from campaigns.i18n import html_lang


class _Policy(EmailPolicy):
    """The default policy, except that List-Unsubscribe goes out whole: RFC 2369/8058 clients read its URLs as they
    are, and the default folds a long one into RFC 2047 encoded-words (=?utf-8?q?=3Chttps…), which they cannot use.
    Its value is ASCII and far below the 998 characters a line may have."""

    UNFOLDED = frozenset({"list-unsubscribe", "list-unsubscribe-post"})

    def fold(self, name, value):
        if name.lower() in self.UNFOLDED:
            return f"{name}: {value}{self.linesep}"
        return super().fold(name, value)

    def fold_binary(self, name, value):
        if name.lower() in self.UNFOLDED:
            return self.fold(name, value).encode("ascii")
        return super().fold_binary(name, value)


POLICY = _Policy()


def build(
    *,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] | None = None,
) -> EmailMessage:
    """A mail with a text part, an optional HTML part, and (filename, mime type, bytes) attachments."""
    msg = EmailMessage(policy=POLICY)
    msg["From"] = current_app.config["MAIL_SENDER"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(clock.now().timestamp(), usegmt=True)
    msg["Message-ID"] = message_id or make_msgid(domain="campaigns.local")
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    for filename, mimetype, data in attachments or ():
        maintype, subtype = mimetype.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    # last: building the parts moves Content-* headers into them. The recipient's language, since mail is
    # rendered under their locale (RFC 3282)
    msg["Content-Language"] = html_lang()
    return msg


def send(msg: EmailMessage) -> None:
    """Hand the mail to SMTP, or write it to the mail folder. Raises on failure so the caller can retry."""
    cfg = current_app.config
    if not cfg["MAIL_SERVER"]:
        _write_to_folder(msg, Path(cfg["MAIL_FOLDER"]))
        return
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=20) as smtp:
        if cfg["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        smtp.send_message(msg)


def _write_to_folder(msg: EmailMessage, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = clock.now().strftime("%Y%m%dT%H%M%S%f")
    safe_id = "".join(c for c in msg["Message-ID"] if c.isalnum())[:40]
    (folder / f"{stamp}-{safe_id}.eml").write_bytes(bytes(msg))


def folder_messages(limit: int = 200) -> list[Path]:
    """The mails written to the local folder, newest first (for the development mail page)."""
    folder = Path(current_app.config["MAIL_FOLDER"])
    if not folder.exists():
        return []
    return sorted(folder.glob("*.eml"), reverse=True)[:limit]


# -- the nudge channel ------------------------------------------------------------------------------------------
def message_id_for(dedupe_key: str) -> str:
    """A Message-ID that is the same on every attempt at the same nudge (and differs between nudges)."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "campaigns.local"
    return f"<n.{hashlib.sha256(dedupe_key.encode()).hexdigest()[:32]}@{host}>"


def send_nudge(session, nudge) -> None:
    """Send one nudge by email (the dispatcher marks it sent afterwards). Raises on failure, to be retried."""
    from campaigns.domain.model import User
    from campaigns.nudges import messages
    from campaigns.nudges import settings as notification_settings
    from campaigns.nudges.dispatch.checks import Person
    from campaigns.nudges.planning import guests as guest_nudges
    from campaigns.services import ics as calendar

    user = session.get(User, nudge.recipient_id)
    person = Person(user.id, user.email, user.display_name, user.locale, user.timezone)
    message = messages.render(nudge, person)
    unsubscribe = messages.external("nudges.unsubscribe", token=notification_settings.unsubscribe_token(
        user_id=user.id, kind=nudge.kind))
    context = {"message": message, "person": person, "unsubscribe": unsubscribe,
               "settings_url": messages.external("nudges.settings"),
               "link": messages.external("meta.home").rstrip("/") + message.link if message.link else None}
    if guest_nudges.is_guest(user):  # no account pages: their action's public page, and a link that stops all
        context.update(guest_nudges.guest_links(user, nudge.payload or {}, nudge.kind))
    attachments = []
    if nudge.kind in ("signup_confirmed", "signup_promoted"):
        ics = calendar.for_signup_subject(session, nudge.payload or {})
        if ics:
            attachments.append(("invite.ics", "text/calendar", ics))
    headers = {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
               "Auto-Submitted": "auto-generated"}
    send(build(to=user.email, subject=message.title, text=render_template("nudges/email.txt", **context),
               html=render_template("nudges/email.html", **context), message_id=message_id_for(nudge.dedupe_key),
               headers=headers, attachments=attachments))
