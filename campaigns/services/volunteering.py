"""What actions, tasks and sign-ups share (the Intervention step): checking a pure rule, finding an action or task
with access, and locking a row. Their use cases are in services/actions.py, services/tasks.py and
services/signups.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session, select

from campaigns.domain import rules_volunteering as rules
from campaigns.domain.model import Action, Task, User
from campaigns.services import policy
from campaigns.services.errors import Invalid, NotFound


def check(rule: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Apply a pure rule; a broken one becomes a field-level Invalid."""
    try:
        return rule(*args, **kwargs)
    except rules.RuleBroken as broken:
        raise Invalid(broken.message, field=broken.field) from None


# -- finding things, with access ------------------------------------------------------------------------------
def action_for(session: Session, user: User | None, action_id: int, permission: str = "campaign.view") -> Action:
    """The action if `user` may `permission` in its campaign; NotFound for outsiders and unknown ids."""
    action = session.get(Action, action_id)
    if action is None:
        raise NotFound()
    policy.campaign_for(session, user, action.campaign_id, permission)
    return action


def task_for(session: Session, user: User | None, task_id: int, permission: str = "campaign.view") -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound()
    policy.campaign_for(session, user, task.campaign_id, permission)
    return task


def locked(session: Session, model: type, row_id: int) -> Any:
    """A fresh copy of a row, locked until the transaction ends (on SQLite the write lock is already held)."""
    query = select(model).where(model.id == row_id).with_for_update().execution_options(populate_existing=True)
    row = session.exec(query).first()
    if row is None:
        raise NotFound()
    return row
