"""Every shipped language is complete: each msgid of messages.pot translated, none fuzzy, no placeholder dropped
or invented; and the catalogs compile, at start, into something the app reads."""

from __future__ import annotations

import os
import re

import pytest
from babel.support import Translations

from campaigns import i18n, settings
from tests.i18n.catalogs import TEMPLATE, TRANSLATIONS, ids, read, shipped

PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{(\w*)\}")


def placeholders(text: str) -> set[str]:
    return {m.group(0) for m in PLACEHOLDER.finditer(text.replace("%%", ""))}


def dropped_or_invented(message) -> list[str]:
    """What a translation loses or adds of its msgid's placeholders. A plural's singular may leave out the count
    ("un día"), but every other value must be in every form."""
    if isinstance(message.id, str):
        want, forms = placeholders(message.id), [message.string]
    else:
        want = placeholders(message.id[0]) | placeholders(message.id[1])
        forms = list(message.string)
    problems = []
    for index, form in enumerate(forms):
        got = placeholders(form)
        allowed_missing = {"%(num)s", "%(num)d"} if len(forms) > 1 and index == 0 else set()
        missing, extra = want - got - allowed_missing, got - want
        if missing or extra:
            problems.append(f"{message.id!r} → {form!r}: drops {sorted(missing)}, adds {sorted(extra)}")
    return problems


def test_every_shipped_language_is_offered():
    assert set(shipped()) <= set(settings.Config.LANGUAGES), "a catalog ships for a language people can't choose"


@pytest.mark.parametrize("locale", shipped())
def test_every_msgid_is_translated_and_none_is_fuzzy(locale):
    template, catalog = read(TEMPLATE), read(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", locale)
    missing = sorted(map(str, ids(template) - ids(catalog)))
    assert not missing, f"{locale}: run the README's pybabel update; not in the catalog yet: {missing[:20]}"
    wanted = ids(template)
    untranslated = [m.id for m in catalog if m.id in wanted or (isinstance(m.id, tuple) and tuple(m.id) in wanted)
                    if not (all(m.string) if isinstance(m.string, tuple) else m.string)]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not untranslated, f"{locale}: {len(untranslated)} untranslated, e.g. {untranslated[:10]}"
    assert not fuzzy, f"{locale}: {len(fuzzy)} fuzzy (check and clear the flag), e.g. {fuzzy[:10]}"


@pytest.mark.parametrize("locale", shipped())
def test_no_translation_drops_or_invents_a_placeholder(locale):
    catalog = read(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", locale)
    problems = [p for m in catalog if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)
                for p in dropped_or_invented(m)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("locale", shipped())
def test_babel_s_own_checks_pass_as_pybabel_compile_runs_them(locale):
    """`pybabel compile` reports these and stops; e.g. a "100 % full" msgid reads to Babel as a "% f" format."""
    catalog = read(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", locale)
    problems = [f"{message.id!r}: {', '.join(map(str, errors))}" for message, errors in catalog.check()]
    assert not problems, "\n".join(problems)


def test_the_placeholder_check_catches_a_dropped_one():
    from babel.messages.catalog import Message

    assert dropped_or_invented(Message("Hello %(name)s", "Hola")) == [
        "'Hello %(name)s' → 'Hola': drops ['%(name)s'], adds []"]
    assert dropped_or_invented(Message("Up to {max}.", "Hasta {maximo}.")) != []
    assert dropped_or_invented(Message(("%(num)s day", "%(num)s days"), ("un día", "%(num)s días"))) == []
    assert dropped_or_invented(Message(("%(num)s day at %(t)s", "%(num)s days at %(t)s"),
                                       ("un día", "%(num)s días a las %(t)s"))) != []


def test_catalogs_compile_once_and_again_only_when_their_source_changes(tmp_path):
    first = i18n.compile_catalogs(target=tmp_path)
    assert {p.parent.parent.name for p in first} == set(shipped())
    assert i18n.compile_catalogs(target=tmp_path) == []  # fresh: nothing to do
    po = next(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
    mo = tmp_path / po.relative_to(TRANSLATIONS).with_suffix(".mo")
    os.utime(mo, (po.stat().st_mtime - 10, po.stat().st_mtime - 10))  # older than its source
    assert i18n.compile_catalogs(target=tmp_path) == [mo]
    with mo.open("rb") as handle:
        assert Translations(handle).gettext("Log in") != "Log in"


def test_a_fresh_app_serves_spanish_with_no_build_step(app, client):
    """The app compiled its catalogs at start (they are not in git): a Spanish browser reads Spanish."""
    compiled = [TRANSLATIONS / code / "LC_MESSAGES" / "messages.mo" for code in shipped()]
    assert all(path.exists() for path in compiled)
    page = client.get("/login", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "<html lang=\"es\">" in page and ">Log in<" not in page
