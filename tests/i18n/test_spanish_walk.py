"""Every page of the security matrix, opened by each actor in Spanish, holds no English that the catalog translates:
an unmarked word, a label built in Python, a status or code shown raw all read as their English msgid."""

from __future__ import annotations

from sqlmodel import col, select

from campaigns.domain.model import User
from tests.i18n.walk import english_in, visible_texts
from tests.security import matrix
from tests.security.conftest import new_world  # noqa: F401 (the matrix's world, one per test)
from tests.security.matrix_web import WEB
from tests.security.test_matrix import web_keys
from tests.security.world import ACTORS


def _as_spanish(session, built) -> None:
    for user in session.exec(select(User).where(col(User.id).in_([u.id for u in built.users.values()]))):
        user.locale = "es"
    session.commit()


def _visits(app, built, callers):
    """(where, url, actor) of every GET page of the matrix: each actor it answers, and each refusal page once."""
    routes, refusals = web_keys(app), set()
    for key, expected in sorted(WEB.items()):
        if not key.startswith("GET ") or key not in routes or key.startswith("GET api-docs."):  # Swagger UI: not ours
            continue
        expected = matrix.as_row(expected)
        url = matrix.fill(routes[key], built, expected.params)
        for actor, status in zip(ACTORS, expected.statuses, strict=True):
            if status == 200 or status not in refusals | {302, 422}:
                refusals.add(status)
                yield f"{key} as {actor}", url, actor


def test_every_page_reads_in_spanish_for_every_actor(app, session, new_world):  # noqa: F811
    built, callers = new_world()
    _as_spanish(session, built)
    callers.pages["anonymous"].set_cookie("lang", "es")
    found = {}
    for where, url, actor in _visits(app, built, callers):
        response = callers.pages[actor].get(url)
        if response.mimetype == "text/html":
            for text in english_in(visible_texts(response.get_data(as_text=True))):
                found.setdefault(text, where)
        response.close()
    assert not found, "English on Spanish pages:\n" + "\n".join(f"{where}: {text}" for text, where in found.items())
