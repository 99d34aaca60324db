"""The SMS channel: the Twilio adapter against a loopback server that speaks its REST contract (errors and
retries included), the development folder, short links, delivery reports, and the monthly budget."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from sqlmodel import select

from campaigns import clock
from campaigns.domain.model import Nudge, TextMessage, TextOptOut
from campaigns.nudges.channels import Undeliverable
from campaigns.nudges.channels import sms as provider
from campaigns.nudges.dispatch import dispatcher
from campaigns.nudges.outbox import NudgeSpec, plan
from campaigns.services import sms
from tests.nudge_helpers import NOON, at
from tests.sms_provider import AUTH_TOKEN, FROM_NUMBER, LoopbackTwilio, configure, give_mobile

MOBILE = "+447700900123"


@pytest.fixture
def twilio(app):
    with LoopbackTwilio() as server:
        configure(app, server)
        yield server


@pytest.fixture
def texter(session, people):
    give_mobile(session, people.client, MOBILE)
    return people.client


def _text(**overrides) -> sms.Text:
    return sms.Text(**{"number": MOBILE, "words": "Tenants: hello", "kind": "reminder", **overrides})


def test_the_adapter_posts_the_messages_resource_with_basic_auth_and_form_fields(session, org, twilio):
    row = sms.send(session, _text(org_id=org.id, key="k1"))
    (request,) = twilio.received
    assert request["path"] == f"/2010-04-01/Accounts/{twilio.account_sid}/Messages.json"
    assert request["form"]["To"] == MOBILE and request["form"]["From"] == FROM_NUMBER
    assert request["form"]["Body"] == "Tenants: hello STOP to end"
    assert request["form"]["StatusCallback"].endswith("/sms/status?k=k1")
    assert row.provider_sid == request["answer"]["sid"] and row.status == "queued"
    assert (row.segments, row.encoding) == (1, "GSM-7")


def test_a_messaging_service_is_used_instead_of_a_number_when_set(app, session, twilio):
    app.config["TWILIO_MESSAGING_SERVICE_SID"] = "MG" + "1" * 32
    sms.send(session, _text())
    form = twilio.received[0]["form"]
    assert form["MessagingServiceSid"] == "MG" + "1" * 32 and "From" not in form


def test_wrong_credentials_are_a_permanent_refusal_kept_on_the_row(app, session, twilio):
    app.config["TWILIO_AUTH_TOKEN"] = "not-the-token"
    app.extensions.pop("campaigns.twilio", None)
    with pytest.raises(Undeliverable):
        sms.send(session, _text(key="k2"))
    row = session.exec(select(TextMessage).where(TextMessage.idempotency_key == "k2")).one()
    assert row.status == "failed" and row.error_code == 20003


def test_an_invalid_number_is_refused_for_good(session, twilio):
    twilio.refuse_next(400, 21211, "The 'To' number is not a valid phone number.")
    with pytest.raises(Undeliverable, match="21211"):
        sms.send(session, _text())


def test_a_number_the_provider_says_unsubscribed_is_opted_out(session, twilio):
    twilio.refuse_next(400, 21610, "Attempt to send to unsubscribed recipient")
    with pytest.raises(Undeliverable):
        sms.send(session, _text())
    assert session.get(TextOptOut, MOBILE) is not None
    with pytest.raises(Undeliverable, match="STOP"):
        sms.send(session, _text())
    assert len(twilio.received) == 1  # the second never reached the provider


def test_a_server_error_is_retryable_and_the_retry_is_the_same_text(session, twilio):
    twilio.refuse_next(503, 20500, "Service unavailable")
    with pytest.raises(provider.ProviderError) as raised:
        sms.send(session, _text(key="k3"))
    assert not raised.value.permanent
    row = sms.send(session, _text(key="k3"))
    assert [r["status"] for r in twilio.received] == [503, 201]
    assert session.exec(select(TextMessage).where(TextMessage.idempotency_key == "k3")).all() == [row]
    assert twilio.received[0]["form"]["Body"] == twilio.received[1]["form"]["Body"]


def test_a_retry_of_a_text_the_provider_accepted_sends_nothing(session, twilio):
    first = sms.send(session, _text(key="k4"))
    again = sms.send(session, _text(key="k4"))
    assert again.id == first.id and len(twilio.accepted) == 1


def test_without_settings_texts_go_to_the_folder(app, session, client):
    row = sms.send(session, _text(key="k5"))
    assert row.status == "stored"
    (stored,) = provider.folder_texts()
    assert stored["to"] == MOBILE and stored["body"] == "Tenants: hello STOP to end"
    page = client.get("/dev/sms")
    assert page.status_code == 200 and "Tenants: hello" in page.text


def test_the_dev_folder_page_is_gone_once_a_provider_is_set(client, twilio):
    assert client.get("/dev/sms").status_code == 404


# -- the nudge channel --------------------------------------------------------------------------------------
def _reminder(session, person, org, kind="day_before", **payload):
    at(NOON)
    plan(session, NudgeSpec(recipient_id=person.id, kind=kind, subject_type="action", subject_id=None,
                            reason=f"test:{kind}", org_id=org.id,
                            payload={"title": "Town hall", "at": (NOON + timedelta(days=1)).isoformat(),
                                     **payload}))
    session.commit()


def _sms_nudge(session) -> Nudge:
    return session.exec(select(Nudge).where(Nudge.channel == "sms")).one()


def test_a_nudge_is_texted_only_to_someone_who_chose_texts_for_its_kind(session, people, org, texter, twilio):
    _reminder(session, texter, org)
    _reminder(session, people.worker, org)  # no mobile, no choice: no sms row at all
    assert session.exec(select(Nudge.recipient_id).where(Nudge.channel == "sms")).all() == [texter.id]
    dispatcher.dispatch_due(session)
    (form,) = twilio.accepted
    assert form["To"] == MOBILE and form["Body"].startswith(f"{org.name}: Tomorrow: Town hall, Tue 03 Mar 12:00.")
    nudge = _sms_nudge(session)
    assert nudge.status == "sent"
    row = session.exec(select(TextMessage).where(TextMessage.nudge_id == nudge.id)).one()
    assert row.idempotency_key == sms.idempotency_key(nudge.dedupe_key) and row.segments <= 2


def test_a_failed_text_is_retried_with_backoff_and_then_sent_once(session, org, texter, twilio):
    _reminder(session, texter, org)
    twilio.refuse_next(500, 20500, "Internal error")
    dispatcher.dispatch_due(session)
    nudge = _sms_nudge(session)
    session.refresh(nudge)
    assert nudge.status == "failed" and nudge.attempts == 1 and "20500" in nudge.last_error
    at(nudge.next_attempt_at)
    dispatcher.dispatch_due(session)
    session.refresh(nudge)
    assert nudge.status == "sent" and len(twilio.accepted) == 1
    assert len(session.exec(select(TextMessage).where(TextMessage.nudge_id == nudge.id)).all()) == 1


def test_a_nudge_to_an_opted_out_number_is_skipped_with_the_reason(session, org, texter, twilio):
    session.add(TextOptOut(number=MOBILE))
    session.commit()
    _reminder(session, texter, org)
    dispatcher.dispatch_due(session)
    nudge = _sms_nudge(session)
    assert (nudge.status, nudge.skip_reason) == ("skipped", sms.OPTED_OUT) and twilio.received == []


def test_a_short_link_leads_to_the_texts_page_and_a_forged_one_to_nowhere(session, org, texter, client):
    _reminder(session, texter, org, action_id=None, link="/inbox")
    dispatcher.dispatch_due(session)
    row = session.exec(select(TextMessage)).one()
    token = sms.short_token(row.id)
    assert f"/s/{token}" in row.body
    assert client.get(f"/s/{token}").headers["Location"] == "/inbox"
    assert client.get(f"/s/{token[:-1]}x").status_code == 404
    assert client.get("/s/zzzzzzzzzzzzz-AAAAAAAAAAAA").status_code == 404
    assert client.get("/s/not-a-token").status_code == 404


# -- delivery reports ---------------------------------------------------------------------------------------
def _signed(app, path: str, form: dict) -> dict:
    from twilio.request_validator import RequestValidator

    url = app.config["BASE_URL"].rstrip("/") + path
    return {"X-Twilio-Signature": RequestValidator(AUTH_TOKEN).compute_signature(url, form)}


def test_a_delivery_report_moves_the_text_on_and_a_replay_or_a_late_one_changes_nothing(app, session, client,
                                                                                          twilio):
    row = sms.send(session, _text(key="k6"))
    path = "/sms/status?k=k6"
    delivered = {"MessageSid": row.provider_sid, "MessageStatus": "delivered"}
    assert client.post(path, data=delivered, headers=_signed(app, path, delivered)).status_code == 204
    late = {"MessageSid": row.provider_sid, "MessageStatus": "sent"}
    assert client.post(path, data=late, headers=_signed(app, path, late)).status_code == 204
    assert client.post(path, data=delivered, headers=_signed(app, path, delivered)).status_code == 204
    session.commit()
    session.refresh(row)
    assert row.status == "delivered"


def test_a_report_of_failure_is_kept_on_the_nudge(app, session, client, org, texter, twilio):
    _reminder(session, texter, org)
    dispatcher.dispatch_due(session)
    row = session.exec(select(TextMessage)).one()
    form = {"MessageSid": row.provider_sid, "MessageStatus": "undelivered", "ErrorCode": "30006"}
    assert client.post("/sms/status", data=form, headers=_signed(app, "/sms/status", form)).status_code == 204
    session.commit()  # end this session's read snapshot
    session.refresh(row)
    nudge = _sms_nudge(session)
    session.refresh(nudge)
    assert (row.status, row.error_code) == ("undelivered", 30006) and "30006" in nudge.last_error


def test_a_forged_delivery_report_is_refused(app, session, client, twilio):
    row = sms.send(session, _text())
    form = {"MessageSid": row.provider_sid, "MessageStatus": "failed"}
    forged = base64.b64encode(b"x" * 20).decode()
    assert client.post("/sms/status", data=form, headers={"X-Twilio-Signature": forged}).status_code == 403
    assert client.post("/sms/status", data=form).status_code == 403
    other = {**form, "MessageStatus": "delivered"}  # signed for other fields
    assert client.post("/sms/status", data=form, headers=_signed(app, "/sms/status", other)).status_code == 403
    session.commit()
    session.refresh(row)
    assert row.status == "queued"


def test_without_a_provider_every_webhook_is_refused(app, client):
    assert client.post("/sms/status", data={"MessageSid": "SM1"}, headers={"X-Twilio-Signature": "x"}
                       ).status_code == 403


# -- the monthly budget ---------------------------------------------------------------------------------------
def test_the_budget_stops_texts_at_100_percent_but_safety_notices_still_go(session, org, people, texter, twilio):
    org.sms_monthly_budget = 5
    session.add(org)
    session.commit()
    for i in range(5):
        sms.send(session, _text(org_id=org.id, key=f"b{i}"))
    with pytest.raises(Undeliverable, match="budget"):
        sms.send(session, _text(org_id=org.id, key="b5"))
    sms.send(session, _text(org_id=org.id, key="b6", kind="action_moved", essential=True))
    assert len(twilio.accepted) == 6
    assert sms.used_this_month(session, org) == 6


def test_a_two_segment_text_is_refused_when_only_one_segment_is_left(session, org, twilio):
    org.sms_monthly_budget = 2
    session.add(org)
    session.commit()
    sms.send(session, _text(org_id=org.id, key="one"))
    with pytest.raises(Undeliverable, match="budget"):
        sms.send(session, _text(org_id=org.id, key="long", words="Tenants: " + "see you at the town hall " * 8))
    assert sms.used_this_month(session, org) == 1
    assert session.exec(select(TextMessage).where(TextMessage.idempotency_key == "long")).first() is None


def test_coordinators_are_told_once_at_80_and_once_at_100_percent(session, org, people, twilio):
    org.sms_monthly_budget = 5
    session.add(org)
    session.commit()
    for i in range(7):
        try:
            sms.send(session, _text(org_id=org.id, key=f"c{i}"))
        except Undeliverable:
            pass
    alerts = session.exec(select(Nudge).where(Nudge.kind == "sms_budget", Nudge.channel == "inapp")).all()
    assert sorted(n.payload["percent"] for n in alerts) == [80, 100]
    assert {n.recipient_id for n in alerts} == {people.coordinator.id}


def test_the_budget_counts_the_groups_own_month_only(session, org, twilio):
    org.sms_monthly_budget = 1
    session.add(org)
    session.commit()
    at(NOON)
    sms.send(session, _text(org_id=org.id, key="m1"))
    at(NOON.replace(day=31) + timedelta(days=1))  # 1 April
    sms.send(session, _text(org_id=org.id, key="m2"))
    assert clock.now().month == 4 and len(twilio.accepted) == 2


def test_a_day_before_text_over_budget_is_skipped_and_a_moved_notice_goes(session, org, texter, twilio):
    org.sms_monthly_budget = 0
    session.add(org)
    session.commit()
    _reminder(session, texter, org)
    _reminder(session, texter, org, kind="action_moved")
    dispatcher.dispatch_due(session)
    by_kind = {n.kind: n for n in session.exec(select(Nudge).where(Nudge.channel == "sms"))}
    assert (by_kind["day_before"].status, by_kind["day_before"].skip_reason) == ("skipped", sms.BUDGET_SPENT)
    assert by_kind["action_moved"].status == "sent" and len(twilio.accepted) == 1
