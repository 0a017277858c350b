"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Every test in this folder is marked ``browser``. Without /usr/bin/chromium the folder is skipped,
except under CI=true, where a missing browser is a failure (CI must run these tests).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio event loop in the main thread, so Django would refuse
# ORM calls made in the test body (SynchronousOnlyOperation). This is Django's documented switch
# for exactly this case; it only relaxes a safety check, it changes no behaviour.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1280, "height": 800}
TIMEOUT_MS = 10_000
HERE = Path(__file__).resolve().parent


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def pytest_collection_modifyitems(config, items):
    # This hook sees the whole session's items: only touch the ones in this folder.
    missing = not CHROMIUM.exists()
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: browser tests need Debian's chromium package")
    for item in items:
        if HERE in Path(item.fspath).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if missing and not _in_ci():
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        # Only reached under CI=true (otherwise the tests were skipped at collection).
        pytest.fail(f"CI=true but {CHROMIUM} is missing: install Debian's chromium package", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    """A fresh browser profile per test: no cookies, Japanese browser, Japan time."""
    ctx = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", viewport=VIEWPORT)
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("_")


@pytest.fixture
def shot(request, page):
    """shot(step) saves a full-page screenshot to test-results/screenshots/<test>-<step>.png."""
    folder = Path(request.config.rootpath) / "test-results" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    test_name = _safe(request.node.name)

    def take(step: str, target=None) -> Path:
        path = folder / f"{test_name}-{_safe(step)}.png"
        (target or page).screenshot(path=str(path), full_page=True)
        return path

    return take


def login(page, live_server, email: str, password: str) -> None:
    """Log in through the form (labels are translated: find the fields by their names)."""
    page.goto(f"{live_server.url}/login/")
    form = page.locator("main form").filter(has=page.locator('input[name="password"]'))
    form.locator('input[name="username"]').fill(email)
    form.locator('input[name="password"]').fill(password)
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()


def logout(page) -> None:
    """Log out with the button in the header."""
    with page.expect_navigation():
        page.locator('header form[action="/logout/"] button[type="submit"]').click()
