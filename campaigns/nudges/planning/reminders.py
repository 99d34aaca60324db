"""Reminder rules per campaign: the built-in defaults, and the coordinators' changes and own rules.

Built-in rules are code (`nudges/planning/rules.BUILTIN_RULES`, each with a stable `builtin` key), so every campaign
has them without seeding. A `ReminderRule` row with `builtin` set overrides one for its campaign (switched off,
other channels, another time); a row without `builtin` is a coordinator's own rule. Changing or switching off a
rule skips what it had planned and not yet sent; the planner plans the new timing.
"""

from __future__ import annotations

from datetime import time

from flask_babel import gettext as _
from sqlalchemy import update
from sqlmodel import Session, col, select

from campaigns.db import transaction
from campaigns.domain.model import Campaign, Nudge, ReminderRule, User
from campaigns.nudges.outbox import SWITCHED_OFF
from campaigns.nudges.planning import rules as rn
from campaigns.nudges.planning.defaults import effective_rules
from campaigns.services import audit
from campaigns.services.errors import Invalid, NotFound


def check_rule(*, anchor: str, audience: str, template: str, channels: list[str], offset_minutes: int = 0,
               offset_days: int = 0, local_time: time | None = None) -> None:
    """Refuse a rule that could never work, with a message beside the field."""
    if anchor not in rn.ANCHOR_SUBJECT:
        raise Invalid(_("Choose what the reminder is timed from."), field="anchor")
    if audience not in rn.AUDIENCES:
        raise Invalid(_("Choose who gets the reminder."), field="audience")
    if template not in rn.RULE_TEMPLATES:
        raise Invalid(_("Choose one of the message templates."), field="template")
    if not channels or any(c not in rn.CHANNELS for c in channels):
        raise Invalid(_("Choose at least one way to send it."), field="channels")
    limit = rn.MAX_OFFSET_DAYS
    if abs(offset_minutes) > limit * 24 * 60:
        raise Invalid(_("Keep reminders within %(n)s days of the moment they're timed from.",
                        n=limit), field="offset_minutes")
    if abs(offset_days) > limit:
        raise Invalid(_("Keep reminders within %(n)s days of the moment they're timed from.",
                        n=limit), field="offset_days")
    if local_time is None and offset_days:
        raise Invalid(_("A number of days needs a time of day too."), field="local_time")


def rule_row(session: Session, campaign: Campaign, key: str) -> ReminderRule | None:
    """The campaign's row for a rule key ('day_before' or 'rule:12'), or None for an unchanged built-in."""
    if key.startswith("rule:"):
        row = session.get(ReminderRule, int(key[5:])) if key[5:].isdigit() else None
        if row is None or row.campaign_id != campaign.id or row.builtin:
            raise NotFound()
        return row
    if key not in rn.BUILTIN_KEYS:
        raise NotFound()
    return session.exec(select(ReminderRule).where(ReminderRule.campaign_id == campaign.id,
                                                   ReminderRule.builtin == key)).first()


def find(session: Session, campaign: Campaign, key: str) -> rn.RuleDef:
    rule_row(session, campaign, key)  # NotFound for another campaign's rule
    found = next((r for r in effective_rules(session, campaign.id, include_disabled=True) if r.key == key), None)
    if found is None:
        raise NotFound()
    return found


def add_rule(session: Session, campaign: Campaign, *, actor: User, name: str, anchor: str, audience: str,
             template: str, channels: list[str], offset_minutes: int = 0, offset_days: int = 0,
             local_time: time | None = None, enabled: bool = True) -> rn.RuleDef:
    """Add a coordinator's own reminder rule to the campaign; the next sweep (or event) plans it."""
    check_rule(anchor=anchor, audience=audience, template=template, channels=channels,
               offset_minutes=offset_minutes, offset_days=offset_days, local_time=local_time)
    with transaction(session):
        row = ReminderRule(campaign_id=campaign.id, name=name, anchor=anchor, audience=audience, template=template,
                           channels=list(channels), offset_minutes=offset_minutes, offset_days=offset_days,
                           local_time=local_time, enabled=enabled)
        session.add(row)
        session.flush()
        audit.log(session, "reminder_rule_added", actor_id=actor.id, org_id=campaign.org_id, target=f"rule:{row.id}")
        _replan(session, campaign)
    return find(session, campaign, f"rule:{row.id}")


def change_rule(session: Session, campaign: Campaign, key: str, *, actor: User, **changes) -> rn.RuleDef:
    """Change a rule (a built-in's channels, timing or on/off, or any part of an own rule). What it planned and
    has not sent yet is skipped; the new timing is planned."""
    current = find(session, campaign, key)
    merged = {"name": current.name, "anchor": current.anchor, "audience": current.audience,
              "template": current.template, "channels": list(current.channels),
              "offset_minutes": current.offset_minutes, "offset_days": current.offset_days,
              "local_time": current.local_time, "enabled": current.enabled, **changes}
    if current.builtin:
        merged.update(anchor=current.anchor, audience=current.audience, template=current.template)
        if current.fixed_timing:
            merged.update(offset_minutes=0, offset_days=0, local_time=None)
    else:
        check_rule(**{k: merged[k] for k in ("anchor", "audience", "template", "channels", "offset_minutes",
                                              "offset_days", "local_time")})
    if not merged["channels"] or any(c not in rn.CHANNELS for c in merged["channels"]):
        raise Invalid(_("Choose at least one way to send it."), field="channels")
    with transaction(session):
        row = rule_row(session, campaign, key) or ReminderRule(campaign_id=campaign.id, builtin=key,
                                                               template=current.template)
        for name in ("name", "anchor", "audience", "template", "offset_minutes", "offset_days", "local_time",
                     "enabled"):
            setattr(row, name, merged[name])
        row.channels = list(merged["channels"])
        session.add(row)
        session.flush()
        _skip_changed(session, campaign, current, find_in_session(session, campaign, key))
        audit.log(session, "reminder_rule_changed", actor_id=actor.id, org_id=campaign.org_id, target=key,
                  fields=sorted(changes))
        _replan(session, campaign)
    return find(session, campaign, key)


def delete_rule(session: Session, campaign: Campaign, key: str, *, actor: User) -> None:
    """Delete a coordinator's own rule (built-ins are switched off instead) and skip what it planned."""
    if not key.startswith("rule:"):
        raise Invalid(_("Built-in reminders can be switched off but not deleted."))
    current = find(session, campaign, key)
    with transaction(session):
        row = rule_row(session, campaign, key)
        _skip_rule(session, campaign, current, "The reminder was deleted")
        session.exec(update(Nudge).where(Nudge.rule_id == row.id).values(rule_id=None))  # type: ignore
        session.delete(row)
        audit.log(session, "reminder_rule_deleted", actor_id=actor.id, org_id=campaign.org_id, target=key)


def find_in_session(session: Session, campaign: Campaign, key: str) -> rn.RuleDef:
    return next(r for r in effective_rules(session, campaign.id, include_disabled=True) if r.key == key)


def _skip_changed(session: Session, campaign: Campaign, old: rn.RuleDef, new: rn.RuleDef) -> None:
    """Skip what the old rule planned that the new one would not: all of it if it was switched off or moved,
    else only the channels taken away. (What stays the same keeps its rows, and so its dedupe keys.)"""
    if not new.enabled:
        _skip_rule(session, campaign, old, SWITCHED_OFF)
    elif new.timing() != old.timing():
        _skip_rule(session, campaign, old, "The reminder rule was changed")
    else:
        removed = [c for c in old.channels if c not in new.channels]
        if removed:
            _skip_rule(session, campaign, old, "The reminder rule was changed", channels=removed)


def _skip_rule(session: Session, campaign: Campaign, rule: rn.RuleDef, reason: str,
               channels: list[str] | None = None) -> None:
    statement = (update(Nudge).where(Nudge.campaign_id == campaign.id, col(Nudge.status).in_(["planned", "failed"]),
                                     col(Nudge.dedupe_key).startswith(f"{rule.reason()}|", autoescape=True))
                 .values(status="skipped", skip_reason=reason))
    if channels:
        statement = statement.where(col(Nudge.channel).in_(channels))
    session.exec(statement)  # type: ignore[call-overload]


def _replan(session: Session, campaign: Campaign) -> None:
    from campaigns.nudges.planning import planner

    planner.plan_campaign(session, campaign)
