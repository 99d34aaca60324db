"""What clients and workers see of consents: a client's own list (give, revoke), and the clients who consented
to a worker (each viewing logged as a read of that client's data). The rules of consent are in `consents`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain.model import Consent, Membership, Organisation, Role, User
from campaigns.domain.text import N_
from campaigns.services import audit, consents, policy
from campaigns.services.errors import Invalid


def give(session: Session, *, client: User, org_id: int, worker_id: int, scope: str,
         expires_on: date | None = None) -> Consent:
    """A client lets a worker of their group act for them in one scope, until the end of `expires_on` (their
    time zone) or until revoked."""
    member = policy.require_member(session, client, org_id)
    if member.role != Role.client:
        raise Invalid(_("Consents are given by the group's clients."), field="org_id")
    if _has_live(session, client=client, org_id=org_id, worker_id=worker_id, scope=scope):
        raise Invalid(_("You've already given this worker that consent. Revoke it first to change it."), field="scope")
    expires_at = None
    if expires_on is not None:
        zone = ZoneInfo(client.timezone)
        if expires_on < clock.now().astimezone(zone).date():
            raise Invalid(_("Choose a last day from today on, or leave it empty."), field="expires_on")
        # through the whole of that day, where the client lives
        expires_at = datetime.combine(expires_on + timedelta(days=1), time(0), zone)
    return consents.give(session, client=client, worker_id=worker_id, org_id=org_id, scope=scope,
                         expires_at=expires_at)


def _has_live(session: Session, *, client: User, org_id: int, worker_id: int, scope: str) -> bool:
    query = select(Consent).where(Consent.client_id == client.id, Consent.worker_id == worker_id,
                                  Consent.scope == scope, Consent.org_id == org_id)
    return any(consents.is_live(c) for c in session.exec(query))


#: how a worker reads a scope (consents.SCOPES is how the client gives it)
FOR_WORKERS = {"raise_concerns": N_("raise concerns for them"), "support_concerns": N_("support concerns for them"),
               "sign_up": N_("sign them up for tasks")}


def _row(consent: Consent, *, worker: User | None = None, client: User | None = None,
         org: Organisation | None = None) -> dict:
    labels = FOR_WORKERS if client is not None else consents.SCOPES
    data = {**consent.model_dump(), "live": consents.is_live(consent),
            "scope_label": labels.get(consent.scope, consent.scope), "org_name": org.name if org else ""}
    if worker is not None:
        data["worker_display_name"] = worker.display_name
    if client is not None:
        data["client_display_name"] = client.display_name
    return data


def describe(session: Session, consent: Consent) -> dict:
    """One of a client's consents as they see it: the worker's display name and whether it still works."""
    return _row(consent, worker=session.get(User, consent.worker_id), org=session.get(Organisation, consent.org_id))


def of_client(session: Session, client: User) -> list[dict]:
    """A client's consents, newest first."""
    return [describe(session, c) for c in consents.of_client(session, client)]


def given_to(session: Session, worker: User) -> list[dict]:
    """Consents clients gave this worker, newest first. Logs that the worker read each client's consents."""
    query = select(Consent).where(Consent.worker_id == worker.id).order_by(col(Consent.id).desc())
    rows = list(session.exec(query))
    with transaction(session):
        for client_id in sorted({c.client_id for c in rows}):
            audit.log_read(session, viewer_id=worker.id, subject_user_id=client_id, what="consents")  # type: ignore[arg-type]
    return [_row(c, client=session.get(User, c.client_id), org=session.get(Organisation, c.org_id)) for c in rows]


def workers_to_choose(session: Session, client: User) -> list[tuple[Organisation, list[User]]]:
    """For each group where this person is a client: its workers, by display name."""
    query = (select(Organisation).join(Membership, col(Membership.org_id) == Organisation.id)
             .where(Membership.user_id == client.id, Membership.role == Role.client).order_by(Organisation.name))
    choices = []
    for org in session.exec(query):
        workers = select(User).join(Membership, col(Membership.user_id) == User.id).where(
            Membership.org_id == org.id, Membership.role == Role.worker).order_by(User.display_name)
        choices.append((org, list(session.exec(workers))))
    return choices


def clients_for(session: Session, worker: User, org_id: int, scope: str) -> list[User]:
    """Clients this worker may act for in `scope` now (for 'on behalf of' choices)."""
    return consents.clients_of(session, worker, org_id, scope)
