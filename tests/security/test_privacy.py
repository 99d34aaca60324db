"""My data: the export, the read-access log, erasure through the API and the page, and log retention."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from campaigns import clock
from campaigns.domain.model import AuditLog, ReadAccess, Throttle, User
from campaigns.jobs import JOBS
from campaigns.services import audit, privacy
from tests.factories import PASSWORD, csrf_token


def test_the_export_holds_everything_about_the_person(session, world, api):
    api(world.people.client)  # a token, so its metadata is exported
    data = privacy.export(session, world.people.client)
    assert data["profile"]["email"] == world.people.client.email
    assert [m["role"] for m in data["memberships"]] == ["client"]
    assert data["concerns_you_raised"][0]["you_raised_it"] is True
    assert data["concerns_you_support"][0]["concern"] == "No interpreter at the clinic"
    assert data["consents_you_gave"][0]["with"] == world.people.worker.display_name
    assert data["signups"][0]["attendance"] == "attended"
    assert (data["contributions"][0]["amount"], data["contributions"][0]["hours"]) == (3, 2)
    assert data["personal_goals"][0]["text"] == "Speak once at a public meeting"
    assert data["reflections"][0]["free_text"] == "I feel unheard"
    assert data["inbox"][0]["title"] == "Tomorrow: town hall"
    assert data["notification_settings"][0]["digest"] == "immediate"
    assert data["api_tokens"][0]["prefix"].startswith("cmp_")
    assert data["who_looked_at_your_data"] == [
        {"who": world.people.coordinator.display_name, "what": "campaign roster", "code": None, "values": {},
         "at": world.objects["read"].at.isoformat()}]  # a row from before the codes reads as it was kept
    json.dumps(data)  # machine-readable as it is


def test_the_export_holds_no_secret_and_nobody_elses_identity(session, world, api):
    api(world.people.client)
    text = json.dumps(privacy.export(session, world.people.client))
    assert "password_hash" not in text and "token_hash" not in text and "$argon2" not in text
    other = world.people.other_client
    assert other.email not in text and other.display_name not in text
    assert f'"user_id": {other.id}' not in text
    assert "fewer than 3" in text  # the k rule holds in one's own export too


def test_a_worker_export_shows_consents_given_to_them(session, world):
    data = privacy.export(session, world.people.worker)
    assert data["consents_given_to_you"][0]["with"] == world.people.client.display_name
    assert data["concerns_you_raised"] == []


def test_the_api_gives_the_export_and_the_reads(api, world):
    caller = api(world.people.client)
    response = caller.get("/api/v1/me/data")
    assert response.status_code == 200
    assert response.get_json()["format"] == privacy.FORMAT
    reads = caller.get("/api/v1/me/reads")
    assert reads.status_code == 200
    assert reads.get_json() == [{"who": world.people.coordinator.display_name, "what": "campaign roster",
                                 "code": None, "values": {}, "at": world.objects["read"].at.isoformat()}]
    assert "X-Pagination" in reads.headers


def test_nobody_else_sees_a_persons_reads(api, world):
    assert api(world.people.coordinator).get("/api/v1/me/reads").get_json() == []
    assert api(None).get("/api/v1/me/data").status_code == 401


def test_erasing_through_the_api_needs_the_password_and_ends_access(api, world, session):
    caller = api(world.people.client)
    wrong = caller.post("/api/v1/me/erasure", json={"password": "not the password!", "concerns": "keep"})
    assert wrong.status_code == 422 and set(wrong.get_json()["errors"]) == {"password"}
    assert caller.post("/api/v1/me/erasure", json={"password": PASSWORD, "concerns": "keep"}).status_code == 204
    assert caller.get("/api/v1/me").status_code == 401
    session.expire_all()
    assert session.get(User, world.people.client.id).erased_at is not None


def test_the_my_data_page_lists_reads_and_downloads_json(client, login, world):
    login(world.people.client)
    assert "/account/data" in client.get("/account").get_data(as_text=True)
    page = client.get("/account/data/")
    assert page.status_code == 200
    assert world.people.coordinator.display_name in page.get_data(as_text=True)
    download = client.get("/account/data/download")
    assert download.mimetype == "application/json"
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.get_json()["profile"]["id"] == world.people.client.id
    assert client.get("/account/data/reads").status_code == 200


def test_erasing_on_the_page_needs_the_password_and_a_tick_then_logs_out(client, login, world, session):
    login(world.people.client)
    token = csrf_token(client, "/account/data/")
    refused = client.post("/account/data/erase", data={"password": PASSWORD, "concerns": "keep",
                                                       "csrf_token": token})
    assert refused.status_code == 422 and 'id="confirm-error"' in refused.get_data(as_text=True)
    wrong = client.post("/account/data/erase", data={"password": "wrong wrong wrong", "concerns": "keep",
                                                     "confirm": "true", "csrf_token": token})
    assert wrong.status_code == 422 and 'id="password-error"' in wrong.get_data(as_text=True)
    done = client.post("/account/data/erase", data={"password": PASSWORD, "concerns": "delete", "confirm": "true",
                                                    "csrf_token": token})
    assert done.status_code == 302
    assert client.get("/account").status_code == 302  # logged out
    session.expire_all()
    assert session.get(User, world.people.client.id).display_name == "Former member"


def test_looking_at_your_own_data_is_not_logged(session, people):
    audit.log_read(session, viewer_id=people.client.id, subject_user_id=people.client.id, what="own goal")
    session.commit()
    assert session.exec(select(func.count()).select_from(ReadAccess)).one()[0] == 0


def test_the_retention_job_prunes_old_logs_and_throttles(app, session, people):
    assert any(j.id == "prune_logs" and j.func is privacy.prune_logs for j in JOBS)
    app.config["LOG_RETENTION_DAYS"] = 30
    start = clock.now()
    old, recent = start - timedelta(days=31), start - timedelta(days=29)
    for at in (old, recent):
        session.add(AuditLog(action="login", actor_id=people.client.id, at=at))
        session.add(ReadAccess(viewer_id=people.coordinator.id, subject_user_id=people.client.id, what="x", at=at))
    session.add(Throttle(key="login:addr:192.0.2.1", at=start - timedelta(hours=25)))
    session.add(Throttle(key="login:addr:192.0.2.1", at=start - timedelta(hours=1)))
    session.commit()
    before = {m: session.exec(select(func.count()).select_from(m)).one()[0] for m in (AuditLog, ReadAccess, Throttle)}

    removed = privacy.prune_logs(session)

    after = {m: session.exec(select(func.count()).select_from(m)).one()[0] for m in (AuditLog, ReadAccess, Throttle)}
    assert removed == 3
    assert {m: before[m] - after[m] for m in before} == {AuditLog: 1, ReadAccess: 1, Throttle: 1}
    assert privacy.prune_logs(session) == 0  # idempotent
