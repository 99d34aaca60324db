"""Guest sign-up from public action pages: double opt-in, the members' capacity rules, abuse limits, no
enumeration, and lapsed holds released."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import col, select

from campaigns import clock
from campaigns.domain.model import Guest, Nudge, Signup, Task, Throttle, User
from campaigns.nudges.dispatch import dispatcher
from campaigns.services import guests, signups
from campaigns.services.errors import Conflict, Invalid, NotFound, TooManyAttempts

MOBILE = "07400 123456"  # a valid UK mobile


@pytest.fixture
def public_task(session, make_action, make_task):
    """make(capacity) -> a task of a public action a week ahead."""
    def make(capacity=2, **action):
        found = make_action(public=True, **action)
        return make_task(action_id=found.id, capacity=capacity)
    return make


def ask(session, task, *, name="Sam", email="sam@example.net", mobile="", channels=("email",), **extra):
    request = guests.Request(task_id=task.id, display_name=name, email=email, mobile=mobile, channels=channels,
                             **extra)
    return guests.request_signup(session, request, ip="203.0.113.9")


def code_sent(mailbox) -> tuple[int, str]:
    """The sign-up id and code from the latest confirmation mail."""
    body = mailbox()[-1].get_body(preferencelist=("plain",)).get_content()
    found = re.search(r"/p/confirm/(\d+)/(\d{6})", body)
    assert found, body
    return int(found.group(1)), found.group(2)


def deliver(session):
    while dispatcher.dispatch_once(session):
        pass


def test_a_request_holds_no_seat_until_the_emailed_code_confirms_it(session, people, public_task, mailbox):
    task = public_task()
    answer = ask(session, task)
    signup = session.get(Signup, answer.signup_id)
    assert signup.status == "pending" and session.get(Task, task.id).taken == 0
    deliver(session)
    signup_id, code = code_sent(mailbox)
    assert signup_id == signup.id
    confirmed = guests.confirm(session, signup_id=signup_id, code=code)
    assert confirmed.status == "confirmed"
    assert session.get(Task, task.id, populate_existing=True).taken == 1
    user = session.get(User, confirmed.user_id)
    assert guests.is_guest_user(user) and user.timezone == "Europe/London"
    assert session.exec(select(Guest).where(Guest.user_id == user.id)).one().channels == ["email"]


def test_confirming_twice_changes_nothing(session, people, public_task, mailbox):
    task = public_task()
    ask(session, task)
    deliver(session)
    signup_id, code = code_sent(mailbox)
    guests.confirm(session, signup_id=signup_id, code=code)
    assert guests.confirm(session, signup_id=signup_id, code=code).status == "confirmed"
    assert session.get(Task, task.id, populate_existing=True).taken == 1


def test_a_wrong_code_is_refused_and_five_wrong_codes_stop_further_tries(session, people, public_task, mailbox):
    task = public_task()
    signup_id = ask(session, task).signup_id
    deliver(session)
    _id, code = code_sent(mailbox)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(guests.CODE_ATTEMPTS):
        with pytest.raises(Invalid):
            guests.confirm(session, signup_id=signup_id, code=wrong)
    with pytest.raises(TooManyAttempts):
        guests.confirm(session, signup_id=signup_id, code=code)
    assert session.get(Signup, signup_id, populate_existing=True).status == "pending"


def test_a_full_task_puts_a_confirming_guest_on_the_waitlist_and_a_cancel_promotes_them(
        session, people, public_task, mailbox):
    task = public_task(capacity=1)
    holder = signups.sign_up(session, task_id=task.id, user=people.client)
    ask(session, task)
    deliver(session)
    signup_id, code = code_sent(mailbox)
    assert guests.confirm(session, signup_id=signup_id, code=code).status == "waitlisted"
    signups.cancel(session, signup_id=holder.id, user=people.client)
    assert session.get(Signup, signup_id, populate_existing=True).status == "confirmed"


def test_an_expired_hold_is_refused_and_released_by_the_job_with_the_contact_forgotten(
        session, people, public_task, mailbox):
    task = public_task()
    signup_id = ask(session, task).signup_id
    signup = session.get(Signup, signup_id)
    code = guests.confirmation_code(signup.id, signup.hold_expires_at)
    clock.pin(clock.now() + timedelta(hours=25))
    with pytest.raises(Conflict, match="waited too long"):
        guests.confirm(session, signup_id=signup_id, code=code)
    assert guests.release_lapsed(session) == 1
    assert guests.release_lapsed(session) == 0
    signup = session.get(Signup, signup_id, populate_existing=True)
    user = session.get(User, signup.user_id, populate_existing=True)
    assert signup.status == "cancelled" and session.get(Task, task.id).taken == 0
    assert user.email.endswith("@invalid") and user.mobile is None and "sam" not in user.email


def test_the_answer_is_the_same_whether_the_address_is_known_or_not(session, people, public_task):
    task = public_task()
    known = ask(session, task, email=people.client.email)
    unknown = ask(session, task, email="nobody@example.org")
    assert type(known) is type(unknown) and known.sent_to.startswith(people.client.email[0]) \
        and known.sent_to.endswith("@example.org") and unknown.sent_to == "n…@example.org"
    # a member who is already signed up gets the same answer, and no second sign-up
    signups.sign_up(session, task_id=task.id, user=people.other_client)
    again = ask(session, task, email=people.other_client.email)
    assert again.sent_to.endswith("@example.org")
    assert len(session.exec(select(Signup).where(Signup.user_id == people.other_client.id)).all()) == 1


def test_a_guest_signing_up_twice_keeps_one_request(session, people, public_task):
    task = public_task()
    first, second = ask(session, task), ask(session, task)
    assert first.signup_id == second.signup_id
    assert len(session.exec(select(Signup).where(Signup.task_id == task.id)).all()) == 1


def test_the_honeypot_answers_like_anyone_and_writes_nothing(session, people, public_task):
    task = public_task()
    answer = ask(session, task, website="http://spam.example")
    assert answer.signup_id is None and answer.sent_to == "s…@example.net"
    assert session.exec(select(Signup)).all() == [] and session.exec(select(Guest)).all() == []


def test_sign_ups_per_contact_per_action_are_capped(app, session, people, make_action, make_task):
    action = make_action(public=True)
    tasks = [make_task(action_id=action.id, capacity=5) for _ in range(app.config["GUEST_SIGNUPS_PER_ACTION"] + 1)]
    answers = [ask(session, task) for task in tasks]
    assert [a.signup_id is None for a in answers] == [False] * (len(tasks) - 1) + [True]


def test_requests_are_rate_limited_per_contact_and_per_address_in_the_database(app, session, people, public_task):
    task = public_task()
    for _ in range(app.config["GUEST_SIGNUPS_PER_CONTACT"]):
        ask(session, task)
    with pytest.raises(TooManyAttempts):
        ask(session, task)
    app.config["GUEST_SIGNUPS_PER_ADDRESS"] = 7
    for n in range(7 - app.config["GUEST_SIGNUPS_PER_CONTACT"]):
        ask(session, task, email=f"other{n}@example.net")
    with pytest.raises(TooManyAttempts):
        ask(session, task, email="fresh@example.net")
    assert session.exec(select(Throttle).where(col(Throttle.key).startswith("guest_signup:addr:"))).all()


@pytest.mark.parametrize(("mobile", "message"), [
    ("not a number", "doesn't look like a phone number"),
    ("0791", "isn't a complete phone number"),
    ("020 7946 0000", "landline"),
    ("+86 138 0013 8000", "can't send texts to numbers in that country"),
    ("0" * 41, "too long"),
])
def test_bad_mobile_numbers_are_refused_with_a_clear_message_and_nothing_written(
        session, people, public_task, mobile, message):
    task = public_task()
    with pytest.raises(Invalid, match=message) as refused:
        ask(session, task, email="sam@example.net", mobile=mobile, channels=("email",))
    assert refused.value.errors == {"mobile": [refused.value.message]}
    assert session.exec(select(Signup)).all() == [] and session.exec(select(Throttle)).all() == []


def test_a_mobile_confirmed_only_by_email_is_never_texted(session, people, public_task, mailbox):
    task = public_task()
    ask(session, task, mobile=MOBILE)
    deliver(session)
    signup_id, code = code_sent(mailbox)
    user = session.get(User, guests.confirm(session, signup_id=signup_id, code=code).user_id)
    assert user.mobile is None  # confirmed by email: the number is not proven theirs, so nothing is texted to it


@pytest.mark.parametrize(("fields", "field"), [
    ({"name": "x" * 81}, "display_name"), ({"name": "   "}, "display_name"),
    ({"email": "", "mobile": ""}, "email"), ({"email": "not-an-email"}, "email"),
    ({"accessibility_needs": "y" * 1001}, "accessibility_needs"),
])
def test_oversized_or_missing_fields_are_refused_per_field(session, people, public_task, fields, field):
    with pytest.raises(Invalid) as refused:
        ask(session, public_task(), **fields)
    assert field in refused.value.errors
    assert session.exec(select(User).where(col(User.password_hash) == "")).all() == []


def test_a_private_action_takes_no_guests(session, people, make_action, make_task):
    task = make_task(action_id=make_action().id)
    with pytest.raises(NotFound):
        ask(session, task)


def test_guests_get_reminders_only_on_the_channels_they_ticked(session, people, public_task, mailbox):
    task = public_task()
    ask(session, task, channels=())
    deliver(session)
    signup_id, code = code_sent(mailbox)
    signup = guests.confirm(session, signup_id=signup_id, code=code)
    planned = session.exec(select(Nudge).where(Nudge.recipient_id == signup.user_id,
                                               Nudge.kind != "guest_confirmation")).all()
    assert planned == []  # nothing ticked: no reminders at all, and never an in-app inbox they can't open

    other = public_task()
    ask(session, other, email="kim@example.net", channels=("email",))
    deliver(session)
    signup_id, code = code_sent(mailbox)
    signup = guests.confirm(session, signup_id=signup_id, code=code)
    channels = {n.channel for n in session.exec(select(Nudge).where(Nudge.recipient_id == signup.user_id))}
    assert channels == {"email"}


def test_the_stop_link_ends_every_planned_message(session, people, public_task, mailbox):
    task = public_task()
    ask(session, task)
    deliver(session)
    signup_id, code = code_sent(mailbox)
    signup = guests.confirm(session, signup_id=signup_id, code=code)
    deliver(session)
    mine = [m for m in mailbox() if m["To"] == "sam@example.net"]
    mail = mine[-1].get_body(preferencelist=("plain",)).get_content()
    assert "Thank you for signing up" in mail and "You're getting this because you signed up" in mail
    assert "Stop all messages" in mail
    token = re.search(r"/p/stop/(\S+)", mail).group(1)
    guests.stop_messages(session, token=token)
    assert session.exec(select(Nudge).where(Nudge.recipient_id == signup.user_id,
                                            col(Nudge.status) == "planned")).all() == []


def texted(app) -> list[dict]:
    import json
    from pathlib import Path

    folder = Path(app.config["SMS_FOLDER"])
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))] if folder.exists() else []


def test_a_mobile_only_guest_confirms_by_the_texted_code_and_gets_texts_in_e164(app, session, people, public_task):
    task = public_task()
    answer = ask(session, task, email="", mobile=MOBILE, channels=("sms",))
    assert answer.sent_to.endswith("456")
    deliver(session)
    sent = texted(app)
    assert [t["to"] for t in sent] == ["+447400123456"]
    code = re.search(r"\b(\d{6})\b", sent[0]["body"]).group(1)
    signup = guests.confirm(session, signup_id=answer.signup_id, code=code)
    user = session.get(User, signup.user_id)
    assert signup.status == "confirmed" and user.mobile == "+447400123456" and user.mobile_verified_at
    channels = {n.channel for n in session.exec(select(Nudge).where(Nudge.recipient_id == user.id,
                                                                    Nudge.kind != "guest_confirmation"))}
    assert channels == {"sms"}
    deliver(session)
    assert "You're signed up" in texted(app)[-1]["body"]


def test_the_emailed_code_does_not_verify_a_mobile_and_the_texted_one_does(session, people, public_task):
    task = public_task()
    answer = ask(session, task, mobile=MOBILE, channels=("email", "sms"))
    signup = session.get(Signup, answer.signup_id)
    by_email = guests.confirmation_code(signup.id, signup.hold_expires_at, "email")
    by_text = guests.confirmation_code(signup.id, signup.hold_expires_at, "sms")
    assert by_email != by_text
    guests.confirm(session, signup_id=signup.id, code=by_text)
    assert session.get(User, signup.user_id, populate_existing=True).mobile == "+447400123456"


# -- coordinators and their guests ------------------------------------------------------------------------------
def confirmed_guest(session, task, mailbox, email="kim@example.net", needs="A quiet seat near the door"):
    ask(session, task, email=email, accessibility_needs=needs)
    deliver(session)
    signup_id, code = code_sent(lambda: [m for m in mailbox() if m["To"] == email])
    return guests.confirm(session, signup_id=signup_id, code=code)


def test_coordinators_see_guests_on_the_roster_marked_with_their_needs_and_nobody_else_can(
        session, people, public_task, mailbox):
    from campaigns.services import attendance, guest_admin
    from campaigns.services.errors import Forbidden

    task = public_task()
    signups.sign_up(session, task_id=task.id, user=people.client)
    confirmed_guest(session, task, mailbox)
    rows = attendance.roster(session, viewer=people.coordinator, task_id=task.id)
    marked = {r.user.display_name: r.guest for r in rows}
    assert marked[people.client.display_name] is None
    assert marked["Sam"].accessibility_needs == "A quiet seat near the door"
    with pytest.raises(Forbidden):
        guest_admin.guests_of(session, viewer=people.client, org=people.org)
    with pytest.raises(NotFound):
        guest_admin.guests_of(session, viewer=people.outsider, org=people.org)


def test_erasing_a_guest_gives_their_place_to_the_next_person_and_leaves_no_trace(
        session, people, public_task, mailbox):
    from campaigns.services import guest_admin

    task = public_task(capacity=1)
    signup = confirmed_guest(session, task, mailbox)
    waiting = signups.sign_up(session, task_id=task.id, user=people.client)
    user_id = signup.user_id
    guest = session.exec(select(Guest).where(Guest.user_id == user_id)).one()
    guest_admin.erase(session, viewer=people.coordinator, org=people.org, guest_id=guest.id)
    session.expire_all()
    assert session.get(Signup, waiting.id).status == "confirmed"
    user = session.get(User, user_id)
    assert user.erased_at is not None and "kim" not in user.email and user.display_name != "Sam"
    assert session.exec(select(Guest).where(Guest.user_id == user.id)).all() == []


def test_a_guest_can_be_invited_to_join_by_email(session, people, public_task, mailbox):
    from campaigns.services import guest_admin

    signup = confirmed_guest(session, public_task(), mailbox)
    guest = session.exec(select(Guest).where(Guest.user_id == signup.user_id)).one()
    with pytest.raises(Invalid):
        guest_admin.invite(session, viewer=people.coordinator, org=people.org, guest_id=guest.id, role="coordinator")
    guest_admin.invite(session, viewer=people.coordinator, org=people.org, guest_id=guest.id, role="client")
    assert any(m["To"] == "kim@example.net" and "/join/invitation/" in m.get_body(("plain",)).get_content()
               for m in mailbox())
