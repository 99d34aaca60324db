"""`flask --app wsgi …` commands: database, users, demo data, and running everything for development."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from importlib.util import find_spec

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from campaigns.db import session_scope
from campaigns.domain.model import Role

db_cli = AppGroup("db", help="Database schema.")


@db_cli.command("upgrade")
def db_upgrade():
    """Bring the database schema up to date (safe to run again)."""
    from campaigns import migrations  # Alembic (and Mako, Pygments) only where a command needs it

    migrations.upgrade(current_app.config["DATABASE_URL"])
    click.echo("Database is up to date.")


@db_cli.command("regenerate")
def db_regenerate():
    """Rewrite the initial migration from the models (developers, before the first release)."""
    from campaigns import migrations

    click.echo(f"Wrote {migrations.regenerate_initial()}")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True, help="Display name (pseudonymous is fine).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--org", "org_slug", help="Organisation short name; created if missing.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default="client")
@click.option("--admin", is_flag=True, help="Make a site admin.")
def create_user(email, display_name, password, org_slug, role, admin):
    """Create a user, optionally with a role in an organisation."""
    from campaigns.services import accounts, orgs
    from campaigns.services.errors import DomainError, NotFound

    with session_scope() as session:
        try:
            user = accounts.create_user(session, email=email, password=password, display_name=display_name,
                                        is_admin=admin)
            if org_slug:
                try:
                    org = orgs.by_slug(session, org_slug)
                except NotFound:
                    org = orgs.create(session, name=org_slug, slug=org_slug)
                orgs.add_member(session, org, user=user, role=role)
        except DomainError as error:
            raise click.ClickException(error.message) from None
    click.echo(f"Created {email}" + (f" as {role} in {org_slug}" if org_slug else ""))


@click.command("demo")
def demo():
    """Build a realistic demo organisation (once) and print a login for each role."""
    from campaigns import demo as demo_data
    from campaigns import migrations

    migrations.upgrade(current_app.config["DATABASE_URL"])
    with session_scope() as session:
        demo_data.build(session, echo=click.echo)
        demo_data.print_public_pages(session, current_app.config["BASE_URL"], click.echo)
    demo_data.print_logins(click.echo)


@click.command("dev")
@click.option("--port", default=5000, show_default=True)
def dev(port: int):
    """Upgrade, build demo data, then run the web server and the scheduler together; Ctrl-C stops both."""
    ctx = click.get_current_context()
    ctx.invoke(demo)
    address = f"http://127.0.0.1:{port}"
    # links in emails and calendar files are built from BASE_URL: make them point where we serve
    env = {**os.environ, "FLASK_APP": "wsgi", "BASE_URL": address}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    processes = [subprocess.Popen([*flask, "run", "--port", str(port), "--no-reload"], env=env)]  # noqa: S603
    if "scheduler" in current_app.cli.commands:
        processes.append(subprocess.Popen([*flask, "scheduler"], env=env))  # noqa: S603
    click.echo(f"\nCampaigns is running at {address}  (Ctrl-C stops everything)\n")
    _supervise(processes)


def _supervise(processes: list[subprocess.Popen]) -> None:
    def stop(*_):
        for p in processes:
            if p.poll() is None:
                p.terminate()
        for p in processes:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    stop()


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Run every job one time and exit (for cron or a quick check).")
def scheduler_command(once: bool):
    """Run the scheduler process (periodic jobs: nudges, digests, progress); SIGTERM or Ctrl-C stops it."""
    from campaigns import create_app, scheduler

    # `flask --app wsgi scheduler` finds this command as a plugin (pyproject: flask.commands) without building
    # the web app first, and builds the scheduler's lighter app from the same configuration; under an app
    # already loaded (the app's own `cli`, tests) it runs with that one
    app = current_app._get_current_object() if current_app else create_app(web=False)  # type: ignore[attr-defined]
    scheduler.run(app, once=once)


def init_app(app: Flask) -> None:
    for command in (db_cli, create_user, demo, dev, scheduler_command):
        app.cli.add_command(command)
    # `fuzz` is a developer's tool: it needs schemathesis, which only the dev extra installs
    if find_spec("schemathesis") is not None:
        from campaigns.fuzz import fuzz_command

        app.cli.add_command(fuzz_command)
