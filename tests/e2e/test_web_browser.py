"""A supervisor's review in a real browser (Debian's Chromium, driven by Playwright).

Log in as the supervisor of officer OFF-1002's unit, open the queue, open a
camera_off incident's shift timeline, play the footage after the gap, justify the
incident with a comment, and read the result in English, Russian and Kazakh.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.e2e.precinct import PASSWORD, Precinct, running_precinct
from tests.support import ROOT

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def precinct(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Precinct]:
    with running_precinct(Path(tmp_path_factory.mktemp("browser"))) as running:
        yield running


@pytest.fixture
def page(precinct: Precinct) -> Iterator[Page]:
    # A missing browser is a broken test machine, not a reason to skip: scripts/test installs it.
    assert CHROMIUM.is_file(), "install Debian's chromium (apt-get install -y chromium)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            context = browser.new_context(base_url=precinct.base, locale="en-GB")
            yield context.new_page()
            context.close()
        finally:
            browser.close()


def _switch_language(page: Page, code: str) -> None:
    page.select_option("#language", code)
    page.click("#language-submit")
    page.wait_for_load_state()


def test_supervisor_reviews_a_switch_off_in_the_browser(page: Page) -> None:
    page.goto("/incidents")
    assert "/login" in page.url
    page.fill("#username", "sup-p2")
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url("**/incidents")

    rows = page.locator("table.queue tbody tr")
    assert rows.count() == 2
    assert page.locator("tr.sev-high").count() == 2
    assert rows.first.locator(".incident-link").inner_text() == "Camera switched off"
    page.locator(".incident-link").last.click()
    page.wait_for_selector("#shift-timeline")

    timeline = page.locator("#shift-timeline")
    assert timeline.locator("rect.segment").count() == 8
    assert timeline.locator("rect.gap").count() == 2
    assert timeline.locator("rect.incident.focus").count() == 1
    assert timeline.locator("line.event").count() >= 6

    # The footage just after the gap plays: its clock advances.
    page.evaluate(
        "() => { const v = document.querySelector('#clip-2'); v.muted = true; v.play(); }"
    )
    page.wait_for_function(
        "() => document.querySelector('#clip-2').currentTime > 1.0", timeout=15_000
    )
    assert page.evaluate("() => document.querySelector('#clip-2').error") is None
    assert page.evaluate("() => document.querySelector('#clip-1').readyState") >= 1

    page.fill("#comment", "Officer swapped the battery at the car; confirmed by radio log.")
    page.click("#action-justify")
    page.wait_for_selector("#status.status-justified")
    assert page.inner_text("#status") == "Justified"
    assert "confirmed by radio log" in page.inner_text("table.trail")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-incident-en.png"), full_page=True)

    _switch_language(page, "ru")
    assert page.inner_text("#status") == "Обоснован"
    assert "Камера выключена" in page.inner_text("h1")
    assert "Хронология смены" in page.content()
    assert page.locator("html").get_attribute("lang") == "ru"

    _switch_language(page, "kk")
    assert page.inner_text("#status") == "Негізді"
    assert "Камера өшірілді" in page.inner_text("h1")
    assert "Ауысым хронологиясы" in page.content()
    page.screenshot(path=str(ARTIFACTS / "web-incident-kk.png"), full_page=True)

    _switch_language(page, "en")
    page.goto("/incidents?status=justified")
    assert page.locator("table.queue tbody tr").count() == 1
