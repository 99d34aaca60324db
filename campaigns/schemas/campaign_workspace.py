"""Schemas of campaign workspace, for the API and the pages alike."""

from __future__ import annotations

import marshmallow as ma


class NextStepOut(ma.Schema):
    kind = ma.fields.String(allow_none=True, metadata={
        "description": "verify, review, add_goal, plan_action, move, blocked, your_shift, sign_up, join, "
                       "propose_goal, personal_goal; null when nothing is asked of you"})
    count = ma.fields.Integer(metadata={"description": "verify: contributions waiting; review: outcomes due"})
    stage = ma.fields.String(allow_none=True, metadata={"description": "move, blocked: the stage ahead"})
    reason = ma.fields.String(allow_none=True, metadata={"description": "blocked: what to do first"})
    action_id = ma.fields.Integer(allow_none=True)
    task_id = ma.fields.Integer(allow_none=True, metadata={"description": "your_shift"})
    places = ma.fields.Integer(metadata={"description": "sign_up: places still free"})
