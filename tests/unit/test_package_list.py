"""pyproject.toml lists the packages the wheel ships (a finder cannot see the mapped templates/ folder), so a new
package folder must be added there, or the installed app cannot import it (tests/test_packaging.py builds one)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_folder_of_python_code_is_a_listed_package():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {".".join(folder.relative_to(ROOT).parts) for folder in (ROOT / "campaigns").rglob("*")
               if folder.is_dir() and any(folder.glob("*.py"))}
    assert on_disk | {"campaigns", "campaigns.templates"} == listed
