"""Nudges: my inbox, my notification settings, a campaign's reminder rules and delivery status."""

from __future__ import annotations

from flask.views import MethodView

from campaigns.api.blueprint import BEARER, Blueprint, caller
from campaigns.api.pagination import add_link_header, paginate
from campaigns.db import get_session
from campaigns.nudges import inbox
from campaigns.nudges import outbox as nudge_rows
from campaigns.nudges import settings as notification_settings
from campaigns.nudges.planning import reminders
from campaigns.nudges.planning.rules import RuleDef
from campaigns.schemas.nudges import (
    InboxItemOut,
    NudgeFilter,
    NudgeOut,
    RuleChangeIn,
    RuleIn,
    RuleOut,
    SettingsIn,
    SettingsOut,
)
from campaigns.services import policy

blp = Blueprint("api_nudges", __name__, description="Inbox, notification settings, reminder rules and deliveries.")



















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
        add_link_header(page, size, len(rules))
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
