"""Erasing an account: personal data removed or anonymised, counts kept so campaign totals do not change.

Generic over the schema: every column that references `user.id` is found in `SQLModel.metadata`, so a table added
later is covered without touching this module. By default a nullable reference is set to NULL (the row stays and
still counts, anonymously: supports, contributions, past sign-ups, reflections' scores) and a row with a required
reference is deleted (memberships, consents, personal goals, inbox, sessions, tokens…). `OVERRIDES` says otherwise
where a table needs it. The account row itself stays, anonymised, so other rows may keep pointing at it.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import JSON, String, Table, TypeDecorator, delete, or_, select, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, SQLModel

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain.model import Invitation, Membership, Role, User
from campaigns.domain.text import N_
from campaigns.services import accounts, audit, security
from campaigns.services.errors import Conflict, Invalid

ERASED_NAME = "Former member"
KEEP, NULL, DELETE = "keep", "null", "delete"
CONCERN_CHOICES = ("keep", "delete")

#: (table, column) -> what erasure does to rows pointing at the person, where the default is not right
OVERRIDES: dict[tuple[str, str], str] = {
    # the event log is append-only (the database refuses UPDATE); it points at the anonymised account row
    ("event", "actor_id"): KEEP,
    # security records, pruned by retention; they point at the anonymised row and never hold personal text
    ("audit_log", "actor_id"): KEEP,
    # another person's record of who looked at *their* data: theirs to keep
    ("read_access", "viewer_id"): KEEP,
    # messages planned for them: there is nobody left to send them to
    ("nudge", "recipient_id"): DELETE,
    # handled first, by the person's choice (see _concerns)
    ("concern", "author_id"): KEEP,
}

#: values written into rows that are kept anonymously, before their reference is cleared: private text
SCRUB: dict[tuple[str, str], dict[str, Any]] = {
    ("reflection", "user_id"): {"free_text": ""},
    ("contribution", "user_id"): {"note": ""},
    ("audit_log", "actor_id"): {"ip": None},
    # texts stay as anonymous counts against the group's monthly budget; the number and the words go
    ("text_message", "user_id"): {"number": "", "body": "", "link": None},
}

#: tables where the system writes people's display names into text (messages, logs): names are scrubbed there
NAME_TABLES = {"inbox_item", "nudge", "audit_log", "read_access"}
#: tables never rewritten by the text scrub (append-only, or handled above)
UNTOUCHABLE = {"event", "user"}

ERASE_FAILED = N_("That isn't your password. Your account was not erased.")


def references_to_user() -> list[tuple[Table, Any]]:
    """Every (table, column) with a foreign key to user.id, in a stable order."""
    found = []
    for table in SQLModel.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == "user" and fk.column.name == "id":
                found.append((table, fk.parent))
    return sorted(found, key=lambda pair: (pair[0].name, pair[1].name))


def strategy(table: Table, column) -> str:
    """What erasure does to rows of `table` whose `column` names the person."""
    return OVERRIDES.get((table.name, column.name), NULL if column.nullable else DELETE)


def erase_account(session: Session, user: User, *, password: str, concerns: str = "keep",
                  ip: str | None = None) -> None:
    """Erase the person's account after checking their password again; records `account_erased` (no names)."""
    if concerns not in CONCERN_CHOICES:
        raise Invalid(_("Choose whether to keep your concerns anonymously or delete them."), field="concerns")
    accounts.reauthenticate(session, user, password=password, ip=ip, message=ERASE_FAILED)
    erase_person(session, user, concerns=concerns, actor_id=user.id)


def erase_person(session: Session, user: User, *, concerns: str, actor_id: int | None) -> None:
    """Erase a person, once whoever asks may (themselves, or a coordinator erasing a guest): every row naming
    them, by the strategy of its foreign key. Records `account_erased` (no names)."""
    with transaction(session):
        _refuse_if_last_coordinator(session, user)
        _release_places(session, user)
        identity = [user.email, user.real_name or "", user.display_name]
        _concerns(session, user.id, delete_them=concerns == "delete")
        for table, column in references_to_user():
            _apply(session, table, column, user.id)
        session.exec(delete(Invitation).where(Invitation.email == user.email))  # type: ignore[call-overload]
        _scrub_text(session, *identity)
        _anonymise(session, user)
        audit.log(session, "account_erased", actor_id=actor_id, concerns=concerns)


def _refuse_if_last_coordinator(session: Session, user: User) -> None:
    for member in session.exec(select(Membership).where(Membership.user_id == user.id)).scalars():
        if member.role != Role.coordinator:
            continue
        others = session.exec(select(Membership.id).where(
            Membership.org_id == member.org_id, Membership.role == Role.coordinator,
            Membership.user_id != user.id)).first()
        if others is None:
            raise Conflict(_("You are the only coordinator of one of your groups. Make someone else a coordinator "
                           "first, so the group can carry on without you."))


def _release_places(session: Session, user: User) -> None:
    """Give up places in actions still ahead, so the next person waiting is promoted (as if they cancelled)."""
    from campaigns.nudges import settings as notification_settings
    from campaigns.services import signups

    for signup in notification_settings.upcoming_signups(session, user):
        signups.cancel(session, signup_id=signup.id, user=user)


def _concerns(session: Session, user_id: int, *, delete_them: bool) -> None:
    """Delete the person's concerns, or keep them without an author. Concerns a campaign is built on stay."""
    concern = SQLModel.metadata.tables["concern"]
    if delete_them:
        linked = select(SQLModel.metadata.tables["campaign_concern"].c.concern_id)
        delete_rows(session, concern, (concern.c.author_id == user_id) & concern.c.id.not_in(linked))
    session.exec(update(concern).where(concern.c.author_id == user_id).values(author_id=None))


def _apply(session: Session, table: Table, column, user_id: int) -> None:
    how = strategy(table, column)
    matches = column == user_id
    scrub = SCRUB.get((table.name, column.name))
    if scrub and how != DELETE:
        session.exec(update(table).where(matches).values(**scrub))
    if how == NULL:
        session.exec(update(table).where(matches).values({column.name: None}))
    elif how == DELETE:
        delete_rows(session, table, matches)


def _referencing(table: Table) -> list[tuple[Table, Any]]:
    return [(t, fk.parent) for t in SQLModel.metadata.sorted_tables for fk in t.foreign_keys
            if fk.column.table is table]


def delete_rows(session: Session, table: Table, condition: ColumnElement) -> int:
    """Delete rows and, first, what depends on them: nullable references are cleared, others deleted too."""
    primary = list(table.primary_key.columns)
    if len(primary) != 1:  # link tables: nothing references them
        return session.exec(delete(table).where(condition)).rowcount  # type: ignore[call-overload]
    ids = list(session.exec(select(primary[0]).where(condition)).scalars())
    if not ids:
        return 0
    for child, column in _referencing(table):
        if column.nullable:
            session.exec(update(child).where(column.in_(ids)).values({column.name: None}))
        else:
            delete_rows(session, child, column.in_(ids))
    return session.exec(delete(table).where(primary[0].in_(ids))).rowcount  # type: ignore[call-overload]


def _base_type(column):
    # SQLModel's AutoString (and our UTCDateTime) are TypeDecorators: look at what they store
    return column.type.impl if isinstance(column.type, TypeDecorator) else column.type


def text_columns(table: Table) -> list:
    """Columns holding text or JSON."""
    return [c for c in table.columns if isinstance(_base_type(c), String | JSON)]


def _scrub_text(session: Session, email: str, real_name: str, display_name: str) -> None:
    """Remove the person's email (everywhere), real name (everywhere) and display name (in system messages)."""
    for table in SQLModel.metadata.sorted_tables:
        if table.name in UNTOUCHABLE or not list(table.primary_key.columns):
            continue
        names = [n for n in (real_name, display_name if table.name in NAME_TABLES else "") if len(n) >= 3]
        patterns = [(re.compile(re.escape(email), re.IGNORECASE), "[erased]")] + [
            (re.compile(rf"(?<!\w){re.escape(n)}(?!\w)"), ERASED_NAME) for n in names]
        for column in text_columns(table):
            _scrub_column(session, table, column, [email, *names], patterns)


def _scrub_column(session: Session, table: Table, column, needles: list[str], patterns) -> None:
    primary = list(table.primary_key.columns)
    text = column if isinstance(_base_type(column), String) else column.cast(String)
    like = [text.ilike(f"%{n}%") for n in needles if n]
    rows = session.exec(select(*primary, column).where(or_(*like))).all()
    for row in rows:
        value = _replace(row[-1], patterns)
        key = [c == v for c, v in zip(primary, row[:-1], strict=True)]
        session.exec(update(table).where(*key).values({column.name: value}))


def _replace(value: Any, patterns) -> Any:
    if isinstance(value, str):
        for pattern, replacement in patterns:
            value = pattern.sub(replacement, value)
        return value
    if isinstance(value, list):
        return [_replace(v, patterns) for v in value]
    if isinstance(value, dict):
        return {k: _replace(v, patterns) for k, v in value.items()}
    return value


def _anonymise(session: Session, user: User) -> None:
    user.email = f"erased-{user.id}@invalid"
    user.display_name = ERASED_NAME
    user.real_name = None
    user.show_real_name = False
    user.mobile = None
    user.mobile_verified_at = None
    user.password_hash = security.hash_password(security.new_token())  # nobody knows it: no login ever again
    user.calendar_token_hash = None
    user.is_admin = False
    user.is_active = False
    user.erased_at = clock.now()
    session.add(user)
