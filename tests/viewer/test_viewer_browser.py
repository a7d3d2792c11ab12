"""`lemmata view` in a real browser: headless Chromium (Debian's package) driven by playwright.
Loads each page, clicks from the runs to a run and on to a sample, asserts what is visible, and
saves screenshots in runs/screenshots/ (CI keeps them as artefacts)."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import REPO

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = REPO / "runs" / "screenshots"

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH: apt-get install chromium to run the viewer's browser test")


@pytest.fixture
def browser_page():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install -e '.[dev]'")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            blocked: list[str] = []
            # Self-contained: any request that leaves the viewer is recorded and refused.
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1:")
                       else (blocked.append(route.request.url), route.abort()))
            yield page, blocked
        finally:
            browser.close()


def test_click_from_the_runs_to_a_sample_and_read_it(viewer, viewer_store, browser_page):
    page, blocked = browser_page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(viewer + "/")
    assert page.get_by_role("heading", name="Runs").is_visible()
    assert page.get_by_text("evil-set").is_visible()
    page.screenshot(path=SCREENSHOTS / "runs.png", full_page=True)

    page.get_by_role("link", name=viewer_store.batch_run).click()
    page.wait_for_url(f"**/run/{viewer_store.batch_run}")
    assert page.get_by_role("heading", name=f"Run {viewer_store.batch_run}").is_visible()
    assert page.get_by_text("problems 1–2 of 2").is_visible()
    page.screenshot(path=SCREENSHOTS / "batch-grid.png", full_page=True)
    page.locator("td a.failed").click()
    assert page.get_by_text("failed: model went away").is_visible()
    assert page.get_by_text("<script>alert('x')</script>", exact=False).first.is_visible()  # shown as text
    page.screenshot(path=SCREENSHOTS / "failed-sample.png", full_page=True)

    page.goto(viewer + "/")
    page.get_by_role("link", name=viewer_store.solve_run).click()
    page.locator("table.grid td a").first.click()
    assert page.get_by_role("heading", name="Round 1 · verdict partial · lemmas checked").is_visible()
    assert page.get_by_text("Lemmas added (2)").is_visible()
    assert page.get_by_role("heading", name="Lemma dependency graph").is_visible()
    assert page.locator("math").count() > 3  # TeX drawn as MathML
    page.get_by_text("verifier votes and explanations").first.click()
    assert page.get_by_role("cell", name="pass").first.is_visible()
    assert page.get_by_role("heading", name="Loop 1 · 4/4 votes · passed · answer 2").is_visible()
    page.screenshot(path=SCREENSHOTS / "solve-sample.png", full_page=True)
    assert blocked == []
