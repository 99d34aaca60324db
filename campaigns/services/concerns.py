"""Concerns: raising one (its author stays confidential), supporting and withdrawing, sharing at k, merging
duplicates and closing.

Confidentiality: `Concern.author_id` never leaves this layer except as `raised_by_you` for the author (see
`concern_board.present`). Events about a concern carry no author and no supporter: `ConcernRaised` has no actor,
and no event is recorded per support, because counting support events would reveal a count below k.

Concurrency: a support locks its concern row, inserts the support insert-or-ignore (UNIQUE concern+user), then
adds one with `support_count = support_count + 1`; the status flips with `UPDATE … WHERE status = 'open' AND
support_count >= k`, so exactly one transaction wins and records ConcernBecameShared.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from campaigns import clock
from campaigns.db import insert_ignore, transaction
from campaigns.domain import events as ev
from campaigns.domain import rules_concerns as rules
from campaigns.domain.model import Concern, ConcernCategory, ConcernSupport, Organisation, User
from campaigns.domain.text import N_
from campaigns.services import consents, messagebus, policy
from campaigns.services.errors import Conflict, Invalid, NotFound

CLOSED = N_("This concern is closed, so it can't take new support.")
MERGED = N_("This concern was merged into another one. Please support that one instead.")


def raise_concern(session: Session, *, org_id: int, actor: User, title: str, categories: list[str],
                  description: str = "", tags: list[str] | None = None,
                  on_behalf_of: int | None = None) -> Concern:
    """Raise a concern; the author's own support counts toward k. Records ConcernRaised with no actor."""
    policy.authorize(session, actor, "concern.raise", org_id)
    title, description, categories, cleaned_tags = _checked(title, description, categories, tags or [])
    with transaction(session):
        author, worker = _acting(session, actor=actor, org_id=org_id, on_behalf_of=on_behalf_of,
                                 scope="raise_concerns")
        worker_id = worker.id if worker else None
        concern = Concern(org_id=org_id, author_id=author.id, on_behalf_by_id=worker_id, title=title,
                          description=description, tags=cleaned_tags, support_count=1)
        session.add(concern)
        session.flush()
        session.add_all([ConcernCategory(concern_id=concern.id, category=c) for c in categories])
        session.add(ConcernSupport(concern_id=concern.id, user_id=author.id, on_behalf_by_id=worker_id))
        # actor_id stays None: the event log feeds activity pages and webhooks, and the author is confidential
        messagebus.record(session, ev.ConcernRaised(org_id=org_id, subject_id=concern.id, title=title))
        session.flush()
        _share_if_ready(session, concern, _threshold(session, org_id))
    session.refresh(concern)
    return concern


def _checked(title: str, description: str, categories: list[str], tags: list[str]):
    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        raise Invalid(_("Give your concern a short title."), field="title")
    if len(title) > rules.TITLE_MAX:
        raise Invalid(_("Keep the title to %(n)s characters or fewer.", n=rules.TITLE_MAX), field="title")
    if len(description) > rules.DESCRIPTION_MAX:
        raise Invalid(_("Keep the description to %(n)s characters or fewer.",
                        n=rules.DESCRIPTION_MAX), field="description")
    problem = rules.category_problem(categories)
    if problem:
        raise Invalid(problem, field="categories")
    cleaned = rules.clean_tags(tags)
    problem = rules.tag_problem(cleaned)
    if problem:
        raise Invalid(problem, field="tags")
    return title, description, list(dict.fromkeys(categories)), cleaned


def _acting(session: Session, *, actor: User, org_id: int, on_behalf_of: int | None,
            scope: str) -> tuple[User, User | None]:
    """(who the act is for, the worker acting for them or None). Acting for a client needs a live consent."""
    if on_behalf_of is None or on_behalf_of == actor.id:
        return actor, None
    client = consents.require_live(session, worker=actor, client_id=on_behalf_of, scope=scope, org_id=org_id)
    return client, actor


def _threshold(session: Session, org_id: int) -> int:
    return session.get(Organisation, org_id).share_threshold  # type: ignore[union-attr]


def concern_for(session: Session, user: User | None, concern_id: int, permission: str = "org.view",
                *, lock: bool = False) -> Concern:
    """The concern if `user` may `permission` in its organisation; NotFound for outsiders and unknown ids."""
    query = select(Concern).where(Concern.id == concern_id).execution_options(populate_existing=True)
    if lock:
        query = query.with_for_update()
    concern = session.exec(query).first()
    if concern is None:
        raise NotFound()
    policy.authorize(session, user, permission, concern.org_id)
    return concern


def _share_if_ready(session: Session, concern: Concern, k: int) -> bool:
    """Flip an open concern to shared once it has k supporters; only the one transaction that flips records it."""
    flipped = session.exec(  # type: ignore[call-overload]
        update(Concern)
        .where(col(Concern.id) == concern.id, col(Concern.status) == "open", col(Concern.support_count) >= k)
        .values(status="shared", shared_at=clock.now())
    ).rowcount
    if flipped:
        messagebus.record(session, ev.ConcernBecameShared(org_id=concern.org_id, subject_id=concern.id,
                                                          title=concern.title))
    return bool(flipped)


def _refuse_if_closed(concern: Concern) -> None:
    if concern.status == "merged":
        raise Conflict(MERGED)
    if concern.status not in rules.SUPPORTABLE:
        raise Conflict(CLOSED)


def support(session: Session, *, concern_id: int, actor: User, on_behalf_of: int | None = None) -> Concern:
    """Support a concern ("this affects me too"), once: again changes nothing. May record ConcernBecameShared."""
    with transaction(session):
        concern = concern_for(session, actor, concern_id, "concern.support", lock=True)
        supporter, worker = _acting(session, actor=actor, org_id=concern.org_id, on_behalf_of=on_behalf_of,
                                    scope="support_concerns")
        _refuse_if_closed(concern)
        added = insert_ignore(session, ConcernSupport.__table__, [{
            "concern_id": concern.id, "user_id": supporter.id, "on_behalf_by_id": worker.id if worker else None,
            "created_at": clock.now(),
        }], unique=["concern_id", "user_id"])
        if added:
            counted = session.exec(  # type: ignore[call-overload]
                update(Concern)
                .where(col(Concern.id) == concern.id, col(Concern.status).in_(rules.SUPPORTABLE))
                .values(support_count=Concern.support_count + 1)
            ).rowcount
            if not counted:  # closed meanwhile: raising rolls the support back too
                raise Conflict(CLOSED)
            _share_if_ready(session, concern, _threshold(session, concern.org_id))
    session.refresh(concern)
    return concern


def withdraw(session: Session, *, concern_id: int, actor: User, on_behalf_of: int | None = None) -> Concern:
    """Withdraw a support; withdrawing one never given changes nothing. Records no event."""
    with transaction(session):
        concern = concern_for(session, actor, concern_id, "concern.support", lock=True)
        supporter, _worker = _acting(session, actor=actor, org_id=concern.org_id, on_behalf_of=on_behalf_of,
                                     scope="support_concerns")
        removed = session.exec(delete(ConcernSupport).where(  # type: ignore[call-overload]
            col(ConcernSupport.concern_id) == concern.id, col(ConcernSupport.user_id) == supporter.id)).rowcount
        if removed:
            # A shared concern stays shared even if support drops below k again: un-sharing would make it
            # flicker on the board, and the moment it was shared is already on record (ConcernBecameShared).
            session.exec(update(Concern).where(col(Concern.id) == concern.id)  # type: ignore[call-overload]
                         .values(support_count=Concern.support_count - 1))
    session.refresh(concern)
    return concern


def close(session: Session, *, concern_id: int, actor: User) -> Concern:
    """Close a concern (coordinators): it stays readable but takes no new support."""
    with transaction(session):
        concern = concern_for(session, actor, concern_id, "concern.close", lock=True)
        if concern.status == "merged":
            raise Conflict(_("This concern was merged into another one; close that one instead."))
        concern.status = "closed"
        session.add(concern)
    return concern


def merge(session: Session, *, concern_id: int, into_id: int, actor: User) -> Concern:
    """Merge a duplicate into another concern (coordinators), uniting supporters without counting anyone twice.

    Records ConcernsMerged, and ConcernBecameShared if the survivor reaches k. Returns the survivor.
    """
    with transaction(session):
        duplicate, survivor = _lock_pair(session, actor, concern_id, into_id)
        if concern_id == into_id:
            raise Invalid(_("Choose a different concern to merge into."), field="into_id")
        if duplicate.status not in rules.LIVE:
            raise Conflict(_("Only open or shared concerns can be merged into another."))
        if survivor.status not in rules.SUPPORTABLE:
            raise Invalid(_("Choose an open or shared concern to merge into."), field="into_id")
        _move_supports(session, duplicate.id, survivor.id)  # type: ignore[arg-type]
        _unite_categories_and_tags(session, duplicate, survivor)
        survivor.support_count = session.exec(
            select(func.count()).select_from(ConcernSupport).where(ConcernSupport.concern_id == survivor.id)).one()
        duplicate.status, duplicate.merged_into_id, duplicate.support_count = "merged", survivor.id, 0
        session.add_all([duplicate, survivor])
        messagebus.record(session, ev.ConcernsMerged(org_id=survivor.org_id, subject_id=survivor.id,
                                                     merged_id=duplicate.id, actor_id=actor.id))
        session.flush()
        _share_if_ready(session, survivor, _threshold(session, survivor.org_id))
    session.refresh(survivor)
    return survivor


def _lock_pair(session: Session, actor: User, concern_id: int, into_id: int) -> tuple[Concern, Concern]:
    # lock both rows in id order, so two merges (or a merge and supports) never wait on each other in a circle
    locked = {i: concern_for(session, actor, i, "concern.merge", lock=True) for i in sorted({concern_id, into_id})}
    duplicate, survivor = locked[concern_id], locked[into_id]
    if duplicate.org_id != survivor.org_id:
        raise NotFound()
    return duplicate, survivor


def _move_supports(session: Session, from_id: int, to_id: int) -> None:
    supports = list(session.exec(select(ConcernSupport).where(ConcernSupport.concern_id == from_id)))
    named = [{"concern_id": to_id, "user_id": s.user_id, "on_behalf_by_id": s.on_behalf_by_id,
              "created_at": s.created_at} for s in supports if s.user_id is not None]
    # a person who supported both keeps their one support on the survivor (UNIQUE concern+user)
    insert_ignore(session, ConcernSupport.__table__, named, unique=["concern_id", "user_id"])
    # supports of erased accounts have no person to match, so each still counts once
    for s in supports:
        if s.user_id is None:
            session.add(ConcernSupport(concern_id=to_id, user_id=None, created_at=s.created_at))
    session.exec(delete(ConcernSupport).where(col(ConcernSupport.concern_id) == from_id))  # type: ignore[call-overload]
    session.flush()


def _unite_categories_and_tags(session: Session, duplicate: Concern, survivor: Concern) -> None:
    categories = session.exec(select(ConcernCategory.category).where(ConcernCategory.concern_id == duplicate.id))
    insert_ignore(session, ConcernCategory.__table__, [{"concern_id": survivor.id, "category": c}
                                                       for c in categories], unique=["concern_id", "category"])
    survivor.tags = rules.clean_tags([*survivor.tags, *duplicate.tags])[:rules.TAGS_MAX]
