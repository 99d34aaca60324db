"""A group's guests, for its coordinators: who took part from public pages (with what they asked the organisers
to know), inviting one to join the group, and erasing one. Nobody else sees a guest, and guests see no one."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain.model import Guest, Membership, Organisation, Signup, Task, User
from campaigns.nudges.planning.guests import has_email
from campaigns.services import audit, orgs, policy, signups
from campaigns.services.errors import Conflict, Invalid, NotFound
from campaigns.services.guests import is_guest_user

#: the roles a guest may be invited into (a coordinator is made by a coordinator, from the members page)
INVITABLE = ("client", "worker")


@dataclass(frozen=True)
class GuestRow:
    guest: Guest
    user: User
    #: their sign-ups in this group that still hold or wait for a place
    places: int


def guests_of(session: Session, *, viewer: User, org: Organisation) -> list[GuestRow]:
    """The group's guests who confirmed a sign-up, newest first (coordinators). Logs the read of each."""
    policy.authorize(session, viewer, "members.view", org.id)
    query = (select(Guest, User).join(User, col(User.id) == Guest.user_id)
             .where(Guest.org_id == org.id, col(Guest.confirmed_at).is_not(None))
             .order_by(col(Guest.confirmed_at).desc()))
    rows = [GuestRow(guest, user, _places(session, org.id, user.id)) for guest, user in session.exec(query)]
    audit.log_reads(session, viewer_id=viewer.id, subject_ids={r.user.id for r in rows}, what="guests")
    return rows


def _places(session: Session, org_id: int, user_id: int) -> int:
    return len(_live_signups(session, org_id, user_id))


def _live_signups(session: Session, org_id: int, user_id: int) -> list[Signup]:
    query = select(Signup).join(Task, col(Task.id) == Signup.task_id).where(
        Task.org_id == org_id, Signup.user_id == user_id, col(Signup.status).in_(["confirmed", "waitlisted",
                                                                                   "pending"]))
    return list(session.exec(query))


def guest_of(session: Session, *, viewer: User, org: Organisation, guest_id: int) -> Guest:
    """One guest of the group, for its coordinators (NotFound for anyone else and for other groups' guests)."""
    policy.authorize(session, viewer, "members.manage", org.id)
    guest = session.get(Guest, guest_id)
    if guest is None or guest.org_id != org.id:
        raise NotFound()
    return guest


def invite(session: Session, *, viewer: User, org: Organisation, guest_id: int, role: str,
           ip: str | None = None) -> str:
    """Email a guest an invitation to join the group; returns the link. Records `invitation_created`."""
    guest = guest_of(session, viewer=viewer, org=org, guest_id=guest_id)
    if role not in INVITABLE:
        raise Invalid(_("Choose client or worker."), field="role")
    user = session.get(User, guest.user_id)
    if not has_email(user):
        raise Conflict(_("This guest gave only a mobile number, so an invitation can't be emailed to them."))
    _invitation, link = orgs.invite_by_email(session, org, email=user.email, role=role, invited_by=viewer, ip=ip)
    with transaction(session):
        guest.invited_at = clock.now()
        session.add(guest)
    return link


def erase(session: Session, *, viewer: User, org: Organisation, guest_id: int) -> None:
    """Erase a guest: their places in this group are given up (the waiting list moves up), and if they are a
    guest nowhere else and have no account, the person goes entirely (services/erasure, as for an account).
    Records `guest_erased` (no names)."""
    from campaigns.services import erasure

    guest = guest_of(session, viewer=viewer, org=org, guest_id=guest_id)
    user = session.get(User, guest.user_id)
    for signup in _live_signups(session, org.id, user.id):
        signups.cancel(session, signup_id=signup.id, user=user)
    elsewhere = session.exec(select(Guest.id).where(Guest.user_id == user.id, Guest.org_id != org.id)).first()
    member = session.exec(select(Membership.id).where(Membership.user_id == user.id)).first()
    if is_guest_user(user) and elsewhere is None and member is None:
        erasure.erase_person(session, user, concerns="keep", actor_id=viewer.id)
    else:
        with transaction(session):
            session.exec(delete(Guest).where(col(Guest.id) == guest.id))  # type: ignore[call-overload]
    with transaction(session):
        audit.log(session, "guest_erased", actor_id=viewer.id, org_id=org.id)


def is_guest_in(session: Session, org_id: int, user_ids: set[int]) -> dict[int, Guest]:
    """Which of these people are the group's guests, with their guest record (for rosters)."""
    if not user_ids:
        return {}
    query = select(Guest).where(Guest.org_id == org_id, col(Guest.user_id).in_(user_ids))
    return {g.user_id: g for g in session.exec(query)}
