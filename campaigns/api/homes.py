"""Your home: what is next for you in each of your groups, and for site admins the installation's health."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from campaigns.api.common import BEARER, Blueprint, caller
from campaigns.db import get_session
from campaigns.services import homes, installation, orgs
from campaigns.services.volunteering_queries import MyTask

blp = Blueprint("api_homes", __name__, description="Your home: your next steps, group by group.")


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


@blp.route("/me/home")
class MyHome(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, HomeOut)
    def get(self):
        """Your next steps in each of your groups (and the installation's health, for site admins)."""
        user, session = caller(), get_session()
        groups = [_group(homes.home(session, user=user, org=org)) for org, _ in orgs.of_user(session, user)]
        health = installation.health(session, user=user) if user.is_admin else None
        return {"groups": groups, "installation": _health(health) if health else None}


def _group(home: homes.Home) -> dict:
    v, org = home.volunteer, home.org
    return {
        "org_id": org.id, "org_slug": org.slug, "org_name": org.name, "role": home.role,
        "next_shift": _shift(v.next_shift) if v.next_shift else None, "later_shifts": v.later_shifts,
        "concerns_to_support": v.concerns_to_support,
        "actions_needing_people": [_needing(u) for u in v.actions_needing_people],
        "personal_goals": [_goal(g, c) for g, c in v.personal_goals],
        "clients": None if home.clients is None else [
            {"client_id": s.client.id, "display_name": s.client.display_name, "scopes": s.scopes,
             "signups": [_shift(i) for i in s.signups], "shared_goals": [_goal(g, c) for g, c in s.goals]}
            for s in home.clients],
        "today": _today(home.coordinator) if home.coordinator else None,
    }


def _shift(item: MyTask) -> dict:
    """A sign-up, with its place where whoever it belongs to may see it (a worker sees only public places:
    their client's seat is not theirs)."""
    action = item.action
    place_seen = action is not None and homes.may_see_place(item, viewer_id=caller().id)
    return {"signup_id": item.signup.id, "status": item.signup.status, "task_id": item.task.id,
            "task_title": item.task.title, "action_id": action.id if action else None,
            "action_title": action.title if action else None, "campaign_id": item.campaign.id,
            "campaign_name": item.campaign.name, "starts_at": item.starts_at, "ends_at": item.ends_at,
            "timezone": action.timezone if action else item.campaign.timezone,
            "address": action.address if action and place_seen else None,
            "online_link": action.online_link if action and place_seen else None}


def _needing(u) -> dict:
    return {"action_id": u.action.id, "title": u.action.title, "campaign_name": u.campaign_name,
            "starts_at": u.action.starts_at, "capacity": u.capacity, "places_free": u.unfilled}


def _goal(goal, campaign) -> dict:
    return {"id": goal.id, "text": goal.text, "campaign_id": campaign.id, "campaign_name": campaign.name}


def _count(row: homes.CampaignCount) -> dict:
    return {"campaign_id": row.campaign.id, "campaign_name": row.campaign.name, "count": row.count}


def _today(c: homes.CoordinatorHome) -> dict:
    return {
        "contributions_to_verify": [_count(r) for r in c.to_verify],
        "unfilled_soon": [_needing(u) for u in c.unfilled],
        "stalled_campaigns": [{"campaign_id": x.id, "campaign_name": x.name, "last_activity_at": x.last_activity_at}
                              for x in c.stalled],
        "outcome_reviews_due": [{"outcome_id": o.id, "campaign_id": o.campaign_id, "campaign_name": name,
                                 "review_on": o.review_on} for o, name in c.reviews],
        "failed_deliveries": [_count(r) for r in c.failed],
    }


def _health(h: installation.Health) -> dict:
    return {"scheduler_running": h.scheduler_running, "last_beat_at": h.last_beat_at,
            "schedulers": [{"scheduler": s.scheduler, "started_at": s.started_at, "beat_at": s.beat_at,
                            "fresh": s.fresh} for s in h.schedulers],
            "dead_nudges": h.dead_nudges, "failing_nudges": h.failing_nudges, "groups": h.groups,
            "people": h.people}
