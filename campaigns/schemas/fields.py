"""Fields and the strict base schema that every input schema (API and pages) is built from."""

from __future__ import annotations

import marshmallow as ma

from campaigns import limits
from campaigns.domain.rules import zone_names

#: text this long or longer may span lines (descriptions, notes, messages), shorter text is one line (names, titles)
MULTILINE_FROM = 1000


class StrictSchema(ma.Schema):
    """Input schemas refuse unknown fields (marshmallow's default), and say so per field.

    Loaded from a JSON body (the API), values must have their JSON type: marshmallow would take 0 for false,
    "5" for 5 and a lone string for a list, which pages' forms need but the OpenAPI document does not allow.
    """

    class Meta:
        unknown = ma.RAISE

    #: set by Blueprint.arguments on the schemas it loads from a JSON body
    json_body = False

    @ma.pre_load
    def _readable_text(self, data, **_kwargs):
        """Control characters are refused in every field, before any other rule (see campaigns.limits)."""
        if not isinstance(data, dict):
            return data
        fields = {f.data_key or name: f for name, f in self.fields.items()}
        errors = {key: [problem] for key, value in data.items()
                  if (problem := _text_problem(value, multiline=_is_multiline(fields.get(key))))}
        if errors:
            raise ma.ValidationError(errors)
        return data

    @ma.pre_load
    def _json_types(self, data, **_kwargs):
        if not self.json_body or not isinstance(data, dict):
            return data
        fields = {f.data_key or name: f for name, f in self.fields.items()}
        errors = {key: [_JSON_TYPE_ERRORS[kind]] for key, value in data.items()
                  if value is not None and (kind := _json_kind(fields.get(key))) and not _is_json(kind, value)}
        if errors:
            raise ma.ValidationError(errors)
        return data


def _is_multiline(declared) -> bool:
    if isinstance(declared, ma.fields.List):
        declared = declared.inner
    return bool(getattr(declared, "multiline", False))


def _text_problem(value, *, multiline: bool) -> str | None:
    """The first problem with the text anywhere in a submitted value (nested lists and objects included)."""
    if isinstance(value, str):
        return limits.text_problem(value, multiline=multiline)
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list):
        return next((p for item in value if (p := _text_problem(item, multiline=multiline))), None)
    return None


_JSON_TYPE_ERRORS = {"boolean": "Not a valid boolean.", "integer": "Not a valid integer.",
                     "number": "Not a valid number.", "array": "Not a valid list."}


def _json_kind(declared) -> str | None:
    if isinstance(declared, ma.fields.Boolean):
        return "boolean"
    if isinstance(declared, ma.fields.Integer):
        return "integer"
    if isinstance(declared, ma.fields.Number):
        return "number"
    if isinstance(declared, ma.fields.List):
        return "array"
    return None


def _is_json(kind: str, value) -> bool:
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":  # marshmallow would cut 2.5 down to 2
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer())
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, list)


class Timezone(ma.fields.String):
    """An IANA time zone name, like Europe/London (the OpenAPI document lists them all, as an enum)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validate", ma.validate.OneOf(
            sorted(zone_names()), error="Choose a time zone from the list, like Europe/London."))
        super().__init__(**kwargs)


class Id(ma.fields.Integer):
    """A row id in a request body: 1 to 2**31 - 1 (what both databases store), documented as such, so a
    huge number is a 422 at the edge and never overflows the database driver."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validate", ma.validate.Range(min=1, max=limits.MAX_ID, error="Choose one from the list."))
        super().__init__(**kwargs)


class ClockTime(ma.fields.Time):
    """A time of day like 21:00 (or 21:00:00); the document gives the pattern, so any value it allows loads."""

    def __init__(self, **kwargs):
        metadata = {"pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)


class WallClock(ma.fields.NaiveDateTime):
    """Wall-clock time where something happens, without an offset, like 2026-05-01T18:00 (services turn it into
    UTC with the place's time zone). Documented by its pattern, not as RFC 3339 date-time, which needs an offset."""

    PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
    default_error_messages = {
        "invalid": "Enter a date and time that exists, like 2026-05-01T18:00.",
        "invalid_awareness": "Give the local time where it happens, without an offset, like 2026-05-01T18:00.",
    }

    def __init__(self, **kwargs):
        super().__init__(metadata={"pattern": self.PATTERN, **kwargs.pop("metadata", {})}, **kwargs)


class Text(ma.fields.String):
    """A trimmed string with a length limit: empty and oversized text are refused at the edge.

    The length is checked as sent (what the OpenAPI document's minLength/maxLength say), then the text is trimmed;
    text that is only spaces counts as empty (the document's pattern asks for a non-space character). Long text
    (1,000 characters or more, or `multiline=True`) may hold tabs and line breaks; shorter text is one line."""

    default_error_messages = {"blank": "Write something here; spaces alone don't count."}
    #: whether tabs and line breaks are allowed (StrictSchema refuses other control characters everywhere)
    multiline = False

    def __init__(self, *, max_length: int, min_length: int = 0, multiline: bool | None = None, **kwargs):
        self.multiline = max_length >= MULTILINE_FROM if multiline is None else multiline
        if min_length:
            kwargs["metadata"] = {"pattern": r"\S", **kwargs.get("metadata", {})}
        super().__init__(validate=ma.validate.Length(min=min_length, max=max_length), **kwargs)

    def deserialize(self, value, attr=None, data=None, **kwargs):
        result = super().deserialize(value, attr, data, **kwargs)
        if isinstance(result, str):
            result = result.strip()
            least = max([v.min or 0 for v in self.validators if isinstance(v, ma.validate.Length)] or [0])
            if len(result) < least:
                raise self.make_error("blank")
        return result
