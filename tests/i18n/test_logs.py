"""The security and read-access logs keep codes and values, and each reader reads them in their own language: the
person whose data was looked at (page, API, data download), the coordinator reading the security log (page, API)."""

from __future__ import annotations

import ast

from flask_babel import force_locale, gettext
from sqlmodel import select

from campaigns.domain.model import Membership, ReadAccess, User
from campaigns.services import audit, privacy
from tests.factories import csrf_token
from tests.i18n.catalogs import ROOT


def spanish(msgid: str, **values) -> str:
    with force_locale("es"):
        return gettext(msgid, **values)


def _speaks(session, user: User, locale: str) -> None:
    session.get(User, user.id).locale = locale
    session.commit()


def test_a_member_list_read_is_kept_as_a_code_and_read_in_each_persons_language(
        client, session, people, login, api):
    login(people.coordinator)
    assert client.get(f"/o/{people.org.slug}/members").status_code == 200
    [row] = session.exec(select(ReadAccess).where(ReadAccess.subject_user_id == people.client.id)).all()
    assert (row.what, row.details) == ("members", {"group": people.org.name})

    _speaks(session, people.client, "es")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/inbox")})
    login(people.client)
    page = client.get("/account/data/reads").get_data(as_text=True)
    assert spanish("the member list of %(group)s", group=people.org.name) in page
    assert "member list of" not in page

    reads = api(people.client).get("/api/v1/me/reads", headers={"Accept-Language": "es"}).get_json()
    assert reads[0]["what"] == spanish("the member list of %(group)s", group=people.org.name)
    assert (reads[0]["code"], reads[0]["values"]) == ("members", {"group": people.org.name})
    english = api(people.client).get("/api/v1/me/reads", headers={"Accept-Language": "en"}).get_json()
    assert english[0]["what"] == f"the member list of {people.org.name}"


def test_a_row_written_before_the_codes_still_reads_as_it_was_kept(app, session, people):
    session.add(ReadAccess(viewer_id=people.coordinator.id, subject_user_id=people.client.id,
                           what="volunteer roster of task 12"))
    session.commit()
    with app.test_request_context(headers={"Accept-Language": "es"}):
        [read] = privacy.export(session, people.client)["who_looked_at_your_data"]
    assert (read["what"], read["code"], read["values"]) == ("volunteer roster of task 12", None, {})


def test_the_api_security_log_gives_words_in_the_requests_language_beside_the_code(api, session, people):
    member = session.exec(select(Membership).where(Membership.user_id == people.worker.id,
                                                   Membership.org_id == people.org.id)).one()
    audit.log(session, "role_changed", actor_id=people.coordinator.id, org_id=people.org.id,
              target=f"membership:{member.id}")
    session.commit()
    response = api(people.coordinator).get(f"/api/v1/orgs/{people.org.id}/audit", headers={"Accept-Language": "es"})
    entry = next(e for e in response.get_json() if e["action"] == "role_changed")
    assert entry["what"] == spanish("Changed a member's role")
    assert entry["who"] == people.coordinator.display_name and entry["about"] == people.worker.display_name
    english = api(people.coordinator).get(f"/api/v1/orgs/{people.org.id}/audit", headers={"Accept-Language": "en"})
    assert next(e for e in english.get_json() if e["action"] == "role_changed")["what"] == "Changed a member's role"


def _literal_arguments(function: str, position: int, keyword: str) -> set[str]:
    """Every string literal passed to `audit.function(…)` as the argument at `position` or `keyword`."""
    found = set()
    for path in sorted((ROOT / "campaigns").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == function and getattr(node.func.value, "id", None) == "audit"):
                continue
            given = [kw.value for kw in node.keywords if kw.arg == keyword] + node.args[position:position + 1]
            found |= {arg.value for arg in given if isinstance(arg, ast.Constant) and isinstance(arg.value, str)}
    return found


def test_every_security_event_the_code_records_has_words():
    recorded = _literal_arguments("log", 1, "action")
    assert len(recorded) > 20  # the scan finds the calls
    assert not recorded - set(audit.ACTION_WORDS)


def test_every_read_the_code_records_has_words():
    recorded = _literal_arguments("log_read", 99, "what") | _literal_arguments("log_reads", 99, "what")
    assert len(recorded) >= 6
    assert not recorded - set(audit.READ_WORDS)
