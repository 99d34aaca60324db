"""Two-way texts: YES, NO/CANCEL, STOP and its synonyms, START, HELP and words for the coordinators, through the
signed inbound webhook; a forged or replayed webhook changes nothing. Texts go to the development folder here."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import delete, select

from campaigns.domain.model import InboxItem, Signup, TextMessage, TextOptOut
from campaigns.nudges.channels import Undeliverable
from campaigns.services import signups, sms, sms_replies
from tests.sms_provider import AUTH_TOKEN, LoopbackTwilio, configure, give_mobile

MOBILE = "+447700900123"
_sids = iter(range(10**6))


@pytest.fixture
def texter(session, people):
    give_mobile(session, people.client, MOBILE)
    return people.client


@pytest.fixture
def place(session, org, people, texter, make_action, make_task):
    """The texter has the one seat of a task; the worker waits for it; they were texted about its action."""
    action = make_action()
    task = make_task(action_id=action.id, capacity=1)
    mine = signups.sign_up(session, task_id=task.id, user=texter)
    waiting = signups.sign_up(session, task_id=task.id, user=people.worker)
    sms.send(session, sms.Text(number=MOBILE, words="Tomorrow: the town hall", kind="day_before", org_id=org.id,
                               user_id=texter.id, action_id=action.id))
    return mine, waiting


def reply(session, body: str, number: str = MOBILE, sid: str | None = None):
    return sms_replies.receive(session, number=number, body=body, sid=sid or f"SMin{next(_sids)}")


def _status(session, signup) -> str:
    session.commit()
    return session.get(Signup, signup.id, populate_existing=True).status


def test_yes_confirms_the_place_the_text_was_about(session, place):
    mine, _ = place
    answer = reply(session, "Yes")
    session.commit()
    assert session.get(Signup, mine.id, populate_existing=True).reconfirmed_at is not None
    assert "See you" in answer.body and answer.kind == "answer"


def test_no_steps_back_and_the_first_on_the_waiting_list_gets_the_place(session, place):
    mine, waiting = place
    answer = reply(session, "no")
    assert "no longer signed up" in answer.body
    assert _status(session, mine) == "cancelled" and _status(session, waiting) == "confirmed"


def test_cancel_steps_back_and_switches_texts_off_as_carriers_and_twilio_read_it(session, place):
    mine, waiting = place
    answer = reply(session, "CANCEL")
    assert _status(session, mine) == "cancelled" and _status(session, waiting) == "confirmed"
    assert session.get(TextOptOut, MOBILE) is not None
    assert "no longer signed up" in answer.body and "START" in answer.body
    assert reply(session, "cancel") is None  # answered once


# -- in Spanish -----------------------------------------------------------------------------------------------
def test_spanish_words_work_and_are_answered_in_the_owners_language(session, org, place, texter):
    from campaigns.services import accounts

    accounts.update_profile(session, texter, locale="es")
    mine, _ = place
    assert "Gracias" in reply(session, "Sí").body
    assert session.get(Signup, mine.id, populate_existing=True).reconfirmed_at is not None
    assert "START" in reply(session, "BAJA").body and session.get(TextOptOut, MOBILE) is not None
    answer = reply(session, "alta")
    assert session.get(TextOptOut, MOBILE) is None and "SMS" in answer.body and "back on" not in answer.body


def test_an_english_owner_who_writes_baja_is_answered_in_english(session, texter):
    assert "You won't get any more texts" in reply(session, "baja").body


def test_a_stranger_writing_ayuda_is_answered_in_spanish(session, place):
    answer = reply(session, "AYUDA", number="+447700900997")
    assert "BAJA" in answer.body and "texts about actions" not in answer.body


# -- Twilio's own Advanced Opt-Out -------------------------------------------------------------------------
def test_a_keyword_twilio_answered_is_mirrored_and_not_answered_twice(session, texter):
    assert reply_as_twilio(session, "BASTA", "STOP") is None  # a word added in Twilio's console
    assert session.get(TextOptOut, MOBILE) is not None
    assert reply_as_twilio(session, "START", "START") is None and session.get(TextOptOut, MOBILE) is None
    assert reply_as_twilio(session, "HELP", "HELP") is None


def test_twilios_stop_for_cancel_still_steps_back_from_the_place(session, place):
    mine, waiting = place
    assert reply_as_twilio(session, "CANCEL", "STOP") is None
    assert _status(session, mine) == "cancelled" and session.get(TextOptOut, MOBILE) is not None


def reply_as_twilio(session, body, opt_out_type):
    return sms_replies.receive(session, number=MOBILE, body=body, sid=f"SMin{next(_sids)}",
                               opt_out_type=opt_out_type)


@pytest.mark.parametrize("word", ["STOP", "stopall", "Unsubscribe", "end", "QUIT", " stop. "])
def test_every_stop_word_switches_texts_off_at_once_and_is_answered_once(session, org, texter, word):
    first = reply(session, word)
    assert session.get(TextOptOut, MOBILE) is not None and "START" in first.body
    assert reply(session, word) is None  # answered once
    assert reply(session, "yes") is None and reply(session, "are you there?") is None  # and then silence
    with pytest.raises(Undeliverable):
        sms.send(session, sms.Text(number=MOBILE, words="Tomorrow", kind="day_before", org_id=org.id))


def test_start_switches_texts_back_on(session, org, texter):
    reply(session, "STOP")
    assert "back on" in reply(session, "start").body
    assert session.get(TextOptOut, MOBILE) is None
    assert sms.send(session, sms.Text(number=MOBILE, words="Tomorrow", kind="day_before", org_id=org.id))


def test_help_names_the_group_and_how_to_stop(session, org, place):
    answer = reply(session, "HELP")
    assert org.name in answer.body and "STOP" in answer.body


def test_words_go_to_the_coordinators_inbox_with_the_number_and_get_one_kind_answer(session, org, people, place):
    first = reply(session, "Can I bring my daughter?")
    second = reply(session, "She is 9")
    items = session.exec(select(InboxItem).where(InboxItem.kind == "sms_reply")).all()
    assert {i.user_id for i in items} == {people.coordinator.id} and len(items) == 2
    assert MOBILE in items[0].body and "Can I bring my daughter?" in items[0].body
    assert "coordinators" in first.body and second is None  # one kind answer, not one per message
    assert session.exec(select(InboxItem).where(InboxItem.user_id != people.coordinator.id,
                                                InboxItem.kind == "sms_reply")).all() == []


def test_a_reply_from_an_unknown_number_changes_nothing_and_is_answered_kindly(session, place):
    stranger = "+447700900999"
    answer = reply(session, "no", number=stranger)
    assert "couldn't find" in answer.body
    mine, _ = place
    assert _status(session, mine) == "confirmed"
    assert "isn't linked" in reply(session, "who is this?", number="+447700900998").body
    assert reply(session, "hello?", number=stranger) is None  # answered once a day at most


def test_a_replayed_webhook_is_handled_once(session, place):
    mine, waiting = place
    reply(session, "NO", sid="SMreplayed")
    assert reply(session, "NO", sid="SMreplayed") is None
    assert len(session.exec(select(TextMessage).where(TextMessage.provider_sid == "SMreplayed")).all()) == 1


def test_a_sender_that_is_not_a_phone_number_is_refused(session):
    from campaigns.services.errors import Invalid

    with pytest.raises(Invalid):
        reply(session, "STOP", number="not-a-number")


# -- the webhook --------------------------------------------------------------------------------------------
def _signed(app, path, form):
    from twilio.request_validator import RequestValidator

    url = app.config["BASE_URL"].rstrip("/") + path
    return {"X-Twilio-Signature": RequestValidator(AUTH_TOKEN).compute_signature(url, form)}


def test_the_inbound_webhook_handles_a_signed_stop_and_refuses_a_forged_one(app, session, client, texter):
    with LoopbackTwilio() as server:
        configure(app, server)
        form = {"From": MOBILE, "To": "+447700900000", "Body": "STOP", "MessageSid": "SM" + "a" * 32}
        forged = client.post("/sms/inbound", data=form, headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"})
        assert forged.status_code == 403 and session.get(TextOptOut, MOBILE) is None
        response = client.post("/sms/inbound", data=form, headers=_signed(app, "/sms/inbound", form))
        assert response.status_code == 200 and response.mimetype == "text/xml"
        session.commit()
        assert session.get(TextOptOut, MOBILE) is not None
        (answer,) = server.accepted
        assert answer["To"] == MOBILE and "START" in answer["Body"]
        replay = client.post("/sms/inbound", data=form, headers=_signed(app, "/sms/inbound", form))
        assert replay.status_code == 200 and len(server.accepted) == 1


def test_a_signed_webhook_that_twilio_answered_itself_is_mirrored_without_a_second_answer(app, session, client,
                                                                                           texter):
    with LoopbackTwilio() as server:
        configure(app, server)
        form = {"From": MOBILE, "To": "+447700900000", "Body": "Stop", "MessageSid": "SM" + "b" * 32,
                "OptOutType": "STOP"}
        assert client.post("/sms/inbound", data=form, headers=_signed(app, "/sms/inbound", form)).status_code == 200
        session.commit()
        assert session.get(TextOptOut, MOBILE) is not None and server.accepted == []


def test_a_signed_webhook_without_a_sender_is_a_400(app, client):
    with LoopbackTwilio() as server:
        configure(app, server)
        form = {"Body": "hi", "MessageSid": "SM1"}
        assert client.post("/sms/inbound", data=form, headers=_signed(app, "/sms/inbound", form)).status_code == 400


def test_the_dev_page_replies_as_the_recipient(session, client, place):
    from tests.factories import csrf_token

    token = csrf_token(client, "/dev/sms")
    response = client.post("/dev/sms/reply", data={"number": MOBILE, "body": "NO", "csrf_token": token})
    assert response.status_code == 302
    mine, waiting = place
    assert _status(session, mine) == "cancelled" and _status(session, waiting) == "confirmed"


# -- STOP really stops --------------------------------------------------------------------------------------
STOPS = {"STOP", "stop", "End", "QUIT", "unsubscribe", "STOPALL", "CANCEL", "baja", "Parar", "cancelar"}
STARTS = {"START", "alta", "Comenzar"}
REPLIES = st.sampled_from(sorted(STOPS | STARTS) + ["HELP", "Ayuda", "YES", "sí", "NO", "hello there",
                                                   "Stop please"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.one_of(REPLIES, st.just("<send>")), min_size=1, max_size=12))
def test_stop_stops_every_later_text_until_start(session, org, texter, steps):
    session.exec(delete(TextOptOut))
    session.exec(delete(TextMessage))
    session.commit()
    stopped = False
    for step in steps:
        before = session.exec(select(TextMessage).where(TextMessage.direction == "out")).all()
        if step == "<send>":
            try:
                sms.send(session, sms.Text(number=MOBILE, words="Tomorrow", kind="day_before", org_id=org.id))
                sent = True
            except Undeliverable:
                sent = False
            assert sent is not stopped
            continue
        reply(session, step)
        word = "stop" if step in STOPS else "start" if step in STARTS else None
        after = session.exec(select(TextMessage).where(TextMessage.direction == "out")).all()
        new = [t for t in after if t.id not in {b.id for b in before}]
        assert all(t.kind == "answer" for t in new)  # a reply only ever brings its answer
        if stopped and word != "start" and step not in ("HELP", "Ayuda"):
            assert new == []  # after STOP, silence but for HELP: not even an answer to a second STOP, or words
        stopped = {"stop": True, "start": False}.get(word, stopped)
        assert (session.get(TextOptOut, MOBILE) is not None) is stopped
