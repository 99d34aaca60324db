"""Outbound webhooks: coordinators subscribe endpoints to event types of their organisation.

Deliveries are nudges on the "webhook" channel (one per endpoint and event, keyed by both), planned by a job
that reads the event log by position, so retries with backoff go through the same dispatcher as every nudge.
An endpoint with no successful delivery for FAILING_DAYS is switched off and its coordinators are told.
Payloads carry only the fields listed in DELIVERABLE: never an actor, never a concern's author.
"""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, update
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.db import transaction
from campaigns.domain import rules_progress as rules
from campaigns.domain.model import EventRecord, Membership, Nudge, Organisation, Role, User, WebhookEndpoint
from campaigns.domain.text import N_
from campaigns.nudges import outbox as nudges
from campaigns.nudges.channels.webhook import SECRET_PREFIX
from campaigns.services import audit, policy
from campaigns.services.errors import Invalid, NotFound

#: event type -> the payload fields that may leave the app (ids of campaign, subject and position always go)
DELIVERABLE: dict[str, tuple[str, ...]] = {
    "ConcernRaised": (),  # not even the title: an open concern is not shared yet
    "ConcernBecameShared": ("title",),
    "CampaignLaunched": ("name",),
    "CampaignStageChanged": ("from_stage", "to_stage"),
    "CampaignStalled": ("days",),
    "GoalSet": ("name", "target"),
    "GoalChanged": ("name", "target", "due_on"),
    "GoalMilestoneReached": ("percent",),
    "GoalReached": ("name",),
    "ActionPlanned": ("title", "starts_at"),
    "ActionRescheduled": ("old_starts_at", "new_starts_at"),
    "ActionCancelled": ("title",),
    "TaskCreated": ("title", "capacity"),
    "SignupConfirmed": ("task_id",),
    "SignupCancelled": ("task_id",),
    "ContributionVerified": ("goal_id", "amount"),
    "OutcomeRecorded": ("result",),
}
EVENT_TYPES = tuple(sorted(DELIVERABLE))
FAILING_DAYS = 3
#: how far back (in positions, and in time) the planner looks again for events committed late
LOOKBACK_POSITIONS = 1000
LATE_WINDOW = timedelta(minutes=10)
BATCH = 500
KIND, TEST_KIND, OFF_KIND = "webhook", "webhook_test", "webhook_disabled"


def new_secret() -> str:
    """A signing secret: "whsec_" + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _check(url: str | None, event_types: list[str] | None) -> None:
    if url is not None:
        problem = rules.webhook_url_problem(url, allow_http=current_app.config["ALLOW_HTTP_WEBHOOKS"])
        if problem:
            raise Invalid(problem, field="url")
    if event_types is not None:
        unknown = sorted(set(event_types) - set(DELIVERABLE))
        if unknown:
            raise Invalid(_("These events can't be subscribed to: %(names)s.",
                            names=", ".join(unknown)), field="event_types")
        if not event_types:
            raise Invalid(_("Choose at least one kind of event."), field="event_types")


def _top(session: Session) -> int:
    return session.exec(select(func.max(EventRecord.position))).one() or 0


def endpoints_query(org_id: int):
    return select(WebhookEndpoint).where(WebhookEndpoint.org_id == org_id).order_by(WebhookEndpoint.id)


def get(session: Session, *, user: User | None, endpoint_id: int) -> WebhookEndpoint:
    """An endpoint, if `user` manages webhooks in its organisation; NotFound otherwise."""
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFound()
    policy.authorize(session, user, "webhooks.manage", endpoint.org_id)
    return endpoint


def create(session: Session, *, org_id: int, user: User, url: str,
           event_types: list[str]) -> tuple[WebhookEndpoint, str]:
    """Subscribe an endpoint to event types; returns it and its secret, which is shown only this once."""
    policy.authorize(session, user, "webhooks.manage", org_id)
    _check(url, event_types)
    secret = new_secret()
    with transaction(session):
        endpoint = WebhookEndpoint(org_id=org_id, url=url, secret=secret, event_types=sorted(set(event_types)),
                                   planned_through=_top(session), created_by_id=user.id)
        session.add(endpoint)
        session.flush()
        audit.log(session, "webhook_created", actor_id=user.id, org_id=org_id, target=f"webhook:{endpoint.id}")
    return endpoint, secret


def update_endpoint(session: Session, *, endpoint_id: int, user: User, url: str | None = None,
                    event_types: list[str] | None = None, enabled: bool | None = None) -> WebhookEndpoint:
    """Change an endpoint's address or events, or switch it on or off."""
    endpoint = get(session, user=user, endpoint_id=endpoint_id)
    _check(url, event_types)
    with transaction(session):
        if url is not None:
            endpoint.url = url
        if event_types is not None:
            endpoint.event_types = sorted(set(event_types))
        if enabled is True and not endpoint.enabled:
            # back on: deliver from now, not the backlog of while it was off
            endpoint.enabled, endpoint.failing_since, endpoint.disabled_reason = True, None, None
            endpoint.planned_through = _top(session)
        elif enabled is False and endpoint.enabled:
            _switch_off(session, endpoint, "Switched off by a coordinator.")
        session.add(endpoint)
        audit.log(session, "webhook_changed", actor_id=user.id, org_id=endpoint.org_id,
                  target=f"webhook:{endpoint.id}", enabled=endpoint.enabled)
    return endpoint


def rotate_secret(session: Session, *, endpoint_id: int, user: User) -> tuple[WebhookEndpoint, str]:
    """Replace the signing secret; the new one is shown only this once and signs every later attempt."""
    endpoint = get(session, user=user, endpoint_id=endpoint_id)
    secret = new_secret()
    with transaction(session):
        endpoint.secret = secret
        session.add(endpoint)
        audit.log(session, "webhook_secret_rotated", actor_id=user.id, org_id=endpoint.org_id,
                  target=f"webhook:{endpoint.id}")
    return endpoint, secret


def send_test(session: Session, *, endpoint_id: int, user: User) -> int:
    """Plan a test delivery ("webhook.test") through the dispatcher; it shows in the delivery log."""
    endpoint = get(session, user=user, endpoint_id=endpoint_id)
    if not endpoint.enabled:
        raise Invalid(_("Switch the endpoint on first; nothing is sent to an endpoint that is off."))
    token = secrets.token_hex(6)
    now = clock.now()
    body = {"type": "webhook.test", "timestamp": _iso(now),
            "data": {"endpoint_id": endpoint.id, "message": "A test from Campaigns: your endpoint works."}}
    spec = nudges.NudgeSpec(recipient_id=None, endpoint_id=endpoint.id, kind=TEST_KIND,
                            subject_type="webhook_endpoint", subject_id=endpoint.id, reason=f"{TEST_KIND}:{token}",
                            org_id=endpoint.org_id, channels=("webhook",),
                            payload={"webhook_id": f"msg_test_{endpoint.id}_{token}", "event_type": "webhook.test",
                                     "body": body})
    with transaction(session):
        return nudges.plan(session, spec)


def deliveries(endpoint_id: int):
    """An endpoint's delivery log, newest first (a select to paginate)."""
    return (select(Nudge).where(Nudge.endpoint_id == endpoint_id, Nudge.channel == "webhook")
            .order_by(col(Nudge.id).desc()))


# -- planning deliveries (job) --------------------------------------------------------------------------------
def payload_for(row: EventRecord) -> dict:
    """The JSON body for an event: its type, time and only the fields DELIVERABLE allows."""
    data = {"position": row.position, "org_id": row.org_id, "campaign_id": row.campaign_id,
            "subject": {"type": row.subject_type, "id": row.subject_id}}
    data.update({name: row.payload.get(name) for name in DELIVERABLE[row.type]})
    return {"type": row.type, "timestamp": _iso(row.occurred_at), "data": data}


def webhook_id(endpoint_id: int, position: int) -> str:
    """The idempotency key: the same for every attempt of one event to one endpoint."""
    return f"msg_{endpoint_id}_{position}"


def _spec(endpoint: WebhookEndpoint, row: EventRecord) -> nudges.NudgeSpec:
    return nudges.NudgeSpec(
        recipient_id=None, endpoint_id=endpoint.id, kind=KIND, subject_type="event", subject_id=row.position,
        reason=KIND, org_id=endpoint.org_id, channels=("webhook",),
        payload={"webhook_id": webhook_id(endpoint.id, row.position or 0), "event_type": row.type,
                 "body": payload_for(row)})


def plan_deliveries(session: Session) -> int:
    """Job (every half minute): plan a delivery per enabled endpoint for each new event it subscribed to."""
    ids = session.exec(select(WebhookEndpoint.id).where(col(WebhookEndpoint.enabled).is_(True))).all()
    return sum(_plan_for(session, endpoint_id) for endpoint_id in ids)


def _plan_for(session: Session, endpoint_id: int) -> int:
    with transaction(session):
        endpoint = session.get(WebhookEndpoint, endpoint_id, populate_existing=True)
        if endpoint is None or not endpoint.enabled:
            return 0
        top = _top(session)
        types = [t for t in endpoint.event_types if t in DELIVERABLE]
        base = select(EventRecord).where(EventRecord.org_id == endpoint.org_id, col(EventRecord.type).in_(types))
        fresh = list(session.exec(base.where(col(EventRecord.position) > endpoint.planned_through,
                                             col(EventRecord.position) <= top)
                                  .order_by(EventRecord.position).limit(BATCH))) if types else []
        # PostgreSQL hands out positions before commit, so an event may become visible after a later one:
        # look again a little way back (insert-or-ignore makes that free of duplicates)
        late = list(session.exec(base.where(
            col(EventRecord.position) > endpoint.planned_through - LOOKBACK_POSITIONS,
            col(EventRecord.position) <= endpoint.planned_through,
            EventRecord.occurred_at >= max(endpoint.created_at, clock.now() - LATE_WINDOW))
            .order_by(EventRecord.position).limit(BATCH))) if types else []
        added = nudges.plan_many(session, [_spec(endpoint, row) for row in late + fresh])
        through = fresh[-1].position if len(fresh) == BATCH else top
        session.exec(update(WebhookEndpoint).where(  # type: ignore[call-overload]
            col(WebhookEndpoint.id) == endpoint_id, col(WebhookEndpoint.planned_through) < through)
            .values(planned_through=through))
    return added


# -- failing endpoints (job) -----------------------------------------------------------------------------------
def failing_since(session: Session, endpoint_id: int) -> datetime | None:
    """When the current failing streak began: the earliest delivery still undelivered after failed attempts,
    planned after the endpoint's last success. None if it is healthy."""
    last_ok = session.exec(select(func.max(Nudge.sent_at)).where(
        Nudge.endpoint_id == endpoint_id, Nudge.status == "sent")).one()
    query = select(func.min(Nudge.due_at)).where(
        Nudge.endpoint_id == endpoint_id, col(Nudge.status).in_(["planned", "sending", "failed", "dead"]),
        Nudge.attempts > 0)
    if last_ok is not None:
        query = query.where(Nudge.due_at > last_ok)
    return session.exec(query).one()


def switch_off_failing(session: Session) -> int:
    """Job: note each endpoint's failing streak; switch off those failing for FAILING_DAYS, and say so."""
    ids = session.exec(select(WebhookEndpoint.id).where(col(WebhookEndpoint.enabled).is_(True))).all()
    switched = 0
    for endpoint_id in ids:
        with transaction(session):
            endpoint = session.get(WebhookEndpoint, endpoint_id, populate_existing=True, with_for_update=True)
            if endpoint is None or not endpoint.enabled:
                continue
            since = failing_since(session, endpoint_id)
            endpoint.failing_since = since
            session.add(endpoint)
            if since is not None and clock.now() - since >= timedelta(days=FAILING_DAYS):
                _switch_off(session, endpoint, f"No successful delivery for {FAILING_DAYS} days.")
                _tell_coordinators(session, endpoint, since)
                switched += 1
    return switched


def _switch_off(session: Session, endpoint: WebhookEndpoint, reason: str) -> None:
    endpoint.enabled, endpoint.disabled_reason = False, reason
    session.add(endpoint)
    session.exec(update(Nudge).where(  # type: ignore[call-overload]
        col(Nudge.endpoint_id) == endpoint.id, col(Nudge.status).in_(["planned", "failed"]))
        .values(status="skipped", skip_reason=N_("The endpoint was switched off")))
    audit.log(session, "webhook_switched_off", org_id=endpoint.org_id, target=f"webhook:{endpoint.id}",
              reason=reason)


def _tell_coordinators(session: Session, endpoint: WebhookEndpoint, since: datetime) -> None:
    slug = session.exec(select(Organisation.slug).where(Organisation.id == endpoint.org_id)).one()
    coordinators = session.exec(select(Membership.user_id).where(
        Membership.org_id == endpoint.org_id, Membership.role == Role.coordinator)).all()
    for user_id in coordinators:
        nudges.plan(session, nudges.NudgeSpec(
            recipient_id=user_id, kind=OFF_KIND, subject_type="webhook_endpoint", subject_id=endpoint.id,
            reason=OFF_KIND, org_id=endpoint.org_id, anchor=since, channels=("inapp", "email"),
            payload={"title": "A webhook endpoint was switched off",
                     "body": (f"Deliveries to {endpoint.url} have failed since {since:%d %b %Y}, so it was switched "
                              "off. Check the receiver, then switch it back on from the webhooks page."),
                     "link": f"/o/{slug}/webhooks/{endpoint.id}", "url": endpoint.url}))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
