"""Phone numbers as people write them, read with `phonenumbers` (libphonenumber) and kept in E.164."""

from __future__ import annotations

import phonenumbers
from flask import current_app
from flask_babel import gettext as _
from phonenumbers import NumberParseException, PhoneNumberType

from campaigns.services.errors import Invalid

#: number types a text can reach (many countries cannot tell a mobile from a landline by the number alone)
TEXTABLE = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
LONGEST_INPUT = 40


def normalise(raw: str | None, *, country: str = "GB", field: str = "mobile") -> str:
    """A mobile number as E.164 (+447700900123): written with +country, or as a number of `country` (the
    group's). Unparseable, impossible, landline and not-textable numbers, and countries texts may not go to,
    are refused with a message beside `field`."""
    text = (raw or "").strip()
    if not text:
        raise Invalid(_("Give a mobile number."), field=field)
    if len(text) > LONGEST_INPUT:
        raise Invalid(_("That is too long for a phone number."), field=field)
    try:
        number = phonenumbers.parse(text, (country or "GB").upper())
    except NumberParseException:
        raise Invalid(_("That doesn't look like a phone number. Try it with the country code, like +44 7700 "
                      "900123."), field=field) from None
    if not phonenumbers.is_valid_number(number):
        raise Invalid(_("That isn't a complete phone number. Please check the digits."), field=field)
    region = phonenumbers.region_code_for_number(number)
    if region not in current_app.config["SMS_COUNTRIES"]:
        raise Invalid(_("Sorry, we can't send texts to numbers in that country."), field=field)
    if phonenumbers.number_type(number) not in TEXTABLE:
        raise Invalid(_("That looks like a landline. Texts need a mobile number."), field=field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def masked(number: str | None) -> str:
    """A number with all but its last three digits hidden, for pages that only need to recognise it."""
    if not number:
        return ""
    return "•" * max(0, len(number) - 3) + number[-3:]
