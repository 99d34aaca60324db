"""The composition root hands the dispatcher its channels: a test hands in a fake the same way, and a channel
that refuses or fails is handled as any real one."""

from types import SimpleNamespace

from campaigns import bootstrap
from campaigns.nudges.channels import Undeliverable
from campaigns.nudges.outbox import NudgeSpec, plan
from tests.nudge_helpers import NOON, at, dispatch, nudges


def _mail(session, person, reason="hello"):
    plan(session, NudgeSpec(recipient_id=person.id, kind="message", subject_type="user", subject_id=person.id,
                            reason=reason, channels=("email",), payload={"title": "Hello", "body": "Thank you."}))
    session.commit()


def _with_email(app, send):
    channels = bootstrap.default_channels()
    bootstrap.wire(app, channels={**channels, "email": SimpleNamespace(send_nudge=send)})


def test_the_dispatcher_sends_through_the_channel_it_was_handed(app, session, people):
    sent = []
    _with_email(app, lambda _session, nudge: sent.append(nudge.recipient_id))
    at(NOON)
    _mail(session, people.client)
    dispatch(session)
    assert sent == [people.client.id]
    assert [row.status for row in nudges(session, channel="email")] == ["sent"]


def test_a_handed_in_channel_that_refuses_skips_and_one_that_fails_is_retried(app, session, people):
    def refuse(_session, _nudge):
        raise Undeliverable("No, thank you")

    _with_email(app, refuse)
    at(NOON)
    _mail(session, people.client, "first")
    dispatch(session)
    [row] = nudges(session, channel="email")
    assert (row.status, row.skip_reason) == ("skipped", "No, thank you")

    def fail(_session, _nudge):
        raise OSError("the line is down")

    _with_email(app, fail)
    _mail(session, people.client, "second")
    dispatch(session)
    [row] = [r for r in nudges(session, channel="email") if r.status != "skipped"]
    assert row.status == "failed" and row.attempts == 1


def test_the_default_channels_are_the_four_the_app_sends_through(app):
    assert set(app.extensions["campaigns.channels"]) == {"inapp", "email", "webhook", "sms"}
    assert all(callable(channel.send_nudge) for channel in bootstrap.default_channels().values())
