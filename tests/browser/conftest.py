"""Real-browser journeys: Debian's Chromium driven by Playwright against the app on a real loopback server.

The browser tests run on SQLite only: one backend is enough to prove what users see, and running them on
PostgreSQL too would double the slowest part of the suite for no new information (the services and API tests
already run on both). Each test gets its own migrated SQLite file, its own server thread on a free port and its
own mail folder. The clock runs freely (the root conftest unpins it) unless a journey moves it with `live.travel()`
(the server thread shares it); `live.dispatch()` runs the scheduler's delivery in-process, so a test can read the
nudges it expects in the mail folder or an inbox. live.py holds the server side, journey.py the browser side.

Without Chromium these tests skip with a visible reason; with CAMPAIGNS_REQUIRE_BROWSER=1 (CI) they fail.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from campaigns import create_app
from tests.browser.journey import Journey
from tests.browser.live import LiveApp

CHROMIUM = os.environ.get("CAMPAIGNS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _chromium_missing() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        return f"Chromium is not installed ({CHROMIUM}); `apt-get install chromium` runs the browser journeys"
    try:
        import axe_playwright_python  # noqa: F401
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        return f"{error.name} is not installed; `pip install -e '.[dev]'` runs the browser journeys"
    return None


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run; each person in a journey gets their own context (cookies)."""
    missing = _chromium_missing()
    if missing:
        if os.environ.get("CAMPAIGNS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"CAMPAIGNS_REQUIRE_BROWSER=1 but {missing}", pytrace=False)
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# -- the app on a real server ---------------------------------------------------------------------------------
@pytest.fixture
def live(sqlite_template, tmp_path) -> Iterator[LiveApp]:
    """The app on a fresh migrated SQLite file, served by a threaded werkzeug server on a free loopback port."""
    db_file = tmp_path / "browser.sqlite"
    shutil.copy(sqlite_template, db_file)
    mail = tmp_path / "mail"
    app = create_app("testing", DATABASE_URL=f"sqlite:///{db_file}", MAIL_FOLDER=str(mail),
                     SMS_FOLDER=str(tmp_path / "sms"))
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request drowns a failure's story
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = url  # emailed links must point at this server
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveApp(app=app, url=url, mail_folder=mail)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app.extensions["campaigns.engine"].dispose()


# -- journeys: pages, accessibility, screenshots ---------------------------------------------------------------
@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)  # the journey fixture reads how the test went
    return report


@pytest.fixture
def journey(request, browser, live) -> Iterator[Journey]:
    name = re.sub(r"^test_", "", request.node.name)
    j = Journey(name, browser, live)
    yield j
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        j.photograph_failure()
        j.close()
    else:
        j.finish()
