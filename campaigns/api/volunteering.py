"""Actions, tasks and sign-ups: plan and move actions, add tasks, sign up and step back, rosters, check-in,
attendance and messages to volunteers."""

from __future__ import annotations

from flask import url_for
from flask.views import MethodView

from campaigns.api.blueprint import BEARER, Blueprint, caller
from campaigns.api.pagination import paginate
from campaigns.db import get_session
from campaigns.domain.model import Action, Signup, Task, User
from campaigns.schemas.volunteering import (
    ActionDetailsIn,
    ActionIn,
    ActionOut,
    AttendanceIn,
    CheckInIn,
    CheckInOut,
    MessageIn,
    MessageOut,
    RescheduleIn,
    RosterOut,
    SignupFilter,
    SignupIn,
    SignupOut,
    TaskDetailsIn,
    TaskIn,
    TaskOut,
    action_out,
)
from campaigns.services import actions, attendance, guest_admin, policy, signups, volunteering
from campaigns.services import tasks as task_service

blp = Blueprint("api_volunteering", __name__,
                description="Actions, tasks and sign-ups: capacity that never overbooks, self-promoting waitlists.")


def _action(action: Action) -> dict:
    session, user = get_session(), caller()
    return action_out(action, show_place=volunteering.may_see_place(session, user, action),
                      coordinator=volunteering.is_coordinator(session, user, action.campaign_id, action.org_id))


def _signup(signup: Signup) -> dict:
    session, user = get_session(), caller()
    data = {**signup.model_dump(), "position": volunteering.waitlist_position(session, signup)}
    if signup.user_id != user.id:
        task = session.get(Task, signup.task_id)
        if not volunteering.is_coordinator(session, user, task.campaign_id, task.org_id):  # type: ignore[union-attr]
            data["attendance"] = data["checked_in_at"] = None  # private: the person and coordinators only
    return data


def _task(task: Task) -> dict:
    session = get_session()
    mine = volunteering.my_signups_for(session, caller(), [task.id]).get(task.id)  # type: ignore[list-item]
    return {**task.model_dump(), "waitlisted": volunteering.waitlist_length(session, task.id),  # type: ignore[arg-type]
            "my_signup": _signup(mine) if mine else None}


@blp.route("/campaigns/<int:campaign_id>/actions")
class CampaignActions(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ActionOut(many=True))
    @blp.paginate()
    def get(self, campaign_id: int, pagination_parameters):
        """A campaign's actions, by start time."""
        campaign = policy.campaign_for(get_session(), caller(), campaign_id)
        return paginate(volunteering.actions_of_campaign(campaign.id), pagination_parameters, _action)

    @blp.doc(security=BEARER)
    @blp.arguments(ActionIn)
    @blp.response(201, ActionOut)
    def post(self, data, campaign_id: int):
        """Plan an action (coordinators). Times are wall-clock in the action's time zone."""
        return _action(actions.plan_action(get_session(), campaign_id=campaign_id, user=caller(), **data))


@blp.route("/actions/<int:action_id>")
class ActionItem(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ActionOut)
    def get(self, action_id: int):
        """One action. A private place shows only to confirmed volunteers and coordinators."""
        return _action(volunteering.action_for(get_session(), caller(), action_id))

    @blp.doc(security=BEARER)
    @blp.arguments(ActionDetailsIn)
    @blp.response(200, ActionOut)
    def patch(self, data, action_id: int):
        """Change an action's details, place or notes (coordinators). To move it, use reschedule."""
        return _action(actions.edit_action(get_session(), action_id=action_id, user=caller(), **data))


@blp.route("/actions/<int:action_id>/reschedule")
class Reschedule(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(RescheduleIn)
    @blp.response(200, ActionOut)
    def post(self, data, action_id: int):
        """Move an action to a new time (coordinators); its shifts move with it and volunteers are told."""
        return _action(actions.reschedule_action(get_session(), action_id=action_id, user=caller(), **data))


@blp.route("/actions/<int:action_id>/cancel")
class CancelAction(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ActionOut)
    def post(self, action_id: int):
        """Call an action off (coordinators). Calling it off again changes nothing."""
        return _action(actions.cancel_action(get_session(), action_id=action_id, user=caller()))


@blp.route("/actions/<int:action_id>/tasks")
class ActionTasks(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, TaskOut(many=True))
    @blp.paginate()
    def get(self, action_id: int, pagination_parameters):
        """The tasks (roles and shifts) of an action, with seats taken."""
        action = volunteering.action_for(get_session(), caller(), action_id)
        return paginate(volunteering.tasks_of_action(action.id), pagination_parameters, _task)  # type: ignore[arg-type]

    @blp.doc(security=BEARER)
    @blp.arguments(TaskIn)
    @blp.response(201, TaskOut)
    def post(self, data, action_id: int):
        """Add a role or shift to an action (coordinators)."""
        return _task(task_service.add_task(get_session(), user=caller(), action_id=action_id, **data))


@blp.route("/campaigns/<int:campaign_id>/tasks")
class CampaignTasks(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, TaskOut(many=True))
    @blp.paginate()
    def get(self, campaign_id: int, pagination_parameters):
        """A campaign's standalone tasks (outside any action), by deadline."""
        campaign = policy.campaign_for(get_session(), caller(), campaign_id)
        return paginate(volunteering.standalone_tasks(campaign.id), pagination_parameters, _task)

    @blp.doc(security=BEARER)
    @blp.arguments(TaskIn)
    @blp.response(201, TaskOut)
    def post(self, data, campaign_id: int):
        """Add a standalone task with a deadline to a campaign (coordinators)."""
        return _task(task_service.add_task(get_session(), user=caller(), campaign_id=campaign_id, **data))


@blp.route("/tasks/<int:task_id>")
class TaskItem(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, TaskOut)
    def get(self, task_id: int):
        """One task, with seats taken, the waitlist's length and your own sign-up."""
        return _task(volunteering.task_for(get_session(), caller(), task_id))

    @blp.doc(security=BEARER)
    @blp.arguments(TaskDetailsIn)
    @blp.response(200, TaskOut)
    def patch(self, data, task_id: int):
        """Change a task (coordinators). Raising capacity promotes from the waitlist; lowering it below the
        confirmed count is refused."""
        return _task(task_service.edit_task(get_session(), task_id=task_id, user=caller(), **data))


@blp.route("/tasks/<int:task_id>/signups")
class TaskSignups(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(SignupFilter, location="query")
    @blp.response(200, RosterOut(many=True))
    @blp.paginate()
    def get(self, args, task_id: int, pagination_parameters):
        """The roster: who holds and waits for a task (coordinators). Each read is logged for the person."""
        session, viewer = get_session(), caller()
        tasks = attendance.roster_tasks(session, viewer=viewer, task_id=task_id)
        statuses = (args["status"],) if args.get("status") else ("confirmed", "waitlisted")
        rows = paginate(attendance.roster_query([t.id for t in tasks], statuses), pagination_parameters)  # type: ignore[misc]
        attendance.log_roster_read(session, viewer, {u.id for _, u in rows}, tasks)
        guests = guest_admin.is_guest_in(session, tasks[0].org_id, {u.id for _, u in rows}) if tasks else {}
        return [{**_signup(s), **_person(u), "guest": u.id in guests} for s, u in rows]

    @blp.doc(security=BEARER)
    @blp.arguments(SignupIn)
    @blp.response(201, SignupOut)
    @blp.alt_response(200, schema=SignupOut, description="You (or they) were already signed up: the same sign-up.")
    def post(self, data, task_id: int):
        """Sign up: a free seat confirms you, otherwise you join the waitlist in order. Safe to repeat."""
        session, user = get_session(), caller()
        volunteer_id = data.get("on_behalf_of") or user.id
        before = volunteering.my_signups_for(session, session.get(User, volunteer_id), [task_id]).get(task_id)
        was_active = before is not None and before.status != "cancelled"
        signup = signups.sign_up(session, task_id=task_id, user=user, on_behalf_of=data.get("on_behalf_of"))
        return _signup(signup), 200 if was_active else 201


def _person(user: User) -> dict:
    return {"display_name": user.display_name, "real_name": user.real_name if user.show_real_name else None}


@blp.route("/signups/<int:signup_id>/cancel")
class CancelSignup(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, SignupOut)
    def post(self, signup_id: int):
        """Step back from a task (you, your consenting worker, or a coordinator). No penalty; safe to repeat."""
        return _signup(signups.cancel(get_session(), signup_id=signup_id, user=caller()))


@blp.route("/signups/<int:signup_id>/attendance")
class Attendance(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(AttendanceIn)
    @blp.response(200, SignupOut)
    def put(self, data, signup_id: int):
        """Mark attended or not (coordinators). Private: only the person and coordinators see it."""
        return _signup(attendance.record_attendance(get_session(), signup_id=signup_id, user=caller(), **data))


@blp.route("/actions/<int:action_id>/check-in")
class CheckIn(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(CheckInIn)
    @blp.response(200, CheckInOut)
    def post(self, data, action_id: int):
        """Check yourself in with the code shown at the action. Wrong codes are throttled."""
        checked = attendance.check_in(get_session(), action_id=action_id, user=caller(), code=data["code"])
        return {"action_id": action_id, "checked_in": len(checked)}


@blp.route("/actions/<int:action_id>/messages")
class ActionMessages(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(MessageIn)
    @blp.response(202, MessageOut)
    def post(self, data, action_id: int):
        """Message everyone confirmed for an action (coordinators); delivered in-app and by email as they chose."""
        link = url_for("volunteering.action_page", action_id=action_id, _external=True)
        sent = attendance.message_volunteers(get_session(), user=caller(), action_id=action_id, link=link, **data)
        return {"recipients": sent}


@blp.route("/tasks/<int:task_id>/messages")
class TaskMessages(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(MessageIn)
    @blp.response(202, MessageOut)
    def post(self, data, task_id: int):
        """Message everyone confirmed for a task (coordinators)."""
        link = url_for("volunteering.task_page", task_id=task_id, _external=True)
        sent = attendance.message_volunteers(get_session(), user=caller(), task_id=task_id, link=link, **data)
        return {"recipients": sent}


@blp.route("/me/signups")
class MySignups(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(SignupFilter, location="query")
    @blp.response(200, SignupOut(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Your sign-ups, newest first, with your place on any waitlist."""
        return paginate(volunteering.signups_of(caller(), args.get("status")), pagination_parameters, _signup)
