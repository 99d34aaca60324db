"""Who read someone's personal data is written down where that person can see it (DOMAIN: "who read personal
data is logged, not only who changed it"): member lists, rosters, consents, shared personal goals."""

from __future__ import annotations

from campaigns.services import audit


def _readers(session, person) -> set[tuple[int, str]]:
    session.expire_all()
    return {(r.viewer_id, r.what) for r in audit.reads_of(session, person.id)}


def test_a_coordinator_opening_the_member_list_is_logged_for_each_member(session, new_world):
    built, callers = new_world()
    p = built.people
    assert callers.pages["coordinator"].get(f"/o/{p.org.slug}/members").status_code == 200
    assert callers.pages["anonymous"].get(f"/api/v1/orgs/{p.org.id}/members",
                                          headers=callers.headers("coordinator")).status_code == 200
    for person in (p.client, p.other_client, p.worker):
        assert (p.coordinator.id, "members") in _readers(session, person)
    assert not audit.reads_of(session, p.coordinator.id)  # looking at yourself is not a read


def test_a_roster_view_is_logged_for_the_volunteers_on_it(session, new_world):
    built, callers = new_world()
    p = built.people
    assert callers.pages["coordinator"].get(f"/actions/{built.objects['action'].id}/roster").status_code == 200
    assert any(viewer == p.coordinator.id for viewer, _ in _readers(session, p.client))


def test_a_worker_seeing_a_shared_personal_goal_is_logged_and_shown_to_the_client(session, new_world):
    built, callers = new_world()
    p = built.people
    page = callers.pages["worker"].get(f"/campaigns/{built.objects['campaign'].id}")
    assert "Speak once at a public meeting" in page.get_data(as_text=True)
    assert any(viewer == p.worker.id for viewer, _ in _readers(session, p.client))
    mine = callers.pages["client"].get("/account/data/reads").get_data(as_text=True)
    assert p.worker.display_name in mine


def test_a_worker_listing_the_consents_clients_gave_them_is_logged(session, new_world):
    built, callers = new_world()
    p = built.people
    response = callers.pages["anonymous"].get("/api/v1/me/client-consents", headers=callers.headers("worker"))
    assert response.status_code == 200
    assert (p.worker.id, "consents") in _readers(session, p.client)


def test_reviewing_contributions_is_logged_for_the_contributors(session, new_world):
    built, callers = new_world()
    p = built.people
    url = f"/api/v1/campaigns/{built.objects['campaign'].id}/contributions"
    assert callers.pages["anonymous"].get(url, headers=callers.headers("coordinator")).status_code == 200
    assert (p.coordinator.id, "contributions") in _readers(session, p.client)
