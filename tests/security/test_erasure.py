"""Erasing an account: no trace of the person's email or names in any table, and every total unchanged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import JSON, String, TypeDecorator, func, select
from sqlmodel import SQLModel

from campaigns import clock
from campaigns.domain.model import (
    Action,
    ApiToken,
    Assessment,
    AuditLog,
    AuthSession,
    Campaign,
    Concern,
    ConcernSupport,
    Consent,
    Contribution,
    EventRecord,
    Goal,
    Guest,
    InboxItem,
    Invitation,
    Membership,
    MobileVerification,
    Outcome,
    ReadAccess,
    Signup,
    Task,
    TextMessage,
    User,
    WebhookEndpoint,
)
from campaigns.services import accounts, erasure, security, tokens
from campaigns.services.errors import Conflict, Invalid, TooManyAttempts
from tests.factories import PASSWORD

EMAIL = "zephyrine.q@example.org"
DISPLAY = "Zephyrine Quillfeather"
REAL = "Ottoline Brackenbury"
MOBILE = "+447700900461"


def _add(session, row):
    session.add(row)
    session.commit()
    return row


@pytest.fixture
def subject(session, world, make_user):
    """The client of `world`, renamed to be unmistakable, referenced from every column that can name a person."""
    user = world.people.client
    accounts.update_profile(session, user, display_name=DISPLAY, real_name=REAL, show_real_name=True)
    user.email = EMAIL
    session.add(user)
    session.commit()
    o, org, now = world.objects, world.people.org, clock.now()
    c = o["campaign"]
    accounts.log_in(session, email=EMAIL, password=PASSWORD, ip="192.0.2.44")
    tokens.create(session, user, name=f"{DISPLAY}'s laptop")
    own_campaign = _add(session, Campaign(org_id=org.id, name="Quiet streets", starts_on=now.date(),
                                          created_by_id=user.id))
    _add(session, Goal(campaign_id=c.id, name="Proposed by them", target=5, status="proposed",
                       proposed_by_id=user.id))
    _add(session, Assessment(org_id=org.id, notes=f"Ask {EMAIL.upper()} about the clinic", created_by_id=user.id))
    _add(session, Outcome(campaign_id=own_campaign.id, what_changed="A ramp", result="achieved",
                          occurred_on=now.date(), created_by_id=user.id))
    _add(session, WebhookEndpoint(org_id=org.id, url="https://example.org/h", secret="whsec_x",
                                  created_by_id=user.id))
    other = world.people.other_client
    _add(session, Contribution(org_id=org.id, campaign_id=c.id, goal_id=o["goal"].id, user_id=other.id, amount=0,
                               status="verified", reviewed_by_id=user.id))
    _add(session, Invitation(org_id=org.id, email="friend@example.org", role="client", token_hash="a" * 64,
                             invited_by_id=user.id, expires_at=now + timedelta(days=1)))
    _add(session, Invitation(org_id=org.id, email=EMAIL, role="worker", token_hash="b" * 64,
                             expires_at=now + timedelta(days=1)))
    _add(session, Concern(org_id=org.id, author_id=other.id, on_behalf_by_id=user.id, title="Raised for Jo"))
    _add(session, ConcernSupport(concern_id=o["concern"].id, user_id=world.worker_nc.id, on_behalf_by_id=user.id))
    _add(session, Signup(task_id=o["task"].id, user_id=other.id, status="waitlisted", on_behalf_by_id=user.id))
    past = _add(session, Action(org_id=org.id, campaign_id=c.id, kind="letter_writing", title="Letters evening",
                                starts_at=now - timedelta(days=8), ends_at=now - timedelta(days=8, hours=-2),
                                timezone="Europe/London", checkin_code="PAST01"))
    past_task = _add(session, Task(org_id=org.id, campaign_id=c.id, action_id=past.id, title="Writer", capacity=3,
                                   taken=1))
    _add(session, Signup(task_id=past_task.id, user_id=user.id, status="confirmed", attendance="attended"))
    _add(session, Consent(org_id=org.id, client_id=other.id, worker_id=user.id, scope="raise_concerns"))
    _add(session, ReadAccess(viewer_id=user.id, subject_user_id=other.id, what="shared personal goal"))
    _add(session, EventRecord(type="ConcernSupported", org_id=org.id, actor_id=user.id, payload={}))
    user.mobile, user.mobile_verified_at = MOBILE, now
    _add(session, user)
    _add(session, TextMessage(org_id=org.id, user_id=user.id, direction="out", number=MOBILE, kind="reminder",
                              body=f"Hi {DISPLAY}, see you tomorrow"))
    _add(session, Guest(org_id=org.id, user_id=user.id, channels=["sms"],
                        accessibility_needs=f"{REAL} needs step-free access"))
    _add(session, MobileVerification(user_id=user.id, number=MOBILE, code_hash="c" * 64, sent_at=now,
                                     expires_at=now + timedelta(minutes=10)))
    _add(session, InboxItem(user_id=world.people.coordinator.id, kind="signup",
                            title=f"{DISPLAY} signed up", body=f"{DISPLAY} ({REAL}) will help."))
    _add(session, Guest(org_id=world.people.other_org.id, user_id=user.id, channels=["email"],
                        accessibility_needs=f"{REAL} needs a seat near the door",
                        requested={"name": DISPLAY, "mobile": None}))
    return user


def _references_covered(session, user) -> list[str]:
    missing = []
    for table, column in erasure.references_to_user():
        found = session.exec(select(func.count()).select_from(table).where(column == user.id)).one()[0]
        if not found:
            missing.append(f"{table.name}.{column.name}")
    return missing


def _totals(session) -> dict:
    goals = {g.id: g.current for g in session.exec(select(Goal)).scalars()}
    campaigns = {c.id: c.progress for c in session.exec(select(Campaign)).scalars()}
    concerns = {c.id: c.support_count for c in session.exec(select(Concern)).scalars()}
    supports = dict(session.exec(select(ConcernSupport.concern_id, func.count()).group_by(ConcernSupport.concern_id)
                                 ).all())
    amounts = {g: (a, h) for g, a, h in session.exec(select(
        Contribution.goal_id, func.sum(Contribution.amount), func.sum(Contribution.hours)
    ).group_by(Contribution.goal_id)).all()}
    return {"goals": goals, "campaigns": campaigns, "concerns": concerns, "supports": supports, "amounts": amounts}


def _is_text(column) -> bool:
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    return isinstance(kind, String | JSON)


def _traces(session, needles: list[str]) -> list[str]:
    """Every text or JSON value, in every row of every table, that contains one of `needles`."""
    found = []
    for table in SQLModel.metadata.sorted_tables:
        columns = [c for c in table.columns if _is_text(c)]
        for row in session.exec(select(*columns)).all() if columns else []:
            for column, value in zip(columns, row, strict=True):
                text = str(value).lower()
                found += [f"{table.name}.{column.name}: {value!r}" for n in needles if n.lower() in text]
    return found


def test_erasing_leaves_no_trace_and_every_total_unchanged(session, subject):
    assert _references_covered(session, subject) == [], "add a row for these columns to the `subject` fixture"
    before = _totals(session)
    assert _traces(session, [EMAIL, DISPLAY, REAL, MOBILE])  # the scan does find them before

    erasure.erase_account(session, subject, password=PASSWORD, concerns="keep")

    session.expire_all()
    assert _traces(session, [EMAIL, DISPLAY, REAL, MOBILE]) == []
    assert _totals(session) == before
    erased = session.get(User, subject.id)
    assert erased.email == f"erased-{subject.id}@invalid"
    assert (erased.display_name, erased.real_name, erased.is_active) == ("Former member", None, False)
    assert erased.erased_at is not None
    assert not security.verify_password(erased.password_hash, PASSWORD)


def test_erasure_removes_personal_rows_and_keeps_counts_anonymously(session, world, subject):
    erasure.erase_account(session, subject, password=PASSWORD)
    session.expire_all()
    uid = subject.id
    for model, column in ((Membership, Membership.user_id), (AuthSession, AuthSession.user_id),
                          (ApiToken, ApiToken.user_id), (InboxItem, InboxItem.user_id)):
        assert session.exec(select(func.count()).select_from(model).where(column == uid)).one()[0] == 0
    assert session.exec(select(func.count()).select_from(ReadAccess).where(
        ReadAccess.subject_user_id == uid)).one()[0] == 0
    support = session.get(ConcernSupport, world.objects["author_support"].id)
    assert support is not None and support.user_id is None
    contribution = session.get(Contribution, world.objects["contribution"].id)
    assert (contribution.user_id, contribution.amount, contribution.note) == (None, 3, "")
    upcoming = session.get(Signup, world.objects["signup"].id)  # a place still ahead is given up
    assert (upcoming.user_id, upcoming.status) == (None, "cancelled")
    assert session.get(Task, world.objects["task"].id).taken == 1  # …and taken by the person waiting
    past = session.exec(select(Signup).where(Signup.attendance == "attended", Signup.status == "confirmed")
                        ).scalars().all()
    assert [s.user_id for s in past] == [None]  # attendance that happened still counts, anonymously
    concern = session.get(Concern, world.objects["concern"].id)
    assert concern.author_id is None  # kept anonymously
    assert session.exec(select(AuditLog).where(AuditLog.action == "account_erased")).first()


def test_the_person_can_choose_to_delete_their_concerns(session, world, subject):
    own = _add(session, Concern(org_id=world.people.org.id, author_id=subject.id, title="Bus stop too far"))
    own_id = own.id
    _add(session, ConcernSupport(concern_id=own_id, user_id=subject.id))
    erasure.erase_account(session, subject, password=PASSWORD, concerns="delete")
    session.expire_all()
    assert session.get(Concern, own_id) is None
    in_campaign = session.get(Concern, world.objects["concern"].id)  # a campaign is built on it: it stays
    assert in_campaign is not None and in_campaign.author_id is None


def test_erasure_asks_for_the_password_and_is_throttled(session, people):
    for _ in range(10):
        with pytest.raises(Invalid):
            erasure.erase_account(session, people.client, password="not my password at all")
    with pytest.raises(TooManyAttempts):
        erasure.erase_account(session, people.client, password=PASSWORD)
    assert session.get(User, people.client.id).erased_at is None


def test_the_only_coordinator_cannot_erase_until_someone_takes_over(session, people):
    with pytest.raises(Conflict):
        erasure.erase_account(session, people.coordinator, password=PASSWORD)


def test_every_reference_to_a_person_has_an_erasure_rule():
    for table, column in erasure.references_to_user():
        how = erasure.strategy(table, column)
        assert how in {erasure.KEEP, erasure.NULL, erasure.DELETE}
        if how == erasure.NULL:
            assert column.nullable, f"{table.name}.{column.name} cannot be NULL"


def test_the_contributions_of_an_erased_person_still_list_without_an_error(session, api, world, subject):
    erasure.erase_account(session, subject, password=PASSWORD)
    campaign = world.objects["campaign"]
    response = api(world.people.coordinator).get(f"/api/v1/campaigns/{campaign.id}/contributions")
    assert response.status_code == 200
    assert None in [c["user_id"] for c in response.get_json()]
