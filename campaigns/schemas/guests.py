"""Schemas of guests, for the API and the pages alike."""

from __future__ import annotations

import marshmallow as ma

from campaigns.schemas.fields import StrictSchema
from campaigns.services import guest_admin


class GuestOut(ma.Schema):
    id = ma.fields.Integer()
    display_name = ma.fields.String()
    channels = ma.fields.List(ma.fields.String(), metadata={"description": "Where they agreed to get reminders."})
    accessibility_needs = ma.fields.String()
    places = ma.fields.Integer(metadata={"description": "Their sign-ups in this group with or awaiting a place."})
    confirmed_at = ma.fields.AwareDateTime()
    invited_at = ma.fields.AwareDateTime(allow_none=True)


class GuestInviteIn(StrictSchema):
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(guest_admin.INVITABLE))


class GuestInviteOut(ma.Schema):
    invited = ma.fields.Boolean()
