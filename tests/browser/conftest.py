"""Real-browser tests: Playwright driving the system Chromium against a live server.

Skipped (with the reason) only when /usr/bin/chromium is missing; .ci/run installs it.
Screenshots land in tests/screenshots/ (ignored by git) so a person can look at them.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium`")
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page() -> a fresh page (own cookies) with `page.base` = the live server URL."""
    contexts = []

    def make(viewport=None):
        context = browser.new_context(viewport=viewport or {"width": 1366, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.base = live_server.url
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def sign_in(new_page, password):
    """sign_in(user) -> a page signed in through the real sign-in form."""

    def do(user, viewport=None):
        page = new_page(viewport)
        page.goto(page.base + "/accounts/login/")
        page.fill("input[name=login]", user.email)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return do


@pytest.fixture
def screenshot():
    """screenshot(page, "name") saves tests/screenshots/name.png (full page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shoot(page, name):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shoot
