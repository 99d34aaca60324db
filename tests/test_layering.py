"""Pages and the API are peers: both build on schemas/ and services/, neither imports the other."""

from __future__ import annotations

import ast
from pathlib import Path

import campaigns

PACKAGE = Path(campaigns.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):  # walk, not body: imports inside functions count too
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _importers_of(layer: str, forbidden: str) -> dict[str, list[str]]:
    found = {}
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        bad = sorted(m for m in _imported_modules(path) if m == forbidden or m.startswith(forbidden + "."))
        if bad:
            found[str(path.relative_to(PACKAGE))] = bad
    return found


def test_no_page_module_imports_the_api():
    assert _importers_of("web", "campaigns.api") == {}


def test_no_api_module_imports_the_pages():
    assert _importers_of("api", "campaigns.web") == {}


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "page.py"
    module.write_text("def view():\n    from campaigns.api.sms import MobileIn\n")
    assert "campaigns.api.sms" in _imported_modules(module)


def test_modules_import_at_the_top():
    """A module's imports come before its code, so no import at the bottom of a file quietly adds routes to
    another module's blueprint (web/__init__.py's PAGES_ON names those modules instead)."""
    late = []
    for path in sorted(PACKAGE.rglob("*.py")):
        body = ast.parse(path.read_text(), filename=str(path)).body
        code = [i for i, node in enumerate(body) if isinstance(node, ast.FunctionDef | ast.ClassDef)]
        if code and any(isinstance(node, ast.Import | ast.ImportFrom) for node in body[code[0]:]):
            late.append(str(path.relative_to(PACKAGE)))
    assert late == []
