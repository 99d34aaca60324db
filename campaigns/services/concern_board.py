"""Reading concerns: the board (filters, search, sort by support), what each person may see of a concern,
similar concerns, and the CSV export.

What a viewer sees is decided here, in `present()`: there is no author field for anyone. The author gets
`raised_by_you`; a worker who acted for a client, and that client, see that record of each other; below k,
everyone but the author gets no count (`support_count` None, `support_count_hidden` True).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import case, func
from sqlmodel import Session, col, or_, select

from campaigns.domain import rules_concerns as rules
from campaigns.domain.model import (
    Campaign,
    CampaignConcern,
    Concern,
    ConcernCategory,
    ConcernSupport,
    Organisation,
    User,
)
from campaigns.domain.rules import visible_count
from campaigns.services import policy

SORTS = ("newest", "support")


def board_query(org: Organisation, *, category: str | None = None, status: str | None = None,
                q: str | None = None, sort: str = "newest", raised_by: User | None = None):
    """A select() of the organisation's concerns, filtered and sorted; merged ones only when asked for.

    Sorting by support orders by count only among concerns at or above k; those below k follow, newest first,
    so the order reveals nothing a hidden count would not.
    """
    query = select(Concern).where(Concern.org_id == org.id)
    query = query.where(Concern.status == status) if status else query.where(Concern.status != "merged")
    if category:
        query = query.where(col(Concern.id).in_(
            select(ConcernCategory.concern_id).where(ConcernCategory.category == category)))
    if q and q.strip():
        needle = q.strip().lower()
        query = query.where(or_(func.lower(Concern.title).contains(needle, autoescape=True),
                                func.lower(Concern.description).contains(needle, autoescape=True)))
    if raised_by is not None:  # "my concerns": only ever the caller's own
        query = query.where(Concern.author_id == raised_by.id)
    if sort == "support":
        k = org.share_threshold
        at_k = col(Concern.support_count) >= k
        query = query.order_by(case((at_k, 0), else_=1), case((at_k, Concern.support_count), else_=0).desc())
    return query.order_by(col(Concern.created_at).desc(), col(Concern.id).desc())


def categories_of(session: Session, ids: Iterable[int]) -> dict[int, list[str]]:
    """Each concern's categories, in the order forms show them."""
    ids = list(ids)
    found: dict[int, list[str]] = defaultdict(list)
    if ids:
        rows = session.exec(select(ConcernCategory).where(col(ConcernCategory.concern_id).in_(ids)))
        for row in rows:
            found[row.concern_id].append(row.category)
    order = list(rules.CATEGORIES)
    return {i: sorted(found[i], key=order.index) for i in ids}


def present_many(session: Session, concerns: list[Concern], viewer: User | None, org: Organisation) -> list[dict]:
    """What `viewer` may see of each concern, as plain dicts (the API's ConcernOut and the pages use them)."""
    ids = [c.id for c in concerns]
    categories = categories_of(session, ids)
    mine, for_clients = _supports_seen_by(session, ids, viewer)
    names = _names(session, {c.on_behalf_by_id for c in concerns if viewer and c.author_id == viewer.id}
                   | {c.author_id for c in concerns if viewer and c.on_behalf_by_id == viewer.id}
                   | {s.on_behalf_by_id for s in mine.values()}
                   | {s.user_id for rows in for_clients.values() for s in rows})
    return [_present(c, viewer, org.share_threshold, categories[c.id], mine.get(c.id),
                     for_clients.get(c.id, []), names) for c in concerns]  # type: ignore[index]


def present(session: Session, concern: Concern, viewer: User | None) -> dict:
    """What `viewer` may see of one concern."""
    org = session.get(Organisation, concern.org_id)
    return present_many(session, [concern], viewer, org)[0]  # type: ignore[arg-type]


def _present(concern: Concern, viewer: User | None, k: int, categories: list[str],
             my_support: ConcernSupport | None, supported_for: list[ConcernSupport],
             names: dict[int | None, str]) -> dict:
    is_author = viewer is not None and concern.author_id == viewer.id
    count = visible_count(concern.support_count, k, is_author=is_author)
    data = {
        "id": concern.id, "org_id": concern.org_id, "title": concern.title, "description": concern.description,
        "categories": categories, "tags": list(concern.tags), "status": concern.status,
        "is_shared": concern.shared_at is not None, "shared_at": concern.shared_at,
        "created_at": concern.created_at, "merged_into_id": concern.merged_into_id,
        "support_count": count, "support_count_hidden": count is None, "threshold": k,
        "raised_by_you": is_author, "supported_by_you": my_support is not None,
    }
    # the record of who acted for whom: only for that client and that worker, and only when it happened
    if is_author and concern.on_behalf_by_id:
        data["raised_for_you_by"] = names.get(concern.on_behalf_by_id, "")
    if viewer is not None and concern.on_behalf_by_id == viewer.id and not is_author:
        data["you_raised_for"] = names.get(concern.author_id, "")
    # the author's own support came with raising it, which the lines above already tell
    if my_support is not None and my_support.on_behalf_by_id and not is_author:
        data["your_support_recorded_by"] = names.get(my_support.on_behalf_by_id, "")
    supported_for = [s for s in supported_for if s.user_id != concern.author_id]
    if supported_for:
        data["you_supported_for"] = sorted(names.get(s.user_id, "") for s in supported_for)
    return data


def _supports_seen_by(session: Session, ids: list[int], viewer: User | None):
    """The viewer's own supports, and the supports they recorded for clients, by concern."""
    if viewer is None or not ids:
        return {}, {}
    query = select(ConcernSupport).where(col(ConcernSupport.concern_id).in_(ids)).where(
        or_(ConcernSupport.user_id == viewer.id, ConcernSupport.on_behalf_by_id == viewer.id))
    mine: dict[int, ConcernSupport] = {}
    for_clients: dict[int, list[ConcernSupport]] = defaultdict(list)
    for row in session.exec(query):
        if row.user_id == viewer.id:
            mine[row.concern_id] = row
        else:
            for_clients[row.concern_id].append(row)
    return mine, for_clients


def _names(session: Session, ids: set[int | None]) -> dict[int | None, str]:
    ids.discard(None)
    if not ids:
        return {}
    return {u.id: u.display_name for u in session.exec(select(User).where(col(User.id).in_(ids)))}


def similar(session: Session, *, org_id: int, title: str, description: str = "", exclude_id: int | None = None,
            limit: int = 5, language: str = "en") -> list[tuple[Concern, float]]:
    """Concerns of the organisation that read like this text, most alike first: open, shared, or already in a
    campaign (then joining or supporting that campaign beats raising a twin)."""
    if not rules.tokens(f"{title} {description}", language):
        return []
    query = (select(Concern).where(Concern.org_id == org_id, col(Concern.status).in_(rules.SUPPORTABLE))
             .order_by(col(Concern.id).desc()).limit(500))
    scored = [(c, rules.similarity(title, description, c.title, c.description, language))
              for c in session.exec(query) if c.id != exclude_id]
    scored = [pair for pair in scored if pair[1] >= rules.SIMILAR_ENOUGH]
    return sorted(scored, key=lambda pair: (-pair[1], -(pair[0].id or 0)))[:limit]


def campaigns_of(session: Session, concern_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    """Concern id -> the campaigns built on it, as (id, name), for "there is already a campaign about this"."""
    ids = list(concern_ids)
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if ids:
        query = (select(CampaignConcern.concern_id, Campaign.id, Campaign.name)
                 .join(Campaign, col(Campaign.id) == CampaignConcern.campaign_id)
                 .where(col(CampaignConcern.concern_id).in_(ids)).order_by(col(Campaign.id)))
        for concern_id, campaign_id, name in session.exec(query):
            found[concern_id].append((campaign_id, name))
    return dict(found)


def merge_candidates(session: Session, concern: Concern) -> list[Concern]:
    """Concerns this one could be merged into: the organisation's others still taking support."""
    query = (select(Concern).where(Concern.org_id == concern.org_id, Concern.id != concern.id,
                                   col(Concern.status).in_(rules.SUPPORTABLE))
             .order_by(col(Concern.id).desc()).limit(200))
    return list(session.exec(query))


EXPORT_COLUMNS = ["id", "title", "description", "categories", "tags", "status", "supporters", "shared_at",
                  "created_at", "merged_into_id"]


def export_csv(session: Session, *, org: Organisation, actor: User) -> str:
    """The organisation's concerns as CSV (coordinators): no author, no supporters, counts below k hidden."""
    policy.authorize(session, actor, "concern.export", org.id)
    concerns = list(session.exec(select(Concern).where(Concern.org_id == org.id).order_by(col(Concern.id))))
    categories = categories_of(session, [c.id for c in concerns])  # type: ignore[misc]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    k = org.share_threshold
    for c in concerns:
        count = visible_count(c.support_count, k)  # never the author's view: an export is for the group
        writer.writerow([_cell(v) for v in (
            c.id, c.title, c.description, " ".join(categories[c.id]), " ".join(c.tags), c.status,  # type: ignore[index]
            count if count is not None else _("fewer than %(k)s", k=k),
            c.shared_at.isoformat() if c.shared_at else "", c.created_at.isoformat(), c.merged_into_id or "")])
    return out.getvalue()


def _cell(value) -> str:
    text = str(value)
    # spreadsheets run cells starting with these as formulas (CSV injection)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
