"""The flask commands: create-user, demo, db upgrade."""

import re

from sqlmodel import select

from campaigns.domain.model import Membership, Organisation, User


def test_create_user_with_a_role_in_a_new_organisation(runner, session):
    result = runner.invoke(args=["create-user", "--email", "Ana@Example.org", "--name", "Ana",
                                 "--password", "a sturdy passphrase", "--org", "riverside", "--role", "worker"])
    assert result.exit_code == 0, result.output
    user = session.exec(select(User).where(User.email == "ana@example.org")).one()
    org = session.exec(select(Organisation).where(Organisation.slug == "riverside")).one()
    member = session.exec(select(Membership).where(Membership.user_id == user.id)).one()
    assert (member.org_id, member.role) == (org.id, "worker")


def test_create_user_refuses_a_weak_password_clearly(runner):
    result = runner.invoke(args=["create-user", "--email", "b@example.org", "--name", "B", "--password", "short"])
    assert result.exit_code != 0
    assert "at least 12 characters" in result.output


def test_demo_builds_once_and_prints_a_login_per_role(runner, session):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    for role in ("coordinator", "worker", "client", "admin"):
        assert f"{role}@demo.campaigns.local" in first.output
    users = len(session.exec(select(User)).all())
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "already present" in again.output
    assert len(session.exec(select(User)).all()) == users


def test_demo_logins_work(runner, client):
    from tests.factories import csrf_token

    runner.invoke(args=["demo"])
    from campaigns.demo import DEMO_PASSWORD

    response = client.post("/login", data={"email": "coordinator@demo.campaigns.local", "password": DEMO_PASSWORD,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302


def test_dev_tells_the_web_server_and_scheduler_the_address_it_serves_on(runner, monkeypatch):
    """Emailed links are built from BASE_URL: on another port they must not point at :5000."""
    from campaigns import cli

    started = []

    class Recorded:
        def __init__(self, args, env):
            started.append((args, env))

    monkeypatch.setattr(cli.subprocess, "Popen", Recorded)
    monkeypatch.setattr(cli, "_supervise", lambda processes: None)
    result = runner.invoke(args=["dev", "--port", "5123"])
    assert result.exit_code == 0, result.output
    assert started and all(env["BASE_URL"] == "http://127.0.0.1:5123" for _, env in started)
    assert "http://127.0.0.1:5123" in result.output


def test_demo_prints_a_public_action_that_anyone_can_open(runner, client):
    output = runner.invoke(args=["demo"]).output
    found = re.search(r"http://[^/\s]+(/p/actions/\d+)", output)
    assert found, output
    page = client.get(found.group(1))
    assert page.status_code == 200 and "Take part" in page.get_data(as_text=True)
    campaign = re.search(r"http://[^/\s]+(/p/\d+)\s", output)
    listed = client.get(campaign.group(1)).get_data(as_text=True)
    assert found.group(1) in listed
