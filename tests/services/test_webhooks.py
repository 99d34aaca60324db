"""Outbound webhooks: signed the Standard Webhooks way (checked with the reference verifier), planned from the
event log, retried through the nudges dispatcher, switched off after three failing days."""

import json
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlmodel import select
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from campaigns import clock
from campaigns.domain import events as ev
from campaigns.domain.model import Nudge, WebhookEndpoint
from campaigns.nudges.dispatch import dispatcher
from campaigns.services import webhooks
from campaigns.services.errors import Forbidden, Invalid, NotFound
from tests.progress_helpers import record


class Receiver:
    """A webhook receiver on loopback: keeps what it got, answers with `status`."""

    def __init__(self):
        self.received: list[tuple[dict, bytes]] = []
        self.status = 204
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def endpoint(session, people, receiver):
    created, secret = webhooks.create(session, org_id=people.org.id, user=people.coordinator, url=receiver.url,
                                      event_types=["GoalReached", "SignupConfirmed", "ConcernRaised"])
    assert created.secret == secret  # the secret the coordinator was shown once
    return created


def goal_reached(campaign, name="Letters"):
    return ev.GoalReached(org_id=campaign.org_id, campaign_id=campaign.id, subject_id=1, name=name,
                          actor_id=None)


def deliver(session) -> int:
    webhooks.plan_deliveries(session)
    return dispatcher.dispatch_once(session)


def test_deliveries_verify_with_the_standard_webhooks_reference_verifier(session, campaign, endpoint, receiver):
    row = record(session, goal_reached(campaign))
    assert deliver(session) == 1
    ((headers, body),) = receiver.received
    payload = Webhook(endpoint.secret).verify(body, headers)
    assert payload["type"] == "GoalReached"
    assert payload["data"]["name"] == "Letters" and payload["data"]["campaign_id"] == campaign.id
    assert headers["webhook-id"] == webhooks.webhook_id(endpoint.id, row.position)
    with pytest.raises(WebhookVerificationError):
        Webhook(webhooks.new_secret()).verify(body, headers)
    nudge = session.exec(select(Nudge).where(Nudge.endpoint_id == endpoint.id)).one()
    assert nudge.status == "sent" and nudge.channel == "webhook"


def test_only_subscribed_events_of_the_organisation_after_subscribing_are_delivered_once(
        session, people, campaign, make_campaign, receiver):
    record(session, goal_reached(campaign, "Before"))
    endpoint, _ = webhooks.create(session, org_id=people.org.id, user=people.coordinator, url=receiver.url,
                                  event_types=["GoalReached"])
    other = make_campaign(org_id=people.other_org.id)
    record(session, goal_reached(other, "Someone else's"))
    record(session, ev.CampaignStalled(org_id=campaign.org_id, campaign_id=campaign.id, days=14))
    record(session, goal_reached(campaign, "After"))
    assert webhooks.plan_deliveries(session) == 1
    assert webhooks.plan_deliveries(session) == 0  # planning again plans nothing new
    dispatcher.dispatch_once(session)
    assert [json.loads(body)["data"]["name"] for _, body in receiver.received] == ["After"]


def test_payloads_carry_no_actor_and_no_concern_title(session, people, campaign, endpoint, receiver):
    record(session, ev.ConcernRaised(org_id=people.org.id, subject_id=7, title="My landlord at 5 Elm Road",
                                     actor_id=people.client.id))
    record(session, ev.SignupConfirmed(org_id=people.org.id, campaign_id=campaign.id, subject_id=3, task_id=9,
                                       actor_id=people.client.id))
    deliver(session)
    bodies = [body.decode() for _, body in receiver.received]
    assert len(bodies) == 2
    for body in bodies:
        assert "Elm Road" not in body and "actor" not in body
        assert people.client.display_name not in body and people.client.email not in body
    assert json.loads(bodies[1])["data"]["task_id"] == 9


def test_a_failing_receiver_gets_retries_then_is_switched_off_after_three_days(
        session, people, campaign, endpoint, receiver):
    receiver.status = 500
    record(session, goal_reached(campaign))
    deliver(session)
    nudge = session.exec(select(Nudge).where(Nudge.endpoint_id == endpoint.id)).one()
    assert (nudge.status, nudge.attempts) == ("failed", 1) and "500" in nudge.last_error
    for attempt in (2, 3):
        clock.pin(nudge.next_attempt_at + timedelta(seconds=1))
        dispatcher.dispatch_once(session)
        session.refresh(nudge)
        assert nudge.attempts == attempt
    ids = {headers["webhook-id"] for headers, _ in receiver.received}
    assert len(receiver.received) == 3 and len(ids) == 1  # every retry is recognisably the same delivery

    assert webhooks.switch_off_failing(session) == 0  # failing, but not for three days yet
    session.refresh(endpoint)
    assert endpoint.enabled and endpoint.failing_since is not None
    clock.pin(nudge.due_at + timedelta(days=3, minutes=1))
    assert webhooks.switch_off_failing(session) == 1
    session.refresh(endpoint)
    session.refresh(nudge)
    assert not endpoint.enabled and "3 days" in endpoint.disabled_reason
    assert nudge.status == "skipped"
    told = session.exec(select(Nudge).where(Nudge.kind == "webhook_disabled")).all()
    assert {(n.recipient_id, n.channel) for n in told} == {(people.coordinator.id, "inapp"),
                                                           (people.coordinator.id, "email")}
    record(session, goal_reached(campaign, "While off"))
    assert webhooks.plan_deliveries(session) == 0
    assert webhooks.switch_off_failing(session) == 0  # told once


def test_a_delivery_that_succeeds_ends_the_failing_streak(session, campaign, endpoint, receiver):
    receiver.status = 503
    record(session, goal_reached(campaign))
    deliver(session)
    webhooks.switch_off_failing(session)
    session.refresh(endpoint)
    assert endpoint.failing_since is not None
    receiver.status = 200
    clock.pin(clock.now() + timedelta(days=2))
    record(session, goal_reached(campaign, "Again"))
    deliver(session)
    clock.pin(clock.now() + timedelta(days=2))
    assert webhooks.switch_off_failing(session) == 0
    session.refresh(endpoint)
    assert endpoint.enabled and endpoint.failing_since is None


def test_switching_back_on_delivers_from_then_not_the_backlog(session, people, campaign, endpoint, receiver):
    webhooks.update_endpoint(session, endpoint_id=endpoint.id, user=people.coordinator, enabled=False)
    clock.pin(clock.now() + timedelta(hours=1))
    record(session, goal_reached(campaign, "Missed"))
    webhooks.update_endpoint(session, endpoint_id=endpoint.id, user=people.coordinator, enabled=True)
    clock.pin(clock.now() + timedelta(hours=1))
    record(session, goal_reached(campaign, "Fresh"))
    deliver(session)
    assert [json.loads(body)["data"]["name"] for _, body in receiver.received] == ["Fresh"]


def test_a_rotated_secret_signs_later_deliveries(session, people, campaign, endpoint, receiver):
    old = endpoint.secret
    _, secret = webhooks.rotate_secret(session, endpoint_id=endpoint.id, user=people.coordinator)
    assert secret != old and secret.startswith("whsec_")
    record(session, goal_reached(campaign))
    deliver(session)
    ((headers, body),) = receiver.received
    assert Webhook(secret).verify(body, headers)["type"] == "GoalReached"
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(body, headers)


def test_the_test_button_sends_a_signed_ping_through_the_dispatcher(session, people, endpoint, receiver):
    assert webhooks.send_test(session, endpoint_id=endpoint.id, user=people.coordinator) == 1
    dispatcher.dispatch_once(session)
    ((headers, body),) = receiver.received
    assert Webhook(endpoint.secret).verify(body, headers)["type"] == "webhook.test"
    log = session.exec(webhooks.deliveries(endpoint.id)).all()
    assert [n.status for n in log] == ["sent"]


def test_https_to_a_public_host_is_required_outside_development(app, session, people):
    app.config["ALLOW_HTTP_WEBHOOKS"] = False
    for url in ("http://hooks.example.org/in", "https://127.0.0.1/hook", "https://localhost/hook"):
        with pytest.raises(Invalid) as refused:
            webhooks.create(session, org_id=people.org.id, user=people.coordinator, url=url,
                            event_types=["GoalReached"])
        assert refused.value.errors["url"]
    endpoint, secret = webhooks.create(session, org_id=people.org.id, user=people.coordinator,
                                       url="https://hooks.example.org/in", event_types=["GoalReached"])
    assert endpoint.id and secret.startswith("whsec_")


@pytest.mark.parametrize("host", ["0x7f000001", "2130706433", "0177.0.0.1", "127.1", "0", "10.1", "[::ffff:127.0.0.1]",
                                  "[::1]", "0x0a000001"])
def test_numeric_hosts_in_any_spelling_are_refused_when_private(app, session, people, host):
    app.config["ALLOW_HTTP_WEBHOOKS"] = False
    with pytest.raises(Invalid) as refused:
        webhooks.create(session, org_id=people.org.id, user=people.coordinator, url=f"https://{host}/x",
                        event_types=["GoalReached"])
    assert refused.value.errors["url"]


def test_a_delivery_connects_to_the_address_it_checked(app, session, people, campaign, monkeypatch):
    """DNS rebinding: the name answers a public address to the check, then a private one. The delivery resolves
    once and connects to the address it checked, never by name again."""
    app.config["ALLOW_HTTP_WEBHOOKS"] = False
    endpoint, _ = webhooks.create(session, org_id=people.org.id, user=people.coordinator,
                                  url="https://rebinding.example.org/hook", event_types=["GoalReached"])
    answers, connected = iter(["8.8.8.8", "127.0.0.1", "127.0.0.1"]), []

    def getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port or 443))]

    def create_connection(address, *args, **kwargs):
        connected.append(address)
        raise OSError("no network in tests")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    record(session, goal_reached(campaign))
    deliver(session)
    assert connected == [("8.8.8.8", 443)]
    [row] = session.exec(select(Nudge).where(Nudge.endpoint_id == endpoint.id)).all()
    assert "no network in tests" in (row.last_error or "")


def test_a_name_that_resolves_privately_is_not_delivered_to(app, session, people, campaign, monkeypatch):
    app.config["ALLOW_HTTP_WEBHOOKS"] = False
    endpoint, _ = webhooks.create(session, org_id=people.org.id, user=people.coordinator,
                                  url="https://inside.example.org/hook", event_types=["GoalReached"])
    connected = []
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("8.8.8.8", 443)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", 443))])
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: connected.append(address))
    record(session, goal_reached(campaign))
    deliver(session)
    assert connected == []
    [row] = session.exec(select(Nudge).where(Nudge.endpoint_id == endpoint.id)).all()
    assert "private network" in (row.last_error or "")


def test_unknown_event_types_are_refused(session, people, receiver):
    with pytest.raises(Invalid) as refused:
        webhooks.create(session, org_id=people.org.id, user=people.coordinator, url=receiver.url,
                        event_types=["ReflectionGiven"])
    assert "event_types" in refused.value.errors


def test_only_the_organisations_coordinators_manage_its_webhooks(session, people, endpoint, receiver):
    with pytest.raises(Forbidden):
        webhooks.create(session, org_id=people.org.id, user=people.worker, url=receiver.url,
                        event_types=["GoalReached"])
    with pytest.raises(NotFound):
        webhooks.get(session, user=people.outsider, endpoint_id=endpoint.id)
    with pytest.raises(NotFound):
        webhooks.rotate_secret(session, endpoint_id=endpoint.id, user=people.outsider)
    assert session.get(WebhookEndpoint, endpoint.id).secret == endpoint.secret
