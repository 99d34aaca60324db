"""Nudges: my inbox, my notification settings, a campaign's reminder rules and delivery status."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from campaigns.api.common import BEARER, Blueprint, ClockTime, StrictSchema, Text, _add_link_header, caller, paginate
from campaigns.db import get_session
from campaigns.domain import rules_nudges as rn
from campaigns.domain.rules_nudges import RuleDef
from campaigns.services import inbox, notification_settings, policy, reminders
from campaigns.services import nudges as nudge_rows

blp = Blueprint("api_nudges", __name__, description="Inbox, notification settings, reminder rules and deliveries.")

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


def rule_out(rule: RuleDef) -> dict:
    return {**rule.__dict__, "builtin": rule.builtin, "channels": list(rule.channels)}


@blp.route("/me/inbox")
class Inbox(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, InboxItemOut(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """Your inbox, newest first."""
        return paginate(inbox.items(get_session(), caller()), pagination_parameters)


@blp.route("/me/inbox/<int:item_id>/read")
class InboxRead(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(204)
    def post(self, item_id: int):
        """Mark one inbox item as read."""
        inbox.mark_read(get_session(), caller(), item_id)


@blp.route("/me/notification-settings")
class Settings(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, SettingsOut)
    def get(self):
        """Your notification settings: channels, quiet hours, caps, digest, pause, switched-off kinds."""
        return notification_settings.get(get_session(), caller())

    @blp.doc(security=BEARER)
    @blp.arguments(SettingsIn)
    @blp.response(200, SettingsOut)
    def put(self, data):
        """Change your notification settings (send only what changes)."""
        return notification_settings.update(get_session(), caller(), **data)


def _campaign(campaign_id: int):
    return policy.campaign_for(get_session(), caller(), campaign_id, "nudges.manage")


@blp.route("/campaigns/<int:campaign_id>/reminder-rules")
class Rules(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, RuleOut(many=True))
    @blp.paginate()
    def get(self, campaign_id: int, pagination_parameters):
        """The campaign's reminder rules: built-ins (as changed) and its own (coordinators)."""
        rules = reminders.effective_rules(get_session(), _campaign(campaign_id).id, include_disabled=True)
        page, size = pagination_parameters.page, pagination_parameters.page_size
        pagination_parameters.item_count = len(rules)
        _add_link_header(page, size, len(rules))
        return [rule_out(rule) for rule in rules[(page - 1) * size:page * size]]

    @blp.doc(security=BEARER)
    @blp.arguments(RuleIn)
    @blp.response(201, RuleOut)
    def post(self, data, campaign_id: int):
        """Add a reminder rule to the campaign (coordinators)."""
        return rule_out(reminders.add_rule(get_session(), _campaign(campaign_id), actor=caller(), **data))


@blp.route("/campaigns/<int:campaign_id>/reminder-rules/<key>")
class RuleItem(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, RuleOut)
    def get(self, campaign_id: int, key: str):
        """One reminder rule."""
        return rule_out(reminders.find(get_session(), _campaign(campaign_id), key))

    @blp.doc(security=BEARER)
    @blp.arguments(RuleChangeIn)
    @blp.response(200, RuleOut)
    def patch(self, data, campaign_id: int, key: str):
        """Change a rule, or switch it off with {"enabled": false}. Unsent reminders it planned are re-planned."""
        return rule_out(reminders.change_rule(get_session(), _campaign(campaign_id), key, actor=caller(), **data))

    @blp.doc(security=BEARER)
    @blp.response(204)
    def delete(self, campaign_id: int, key: str):
        """Delete a coordinator's own rule (built-in rules are switched off instead)."""
        reminders.delete_rule(get_session(), _campaign(campaign_id), key, actor=caller())


@blp.route("/campaigns/<int:campaign_id>/nudges")
class CampaignNudges(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(NudgeFilter, location="query")
    @blp.response(200, NudgeOut(many=True))
    @blp.paginate()
    def get(self, filters, campaign_id: int, pagination_parameters):
        """Delivery status of the campaign's nudges: planned, sent, skipped (with the reason), failed."""
        campaign = _campaign(campaign_id)
        subject = (filters.get("subject_type", "action"), filters["subject_id"]) if "subject_id" in filters else None
        query = nudge_rows.campaign_nudges(campaign.id, status=filters.get("status"), subject=subject)
        return paginate(query, pagination_parameters, lambda row: {**row[0].model_dump(), "recipient": row[1]})
