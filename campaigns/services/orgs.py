"""Organisations (advocacy groups), memberships and roles, invitations and join codes."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func
from sqlmodel import Session, select

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain.model import Invitation, Membership, Organisation, Role, User
from campaigns.domain.text import N_
from campaigns.nudges import mail
from campaigns.services import accounts, audit, contributions, policy, security, throttle
from campaigns.services.errors import Conflict, Invalid, NotFound


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:50] or "group"


def create(session: Session, *, name: str, creator: User | None = None, slug: str | None = None,
           timezone: str | None = None) -> Organisation:
    """Create an organisation; its creator becomes its first coordinator."""
    name = name.strip()
    if not name or len(name) > 120:
        raise Invalid(_("Give the group a name of up to 120 characters."), field="name")
    slug = slugify(slug or name)
    with transaction(session):
        if session.exec(select(Organisation).where(Organisation.slug == slug)).first():
            raise Conflict(_("That short name is taken; choose another."), field="slug")
        org = Organisation(name=name, slug=slug, share_threshold=current_app.config["SHARE_THRESHOLD"],
                           timezone=timezone or current_app.config["DEFAULT_TIMEZONE"])
        session.add(org)
        session.flush()
        if creator is not None:
            session.add(Membership(org_id=org.id, user_id=creator.id, role=Role.coordinator))
    return org


def by_slug(session: Session, slug: str) -> Organisation:
    org = session.exec(select(Organisation).where(Organisation.slug == slug)).first()
    if org is None:
        raise NotFound()
    return org


def of_user(session: Session, user: User) -> list[tuple[Organisation, Membership]]:
    return list(policy.standing(session, user).values())


def members_query(org_id: int):
    """(Membership, User) rows of an organisation, by display name."""
    return (select(Membership, User).join(User, User.id == Membership.user_id)
            .where(Membership.org_id == org_id).order_by(User.display_name, Membership.id))


def members(session: Session, org_id: int) -> list[tuple[Membership, User]]:
    return list(session.exec(members_query(org_id)))


def update_settings(session: Session, org: Organisation, *, actor: User, **changes) -> Organisation:
    """Change the name, share threshold k, time zone or whether pending contributions count (switching that
    re-counts the pending ones, so every goal's total is what the setting says)."""
    if "share_threshold" in changes and not 1 <= changes["share_threshold"] <= 100:
        raise Invalid(_("Choose a number between 1 and 100."), field="share_threshold")
    if "sms_monthly_budget" in changes and not 0 <= changes["sms_monthly_budget"] <= 1_000_000:
        raise Invalid(_("Choose a number from 0 to 1,000,000."), field="sms_monthly_budget")
    if "guest_hold_hours" in changes and not 1 <= changes["guest_hold_hours"] <= 168:
        raise Invalid(_("Choose between 1 and 168 hours (a week)."), field="guest_hold_hours")
    with transaction(session):
        # the row lock orders this change with contributions being logged (see contributions.recount_pending)
        locked = select(Organisation).where(Organisation.id == org.id).with_for_update()
        org = session.exec(locked.execution_options(populate_existing=True)).one()
        counting = changes.get("count_pending_contributions")
        if counting is not None and bool(counting) != org.count_pending_contributions:
            contributions.recount_pending(session, org.id, count=bool(counting))
        for name, value in changes.items():
            setattr(org, name, value)
        session.add(org)
        audit.log(session, "org_settings_changed", actor_id=actor.id, org_id=org.id, fields=sorted(changes))
    return org


def _check_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise Invalid(_("Choose client, worker or coordinator."), field="role") from None


def invite(session: Session, org: Organisation, *, email: str, role: str, invited_by: User,
           ip: str | None = None) -> tuple[Invitation, str]:
    """Invite someone by email with a role; returns the invitation and the secret for its link."""
    role = _check_role(role)
    email = accounts.normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise Invalid(_("Enter an email address like name@example.org."), field="email")
    secret = security.new_token()
    expires = clock.now() + timedelta(days=current_app.config["INVITATION_DAYS"])
    with transaction(session):
        invitation = Invitation(org_id=org.id, email=email, role=role, token_hash=security.token_hash(secret),
                                invited_by_id=invited_by.id, expires_at=expires)
        session.add(invitation)
        session.flush()
        audit.log(session, "invitation_created", actor_id=invited_by.id, org_id=org.id,
                  target=f"invitation:{invitation.id}", ip=ip, role=role)
    return invitation, secret


def invite_by_email(session: Session, org: Organisation, *, email: str, role: str, invited_by: User,
                    ip: str | None = None) -> tuple[Invitation, str]:
    """Invite someone and email them the link; returns the invitation and the link."""
    invitation, secret = invite(session, org, email=email, role=role, invited_by=invited_by, ip=ip)
    link = f"{current_app.config['BASE_URL'].rstrip('/')}/join/invitation/{secret}"
    mail.send_template(to=invitation.email, template="invitation", org=org, role=invitation.role,
                       inviter=invited_by, link=link, days=current_app.config["INVITATION_DAYS"])
    return invitation, link


def invitation_for(session: Session, secret: str) -> Invitation:
    """The live invitation behind a link, or Invalid if it is unknown, used or expired."""
    invitation = session.exec(
        select(Invitation).where(Invitation.token_hash == security.token_hash(secret))
    ).first()
    if invitation is None:
        raise Invalid(_("This invitation link is not valid. Ask the person who invited you for a new one."))
    if invitation.used_at is not None:
        raise Invalid(_("This invitation has already been used. Log in to continue."))
    if invitation.expires_at <= clock.now():
        raise Invalid(_("This invitation has expired. Ask the person who invited you for a new one."))
    return invitation


def accept_invitation(session: Session, *, secret: str, user: User, ip: str | None = None) -> Membership:
    """Join the inviting organisation with the invited role (or raise an existing lower role)."""
    with transaction(session):
        invitation = invitation_for(session, secret)
        invitation.used_at = clock.now()
        session.add(invitation)
        member = _join(session, invitation.org_id, user, Role(invitation.role))
        audit.log(session, "invitation_used", actor_id=user.id, org_id=invitation.org_id,
                  target=f"invitation:{invitation.id}", ip=ip)
    return member


def add_member(session: Session, org: Organisation, *, user: User, role: str) -> Membership:
    """Add someone directly (CLI and demo); the web and API go through invitations and join codes."""
    with transaction(session):
        return _join(session, org.id, user, _check_role(role))


def _join(session: Session, org_id: int, user: User, role: Role) -> Membership:
    existing = session.exec(
        select(Membership).where(Membership.org_id == org_id, Membership.user_id == user.id)
    ).first()
    if existing:
        return existing
    member = Membership(org_id=org_id, user_id=user.id, role=role)
    session.add(member)
    session.flush()
    return member


def set_join_code(session: Session, org: Organisation, *, actor: User, enabled: bool = True) -> str | None:
    """Make a new join code (people who know it join as clients), or switch joining by code off."""
    with transaction(session):
        org.join_code = "-".join(secrets.token_hex(2).upper() for _ in range(3)) if enabled else None
        session.add(org)
        audit.log(session, "join_code_changed", actor_id=actor.id, org_id=org.id, enabled=enabled)
    return org.join_code


JOIN_THROTTLED = N_("Too many tries. Please wait 15 minutes and try again.")
WRONG_CODE = N_("That code doesn't match a group. Check it with the person who gave it to you.")
#: said to anyone who gives an email that has an account with another password (a new email simply joins)
NEEDS_ITS_PASSWORD = N_("If you already have an account with this email, use its password here, or log in first "
                      "and then enter the code.")


def _join_keys(who: str, ip: str | None) -> list[str]:
    return [throttle.key("join", "account", who), throttle.key("join", "addr", ip or "-")]


def _org_for_code(session: Session, code: str) -> Organisation | None:
    code = code.strip().upper()
    if not code:
        return None
    return session.exec(select(Organisation).where(func.upper(Organisation.join_code) == code)).first()


def join_by_code(session: Session, *, code: str, user: User, ip: str | None = None) -> Membership:
    """Join as a client with a join code. Throttled per person and address against guessing."""
    keys = _join_keys(str(user.id), ip)
    with transaction(session):
        throttle.check(session, keys, limit=10, window=timedelta(minutes=15), message=JOIN_THROTTLED)
        org = _org_for_code(session, code)
        if org is None:
            throttle.fail(session, keys)
    if org is None:
        raise Invalid(WRONG_CODE, field="code")
    with transaction(session):
        member = _join(session, org.id, user, Role.client)
        audit.log(session, "joined_by_code", actor_id=user.id, org_id=org.id, ip=ip)
    return member


def join_as_newcomer(session: Session, *, code: str, email: str, password: str, display_name: str,
                     timezone: str | None = None, ip: str | None = None) -> tuple[User, Membership]:
    """Create an account and join a group with its code, in one step. A refused join writes nothing; the code is
    checked before the email is looked at, so a wrong code says nothing about who has an account. An email that
    already has one joins with that account only if the password is its own (as logging in would)."""
    email = accounts.normalise_email(email)
    security.check_password_rules(password, email=email)
    accounts.validate_profile(display_name=display_name, timezone=timezone)
    keys = _join_keys(email, ip)
    with transaction(session):
        throttle.check(session, keys, limit=10, window=timedelta(minutes=15), message=JOIN_THROTTLED)
        org = _org_for_code(session, code)
        existing = accounts.by_email(session, email) if org is not None else None
        refusal = WRONG_CODE if org is None else None
        if existing is not None and not (existing.is_active
                                         and security.verify_password(existing.password_hash, password)):
            refusal = NEEDS_ITS_PASSWORD
        if refusal:
            throttle.fail(session, keys)
    if refusal:
        raise Invalid(refusal, field="code" if org is None else "password")
    with transaction(session):  # the account and its membership together, or neither
        user = existing or accounts.create_user(session, email=email, password=password,
                                                display_name=display_name, timezone=timezone)
        member = _join(session, org.id, user, Role.client)
        audit.log(session, "joined_by_code", actor_id=user.id, org_id=org.id, ip=ip)
    return user, member


def _coordinator_count(session: Session, org_id: int) -> int:
    query = select(func.count()).select_from(Membership).where(
        Membership.org_id == org_id, Membership.role == Role.coordinator)
    return session.exec(query).one()


def _member(session: Session, org_id: int, member_id: int) -> Membership:
    member = session.get(Membership, member_id)
    if member is None or member.org_id != org_id:
        raise NotFound()
    return member


def change_role(session: Session, org: Organisation, *, member_id: int, role: str, actor: User,
                ip: str | None = None) -> Membership:
    """Give a member another role; a group always keeps at least one coordinator."""
    new_role = _check_role(role)
    with transaction(session):
        member = _member(session, org.id, member_id)
        if member.role == Role.coordinator and new_role != Role.coordinator \
                and _coordinator_count(session, org.id) <= 1:
            raise Conflict(_("A group needs at least one coordinator. Make someone else a coordinator first."))
        old = member.role
        member.role = new_role
        session.add(member)
        audit.log(session, "role_changed", actor_id=actor.id, org_id=org.id, target=f"membership:{member.id}",
                  ip=ip, old=old, new=new_role.value)
    return member


def remove_member(session: Session, org: Organisation, *, member_id: int, actor: User,
                  ip: str | None = None) -> None:
    """Remove someone from the group (their past supports and contributions still count, anonymously)."""
    with transaction(session):
        member = _member(session, org.id, member_id)
        if member.role == Role.coordinator and _coordinator_count(session, org.id) <= 1:
            raise Conflict(_("A group needs at least one coordinator. Make someone else a coordinator first."))
        session.delete(member)
        audit.log(session, "member_removed", actor_id=actor.id, org_id=org.id, target=f"user:{member.user_id}",
                  ip=ip)
