"""Campaigns, their stages, community goals, personal goals and teams."""

from __future__ import annotations

from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import abort

from campaigns.api.blueprint import BEARER, Blueprint, caller
from campaigns.api.pagination import paginate
from campaigns.db import get_session
from campaigns.domain.model import Campaign, Goal, PersonalGoal, User
from campaigns.schemas.campaigns import (
    CampaignIn,
    CampaignOut,
    CampaignPatchIn,
    ClientGoalOut,
    DeclineIn,
    GoalIn,
    GoalOut,
    GoalPatchIn,
    GoalStatusQuery,
    PersonalGoalIn,
    PersonalGoalOut,
    StageIn,
    StageQuery,
    TeamIn,
    TeamMemberOut,
    TeamRoleIn,
)
from campaigns.services import campaign_team, goals, personal_goals, policy
from campaigns.services import campaigns as service

blp = Blueprint("api_campaigns", __name__, description="Campaigns: stages, community goals, personal goals, teams.")


def campaign_out(campaign: Campaign) -> dict:
    session = get_session()
    manages = policy.allowed(session, caller(), "campaign.manage", campaign.org_id, campaign_id=campaign.id)
    return {**campaign.model_dump(), "days_left": service.days_left(campaign),
            "allowed_moves": service.possible_moves(session, campaign) if manages else [],
            "concerns": [{"id": i, "title": t} for i, t in service.concerns_of(session, campaign.id)]}


def goal_out(goal: Goal) -> dict:
    return {**goal.model_dump(), "proposed_by_you": goal.proposed_by_id == caller().id}


def personal_out(goal: PersonalGoal) -> dict:
    return {**goal.model_dump(), "done": goal.done_at is not None}


def _campaign(campaign_id: int) -> Campaign:
    return service.get(get_session(), user=caller(), campaign_id=campaign_id)


def _goal(goal_id: int) -> tuple[Goal, Campaign]:
    return goals.goal_for(get_session(), user=caller(), goal_id=goal_id)


# -- campaigns -------------------------------------------------------------------------------------------------
@blp.route("/orgs/<int:org_id>/campaigns")
class Campaigns(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(StageQuery, location="query")
    @blp.response(200, CampaignOut(many=True))
    @blp.paginate()
    def get(self, args, org_id: int, pagination_parameters):
        """The organisation's campaigns in lifecycle order, optionally in one ?stage= (members)."""
        query = service.list_query(get_session(), user=caller(), org_id=org_id, stage=args.get("stage"))
        return paginate(query, pagination_parameters, campaign_out)

    @blp.doc(security=BEARER)
    @blp.arguments(CampaignIn)
    @blp.response(201, CampaignOut)
    def post(self, data, org_id: int):
        """Launch a campaign from shared concerns (coordinators); you become its lead."""
        return campaign_out(service.launch(get_session(), actor=caller(), org_id=org_id, **data))


@blp.route("/campaigns/<int:campaign_id>")
class CampaignItem(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, CampaignOut)
    def get(self, campaign_id: int):
        """One campaign of your organisation."""
        return campaign_out(_campaign(campaign_id))

    @blp.doc(security=BEARER)
    @blp.arguments(CampaignPatchIn)
    @blp.response(200, CampaignOut)
    def patch(self, data, campaign_id: int):
        """Change a campaign's details (coordinators, its lead and organisers)."""
        campaign = service.update_details(get_session(), actor=caller(), campaign=_campaign(campaign_id), **data)
        return campaign_out(campaign)


@blp.route("/campaigns/<int:campaign_id>/stage")
class CampaignStage(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(StageIn)
    @blp.response(200, CampaignOut)
    def post(self, data, campaign_id: int):
        """Move the campaign to another stage; 409 with the rule's reason if the stage rules forbid it."""
        campaign = service.change_stage(get_session(), actor=caller(), campaign=_campaign(campaign_id),
                                        to_stage=data["to"], closing_summary=data.get("closing_summary"))
        return campaign_out(campaign)


# -- goals -----------------------------------------------------------------------------------------------------
@blp.route("/campaigns/<int:campaign_id>/goals")
class Goals(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(GoalStatusQuery, location="query")
    @blp.response(200, GoalOut(many=True))
    @blp.paginate()
    def get(self, args, campaign_id: int, pagination_parameters):
        """The campaign's goals: accepted, then proposed (declined ones only to coordinators and proposers)."""
        query = goals.visible_query(get_session(), viewer=caller(), campaign=_campaign(campaign_id),
                                    status=args.get("status"))
        return paginate(query, pagination_parameters, goal_out)

    @blp.doc(security=BEARER)
    @blp.arguments(GoalIn)
    @blp.response(201, GoalOut)
    def post(self, data, campaign_id: int):
        """Add a goal: coordinators set it (accepted); members propose it during collaboration."""
        goal = goals.submit_goal(get_session(), actor=caller(), campaign=_campaign(campaign_id), **data)
        return goal_out(goal)


@blp.route("/goals/<int:goal_id>")
class GoalItem(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(GoalPatchIn)
    @blp.response(200, GoalOut)
    def patch(self, data, goal_id: int):
        """Change a goal's name, target, due date or weight (coordinators)."""
        goal, campaign = _goal(goal_id)
        return goal_out(goals.edit_goal(get_session(), actor=caller(), goal=goal, campaign=campaign, **data))


@blp.route("/goals/<int:goal_id>/accept")
class GoalAccept(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, GoalOut)
    def post(self, goal_id: int):
        """Accept a proposed goal (coordinators)."""
        goal, campaign = _goal(goal_id)
        return goal_out(goals.accept_goal(get_session(), actor=caller(), goal=goal, campaign=campaign))


@blp.route("/goals/<int:goal_id>/decline")
class GoalDecline(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(DeclineIn)
    @blp.response(200, GoalOut)
    def post(self, data, goal_id: int):
        """Decline a proposed goal with a reason (coordinators)."""
        goal, campaign = _goal(goal_id)
        return goal_out(goals.decline_goal(get_session(), actor=caller(), goal=goal, campaign=campaign,
                                           reason=data["reason"]))


@blp.route("/goals/<int:goal_id>/achieve")
class GoalAchieve(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, GoalOut)
    def post(self, goal_id: int):
        """Mark a yes/no milestone achieved (coordinators)."""
        goal, campaign = _goal(goal_id)
        return goal_out(goals.mark_achieved(get_session(), actor=caller(), goal=goal, campaign=campaign))


# -- personal goals ------------------------------------------------------------------------------------------
@blp.route("/campaigns/<int:campaign_id>/personal-goal")
class MyPersonalGoal(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, PersonalGoalOut)
    def get(self, campaign_id: int):
        """Your own personal goal for the campaign (private to you, and your worker if you share it)."""
        goal = personal_goals.mine(get_session(), user=caller(), campaign=_campaign(campaign_id))
        if goal is None:
            abort(404, message=_("You haven't set a personal goal for this campaign."))
        return personal_out(goal)

    @blp.doc(security=BEARER)
    @blp.arguments(PersonalGoalIn)
    @blp.response(200, PersonalGoalOut)
    def put(self, data, campaign_id: int):
        """Set or change your personal goal; `done` marks it done or not."""
        goal = personal_goals.set_mine(get_session(), user=caller(), campaign=_campaign(campaign_id), **data)
        return personal_out(goal)

    @blp.doc(security=BEARER)
    @blp.response(204)
    def delete(self, campaign_id: int):
        """Remove your personal goal for the campaign."""
        personal_goals.delete_mine(get_session(), user=caller(), campaign=_campaign(campaign_id))


@blp.route("/campaigns/<int:campaign_id>/client-goals")
class ClientGoals(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ClientGoalOut(many=True))
    @blp.paginate()
    def get(self, campaign_id: int, pagination_parameters):
        """Personal goals your clients chose to share with you (workers). Each look is logged for the client."""
        session, worker, campaign = get_session(), caller(), _campaign(campaign_id)
        rows = paginate(personal_goals.shared_with_me_query(session, worker=worker, campaign=campaign),
                        pagination_parameters)
        personal_goals.log_views(session, worker=worker, campaign=campaign, goals=[row[0] for row in rows])
        return [{"client": name, "text": goal.text, "done_at": goal.done_at} for goal, name in rows]


# -- team ------------------------------------------------------------------------------------------------------
def _member_out(member, name: str | None = None) -> dict:
    if name is None:
        name = get_session().get(User, member.user_id).display_name
    return {**member.model_dump(), "display_name": name}


@blp.route("/campaigns/<int:campaign_id>/team")
class Team(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, TeamMemberOut(many=True))
    @blp.paginate()
    def get(self, campaign_id: int, pagination_parameters):
        """The campaign's team, leads first, by display name."""
        campaign = _campaign(campaign_id)
        return paginate(campaign_team.team_query(campaign.id), pagination_parameters,
                        lambda row: _member_out(row[0], row[1]))

    @blp.doc(security=BEARER)
    @blp.arguments(TeamIn)
    @blp.response(201, TeamMemberOut)
    def post(self, data, campaign_id: int):
        """Put a member of the organisation on the team with a campaign role (coordinators, lead, organisers)."""
        member = campaign_team.add_member(get_session(), actor=caller(), campaign=_campaign(campaign_id), **data)
        return _member_out(member)


@blp.route("/campaigns/<int:campaign_id>/team/<int:member_id>")
class TeamMember(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(TeamRoleIn)
    @blp.response(200, TeamMemberOut)
    def patch(self, data, campaign_id: int, member_id: int):
        """Change a team member's campaign role; a team keeps at least one lead."""
        member = campaign_team.change_role(get_session(), actor=caller(), campaign=_campaign(campaign_id),
                                           member_id=member_id, role=data["role"])
        return _member_out(member)

    @blp.doc(security=BEARER)
    @blp.response(204)
    def delete(self, campaign_id: int, member_id: int):
        """Take someone off the team."""
        campaign_team.remove_member(get_session(), actor=caller(), campaign=_campaign(campaign_id),
                                    member_id=member_id)


@blp.route("/campaigns/<int:campaign_id>/join")
class Join(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(201, TeamMemberOut)
    def post(self, campaign_id: int):
        """Join the campaign's team yourself (clients and workers)."""
        return _member_out(campaign_team.join(get_session(), user=caller(), campaign=_campaign(campaign_id)))


@blp.route("/campaigns/<int:campaign_id>/leave")
class Leave(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(204)
    def post(self, campaign_id: int):
        """Step off the campaign's team."""
        campaign_team.leave(get_session(), user=caller(), campaign=_campaign(campaign_id))
