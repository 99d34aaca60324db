"""Sign-up pages: sign up and step back, sign a client up, and "My tasks".

The routes are on web/volunteering.py's blueprint, so their endpoints stay `volunteering.*` (templates and messages
link to them by those names). A blueprint takes no routes once registered, so web/__init__.py imports this module
before it registers that blueprint.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from campaigns.auth import current_user
from campaigns.db import get_session
from campaigns.domain.model import Signup, Task
from campaigns.schemas.volunteering import SignupIn
from campaigns.services import consents, policy, signups, volunteering
from campaigns.services.errors import DomainError
from campaigns.web import forms
from campaigns.web.volunteering import bp, task_home


def _signed_up_message(signup: Signup, task: Task, *, for_name: str | None = None) -> None:
    if signup.status == "confirmed":
        text = (_("%(name)s is signed up for “%(task)s”.", name=for_name, task=task.title) if for_name
                else _("You're signed up for “%(task)s”. Thank you!", task=task.title))
    else:
        place = volunteering.waitlist_position(get_session(), signup)
        text = _("“%(task)s” is full, so %(who)s on the waitlist, number %(n)s. A freed seat is given "
                 "automatically, in order.", task=task.title, n=place,
                 who=_("%(name)s is", name=for_name) if for_name else _("you're"))
    flash(text, "success")


@bp.post("/tasks/<int:task_id>/sign-up")
@login_required
def sign_up(task_id: int):
    signup = signups.sign_up(get_session(), task_id=task_id, user=current_user())
    task = get_session().get(Task, task_id)
    _signed_up_message(signup, task)
    return redirect(task_home(task))


@bp.post("/signups/<int:signup_id>/cancel")
@login_required
def cancel_signup(signup_id: int):
    signup = signups.cancel(get_session(), signup_id=signup_id, user=current_user())
    flash(_("You've stepped back from this task — thank you for letting us know."), "success")
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(task_home(get_session().get(Task, signup.task_id)))


@bp.route("/tasks/<int:task_id>/sign-up-client", methods=["GET", "POST"])
@login_required
def sign_up_client(task_id: int):
    """Workers: sign up a client who gave them a live sign-up consent."""
    session, me = get_session(), current_user()
    task = volunteering.task_for(session, me, task_id)
    policy.authorize(session, me, "act_for_client", task.org_id)
    clients = consents.clients_of(session, me, task.org_id, scope="sign_up")
    form = forms.Form()
    if request.method == "POST":
        form = forms.load(SignupIn())
        if form.ok and form.data.get("on_behalf_of"):
            try:
                signup = signups.sign_up(session, task_id=task.id, user=me,
                                         on_behalf_of=form.data["on_behalf_of"])
            except DomainError as error:
                form.fail(error)
            else:
                client = next((c for c in clients if c.id == signup.user_id), None)
                _signed_up_message(signup, task, for_name=client.display_name if client else "")
                return redirect(task_home(task))
        elif form.ok:
            form.errors["on_behalf_of"] = [_("Choose the person you're signing up.")]
    return render_template("volunteering/sign_up_client.html", task=task, clients=clients,
                           form=form), 422 if form.errors else 200


@bp.get("/my/tasks")
@login_required
def my_tasks():
    me = current_user()
    return render_template("volunteering/my_tasks.html", mine=volunteering.my_tasks(get_session(), me),
                           has_feed=me.calendar_token_hash is not None)
