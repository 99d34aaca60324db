"""The built wheel is the app: installed (not editable) into a clean venv, it upgrades a database and serves pages
and the OpenAPI document, and it installs no top-level `config` or `wsgi` module.

The venv reuses this environment's dependencies through a .pth line (no network); the wheel itself is built from a
copy of the sources without build isolation (setuptools and wheel come with the dev extra), so stale build
folders never leak into it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "campaigns", "templates")

SERVE = """
import importlib.util, json, pathlib, sys
import campaigns
from campaigns import create_app, migrations

here = pathlib.Path(campaigns.__file__).resolve()
url = "sqlite:///" + sys.argv[1]
migrations.upgrade(url)
app = create_app("testing", DATABASE_URL=url)
client = app.test_client()
login, document = client.get("/login"), client.get("/api/openapi.json")
print(json.dumps({
    "package": str(here), "prefix": sys.prefix,
    "top_level": {name: importlib.util.find_spec(name) is not None for name in ("config", "wsgi", "templates")},
    "login": [login.status_code, "<form" in login.get_data(as_text=True)],
    "openapi": [document.status_code, len(document.get_json()["paths"])],
    "health": client.get("/healthz").status_code,
}))
"""


def _build_wheel(tmp_path: Path) -> Path:
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path / "dist"), str(source)], check=True, capture_output=True, timeout=300)
    (wheel,) = (tmp_path / "dist").glob("campaigns-*.whl")
    return wheel


def _clean_venv(tmp_path: Path) -> Path:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    # this environment's dependencies, after the venv's own site-packages; a path from a .pth is not itself a
    # site folder, so the editable install's finder in it never runs and the wheel's copy is the one imported
    (Path(purelib) / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def test_the_wheel_ships_the_templates_and_no_top_level_modules(tmp_path):
    names = zipfile.ZipFile(_build_wheel(tmp_path)).namelist()
    templates = {name for name in names if name.startswith("campaigns/templates/")}
    in_repo = {f"campaigns/templates/{path.relative_to(ROOT / 'templates')}" for path in (ROOT / "templates").rglob("*")
               if path.is_file() and path.suffix in (".html", ".txt")}
    assert templates == in_repo and len(templates) > 50
    assert {name.split("/")[0] for name in names} == {"campaigns", "campaigns-0.1.0.dist-info"}
    assert "campaigns/migrations/versions/0001_initial.py" in names


def test_an_installed_wheel_serves_a_page_and_the_openapi_document(tmp_path):
    wheel = _build_wheel(tmp_path)
    python = _clean_venv(tmp_path)
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)], check=True,
                   capture_output=True, timeout=300)
    # -I: no current folder or PYTHONPATH on sys.path, so the repository's campaigns/ cannot be imported instead
    done = subprocess.run([str(python), "-I", "-c", SERVE, str(tmp_path / "app.sqlite")], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert Path(report["package"]).is_relative_to(Path(report["prefix"]).resolve())
    assert report["top_level"] == {"config": False, "wsgi": False, "templates": False}
    assert report["login"] == [200, True]
    assert report["openapi"][0] == 200 and report["openapi"][1] > 50
    assert report["health"] == 200
