"""Concern pages: who may see a concern's author (only the author), hidden counts, raising with a no-JavaScript
"check for similar" step, supporting, assessing, and the consents page."""

from __future__ import annotations

import pytest
from sqlmodel import select

from campaigns.domain.model import Concern, ReadAccess
from campaigns.services import concerns
from tests import concern_fixtures as fx
from tests.factories import csrf_token

author, clients, raise_one, consent = fx.author, fx.clients, fx.raise_one, fx.consent


def who(people, author, role):
    return author if role == "author" else people.by_role(role)


def post(client, path, data, form_page):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, form_page)})


@pytest.fixture
def authored(session, people, author, raise_one):
    concern = raise_one(actor=author, title="Damp flats", categories=["housing"])
    concerns.support(session, concern_id=concern.id, actor=people.other_client)
    return concern


@pytest.mark.parametrize("role", fx.ROLES)
def test_only_the_author_sees_who_raised_a_concern_on_any_page(client, login, people, author, authored, role):
    login(who(people, author, role))
    slug = people.org.slug
    pages = {name: client.get(path) for name, path in (
        ("board", f"/o/{slug}/concerns"), ("concern", f"/o/{slug}/concerns/{authored.id}"),
        ("export", f"/o/{slug}/concerns/export.csv"), ("home", f"/o/{slug}/"))}
    if role == "anonymous":
        assert all(r.status_code == 302 and "/login" in r.headers["Location"] for r in pages.values())
        return
    if role in ("admin", "outsider"):
        assert all(r.status_code == 404 for r in pages.values())
        return
    assert pages["board"].status_code == pages["concern"].status_code == 200
    assert pages["export"].status_code == (200 if role == "coordinator" else 403)
    for response in pages.values():
        assert not fx.leaks_author(response.get_data(as_text=True))
    concern_page = pages["concern"].get_data(as_text=True)
    assert ("You raised this concern" in concern_page) is (role == "author")
    assert ("Raised by you" in pages["board"].get_data(as_text=True)) is (role == "author")


@pytest.mark.parametrize("role", ["author", "other_client", "coordinator"])
@pytest.mark.parametrize("supporters", [2, 3])
def test_pages_show_counts_below_k_only_to_the_author(session, client, login, people, author, raise_one, clients,
                                                       role, supporters):
    concern = raise_one(actor=author)
    for person in clients(supporters - 1):
        concerns.support(session, concern_id=concern.id, actor=person)
    login(who(people, author, role))
    for path in (f"/o/{people.org.slug}/concerns", f"/o/{people.org.slug}/concerns/{concern.id}"):
        page = client.get(path).get_data(as_text=True)
        if supporters == 3:
            assert "3 supporters" in page and "Fewer than" not in page
        elif role == "author":
            assert "2 supporters (only you see this number" in page
        else:
            assert "Fewer than 3 supporters" in page and "2 supporters" not in page


def test_checking_for_similar_concerns_works_without_javascript(session, client, login, people, raise_one):
    rent = raise_one(actor=people.other_client, title="Rent rises we can't keep up with")
    login(people.client)
    path = f"/o/{people.org.slug}/concerns/new"
    before = fx.counts(session)
    checked = post(client, path, {"title": "Our rent keeps rising", "description": "", "categories": "housing",
                                  "submit": "check"}, path)
    page = checked.get_data(as_text=True)
    assert checked.status_code == 200 and fx.counts(session) == before
    assert rent.title.replace("'", "&#39;") in page and 'value="Our rent keeps rising"' in page
    assert 'value="housing" checked' in page and "Support this instead" in page
    raised = post(client, path, {"title": "Our rent keeps rising", "categories": ["housing", "economic"],
                                 "tags": "rent, debt", "submit": "raise"}, path)
    assert raised.status_code == 302
    shown = client.get(raised.headers["Location"]).get_data(as_text=True)
    assert "You raised this concern. Nobody else can see that." in shown and "#debt" in shown


def test_a_bad_concern_form_is_a_422_with_errors_beside_the_fields(session, client, login, people):
    login(people.client)
    path = f"/o/{people.org.slug}/concerns/new"
    before = fx.counts(session)
    response = post(client, path, {"title": "", "description": "x" * 5001, "submit": "raise"}, path)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and fx.counts(session) == before
    for name in ("title", "description", "categories"):
        assert f'id="{name}-error"' in page
    unknown = post(client, path, {"title": "Rent", "categories": "weather", "submit": "raise"}, path)
    assert unknown.status_code == 422 and "Choose areas from the list." in unknown.get_data(as_text=True)


def test_supporting_and_withdrawing_from_the_concern_page(session, client, login, people, raise_one):
    concern = raise_one()
    login(people.other_client)
    page = f"/o/{people.org.slug}/concerns/{concern.id}"
    assert post(client, f"{page}/support", {}, page).status_code == 302
    assert "Withdraw my support" in client.get(page).get_data(as_text=True)
    assert post(client, f"{page}/support", {}, page).status_code == 302  # twice: still one support
    session.commit()  # end any read snapshot…
    session.expire_all()  # …and forget what the session holds (it keeps objects on commit)
    assert session.get(Concern, concern.id).support_count == 2
    assert post(client, f"{page}/withdraw", {}, page).status_code == 302
    assert "This affects me too" in client.get(page).get_data(as_text=True)


def test_supporting_a_closed_concern_shows_why_with_a_409(session, client, login, people, raise_one):
    concern = raise_one()
    concerns.close(session, concern_id=concern.id, actor=people.coordinator)
    login(people.other_client)
    page = f"/o/{people.org.slug}/concerns/{concern.id}"
    response = client.post(f"{page}/support", data={"csrf_token": csrf_token(client, f"/o/{people.org.slug}/")})
    assert response.status_code == 409 and concerns.CLOSED.replace("'", "&#39;") in response.get_data(as_text=True)


def test_another_groups_concern_page_is_a_404(client, login, people, raise_one):
    concern = raise_one(actor=people.outsider, org_id=people.other_org.id)
    login(people.client)
    assert client.get(f"/o/{people.org.slug}/concerns/{concern.id}").status_code == 404
    assert client.get(f"/o/{people.other_org.slug}/concerns/{concern.id}").status_code == 404


def test_a_worker_raises_for_a_consenting_client_from_the_form(session, client, login, people, consent):
    path = f"/o/{people.org.slug}/concerns/new"
    login(people.worker)
    assert "Raise it for" not in client.get(path).get_data(as_text=True)
    consent("raise_concerns")
    assert "Client Alex" in client.get(path).get_data(as_text=True)
    raised = post(client, path, {"title": "Bus route cut", "categories": "work",
                                 "on_behalf_of": str(people.client.id), "submit": "raise"}, path)
    assert raised.status_code == 302
    assert "You raised this for Client Alex" in client.get(raised.headers["Location"]).get_data(as_text=True)


def test_assessing_a_shared_concern_from_its_page(session, client, login, people, raise_one, clients):
    concern = raise_one()
    for person in clients(2):
        concerns.support(session, concern_id=concern.id, actor=person)
    login(people.worker)
    page = f"/o/{people.org.slug}/concerns/{concern.id}"
    assert "Add an assessment" in client.get(page).get_data(as_text=True)
    form = f"/o/{people.org.slug}/assessments/new?concern={concern.id}"
    assert f'value="{concern.id}" checked' in client.get(form).get_data(as_text=True)
    refused = post(client, form, {"concern_ids": str(concern.id), "affected": "Client Jo's family"}, form)
    assert refused.status_code == 422 and 'id="affected-error"' in refused.get_data(as_text=True)
    saved = post(client, form, {"concern_ids": str(concern.id), "affected": "Families renting privately",
                                "targets": "The housing committee"}, form)
    assert saved.status_code == 302
    assert "The housing committee" in client.get(page).get_data(as_text=True)


def test_clients_cannot_open_the_assessment_form(client, login, people):
    login(people.client)
    assert client.get(f"/o/{people.org.slug}/assessments/new").status_code == 403


def test_coordinators_merge_and_close_from_the_concern_page(session, client, login, people, raise_one):
    first, second = raise_one(title="Rent"), raise_one(actor=people.other_client, title="Rents")
    login(people.coordinator)
    page = f"/o/{people.org.slug}/concerns/{second.id}"
    assert "Merge into it" in client.get(page).get_data(as_text=True)
    assert post(client, f"{page}/merge", {"into_id": str(first.id)}, page).status_code == 302
    assert "merged into another one" in client.get(page).get_data(as_text=True)
    first_page = f"/o/{people.org.slug}/concerns/{first.id}"
    assert post(client, f"{first_page}/close", {}, first_page).status_code == 302
    session.commit()  # end any read snapshot…
    session.expire_all()  # …and forget what the session holds (it keeps objects on commit)
    assert session.get(Concern, first.id).status == "closed"


def test_the_board_filters_and_links_home(client, login, people, raise_one):
    raise_one(title="Rent rises")
    raise_one(title="No interpreter", categories=["health_access"])
    login(people.client)
    assert f"/o/{people.org.slug}/concerns" in client.get(f"/o/{people.org.slug}/").get_data(as_text=True)
    page = client.get(f"/o/{people.org.slug}/concerns?category=health_access").get_data(as_text=True)
    assert "No interpreter" in page and "Rent rises" not in page
    bad = client.get(f"/o/{people.org.slug}/concerns?status=nonsense")
    assert bad.status_code == 422 and 'id="status-error"' in bad.get_data(as_text=True)
    assert "No concerns match" in client.get(f"/o/{people.org.slug}/concerns?q=zzzz").get_data(as_text=True)


def test_the_consents_page_gives_lists_and_revokes(session, client, login, people):
    login(people.client)
    assert "/account/consents" in client.get("/account").get_data(as_text=True)
    given = post(client, "/account/consents", {"org_id": str(people.org.id), "worker_id": str(people.worker.id),
                                               "scope": "raise_concerns", "expires_on": ""}, "/account/consents")
    assert given.status_code == 302
    page = client.get("/account/consents").get_data(as_text=True)
    assert "Worker Robin" in page and "until you revoke it" in page
    from campaigns.services import consents as consent_rules

    [row] = consent_rules.of_client(session, people.client)
    assert post(client, f"/account/consents/{row.id}/revoke", {}, "/account/consents").status_code == 302
    assert "revoked" in client.get("/account/consents").get_data(as_text=True)
    bad = post(client, "/account/consents", {"org_id": str(people.org.id), "worker_id": str(people.worker.id),
                                             "scope": "raise_concerns", "expires_on": "2001-01-01"},
               "/account/consents")
    assert bad.status_code == 422 and 'id="expires_on-error"' in bad.get_data(as_text=True)


def test_a_worker_sees_who_consented_and_the_viewing_is_logged(session, client, login, people, consent):
    consent("support_concerns")
    login(people.worker)
    page = client.get("/account/consents").get_data(as_text=True)
    assert "Clients who consented to you" in page and "Client Alex" in page
    session.commit()  # end any read snapshot…
    session.expire_all()  # …and forget what the session holds (it keeps objects on commit)
    reads = session.exec(select(ReadAccess).where(ReadAccess.subject_user_id == people.client.id)).all()
    assert [(r.viewer_id, r.what) for r in reads] == [(people.worker.id, "consents")]
