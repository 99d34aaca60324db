"""Demo data: a realistic organisation with one person per role, built once by `flask --app wsgi demo`.

Each feature adds a step to STEPS; steps run in order and share what earlier ones made through `DemoWorld`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from campaigns.demo import accounts, campaigns, concerns, languages, nudges, progress, volunteering
from campaigns.demo.accounts import DEMO_PASSWORD

#: the password every demo login uses (demo data only)


@dataclass
class DemoWorld:
    """What the steps have built so far (people by nickname, the organisation, campaigns…)."""

    session: Session
    echo: Callable[[str], Any]
    people: dict[str, Any] = field(default_factory=dict)
    org: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


#: (label, step) in order; each feature appends its own
STEPS: list[tuple[str, Callable[[DemoWorld], None]]] = [
    ("people and the organisation", accounts.build),
    ("concerns, supports and consents", concerns.build),
    ("campaigns in every stage, with goals and teams", campaigns.build),
    ("actions, tasks, sign-ups and contributions", volunteering.build),
    ("reminder rules, nudges and inboxes", nudges.build),
    ("progress history, outcomes and reflections", progress.build),
    ("Spanish speakers: their concern, consents, a sign-up and the campaign in Spanish", languages.build),
]


def build(session: Session, *, echo: Callable[[str], Any] = print) -> bool:
    """Build the demo once; returns False if it already exists."""
    if accounts.exists(session):
        echo("Demo data already present.")
        return False
    world = DemoWorld(session=session, echo=echo)
    total = len(STEPS)
    for number, (label, step) in enumerate(STEPS, start=1):
        echo(f"[{number}/{total}] {label}…")
        step(world)
    echo("Demo data ready.")
    return True


def print_public_pages(session: Session, base_url: str, echo: Callable[[str], Any] = print) -> None:
    """The demo's public pages: anyone can open them and sign up as a guest, without logging in."""
    from sqlmodel import col, select

    from campaigns.domain.model import Action, Campaign

    base = base_url.rstrip("/")
    actions = session.exec(select(Action).where(col(Action.public).is_(True)).order_by(col(Action.id))).all()
    campaigns = session.exec(select(Campaign).where(Campaign.visibility == "public").order_by(col(Campaign.id))).all()
    if actions or campaigns:
        echo("\nPublic pages (no login; sign up as a guest):")
    for action in actions:
        echo(f"  action       {base}/p/actions/{action.id}   {action.title}")
    for campaign in campaigns:
        echo(f"  campaign     {base}/p/{campaign.id}   {campaign.name}")


def print_logins(echo: Callable[[str], Any] = print) -> None:
    echo(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
    for role, email in accounts.LOGINS:
        echo(f"  {role:<12} {email}")
