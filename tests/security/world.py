"""A world with one of each object and one person per actor, inserted directly in one commit (fast enough to
build afresh for every state-changing row of the authorization matrix).

Rows are inserted without the features' use cases, so these tests never wait on a feature's service. URL
parameters of every route are filled from `World.params`; each actor has a bearer token and a login session.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from campaigns import clock
from campaigns.domain.model import (
    Action,
    ApiToken,
    Assessment,
    AssessmentConcern,
    AuthSession,
    Campaign,
    CampaignConcern,
    CampaignMember,
    Concern,
    ConcernCategory,
    ConcernSupport,
    Consent,
    Contribution,
    EventRecord,
    Goal,
    GoalSnapshot,
    Guest,
    InboxItem,
    Invitation,
    Membership,
    NotificationSettings,
    Nudge,
    Organisation,
    Outcome,
    PersonalGoal,
    ReadAccess,
    Reflection,
    ReminderRule,
    Signup,
    Task,
    User,
    WebhookEndpoint,
)
from campaigns.services import security
from tests import factories

#: every actor of the matrix, least privileged first
ACTORS = ["anonymous", "outsider", "admin", "other_client", "worker_nc", "worker", "client", "coordinator"]
PERSONAL_GOAL = "Speak once at a public meeting"
REFLECTION = "I feel unheard"
_seq = itertools.count(1)


@dataclass
class World:
    people: factories.People
    worker_nc: User  #: a worker of the organisation whom no client gave consent
    objects: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    #: actor -> bearer token secret / login session secret
    api_tokens: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)

    def actor(self, name: str) -> User | None:
        if name == "anonymous":
            return None
        if name == "worker_nc":
            return self.worker_nc
        return getattr(self.people, name)

    @property
    def users(self) -> dict[str, User]:
        return {name: self.actor(name) for name in ACTORS if name != "anonymous"}


class _Batch:
    """Adds rows and flushes, so ids exist; the caller commits once."""

    def __init__(self, session):
        self.session = session

    def __call__(self, row):
        self.session.add(row)
        self.session.flush()
        return row


def _people(add, password_hash: str, n: int) -> tuple[factories.People, User, dict[str, Membership]]:
    def user(label: str, display: str, **extra) -> User:
        person = add(User(email=f"{label}{n}@example.org", display_name=display, password_hash=password_hash,
                          timezone="Europe/London", **extra))
        add(NotificationSettings(user_id=person.id))
        return person

    org = add(Organisation(name=f"Group {n}", slug=f"group-w{n}", share_threshold=3))
    other_org = add(Organisation(name=f"Other group {n}", slug=f"other-w{n}", share_threshold=3))
    people = factories.People(
        org=org, other_org=other_org,
        client=user("client", "Client Alex"), other_client=user("other", "Client Jo"),
        worker=user("worker", "Worker Robin"), coordinator=user("coordinator", "Coordinator Sam"),
        admin=user("admin", "Admin", is_admin=True), outsider=user("outsider", "Outsider"),
    )
    worker_nc = user("workernc", "Worker Without Consent")
    memberships = {}
    for name, person, role, where in (
            ("client", people.client, "client", org), ("other_client", people.other_client, "client", org),
            ("worker", people.worker, "worker", org), ("worker_nc", worker_nc, "worker", org),
            ("coordinator", people.coordinator, "coordinator", org),
            ("outsider", people.outsider, "coordinator", other_org)):
        memberships[name] = add(Membership(org_id=where.id, user_id=person.id, role=role))
    return people, worker_nc, memberships


def build(session, *, password_hash: str) -> World:
    """One organisation with everything in it, another organisation, and a secret per actor; one commit."""
    n = next(_seq)
    add = _Batch(session)
    people, worker_nc, memberships = _people(add, password_hash, n)
    w = World(people=people, worker_nc=worker_nc)
    w.objects["memberships"] = memberships
    _objects(add, w)
    for name, person in w.users.items():
        w.api_tokens[name] = secret = f"cmp_{security.new_token()}"
        token = add(ApiToken(user_id=person.id, name="matrix", prefix=secret[:10],
                             token_hash=security.token_hash(secret)))
        w.objects.setdefault("tokens", {})[name] = token
        w.sessions[name] = token = security.new_token()
        add(AuthSession(user_id=person.id, token_hash=security.token_hash(token)))
    session.commit()
    w.params = _params(w)
    return w


def _objects(add, w: World) -> None:
    p, now = w.people, clock.now().replace(microsecond=0)
    org, client, coordinator, worker = p.org, p.client, p.coordinator, p.worker
    campaign = add(Campaign(org_id=org.id, name="Fair rents", summary="Fair rents for everyone.", ask="Cap rents.",
                            target="City housing committee", starts_on=date.today(), stage="intervention",
                            deadline=date.today() + timedelta(days=90), created_by_id=coordinator.id))
    goal = add(Goal(campaign_id=campaign.id, name="Letters", unit="letters", target=100, current=5,
                    proposed_by_id=coordinator.id, due_on=date.today() + timedelta(days=60)))
    start = now + timedelta(days=7)
    action = add(Action(org_id=org.id, campaign_id=campaign.id, kind="town_hall", title="Town hall",
                        starts_at=start, ends_at=start + timedelta(hours=2), timezone="Europe/London",
                        address="Community Centre, 1 High Street", checkin_code=f"C{next(_seq):05d}",
                        public=True))
    task = add(Task(org_id=org.id, campaign_id=campaign.id, action_id=action.id, goal_id=goal.id, title="Greeter",
                    capacity=5, taken=1))
    concern = add(Concern(org_id=org.id, author_id=client.id, title="No interpreter at the clinic",
                          description="The clinic has no interpreter on Tuesdays.", support_count=2))
    other_concern = add(Concern(org_id=org.id, author_id=p.other_client.id, title="Bus stop too far",
                                description="The nearest stop is a mile away.", support_count=1))
    assessment = add(Assessment(org_id=org.id, affected="Clients who need an interpreter",
                                created_by_id=coordinator.id))
    signup = add(Signup(task_id=task.id, user_id=client.id, status="confirmed", confirmed_at=now,
                        attendance="attended"))
    nudge = add(Nudge(dedupe_key=f"world:{client.id}", org_id=org.id, campaign_id=campaign.id,
                      recipient_id=client.id, kind="reminder", subject_type="signup", subject_id=signup.id,
                      channel="inapp", due_at=now, next_attempt_at=now, status="sent", sent_at=now))
    w.objects.update(
        campaign=campaign, goal=goal, action=action, task=task, concern=concern, other_concern=other_concern,
        assessment=assessment,
        signup=signup, nudge=nudge,
        member=add(CampaignMember(campaign_id=campaign.id, user_id=client.id, role="member")),
        lead=add(CampaignMember(campaign_id=campaign.id, user_id=coordinator.id, role="lead")),
        campaign_concern=add(CampaignConcern(campaign_id=campaign.id, concern_id=concern.id)),
        category=add(ConcernCategory(concern_id=concern.id, category="health_access")),
        support=add(ConcernSupport(concern_id=concern.id, user_id=p.other_client.id)),
        author_support=add(ConcernSupport(concern_id=concern.id, user_id=client.id)),
        assessment_concern=add(AssessmentConcern(assessment_id=assessment.id, concern_id=concern.id)),
        consent=add(Consent(org_id=org.id, client_id=client.id, worker_id=worker.id, scope="sign_up")),
        personal_goal=add(PersonalGoal(campaign_id=campaign.id, user_id=client.id, text=PERSONAL_GOAL,
                                       shared_with_worker=True)),
        contribution=add(Contribution(org_id=org.id, campaign_id=campaign.id, goal_id=goal.id, user_id=client.id,
                                      task_id=task.id, amount=3, hours=2, note="Letters from the waiting room",
                                      status="verified", counted=True, reviewed_by_id=coordinator.id,
                                      reviewed_at=now)),
        reflection=add(Reflection(campaign_id=campaign.id, user_id=client.id, phase="before", influence=2,
                                  connected=3, know_how=2, free_text=REFLECTION)),
        outcome=add(Outcome(campaign_id=campaign.id, what_changed="An interpreter on Tuesdays", result="partly",
                            occurred_on=date.today(), created_by_id=coordinator.id)),
        snapshot=add(GoalSnapshot(goal_id=goal.id, day=date.today(), value=3)),
        rule=add(ReminderRule(campaign_id=campaign.id, name="Day before", anchor="action_start", offset_days=-1,
                              local_time=time(11, 0), audience="confirmed", template="day_before")),
        webhook=add(WebhookEndpoint(org_id=org.id, url="https://hooks.example.org/campaigns",
                                    secret="whsec_" + security.new_token(), event_types=["GoalReached"],
                                    created_by_id=coordinator.id)),
        invitation=add(Invitation(org_id=org.id, email=f"invitee{next(_seq)}@example.org", role="client",
                                  token_hash=security.token_hash(security.new_token()),
                                  invited_by_id=coordinator.id, expires_at=now + timedelta(days=7))),
        read=add(ReadAccess(viewer_id=coordinator.id, subject_user_id=client.id, what="campaign roster")),
        event=add(EventRecord(type="SignupConfirmed", org_id=org.id, campaign_id=campaign.id,
                              subject_type="signup", subject_id=signup.id, payload={})),
        #: what an erased contributor leaves behind: an anonymous, counted contribution (user_id None)
        erased_contribution=add(Contribution(org_id=org.id, campaign_id=campaign.id, goal_id=goal.id, user_id=None,
                                             amount=2, status="verified", counted=True,
                                             reviewed_by_id=coordinator.id, reviewed_at=now)),
        inbox_item=add(InboxItem(user_id=client.id, nudge_id=nudge.id, kind="reminder", title="Tomorrow: town hall",
                                 body="See you there.")),
    )
    # a guest from the public page, with a place: only coordinators may ever see who they are or what they need
    guest_user = add(User(email=f"guest.visitor{next(_seq)}@example.net", password_hash="", display_name=GUEST_NAME,
                          timezone="Europe/London"))
    w.objects["guest_user"] = guest_user
    w.objects["guest"] = add(Guest(org_id=org.id, user_id=guest_user.id, channels=["email"],
                                   accessibility_needs=GUEST_NEEDS, confirmed_at=now))
    w.objects["guest_signup"] = add(Signup(task_id=task.id, user_id=guest_user.id, status="confirmed",
                                           confirmed_at=now))


GUEST_NAME, GUEST_NEEDS = "Visiting Guest Quinn", "GUEST-NEEDS-7c1"


def _params(w: World) -> dict[str, Any]:
    """Values for URL parameters by name (the matrix fills every route from these)."""
    o, p = w.objects, w.people
    return {
        "org_id": p.org.id, "slug": p.org.slug, "campaign_id": o["campaign"].id, "goal_id": o["goal"].id,
        "action_id": o["action"].id, "task_id": o["task"].id, "concern_id": o["concern"].id,
        "other_concern_id": o["other_concern"].id,
        "signup_id": o["signup"].id, "contribution_id": o["contribution"].id, "consent_id": o["consent"].id,
        "personal_goal_id": o["personal_goal"].id, "assessment_id": o["assessment"].id,
        "outcome_id": o["outcome"].id, "rule_id": o["rule"].id, "key": f"rule:{o['rule'].id}",
        "webhook_id": o["webhook"].id, "endpoint_id": o["webhook"].id, "nudge_id": o["nudge"].id,
        "item_id": o["inbox_item"].id, "reflection_id": o["reflection"].id, "phase": "before", "locale": "es",
        "user_id": p.client.id, "client_id": p.client.id, "worker_id": p.worker.id,
        "invitation_id": o["invitation"].id, "token_id": o["tokens"]["client"].id,
        #: /o/…/members/<member_id> is a membership; /campaigns/…/team/<member_id> a campaign member (see matrix)
        "member_id": o["memberships"]["client"].id, "team_member_id": o["member"].id,
        "token": "forged-token", "secret": "forged-secret", "ref": "forged-ref", "code": "000000",
        "guest_id": o["guest"].id,
        "name": "nothing.eml", "filename": "app.css",
    }
