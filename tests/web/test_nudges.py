"""Pages: inbox with its unread badge, notification settings and stepping back, rules and delivery status for
coordinators, dead letters for admins, and the no-login one-click and unsubscribe pages."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest

from campaigns.nudges import oneclick
from campaigns.nudges import settings as notification_settings
from campaigns.nudges.outbox import NudgeSpec, plan
from tests.factories import csrf_token
from tests.nudge_helpers import NOON, at, dispatch, inbox, nudges, sign_up


def _hello(session, person, n=1):
    for i in range(n):
        plan(session, NudgeSpec(recipient_id=person.id, kind="message", subject_type="user", subject_id=person.id,
                                reason=f"hello{i}", channels=("inapp",), payload={"title": f"Hello {i}",
                                                                                 "body": "From the team."}))
    session.commit()
    dispatch(session)


def test_the_nav_shows_the_unread_count_and_the_inbox_marks_read(client, session, people, login):
    at(NOON)
    _hello(session, people.client, 2)
    login(people.client)
    page = client.get("/inbox").get_data(as_text=True)
    assert 'class="badge"' in page and "Hello 1" in page and ">2</span>" in page
    item = inbox(session, people.client)[0]
    token = csrf_token(client, "/inbox")
    assert client.post(f"/inbox/{item.id}/read", data={"csrf_token": token}).status_code == 302
    assert ">1</span>" in client.get("/inbox").get_data(as_text=True)
    client.post("/inbox/read-all", data={"csrf_token": token})
    assert 'class="badge"' not in client.get("/inbox").get_data(as_text=True)


def test_someone_elses_inbox_item_is_not_found(client, session, people, login):
    at(NOON)
    _hello(session, people.client)
    login(people.other_client)
    item = inbox(session, people.client)[0]
    response = client.post(f"/inbox/{item.id}/read", data={"csrf_token": csrf_token(client, "/inbox")})
    assert response.status_code == 404


def test_an_empty_inbox_says_what_comes_here(client, people, login):
    login(people.client)
    assert "Nothing here yet" in client.get("/inbox").get_data(as_text=True)


def test_notification_settings_are_saved_with_the_same_rules_as_the_api(client, session, people, login):
    login(people.client)
    token = csrf_token(client, "/account/notifications")
    response = client.post("/account/notifications", data={
        "csrf_token": token, "inapp_enabled__present": "1", "inapp_enabled": "true", "email_enabled__present": "1",
        "quiet_start": "22:30", "quiet_end": "07:15", "daily_cap": "2", "weekly_cap": "6", "digest": "daily",
        "muted_kinds__present": "1", "muted_kinds": ["unfilled_tasks", "after_action"]})
    assert response.status_code == 302
    saved = notification_settings.get(session, people.client)
    assert (saved.email_enabled, saved.daily_cap, saved.digest) == (False, 2, "daily")
    assert saved.quiet_start.strftime("%H:%M") == "22:30"
    assert saved.muted_kinds == ["after_action", "unfilled_tasks"]
    bad = client.post("/account/notifications", data={"csrf_token": token, "daily_cap": "-1", "digest": "hourly"})
    assert bad.status_code == 422 and "field-error" in bad.get_data(as_text=True)


def test_stepping_back_pauses_and_resuming_ends_it(client, session, people, login):
    login(people.client)
    token = csrf_token(client, "/account/notifications")
    until = (datetime.now(UTC) + timedelta(days=20)).date().isoformat()
    response = client.post("/account/notifications/step-back", data={"csrf_token": token, "until": until})
    assert response.status_code == 302
    assert "taking a break" in client.get("/account/notifications").get_data(as_text=True)
    session.commit()
    session.expire_all()
    assert notification_settings.get(session, people.client).pause_until is not None
    client.post("/account/notifications/resume", data={"csrf_token": token})
    session.commit()
    session.expire_all()
    assert notification_settings.get(session, people.client).pause_until is None


def test_the_account_page_links_to_notifications(client, people, login):
    login(people.client)
    assert "/account/notifications" in client.get("/account").get_data(as_text=True)


def test_coordinators_see_and_change_rules_and_clients_cannot(client, session, people, login, campaign):
    login(people.client)
    assert client.get(f"/campaigns/{campaign.id}/reminders").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/inbox")})
    login(people.coordinator)
    page = client.get(f"/campaigns/{campaign.id}/reminders")
    assert page.status_code == 200 and "The day before, at 11:00" in page.get_data(as_text=True)
    token = csrf_token(client, f"/campaigns/{campaign.id}/reminders")
    off = client.post(f"/campaigns/{campaign.id}/reminders/day_before",
                      data={"csrf_token": token, "enabled__present": "1"})
    assert off.status_code == 302
    added = client.post(f"/campaigns/{campaign.id}/reminders", data={
        "csrf_token": token, "name": "Morning of", "anchor": "action_start", "offset_minutes": "0",
        "local_time": "08:00", "offset_days": "0", "audience": "confirmed", "template": "reminder",
        "channels": ["inapp"]})
    assert added.status_code == 302
    text = client.get(f"/campaigns/{campaign.id}/reminders").get_data(as_text=True)
    assert "Morning of" in text and "Switch on" in text
    refused = client.post(f"/campaigns/{campaign.id}/reminders", data={"csrf_token": token, "name": ""})
    assert refused.status_code == 422


def test_the_delivery_status_page_shows_reasons_per_action(client, session, people, login, make_action, make_task,
                                                           campaign):
    at(NOON)
    action = make_action(starts_at=NOON + timedelta(days=7), ends_at=NOON + timedelta(days=7, hours=2))
    sign_up(session, make_task(action_id=action.id), people.client)
    notification_settings.update(session, people.client, email_enabled=False)
    dispatch(session)
    login(people.coordinator)
    page = client.get(f"/campaigns/{campaign.id}/deliveries").get_data(as_text=True)
    assert action.title in page and "Email is switched off" in page
    assert client.get(f"/campaigns/{campaign.id}/deliveries?status=skipped&action={action.id}").status_code == 200
    assert client.get(f"/o/{people.org.slug}/reminders").status_code == 200


def test_admins_retry_dead_letters_and_others_get_404(client, session, people, login):
    at(NOON)
    _hello(session, people.client)
    row = nudges(session)[0]
    row.status = "dead"
    row.last_error = "SMTPServerDisconnected: gone"
    session.add(row)
    session.commit()
    login(people.coordinator)
    assert client.get("/admin/nudges").status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client, "/inbox")})
    login(people.admin)
    assert "SMTPServerDisconnected" in client.get("/admin/nudges").get_data(as_text=True)
    token = csrf_token(client, "/admin/nudges")
    assert client.post(f"/admin/nudges/{row.id}/retry", data={"csrf_token": token}).status_code == 302
    session.commit()
    session.expire_all()
    assert nudges(session)[0].status == "planned"


@pytest.fixture
def reminder_link(session, people, make_action, make_task):
    at(NOON)
    action = make_action(starts_at=NOON + timedelta(days=2), ends_at=NOON + timedelta(days=2, hours=2))
    signup = sign_up(session, make_task(action_id=action.id), people.client)
    return action, signup


def test_one_click_confirm_works_without_login_or_csrf_and_twice_is_harmless(client, session, people,
                                                                            reminder_link):
    action, signup = reminder_link
    token = oneclick.token(person_id=people.client.id, action_id=action.id, choice="confirm")
    page = client.get(f"/n/confirm/{token}")
    assert page.status_code == 200 and "<form method=\"post\"" in page.get_data(as_text=True)
    assert "see you there" in client.post(f"/n/confirm/{token}").get_data(as_text=True).lower()
    assert "already told us" in client.post(f"/n/confirm/{token}").get_data(as_text=True)
    session.refresh(signup)
    assert signup.reconfirmed_at is not None


def test_one_click_cancel_frees_the_place(client, session, people, reminder_link):
    action, signup = reminder_link
    token = oneclick.token(person_id=people.client.id, action_id=action.id, choice="cancel")
    assert "free for someone else" in client.post(f"/n/cancel/{token}").get_data(as_text=True)
    session.refresh(signup)
    assert signup.status == "cancelled"


def _step_back_url(text: str) -> str:
    found = re.search(r"Can't make it\? Step back[^\n]*?(https?://\S+/n/cancel/[^\s\"<]+)", text)
    assert found, text
    return found.group(1).split("://", 1)[1].split("/", 1)[1]


@pytest.mark.parametrize("until", [NOON, datetime(2026, 3, 4, 10, 5, tzinfo=UTC)],
                         ids=["confirmation", "two hours before"])
def test_the_confirmation_and_reminder_emails_carry_a_one_click_step_back(client, session, people, reminder_link,
                                                                          mailbox, until):
    from tests.nudge_helpers import run_until

    _action, signup = reminder_link
    run_until(session, until, step=timedelta(hours=1)) if until > NOON else dispatch(session)
    mail = mailbox()[-1]
    assert signup.user_id == people.client.id and mail["To"] == people.client.email
    path = _step_back_url(mail.get_body(("plain",)).get_content())
    assert "/n/cancel/" in (mail.get_body(("html",)).get_content())
    assert client.get(f"/{path}").status_code == 200  # a page with one button: GET changes nothing
    assert "free for someone else" in client.post(f"/{path}").get_data(as_text=True)
    session.refresh(signup)
    assert signup.status == "cancelled"


def test_the_confirmation_in_the_inbox_carries_the_step_back_link(client, session, people, login, reminder_link):
    _action, signup = reminder_link
    dispatch(session)
    login(people.client)
    page = html.unescape(client.get("/inbox").get_data(as_text=True))
    found = re.search(r'<a href="(/n/cancel/[^"]+)"[^>]*>Can\'t make it\? Step back</a>', page)
    assert found, page
    client.post(found.group(1))
    session.refresh(signup)
    assert signup.status == "cancelled"
    after = html.unescape(client.get("/inbox").get_data(as_text=True))
    assert "Can't make it? Step back" not in after  # no place left to give up


def test_a_forged_or_mismatched_link_is_refused_kindly(client, people, reminder_link):
    action, _signup = reminder_link
    confirm = oneclick.token(person_id=people.client.id, action_id=action.id, choice="confirm")
    assert client.post(f"/n/cancel/{confirm}").status_code == 400
    assert "not valid" in client.get("/n/confirm/forged").get_data(as_text=True)


def test_rfc8058_one_click_unsubscribe_needs_no_login(client, session, people):
    token = notification_settings.unsubscribe_token(user_id=people.client.id, kind="after_action")
    response = client.post(f"/n/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    session.commit()
    session.expire_all()
    assert notification_settings.get(session, people.client).muted_kinds == ["after_action"]
    assert client.get(f"/n/unsubscribe/{token}").status_code == 200


def test_the_org_home_links_coordinators_to_reminders(client, people, login):
    login(people.coordinator)
    assert f"/o/{people.org.slug}/reminders" in client.get(f"/o/{people.org.slug}/").get_data(as_text=True)


def test_an_inbox_item_is_light_with_mark_as_read_beside_its_title(client, session, people, login):
    at(NOON)
    _hello(session, people.client)
    login(people.client)
    page = client.get("/inbox").get_data(as_text=True)
    item = inbox(session, people.client)[0]
    head = page[page.index('<div class="inbox-head">'):]
    head = head[:head.index("</div>")]
    assert "Hello 0" in head and f"/inbox/{item.id}/read" in head and 'class="quiet compact"' in head
