"""Your home: what is next for you in each of your groups, and for site admins the installation's health."""

from __future__ import annotations

from flask.views import MethodView

from campaigns.api.blueprint import BEARER, Blueprint, caller
from campaigns.db import get_session
from campaigns.schemas.homes import (
    HomeOut,
)
from campaigns.services import homes, installation, orgs
from campaigns.services.volunteering import MyTask

blp = Blueprint("api_homes", __name__, description="Your home: your next steps, group by group.")




























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
