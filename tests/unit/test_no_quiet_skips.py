"""Tests must not skip themselves because a feature seems missing: a renamed route would turn them into quiet
skips. Only the environment may skip a test (no Chromium, no PostgreSQL, a PostgreSQL-only test on SQLite)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
#: the only places that may skip: what the machine lacks, said in the skip
ENVIRONMENT_SKIPS = {"conftest.py", "browser/conftest.py"}


def _skips(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "skip"
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "pytest"]


def test_only_the_environment_skips_a_test():
    found = [f"{path.relative_to(TESTS)}:{line}" for path in sorted(TESTS.rglob("*.py"))
             if str(path.relative_to(TESTS)) not in ENVIRONMENT_SKIPS for line in _skips(path)]
    assert found == [], "fail (pytest.fail / assert) instead of skipping when something the test needs is missing"
