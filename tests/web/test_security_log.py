"""Security logs in words (issue 15 item 7): what happened, who (a name only where the viewer may see it), and
when in the viewer's own time zone, not codes, account numbers and UTC."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from campaigns import clock
from campaigns.domain.model import AuditLog
from campaigns.services import accounts


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _rows(page: str) -> list[str]:
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    return [re.sub(r"<[^>]+>", " ", row) for row in body.split("<tr>")[1:]]


def test_a_coordinator_reads_the_groups_log_in_words_names_and_their_own_time(client, people, login, session):
    accounts.update_profile(session, people.coordinator, timezone="America/New_York")
    session.add(AuditLog(org_id=people.org.id, actor_id=people.coordinator.id, action="role_changed",
                         target=f"user:{people.client.id}", at=datetime(2031, 7, 1, 16, 30, tzinfo=UTC)))
    session.commit()
    login(people.coordinator)
    page = text(client.get(f"/o/{people.org.slug}/audit"))
    assert "When (UTC)" not in page and "account id" not in page
    [row] = [r for r in _rows(page) if "Changed a member" in r]
    assert "role_changed" not in row and "Coordinator Sam" in row and "Client Alex" in row
    assert "12:30" in row and "16:30" not in row  # New York, four hours behind UTC in July
    assert f"user:{people.client.id}" not in row


def test_a_site_admin_sees_codes_as_words_but_not_a_groups_members_names(client, people, login, session):
    clock.pin(datetime(2031, 1, 6, 9, 0, tzinfo=UTC))
    session.add(AuditLog(org_id=people.org.id, actor_id=people.client.id, action="login", ip="10.0.0.1"))
    session.add(AuditLog(actor_id=None, action="login_failed", target="someone", ip="10.0.0.2"))
    session.commit()
    login(people.admin)
    rows = _rows(text(client.get("/admin/audit")))
    client_login = next(r for r in rows if "10.0.0.1" in r)
    assert "Logged in" in client_login and "Client Alex" not in client_login and "a member of a group" in client_login
    assert "A login was refused" in next(r for r in rows if "10.0.0.2" in r)
    assert any("Admin" in r and "Logged in" in r for r in rows)  # the admin's own login names them


def test_undelivered_messages_read_in_words_with_the_group_and_the_viewers_time(client, people, login, session):
    from campaigns.domain.model import Nudge

    session.add(Nudge(dedupe_key="dead-1", org_id=people.org.id, kind="day_before", subject_type="signup",
                      channel="inapp", status="dead", due_at=datetime(2031, 7, 1, 16, 30, tzinfo=UTC),
                      next_attempt_at=datetime(2031, 7, 1, 16, 30, tzinfo=UTC), last_error="SMTP 421"))
    session.commit()
    login(people.admin)
    [row] = _rows(text(client.get("/admin/nudges")))
    assert "The day before an action you signed up for" in row and "In the app" in row and "inapp" not in row
    assert people.org.name in row and "17:30" in row and "16:30" not in row  # London summer time
