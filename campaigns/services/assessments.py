"""Assessments: the social context of one or more shared concerns (the Assessment step). They name no client."""

from __future__ import annotations

from collections import defaultdict

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from campaigns.db import transaction
from campaigns.domain import events as ev
from campaigns.domain import rules_concerns as rules
from campaigns.domain.model import Assessment, AssessmentConcern, Concern, Membership, Role, User
from campaigns.domain.text import N_
from campaigns.services import messagebus, policy
from campaigns.services.errors import Invalid, NotFound

#: the parts of an assessment, in the order forms show them
FIELDS = ("affected", "root_causes", "stakeholders", "targets", "notes")
TEXT_MAX = 5000
NAMES_A_CLIENT = N_("Please don't name anyone here: this mentions a client of the group. Describe who is affected "
                  "in general terms, like 'private tenants on the estate'.")


def record(session: Session, *, org_id: int, actor: User, concern_ids: list[int], **texts: str) -> Assessment:
    """Record an assessment of shared concerns (workers and coordinators). Records ConcernAssessed."""
    policy.authorize(session, actor, "assessment.write", org_id)
    parts = _checked_texts(texts)
    ids = list(dict.fromkeys(concern_ids or []))
    if not ids:
        raise Invalid(_("Choose at least one shared concern to assess."), field="concern_ids")
    with transaction(session):
        _check_concerns(session, org_id, ids)
        _refuse_client_names(session, org_id, parts)
        assessment = Assessment(org_id=org_id, created_by_id=actor.id, **parts)
        session.add(assessment)
        session.flush()
        session.add_all([AssessmentConcern(assessment_id=assessment.id, concern_id=i) for i in ids])
        messagebus.record(session, ev.ConcernAssessed(org_id=org_id, subject_id=assessment.id, actor_id=actor.id,
                                                      concern_ids=ids))
    return assessment


def _checked_texts(texts: dict[str, str]) -> dict[str, str]:
    unknown = set(texts) - set(FIELDS)
    if unknown:
        raise Invalid(_("Unknown part of an assessment."), field=sorted(unknown)[0])
    parts = {name: (texts.get(name) or "").strip() for name in FIELDS}
    for name, value in parts.items():
        if len(value) > TEXT_MAX:
            raise Invalid(_("Keep this to %(n)s characters or fewer.", n=TEXT_MAX), field=name)
    if not any(parts.values()):
        raise Invalid(_("Fill in at least one part of the assessment, such as who is affected."), field="affected")
    return parts


def _check_concerns(session: Session, org_id: int, ids: list[int]) -> None:
    concerns = list(session.exec(select(Concern).where(col(Concern.id).in_(ids), Concern.org_id == org_id)))
    if len(concerns) != len(ids):
        raise NotFound()  # another organisation's concern, or none: no existence leak
    if any(c.shared_at is None or c.status not in ("shared", "in_campaign") for c in concerns):
        raise Invalid(_("Only shared concerns can be assessed. Choose concerns marked 'shared'."), field="concern_ids")


def _refuse_client_names(session: Session, org_id: int, parts: dict[str, str]) -> None:
    """A field error for each part that names a client of the group (display name, real name or email)."""
    query = select(User).join(Membership, col(Membership.user_id) == User.id).where(
        Membership.org_id == org_id, Membership.role == Role.client)
    names = [n for u in session.exec(query) for n in (u.display_name, u.real_name, u.email) if n]
    errors = {name: [NAMES_A_CLIENT] for name, text in parts.items() if rules.names_found(text, names)}
    if errors:
        raise Invalid(NAMES_A_CLIENT, errors=errors)


def concern_query(concern_id: int):
    """A select() of a concern's assessments, newest first."""
    return (select(Assessment).join(AssessmentConcern, col(AssessmentConcern.assessment_id) == Assessment.id)
            .where(AssessmentConcern.concern_id == concern_id).order_by(col(Assessment.id).desc()))


def for_concern(session: Session, concern_id: int) -> list[Assessment]:
    """Assessments of a concern, newest first."""
    return list(session.exec(concern_query(concern_id)))


def org_query(org_id: int):
    """A select() of an organisation's assessments, newest first."""
    return select(Assessment).where(Assessment.org_id == org_id).order_by(col(Assessment.id).desc())


def assessment_for(session: Session, user: User | None, assessment_id: int) -> Assessment:
    """An assessment a member of its organisation may read; NotFound for everyone else."""
    assessment = session.get(Assessment, assessment_id)
    if assessment is None:
        raise NotFound()
    policy.authorize(session, user, "org.view", assessment.org_id)
    return assessment


def concern_ids_of(session: Session, assessment_ids: list[int]) -> dict[int, list[int]]:
    """The concerns each assessment covers."""
    found: dict[int, list[int]] = defaultdict(list)
    if assessment_ids:
        rows = session.exec(select(AssessmentConcern).where(col(AssessmentConcern.assessment_id).in_(assessment_ids)))
        for row in rows:
            found[row.assessment_id].append(row.concern_id)
    return {i: sorted(found[i]) for i in assessment_ids}


def assessable(session: Session, org_id: int) -> list[Concern]:
    """The organisation's shared concerns, which an assessment may cover, newest first."""
    query = select(Concern).where(Concern.org_id == org_id, col(Concern.status).in_(("shared", "in_campaign")),
                                  col(Concern.shared_at).is_not(None)).order_by(col(Concern.id).desc())
    return list(session.exec(query))
