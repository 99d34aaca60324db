"""Schemas of the public action pages and guest sign-up (no login): what anyone may see and send."""

from __future__ import annotations

import marshmallow as ma

from campaigns.schemas.fields import Id, StrictSchema, Text


class PublicTaskOut(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    description = ma.fields.String()
    places = ma.fields.String(metadata={"description": "open | full (a full task takes a waiting list)."})
    places_left = ma.fields.Integer(allow_none=True, metadata={
        "description": "Free places; null while fewer than k people have a place (so no count singles anyone "
                       "out)."})


class PublicActionOut(ma.Schema):
    id = ma.fields.Integer()
    campaign_id = ma.fields.Integer()
    kind = ma.fields.String()
    title = ma.fields.String()
    description = ma.fields.String()
    starts_at = ma.fields.AwareDateTime()
    ends_at = ma.fields.AwareDateTime()
    timezone = ma.fields.String()
    address = ma.fields.String(allow_none=True, metadata={"description": "Null when given only to confirmed people."})
    online = ma.fields.Boolean(metadata={"description": "Whether it happens online (the link comes with a place)."})
    place_after_signup = ma.fields.Boolean()
    accessibility_notes = ma.fields.String()
    interpreter_languages = ma.fields.List(ma.fields.String())
    url = ma.fields.String(metadata={"description": "The canonical public page."})
    calendar_url = ma.fields.String()
    tasks = ma.fields.List(ma.fields.Nested(PublicTaskOut))


class GuestSignupIn(StrictSchema):
    task_id = Id(required=True)
    display_name = Text(required=True, max_length=200, metadata={"description": "What to call you (up to 80)."})
    email = Text(load_default="", max_length=254)
    mobile = Text(load_default="", max_length=40, metadata={"description": "Written as at home or with +country."})
    channels = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(["email", "sms"])), load_default=list,
                              validate=ma.validate.Length(max=2),
                              metadata={"description": "Where reminders may go; none by default."})
    accessibility_needs = Text(load_default="", max_length=2000)
    website = Text(load_default="", max_length=200, metadata={"description": "Leave empty (a field for robots)."})


class GuestSignupOut(ma.Schema):
    sent_to = ma.fields.String(metadata={"description": "Where the confirmation went, partly hidden."})
    ref = ma.fields.String(metadata={"description": "Send it back with the code to confirm. The answer has the same "
                                                    "shape whether or not the address was known."})
    confirm_url = ma.fields.String(metadata={"description": "The page where a person types the code."})


class GuestConfirmIn(StrictSchema):
    ref = Text(required=True, min_length=1, max_length=500)
    code = Text(required=True, min_length=1, max_length=12)


class GuestSignupStatusOut(ma.Schema):
    status = ma.fields.String(metadata={"description": "confirmed | waitlisted"})
    cancel_url = ma.fields.String(metadata={"description": "One click, no login: gives the place up."})
    cancel_token = ma.fields.String(metadata={"description": "For POST /public/signups/cancel."})


class GuestTokenIn(StrictSchema):
    token = Text(required=True, min_length=1, max_length=500)
