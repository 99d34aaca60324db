from datetime import timedelta

import pytest

from campaigns import clock
from campaigns.domain.model import Role
from campaigns.services import orgs, policy
from campaigns.services.errors import Conflict, Forbidden, Invalid, NotFound


def test_an_invitation_joins_with_its_role_once(session, people, make_user, mailbox):
    invitation, link = orgs.invite_by_email(session, people.org, email="new@example.org", role="worker",
                                            invited_by=people.coordinator)
    assert link in mailbox()[-1].get_body(("plain",)).get_content()
    newcomer = make_user(email="new@example.org")
    secret = link.rsplit("/", 1)[1]
    member = orgs.accept_invitation(session, secret=secret, user=newcomer)
    assert member.role == Role.worker
    with pytest.raises(Invalid):
        orgs.accept_invitation(session, secret=secret, user=newcomer)


def test_an_expired_invitation_is_refused(session, people, make_user):
    _, secret = orgs.invite(session, people.org, email="late@example.org", role="client",
                            invited_by=people.coordinator)
    clock.pin(clock.now() + timedelta(days=8))
    with pytest.raises(Invalid, match="expired"):
        orgs.accept_invitation(session, secret=secret, user=make_user())


def test_a_join_code_joins_as_a_client(session, people, make_user):
    code = orgs.set_join_code(session, people.org, actor=people.coordinator)
    member = orgs.join_by_code(session, code=code.lower(), user=make_user())
    assert member.role == Role.client and member.org_id == people.org.id


def test_guessing_join_codes_is_throttled(session, make_user):
    from campaigns.services.errors import TooManyAttempts

    guesser = make_user()
    for _ in range(10):
        with pytest.raises(Invalid):
            orgs.join_by_code(session, code="NOPE-NOPE", user=guesser, ip="192.0.2.3")
    with pytest.raises(TooManyAttempts):
        orgs.join_by_code(session, code="NOPE-NOPE", user=guesser, ip="192.0.2.3")


def test_the_last_coordinator_cannot_step_down(session, people):
    member = policy.membership(session, people.coordinator, people.org.id)
    with pytest.raises(Conflict):
        orgs.change_role(session, people.org, member_id=member.id, role="client", actor=people.coordinator)


def test_another_organisations_member_is_not_found(session, people):
    outsider_membership = policy.membership(session, people.outsider, people.other_org.id)
    with pytest.raises(NotFound):
        orgs.change_role(session, people.org, member_id=outsider_membership.id, role="client",
                         actor=people.coordinator)


@pytest.mark.parametrize(("actor", "outcome"), [
    ("client", Forbidden), ("worker", Forbidden), ("coordinator", None), ("outsider", NotFound), ("admin", NotFound),
])
def test_only_coordinators_manage_members(session, people, actor, outcome):
    user = getattr(people, actor)
    if outcome is None:
        assert policy.authorize(session, user, "members.manage", people.org.id)
    else:
        with pytest.raises(outcome):
            policy.authorize(session, user, "members.manage", people.org.id)


def test_what_a_request_remembers_about_someone_follows_every_change_it_makes(session, people, make_org):
    """Memberships are read once per unit of work, yet a change made in it, even not yet flushed, is seen."""
    from campaigns.domain.model import Membership

    other = make_org(name="Tenants Together")
    assert policy.membership(session, people.client, other.id) is None  # read, and remembered
    session.add(Membership(org_id=other.id, user_id=people.client.id, role="client"))  # pending, not flushed
    assert policy.membership(session, people.client, other.id) is not None
    member = policy.membership(session, people.client, other.id)
    member.role = "worker"  # a change to a remembered row is the row itself
    assert policy.has_role(policy.membership(session, people.client, other.id), "act_for_client")
    session.delete(member)
    assert policy.membership(session, people.client, other.id) is None
    session.rollback()
