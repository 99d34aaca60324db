"""Schemas of nudges, for the API and the pages alike."""

from __future__ import annotations

import marshmallow as ma

from campaigns.nudges import outbox as nudge_rows
from campaigns.nudges import settings as notification_settings
from campaigns.nudges.planning import rules as rn
from campaigns.schemas.fields import ClockTime, StrictSchema, Text

KINDS = list(rn.MUTABLE_KINDS)


class InboxItemOut(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    title = ma.fields.String()
    body = ma.fields.String()
    link = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    read_at = ma.fields.DateTime(allow_none=True)


class SettingsIn(StrictSchema):
    email_enabled = ma.fields.Boolean()
    inapp_enabled = ma.fields.Boolean()
    quiet_start = ClockTime(metadata={"description": "Start of quiet hours in your time zone, e.g. 21:00."})
    quiet_end = ClockTime(metadata={"description": "End of quiet hours (your morning), e.g. 08:00."})
    daily_cap = ma.fields.Integer(validate=ma.validate.Range(min=0, max=100))
    weekly_cap = ma.fields.Integer(validate=ma.validate.Range(min=0, max=100))
    digest = ma.fields.String(validate=ma.validate.OneOf(notification_settings.DIGESTS))
    pause_until = ma.fields.AwareDateTime(allow_none=True, metadata={"description": "No nudges until then."})
    muted_kinds = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(KINDS)),
                                 validate=ma.validate.Length(max=len(KINDS)))
    sms_kinds = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(list(rn.SMS_KINDS))),
                               validate=ma.validate.Length(max=len(rn.SMS_KINDS)),
                               metadata={"description": "Kinds also sent as a text to your verified mobile."})


class SettingsOut(ma.Schema):
    email_enabled = ma.fields.Boolean()
    inapp_enabled = ma.fields.Boolean()
    quiet_start = ClockTime()
    quiet_end = ClockTime()
    daily_cap = ma.fields.Integer()
    weekly_cap = ma.fields.Integer()
    digest = ma.fields.String()
    pause_until = ma.fields.DateTime(allow_none=True)
    muted_kinds = ma.fields.List(ma.fields.String())
    sms_kinds = ma.fields.List(ma.fields.String())


class RuleIn(StrictSchema):
    name = Text(required=True, min_length=1, max_length=120)
    anchor = ma.fields.String(required=True, validate=ma.validate.OneOf(list(rn.ANCHOR_SUBJECT)),
                              metadata={"description": "What the reminder is timed from."})
    audience = ma.fields.String(required=True, validate=ma.validate.OneOf(rn.AUDIENCES))
    template = ma.fields.String(load_default="reminder", validate=ma.validate.OneOf(rn.RULE_TEMPLATES))
    channels = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(rn.CHANNELS)),
                              load_default=lambda: list(rn.CHANNELS), validate=ma.validate.Length(min=1, max=2))
    offset_minutes = ma.fields.Integer(load_default=0, validate=ma.validate.Range(min=-43200, max=43200),
                                       metadata={"description": "Negative: before the anchor."})
    offset_days = ma.fields.Integer(load_default=0, validate=ma.validate.Range(min=-30, max=30),
                                    metadata={"description": "With local_time: the day relative to the anchor."})
    local_time = ClockTime(load_default=None, allow_none=True,
                                metadata={"description": "A clock time where the action (or campaign) is."})
    enabled = ma.fields.Boolean(load_default=True)


class RuleChangeIn(StrictSchema):
    name = Text(min_length=1, max_length=120)
    anchor = ma.fields.String(validate=ma.validate.OneOf(list(rn.ANCHOR_SUBJECT)))
    audience = ma.fields.String(validate=ma.validate.OneOf(rn.AUDIENCES))
    template = ma.fields.String(validate=ma.validate.OneOf(rn.RULE_TEMPLATES))
    channels = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(rn.CHANNELS)),
                              validate=ma.validate.Length(min=1, max=2))
    offset_minutes = ma.fields.Integer(validate=ma.validate.Range(min=-43200, max=43200))
    offset_days = ma.fields.Integer(validate=ma.validate.Range(min=-30, max=30))
    local_time = ClockTime(allow_none=True)
    enabled = ma.fields.Boolean()


class RuleOut(ma.Schema):
    key = ma.fields.String(metadata={"description": "A built-in rule's name ('day_before') or 'rule:<id>'."})
    builtin = ma.fields.Boolean()
    name = ma.fields.String()
    anchor = ma.fields.String()
    audience = ma.fields.String()
    template = ma.fields.String()
    channels = ma.fields.List(ma.fields.String())
    offset_minutes = ma.fields.Integer()
    offset_days = ma.fields.Integer()
    local_time = ClockTime(allow_none=True)
    enabled = ma.fields.Boolean()
    fixed_timing = ma.fields.Boolean(metadata={"description": "Its timing cannot be changed (confirmations)."})


class NudgeOut(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    channel = ma.fields.String()
    status = ma.fields.String()
    skip_reason = ma.fields.String(allow_none=True)
    recipient_id = ma.fields.Integer(allow_none=True)
    recipient = ma.fields.String(allow_none=True, metadata={"description": "Display name."})
    subject_type = ma.fields.String()
    subject_id = ma.fields.Integer(allow_none=True)
    due_at = ma.fields.DateTime()
    sent_at = ma.fields.DateTime(allow_none=True)
    attempts = ma.fields.Integer()
    last_error = ma.fields.String(allow_none=True)


class NudgeFilter(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(nudge_rows.STATUSES))
    subject_type = ma.fields.String(validate=ma.validate.Length(max=30))
    subject_id = ma.fields.Integer()
