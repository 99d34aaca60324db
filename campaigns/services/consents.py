"""A client's recorded consent for a worker to act for them: who, what scope, when, revocable."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlmodel import Session, col, or_, select

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain.model import Consent, Role, User
from campaigns.domain.text import N_
from campaigns.services import audit, policy
from campaigns.services.errors import Forbidden, Invalid, NotFound

SCOPES = {
    "raise_concerns": N_("raise concerns for me"),
    "support_concerns": N_("support concerns for me"),
    "sign_up": N_("sign me up for tasks"),
}

NO_CONSENT = N_("%(client)s hasn't given you consent to %(what)s. Ask them to give it on their account page; "
                "nothing was done.")


def give(session: Session, *, client: User, worker_id: int, org_id: int, scope: str,
         expires_at: datetime | None = None) -> Consent:
    """The client lets a worker of their organisation act for them in one scope."""
    if scope not in SCOPES:
        raise Invalid(_("Choose what the worker may do for you."), field="scope")
    if expires_at is not None and expires_at <= clock.now():
        raise Invalid(_("Choose an end date in the future, or none."), field="expires_at")
    policy.require_member(session, client, org_id)
    worker = session.get(User, worker_id)
    worker_member = policy.membership(session, worker, org_id)
    if worker_member is None or worker_member.role != Role.worker:
        raise Invalid(_("Choose a worker from your group."), field="worker_id")
    with transaction(session):
        consent = Consent(org_id=org_id, client_id=client.id, worker_id=worker_id, scope=scope,
                          expires_at=expires_at)
        session.add(consent)
        session.flush()
        audit.log(session, "consent_given", actor_id=client.id, org_id=org_id, target=f"consent:{consent.id}",
                  scope=scope)
    return consent


def revoke(session: Session, *, client: User, consent_id: int) -> Consent:
    """The client withdraws a consent; it stops working at once."""
    with transaction(session):
        consent = session.get(Consent, consent_id)
        if consent is None or consent.client_id != client.id:
            raise NotFound()
        if consent.revoked_at is None:
            consent.revoked_at = clock.now()
            session.add(consent)
            audit.log(session, "consent_revoked", actor_id=client.id, org_id=consent.org_id,
                      target=f"consent:{consent.id}")
    return consent


def is_live(consent: Consent) -> bool:
    now = clock.now()
    return consent.revoked_at is None and (consent.expires_at is None or consent.expires_at > now)


def live(session: Session, *, worker: User, client_id: int, scope: str, org_id: int) -> Consent | None:
    query = select(Consent).where(
        Consent.worker_id == worker.id, Consent.client_id == client_id, Consent.scope == scope,
        Consent.org_id == org_id, col(Consent.revoked_at).is_(None),
        or_(col(Consent.expires_at).is_(None), col(Consent.expires_at) > clock.now()),
    )
    return session.exec(query).first()


def require_live(session: Session, *, worker: User, client_id: int, scope: str, org_id: int) -> User:
    """The client a worker may act for in `scope`, or Forbidden with a kind, clear message."""
    client = session.get(User, client_id)
    if client is None or policy.membership(session, client, org_id) is None:
        raise NotFound()
    policy.authorize(session, worker, "act_for_client", org_id)
    if live(session, worker=worker, client_id=client_id, scope=scope, org_id=org_id) is None:
        raise Forbidden(_(NO_CONSENT, client=client.display_name, what=_(SCOPES[scope])))
    return client


def of_client(session: Session, client: User) -> list[Consent]:
    """A client's consents, newest first (they see and can revoke them on their account page)."""
    query = select(Consent).where(Consent.client_id == client.id).order_by(col(Consent.id).desc())
    return list(session.exec(query))


def clients_of(session: Session, worker: User, org_id: int, scope: str | None = None) -> list[User]:
    """Clients who gave this worker a live consent (in `scope`, if given)."""
    query = select(Consent).where(Consent.worker_id == worker.id, Consent.org_id == org_id)
    if scope:
        query = query.where(Consent.scope == scope)
    ids = {c.client_id for c in session.exec(query) if is_live(c)}
    return [session.get(User, i) for i in sorted(ids)]
