"""The reminder rules in force for a campaign: the built-in defaults (planning/rules.py) with the coordinators'
changes, then their own rules. The planner reads them; reminders.py (which changes them, then re-plans) imports this
too, so the two never import each other.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from campaigns.db import remembered
from campaigns.domain.model import ReminderRule
from campaigns.nudges.planning import rules as rn


def effective_rules(session: Session, campaign_id: int, *, include_disabled: bool = False) -> list[rn.RuleDef]:
    """The campaign's rules as the planner uses them: built-ins (as changed) then its own rules. Read once per
    unit of work: a sign-up plans several targets of one campaign in one transaction."""
    def load():
        return tuple(session.exec(select(ReminderRule).where(ReminderRule.campaign_id == campaign_id)
                                  .order_by(col(ReminderRule.id))))

    rows = remembered(session, ("reminder rules", campaign_id), load)
    overrides = {row.builtin: row for row in rows if row.builtin}
    rules = []
    for default in rn.BUILTIN_RULES:
        row = overrides.get(default.key)
        rules.append(rn.with_override(default, **_fields(row)) if row else default)
    rules += [rn.RuleDef(key=f"rule:{row.id}", template=row.template, **_fields(row))
              for row in rows if not row.builtin]
    return [rule for rule in rules if include_disabled or rule.enabled]


def _fields(row: ReminderRule) -> dict:
    return {"name": row.name, "anchor": row.anchor, "audience": row.audience, "offset_minutes": row.offset_minutes,
            "local_time": row.local_time, "offset_days": row.offset_days, "channels": tuple(row.channels),
            "enabled": row.enabled, "rule_id": row.id}
