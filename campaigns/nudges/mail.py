"""Transactional mail (invitations, password resets): rendered from templates/emails/ and sent at once.

Nudges (reminders, digests) do not come through here: they are rows the scheduler delivers with care rules.
"""

from __future__ import annotations

from flask import render_template

from campaigns.nudges.channels import email


def send_template(*, to: str, template: str, **context) -> None:
    """Render templates/emails/<template>.{subject,txt,html} with `context` and send the mail."""
    subject = render_template(f"emails/{template}.subject.txt", **context).strip()
    text = render_template(f"emails/{template}.txt", **context)
    html = render_template(f"emails/{template}.html", **context)
    email.send(email.build(to=to, subject=subject, text=text, html=html))
