"""How a guest can be reached, as they typed it: an email address, and hints and masks for mobile numbers (which
services/phones.py reads into E.164)."""

from __future__ import annotations

import phonenumbers
from flask_babel import gettext as _

from campaigns.services import phones
from campaigns.services.errors import Invalid


def example_mobile(country: str) -> str:
    """A mobile number as people in `country` write it, for a field's hint."""
    example = phonenumbers.example_number_for_type(country, phonenumbers.PhoneNumberType.MOBILE)
    if example is None:
        return "+44 7911 123456"
    return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)


def normalise_email(raw: str, *, field: str = "email") -> str:
    email = raw.strip().lower()
    local, _at, domain = email.partition("@")
    if not local or "." not in domain or len(email) > 254 or any(c.isspace() for c in email):
        raise Invalid(_("Enter an email address like name@example.org."), field=field)
    return email


def masked(contact: str) -> str:
    """A contact as it may be shown back to whoever typed it: enough to spot a typo, not to learn it."""
    if "@" in contact:
        local, _at, domain = contact.partition("@")
        return f"{local[:1]}…@{domain}"
    return phones.masked(contact)
