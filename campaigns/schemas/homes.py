"""Schemas of the home pages, for the API and the pages alike."""

from __future__ import annotations

import marshmallow as ma


class HomeShiftOut(ma.Schema):
    signup_id = ma.fields.Integer()
    status = ma.fields.String(metadata={"description": "confirmed or waitlisted"})
    task_id = ma.fields.Integer()
    task_title = ma.fields.String()
    action_id = ma.fields.Integer(allow_none=True)
    action_title = ma.fields.String(allow_none=True)
    campaign_id = ma.fields.Integer()
    campaign_name = ma.fields.String()
    starts_at = ma.fields.DateTime(allow_none=True)
    ends_at = ma.fields.DateTime(allow_none=True)
    timezone = ma.fields.String()
    address = ma.fields.String(allow_none=True, metadata={"description": "None where the place is private"})
    online_link = ma.fields.String(allow_none=True)


class HomeConcernOut(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    support_count = ma.fields.Integer(allow_none=True, metadata={"description": "None below the group's k"})
    support_count_hidden = ma.fields.Boolean()


class HomeActionOut(ma.Schema):
    action_id = ma.fields.Integer()
    title = ma.fields.String()
    campaign_name = ma.fields.String()
    starts_at = ma.fields.DateTime()
    capacity = ma.fields.Integer()
    places_free = ma.fields.Integer()


class HomeGoalOut(ma.Schema):
    id = ma.fields.Integer()
    text = ma.fields.String()
    campaign_id = ma.fields.Integer()
    campaign_name = ma.fields.String()


class HomeClientOut(ma.Schema):
    client_id = ma.fields.Integer()
    display_name = ma.fields.String()
    scopes = ma.fields.List(ma.fields.String(), metadata={"description": "what the client's consents cover"})
    signups = ma.fields.List(ma.fields.Nested(HomeShiftOut), metadata={"description": "only under a sign_up consent"})
    shared_goals = ma.fields.List(ma.fields.Nested(HomeGoalOut))


class HomeCampaignCountOut(ma.Schema):
    campaign_id = ma.fields.Integer()
    campaign_name = ma.fields.String()
    count = ma.fields.Integer()


class HomeStalledOut(ma.Schema):
    campaign_id = ma.fields.Integer()
    campaign_name = ma.fields.String()
    last_activity_at = ma.fields.DateTime()


class HomeReviewOut(ma.Schema):
    outcome_id = ma.fields.Integer()
    campaign_id = ma.fields.Integer()
    campaign_name = ma.fields.String()
    review_on = ma.fields.Date()


class HomeTodayOut(ma.Schema):
    contributions_to_verify = ma.fields.List(ma.fields.Nested(HomeCampaignCountOut))
    unfilled_soon = ma.fields.List(ma.fields.Nested(HomeActionOut))
    stalled_campaigns = ma.fields.List(ma.fields.Nested(HomeStalledOut))
    outcome_reviews_due = ma.fields.List(ma.fields.Nested(HomeReviewOut))
    failed_deliveries = ma.fields.List(ma.fields.Nested(HomeCampaignCountOut))


class GroupHomeOut(ma.Schema):
    org_id = ma.fields.Integer()
    org_slug = ma.fields.String()
    org_name = ma.fields.String()
    role = ma.fields.String()
    next_shift = ma.fields.Nested(HomeShiftOut, allow_none=True)
    later_shifts = ma.fields.Integer()
    concerns_to_support = ma.fields.List(ma.fields.Nested(HomeConcernOut))
    actions_needing_people = ma.fields.List(ma.fields.Nested(HomeActionOut))
    personal_goals = ma.fields.List(ma.fields.Nested(HomeGoalOut))
    clients = ma.fields.List(ma.fields.Nested(HomeClientOut), allow_none=True, metadata={"description": "workers"})
    today = ma.fields.Nested(HomeTodayOut, allow_none=True, metadata={"description": "those who run campaigns"})


class HomeSchedulerOut(ma.Schema):
    scheduler = ma.fields.String()
    started_at = ma.fields.DateTime()
    beat_at = ma.fields.DateTime()
    fresh = ma.fields.Boolean()


class HomeInstallationOut(ma.Schema):
    scheduler_running = ma.fields.Boolean()
    last_beat_at = ma.fields.DateTime(allow_none=True)
    schedulers = ma.fields.List(ma.fields.Nested(HomeSchedulerOut))
    dead_nudges = ma.fields.Integer()
    failing_nudges = ma.fields.Integer()
    groups = ma.fields.Integer()
    people = ma.fields.Integer()


class HomeOut(ma.Schema):
    groups = ma.fields.List(ma.fields.Nested(GroupHomeOut))
    installation = ma.fields.Nested(HomeInstallationOut, allow_none=True, metadata={"description": "site admins"})
