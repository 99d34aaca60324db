"""A journey: people's browser pages, each page checked with axe-core and photographed as the person sees it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests import factories
from tests.browser.live import LiveApp

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
#: axe impacts that fail a journey (moderate and minor are reported by axe but not gating)
BLOCKING_IMPACTS = {"serious", "critical"}


class Journey:
    """What a journey test uses: people's browser pages, and `seen()` to check and photograph each page.

    Every page a browser lands on must be `seen()` (axe, no console/CSP errors, a screenshot) before the
    browser moves on; the test fails at the end listing any page that was not.
    """

    def __init__(self, name: str, browser, live: LiveApp):
        self.name = name
        self.browser = browser
        self.live = live
        self.folder = ARTIFACTS / name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.contexts: list = []
        self.unchecked: dict = {}  #: page -> the last URL it landed on, until seen
        self.problems: list[str] = []
        self.shots = 0

    def page_for(self, user=None, *, viewport: dict | None = None, locale: str = "en-GB"):
        """A fresh browser page (own cookies), logged in as `user` through the real login form; `locale` is the
        browser's language (its Accept-Language)."""
        context = self.browser.new_context(viewport=viewport or DESKTOP, base_url=self.live.url,
                                           locale=locale, timezone_id="Europe/London")
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("framenavigated", lambda frame: self._landed(page, frame))
        page.on("console", lambda msg: self._console(page, msg))
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: script error {error}"))
        if user is not None:
            self.log_in(page, user)
        return page

    def log_in(self, page, user, password: str = factories.PASSWORD) -> None:
        page.goto("/login")
        self.seen(page, "login")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
        assert "/login" not in page.url, f"{user.email} could not log in: {page.locator('main').inner_text()}"
        self.seen(page, f"after-login-{_slug(user.display_name)}")

    def seen(self, page, name: str, *, axe: bool = True) -> None:
        """The page is as a person sees it: no serious/critical axe violation; photographed."""
        page.wait_for_load_state()
        self.unchecked.pop(page, None)
        self.shots += 1
        page.screenshot(path=str(self.folder / f"{self.shots:02d}-{_slug(name)}.png"), full_page=True)
        if axe:
            assert_accessible(page, name)

    def fits(self, page, name: str) -> None:
        """The page reads on a 375 px phone and a desktop without sideways scrolling."""
        original = page.viewport_size
        for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
            page.set_viewport_size(size)
            overflow = page.evaluate(OVERFLOW_JS)
            self.shots += 1
            page.screenshot(path=str(self.folder / f"{self.shots:02d}-{_slug(name)}-{label}.png"), full_page=True)
            assert not overflow["wider"], (
                f"{name} scrolls sideways at {size['width']} px: page is {overflow['width']} px wide; "
                f"widest elements: {overflow['culprits']}")
        page.set_viewport_size(original)

    def needs(self, *endpoints: str) -> None:
        """Fail, saying what is missing, when a page the journey walks through is gone (a rename must not turn
        the journey into a quiet skip)."""
        missing = [e for e in endpoints if e not in self.live.app.view_functions]
        if missing:
            pytest.fail(f"pages this journey needs are missing: {', '.join(missing)}", pytrace=False)

    def tab_to(self, page, name: str, *, role: str = "button", limit: int = 80):
        """Press Tab until the element named `name` has focus, as a keyboard-only person would; returns it."""
        target = page.get_by_role(role, name=name).first
        for _ in range(limit):
            page.keyboard.press("Tab")
            if target.evaluate("el => el === document.activeElement"):
                return target
        pytest.fail(f"could not reach the {role} {name!r} with the Tab key in {limit} presses", pytrace=False)

    def submit_with_enter(self, page) -> None:
        """Press Enter on the focused control and wait for the page it leads to."""
        with page.expect_navigation():
            page.keyboard.press("Enter")

    def _landed(self, page, frame) -> None:
        if frame == page.main_frame:
            self.unchecked[page] = frame.url

    def _console(self, page, msg) -> None:
        # CSP refusals (inline script or style), missing files and script errors show up here; a page's own
        # 4xx status (a form re-shown with 422, a kind 403) is deliberate, not a problem
        if msg.type != "error":
            return
        if msg.text.startswith("Failed to load resource") and msg.location.get("url") == page.url:
            return
        self.problems.append(f"{page.url}: console error: {msg.text} ({msg.location.get('url')})")

    def photograph_failure(self) -> None:
        """Every open page as it was when the test failed, for the artefacts."""
        for n, context in enumerate(self.contexts):
            for page in context.pages:
                try:
                    page.screenshot(path=str(self.folder / f"failed-{n:02d}.png"), full_page=True)
                except Exception:  # a crashed page must not hide the test's own failure
                    pass

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        self.contexts.clear()

    def finish(self) -> None:
        self.close()
        left = sorted({_path(url) for url in self.unchecked.values() if url and url != "about:blank"})
        assert not left, f"pages visited but not checked with journey.seen(): {left}"
        assert not self.problems, "browser reported problems:\n" + "\n".join(self.problems)


OVERFLOW_JS = """() => {
  const width = document.documentElement.scrollWidth, view = window.innerWidth;
  const culprits = [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > view + 1)
    .slice(0, 5).map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
  return {wider: width > view, width, culprits};
}"""


def assert_accessible(page, name: str) -> None:
    """axe-core finds no serious or critical violation on the page; the failure lists each one readably."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        lines = [f"{len(blocking)} serious/critical accessibility violation(s) on {name} ({_path(page.url)}):"]
        for v in blocking:
            lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
            for node in v["nodes"][:5]:
                lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:160]}")
                if node.get("failureSummary"):
                    lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
        pytest.fail("\n".join(lines), pytrace=False)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def _path(url: str) -> str:
    return urlsplit(url).path or url
