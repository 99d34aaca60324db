"""What the translation tests share: the extraction the README documents, and the shipped catalogs."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "campaigns" / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
#: the keywords of the README's `pybabel extract`: gettext's defaults, lazy `_l`, and the domain's `N_`
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3),
            "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2), "N_": None}


def extracted() -> set[str | tuple]:
    """Every msgid the code and templates mark today (singular, or (singular, plural))."""
    with (TRANSLATIONS.parent / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            ROOT, method_map, options_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)):
        found.add(message if isinstance(message, str) else tuple(message[:2]))
    return found


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def ids(catalog: Catalog) -> set[str | tuple]:
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}


def shipped() -> list[str]:
    """Every language with a catalog: each one ships, so each must be complete."""
    return sorted(p.parent.parent.name for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
