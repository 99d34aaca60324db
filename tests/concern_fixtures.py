"""Fixtures and helpers for the concerns feature's tests (assign the fixtures a module uses, so pytest finds them)."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from campaigns.domain.model import (
    Assessment,
    Concern,
    ConcernCategory,
    ConcernSupport,
    EventRecord,
    Membership,
    User,
)
from campaigns.services import concerns, consents, security
from tests.factories import PASSWORD

#: an id no other row in a test will have, so "the author's id is absent" can be checked in any text
AUTHOR_ID = 987654
AUTHOR_NAME = "Zed Secret-Author"
AUTHOR_EMAIL = "zed.secret.author@example.org"
ROLES = ["author", "other_client", "worker", "coordinator", "admin", "outsider", "anonymous"]


@pytest.fixture
def author(session, people) -> User:
    """A client of `people.org` with a distinctive name, email and id, who raises the concern under test."""
    user = User(id=AUTHOR_ID, email=AUTHOR_EMAIL, display_name=AUTHOR_NAME, real_name="Zebedee Author",
                password_hash=security.hash_password(PASSWORD))
    session.add(user)
    session.commit()
    session.add(Membership(org_id=people.org.id, user_id=AUTHOR_ID, role="client"))
    session.commit()
    return user


@pytest.fixture
def raise_one(session, people):
    """raise_one(actor=people.client, **fields) -> a concern raised through the use case."""

    def make(actor: User | None | str = "client", **fields) -> Concern:
        fields = {"title": "Rent rises we can't keep up with", "categories": ["housing"],
                  "description": "Rents went up again; people skip meals to pay.", **fields}
        return concerns.raise_concern(session, org_id=fields.pop("org_id", people.org.id),
                                      actor=people.client if actor == "client" else actor, **fields)

    return make


@pytest.fixture
def clients(make_user, people):
    """clients(n) -> n new clients of `people.org`."""
    return lambda n: [make_user(org=people.org, role="client") for _ in range(n)]


@pytest.fixture
def consent(session, people):
    """consent(scope, **kw) -> people.client lets people.worker act for them in `scope`."""
    return lambda scope, **kw: consents.give(session, client=people.client, worker_id=people.worker.id,
                                             org_id=people.org.id, scope=scope, **kw)


def events(session, type_: str) -> list[EventRecord]:
    session.commit()  # end any read snapshot…
    session.expire_all()  # …and forget what the session holds (it keeps objects on commit)
    return list(session.exec(select(EventRecord).where(EventRecord.type == type_).order_by(EventRecord.position)))


def counts(session) -> dict[str, int]:
    """How many rows each concerns table holds: "nothing half-written" checks compare these."""
    session.commit()  # end any read snapshot…
    session.expire_all()  # …and forget what the session holds (it keeps objects on commit)
    tables = {"concern": Concern, "category": ConcernCategory, "support": ConcernSupport,
              "assessment": Assessment, "event": EventRecord}
    return {name: session.exec(select(func.count()).select_from(model)).one() for name, model in tables.items()}


def fresh(session, concern: Concern) -> Concern:
    session.commit()  # end any read snapshot…
    session.expire_all()  # …and forget what the session holds (it keeps objects on commit)
    return session.get(Concern, concern.id)


def leaks_author(text: str) -> bool:
    """Whether a page, response or export mentions the test author in any way."""
    lowered = text.lower()
    return any(s.lower() in lowered for s in (AUTHOR_NAME, AUTHOR_EMAIL, "Zebedee", str(AUTHOR_ID)))


def author_keys(data) -> set[str]:
    """Keys anywhere in a JSON document that could name a person behind a concern."""
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if any(word in key for word in ("author", "raised_by", "user", "supporter", "creator", "created_by")) \
                    and key != "raised_by_you":
                found.add(key)
            found |= author_keys(value)
    elif isinstance(data, list):
        for item in data:
            found |= author_keys(item)
    return found
