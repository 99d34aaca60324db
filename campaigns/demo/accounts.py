"""Demo people: one per role plus a few more clients, in one organisation."""

from __future__ import annotations

from sqlmodel import Session, select

from campaigns.domain.model import Organisation

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105

ORG_SLUG = "riverside-advocacy"

#: (nickname, email, display name, org role or None, site admin)
PEOPLE = [
    ("coordinator", "coordinator@demo.campaigns.local", "Sam (coordinator)", "coordinator", False),
    ("worker", "worker@demo.campaigns.local", "Robin (social worker)", "worker", False),
    ("client", "client@demo.campaigns.local", "Alex", "client", False),
    ("admin", "admin@demo.campaigns.local", "Site admin", None, True),
    ("client2", "jo@demo.campaigns.local", "Jo", "client", False),
    ("client3", "kim@demo.campaigns.local", "Kim", "client", False),
    ("client4", "lee@demo.campaigns.local", "Lee", "client", False),
    ("client5", "max@demo.campaigns.local", "Max", "client", False),
]

#: people who read Spanish: (nickname, email, display name, org role); their whole app, mail and nudges are in it
SPANISH_SPEAKERS = [
    ("cliente", "lucia@demo.campaigns.local", "Lucía", "client"),
    ("trabajadora", "marta@demo.campaigns.local", "Marta (trabajadora social)", "worker"),
]

LOGINS = [(nick, email) for nick, email, *_ in PEOPLE[:4]] + [
    (f"{role} (es)", email) for _nick, email, _name, role in SPANISH_SPEAKERS]


def exists(session: Session) -> bool:
    return session.exec(select(Organisation).where(Organisation.slug == ORG_SLUG)).first() is not None


def build(world) -> None:
    from campaigns.services import accounts, orgs

    session = world.session
    for nick, email, name, _role, admin in PEOPLE:
        world.people[nick] = accounts.create_user(session, email=email, password=DEMO_PASSWORD, display_name=name,
                                                  is_admin=admin)
    for nick, email, name, _role in SPANISH_SPEAKERS:
        world.people[nick] = accounts.create_user(session, email=email, password=DEMO_PASSWORD, display_name=name,
                                                  locale="es")
    world.org = orgs.create(session, name="Riverside Advocacy Group", slug=ORG_SLUG)
    for nick, _email, _name, role, _admin in PEOPLE:
        if role:
            orgs.add_member(session, world.org, user=world.people[nick], role=role)
    for nick, _email, _name, role in SPANISH_SPEAKERS:
        orgs.add_member(session, world.org, user=world.people[nick], role=role)
    orgs.set_join_code(session, world.org, actor=world.people["coordinator"])
