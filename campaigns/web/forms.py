"""Pages validate with the same marshmallow schemas as the API, so a rule lives in one place.

A failed form re-renders with each message beside its field and every value the person typed kept. `submit` is
the flow of almost every form: load it, call the use case, then flash and redirect, or hand the form back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import marshmallow as ma
from flask import flash, redirect, request
from werkzeug.wrappers import Response

from campaigns.i18n import translate_messages
from campaigns.services.errors import DomainError

T = TypeVar("T")

_SKIP = {"csrf_token", "submit", "back_to_page"}  # back_to_page: where a press returns (see web/campaigns.py)


@dataclass
class Form:
    """What the person sent, what loaded, and what went wrong (by field; "_form" for the whole form)."""

    values: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def fail(self, error: DomainError) -> Form:
        """Attach a use case's refusal to the form."""
        if error.errors:
            for name, messages in error.errors.items():
                self.errors.setdefault(name, []).extend(messages)
        else:
            self.errors.setdefault("_form", []).append(error.message)
        return self


def _raw(schema: ma.Schema) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for name in request.form:
        if name in _SKIP or name.endswith("__present"):  # a checkbox's marker, read below
            continue
        values = request.form.getlist(name)
        declared = schema.fields.get(name)
        if isinstance(declared, ma.fields.List):
            raw[name] = [v for v in values if v.strip()]
        elif values and values[-1].strip() != "":
            raw[name] = values[-1]
        elif isinstance(declared, ma.fields.String):
            raw[name] = None if declared.allow_none else ""  # the field's own rules judge empty text
        elif declared is not None and declared.allow_none:
            raw[name] = None
    for name, declared in schema.fields.items():
        # an unticked checkbox sends nothing at all
        if isinstance(declared, ma.fields.Boolean) and name not in raw and f"{name}__present" in request.form:
            raw[name] = False
    return raw


def load(schema: ma.Schema) -> Form:
    """Load request.form with `schema`; never raises for bad input."""
    raw = _raw(schema)
    form = Form(values={k: request.form.get(k, "") for k in request.form if k not in _SKIP})
    try:
        form.data = schema.load(raw)
    except ma.ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {"_form": error.messages}
        form.errors = {k: v if isinstance(v, list) else [str(v)] for k, v in translate_messages(messages).items()}
    return form


def submit(schema: ma.Schema, use_case: Callable[..., T], *, then: str | Callable[[T], str],
           done: str | Callable[[T], str] | None = None) -> tuple[Response | None, Form]:
    """Load request.form with `schema` and call `use_case(**data)`; a refusal (DomainError) lands on the form.

    On success `done` is flashed and the answer redirects to `then` (each a text, or a function of what the use
    case returned); otherwise the answer is None and the caller shows the form again (`return answer or page(form)`).
    """
    form = load(schema)
    if form.ok:
        try:
            result = use_case(**form.data)
        except DomainError as error:
            form.fail(error)
        else:
            if done:
                flash(done(result) if callable(done) else done, "success")
            return redirect(then(result) if callable(then) else then), form
    return None, form
