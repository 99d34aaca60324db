"""Input and output schemas of volunteering: the API validates with them, and so do the pages' forms."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import marshmallow as ma
from flask_babel import gettext as _

from campaigns.domain import rules_volunteering as rules
from campaigns.domain.model import Action
from campaigns.schemas.fields import Id, StrictSchema, Text, Timezone, WallClock

KINDS = list(rules.ACTION_KINDS)
WALL_CLOCK = "Wall-clock time where it happens (the action's time zone), like 2026-05-01T18:00."


def _capacity(**kwargs) -> ma.fields.Integer:
    return ma.fields.Integer(validate=ma.validate.Range(
        min=rules.MIN_CAPACITY, max=rules.MAX_CAPACITY,
        error=f"Choose how many people between {rules.MIN_CAPACITY} and {rules.MAX_CAPACITY:,}."), **kwargs)


class Words(ma.fields.List):
    """A short list of words or phrases; a page's single text box may send them comma-separated."""

    def __init__(self, *, max_items: int, **kwargs):
        super().__init__(Text(min_length=1, max_length=40), validate=ma.validate.Length(
            max=max_items, error=f"List at most {max_items}."), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, list):
            parts = [part for item in value for part in (item.split(",") if isinstance(item, str) else [item])]
            value = [p.strip() if isinstance(p, str) else p for p in parts]  # non-text items fail in Text
            value = [v for v in value if v != ""]
        return super()._deserialize(value, attr, data, **kwargs)


def _window_check(data: dict) -> None:
    start, end = data.get("starts_at"), data.get("ends_at")
    if start and end and (start.tzinfo is None) != (end.tzinfo is None):
        return  # one wall-clock and one exact moment: the service compares them once both are in UTC
    if start and end and end <= start:
        raise ma.ValidationError(_("The end must be after the start."), "ends_at")


class ActionDetailsIn(StrictSchema):
    """What can change about an action without moving it."""

    kind = ma.fields.String(validate=ma.validate.OneOf(KINDS, error="Choose what kind of action this is."))
    title = Text(min_length=1, max_length=140)
    description = Text(max_length=5000)
    address = Text(max_length=500, allow_none=True)
    online_link = ma.fields.URL(schemes={"http", "https"}, allow_none=True, validate=ma.validate.Length(max=500),
                                error_messages={"invalid": "Use a full web address starting with https://."})
    address_public = ma.fields.Boolean(metadata={
        "description": "False: only confirmed volunteers and coordinators see the address or link."})
    public = ma.fields.Boolean(metadata={
        "description": "True: a public page (/p/actions/<id>) where anyone may sign up as a guest, whether or not "
                       "the campaign is public."})
    accessibility_notes = Text(max_length=2000)
    interpreter_languages = Words(max_items=20)
    content_note = Text(max_length=500, allow_none=True, metadata={"description": "A note on distressing material."})


class ActionIn(ActionDetailsIn):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(KINDS,
                                                                       error="Choose what kind of action this is."))
    title = Text(required=True, min_length=1, max_length=140)
    starts_at = WallClock(required=True, metadata={"description": WALL_CLOCK})
    ends_at = WallClock(required=True, metadata={"description": WALL_CLOCK})
    timezone = Timezone(required=True, metadata={"description": "IANA time zone, like Europe/London."})

    @ma.validates_schema
    def _window(self, data, **_kwargs):
        _window_check(data)


class RescheduleIn(StrictSchema):
    starts_at = WallClock(required=True, metadata={"description": WALL_CLOCK})
    ends_at = WallClock(required=True, metadata={"description": WALL_CLOCK})
    timezone = Timezone(metadata={"description": "A new time zone, if the place changes zone."})

    @ma.validates_schema
    def _window(self, data, **_kwargs):
        _window_check(data)


class ActionOut(ma.Schema):
    id = ma.fields.Integer()
    campaign_id = ma.fields.Integer()
    kind = ma.fields.String()
    title = ma.fields.String()
    description = ma.fields.String()
    starts_at = ma.fields.DateTime(metadata={"description": "UTC."})
    ends_at = ma.fields.DateTime(metadata={"description": "UTC."})
    timezone = ma.fields.String()
    starts_at_local = ma.fields.String(metadata={"description": "In the action's time zone, with its offset."})
    ends_at_local = ma.fields.String()
    address = ma.fields.String(allow_none=True)
    online_link = ma.fields.String(allow_none=True)
    address_public = ma.fields.Boolean()
    public = ma.fields.Boolean()
    place_hidden = ma.fields.Boolean(metadata={"description": "True: the place is shared with confirmed "
                                                              "volunteers only, and you aren't one yet."})
    accessibility_notes = ma.fields.String()
    interpreter_languages = ma.fields.List(ma.fields.String())
    content_note = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    sequence = ma.fields.Integer()
    updated_at = ma.fields.DateTime(allow_none=True)
    checkin_code = ma.fields.String(allow_none=True, metadata={"description": "Coordinators only."})
    translations = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Dict(), metadata={
        "description": "The title and description in other languages, {language: {field: text}}."})


def action_out(action: Action, *, show_place: bool, coordinator: bool) -> dict:
    zone = ZoneInfo(action.timezone)
    data = action.model_dump()
    data.update(starts_at_local=action.starts_at.astimezone(zone).isoformat(),
                ends_at_local=action.ends_at.astimezone(zone).isoformat(), place_hidden=not show_place)
    if not show_place:
        data["address"] = data["online_link"] = None
    if not coordinator:
        data["checkin_code"] = None
    return data


class TaskDetailsIn(StrictSchema):
    title = Text(min_length=1, max_length=140)
    description = Text(max_length=5000)
    capacity = _capacity()
    skills = Words(max_items=10)
    goal_id = Id(allow_none=True, metadata={"description": "A goal of the same campaign."})


class TaskIn(TaskDetailsIn):
    title = Text(required=True, min_length=1, max_length=140)
    capacity = _capacity(required=True)
    starts_at = WallClock(allow_none=True, metadata={"description": "A shift's own start. " + WALL_CLOCK})
    ends_at = WallClock(allow_none=True)
    deadline = WallClock(allow_none=True, metadata={
        "description": "Standalone tasks: wall-clock time in the campaign's time zone."})

    @ma.validates_schema
    def _window(self, data, **_kwargs):
        _window_check(data)


class SignupOut(ma.Schema):
    id = ma.fields.Integer()
    task_id = ma.fields.Integer()
    user_id = ma.fields.Integer()
    status = ma.fields.String(metadata={"description": "confirmed, waitlisted or cancelled"})
    position = ma.fields.Integer(allow_none=True, metadata={"description": "Place on the waitlist (1 is next)."})
    queued_at = ma.fields.DateTime()
    confirmed_at = ma.fields.DateTime(allow_none=True)
    cancelled_at = ma.fields.DateTime(allow_none=True)
    on_behalf_by_id = ma.fields.Integer(allow_none=True)
    attendance = ma.fields.String(allow_none=True, metadata={
        "description": "Private: shown to the person and coordinators only. attended, absent or null."})
    checked_in_at = ma.fields.DateTime(allow_none=True)


class TaskOut(ma.Schema):
    id = ma.fields.Integer()
    campaign_id = ma.fields.Integer()
    action_id = ma.fields.Integer(allow_none=True)
    goal_id = ma.fields.Integer(allow_none=True)
    title = ma.fields.String()
    description = ma.fields.String()
    starts_at = ma.fields.DateTime(allow_none=True)
    ends_at = ma.fields.DateTime(allow_none=True)
    deadline = ma.fields.DateTime(allow_none=True)
    skills = ma.fields.List(ma.fields.String())
    capacity = ma.fields.Integer()
    taken = ma.fields.Integer(metadata={"description": "Confirmed seats."})
    waitlisted = ma.fields.Integer()
    my_signup = ma.fields.Nested(SignupOut, allow_none=True)


class SignupIn(StrictSchema):
    on_behalf_of = Id(allow_none=True, metadata={
        "description": "Workers: a client's id, under their live sign-up consent."})


class RosterOut(SignupOut):
    display_name = ma.fields.String()
    real_name = ma.fields.String(allow_none=True, metadata={"description": "Only where the person chose to show it."})
    guest = ma.fields.Boolean(metadata={"description": "Signed up from the public page, without an account."})


class AttendanceIn(StrictSchema):
    attended = ma.fields.Boolean(required=True)


class CheckInIn(StrictSchema):
    code = Text(required=True, min_length=1, max_length=12)


class CheckInOut(ma.Schema):
    action_id = ma.fields.Integer()
    checked_in = ma.fields.Integer(metadata={"description": "How many of your sign-ups are now marked attended."})


class MessageIn(StrictSchema):
    title = Text(required=True, min_length=1, max_length=200)
    body = Text(required=True, min_length=1, max_length=5000)
    include_waitlisted = ma.fields.Boolean(load_default=False)


class MessageOut(ma.Schema):
    recipients = ma.fields.Integer()


class SignupFilter(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(["confirmed", "waitlisted", "cancelled"]))
