"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

``browser`` is launched once for all browser tests; ``page`` is a fresh context per test, and
``new_page(**context_options)`` opens more (for example ``java_script_enabled=False``).
Every page a test opened is screenshotted to ``<test name>.png`` in the screenshot
directory at the end of the test, pass or fail, so a failure can be seen and not only
read. That directory is ``test-artifacts/screenshots/`` (ignored by git), or
``$FRANKLY_SCREENSHOT_DIR`` when set (CI keeps it as an artifact). ``checkpoint(page,
step)`` screenshots a journey's step and runs axe-core on it.
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 5_000


def screenshot_dir(config) -> Path:
    configured = os.environ.get("FRANKLY_SCREENSHOT_DIR")
    path = Path(configured) if configured else config.rootpath / "test-artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(autouse=True)
def _static_files_without_collectstatic(settings) -> None:
    # The manifest storage of production needs collectstatic; the live server's
    # StaticFilesHandler serves /static/ from the finders, so plain storage is enough.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# Package scope, not session: while Playwright's sync API is up, an asyncio loop counts
# as running in this thread, which breaks asyncio.run() and async_to_sync() in any test
# that pytest-django orders after these. Chromium still launches once for all of them.
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing; run `bash scripts/test-prerequisites` to install it."
        if "CI" in os.environ:
            pytest.fail(f"CI is set, so browser tests must run: {reason}")
        pytest.skip(reason)
    # That same "running" loop makes Django refuse ORM calls from test code, which is
    # plain synchronous code; the standard workaround lifts the guard while the browser is up.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser: Browser, live_server, request) -> Iterator[Callable[..., Page]]:
    contexts = []
    pages: list[Page] = []

    def open_page(**context_options) -> Page:
        context = browser.new_context(base_url=live_server.url, **context_options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        pages.append(page)
        return page

    yield open_page

    artifacts = screenshot_dir(request.config)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    try:
        for number, page in enumerate(pages, start=1):
            suffix = "" if number == 1 else f"-{number}"
            if not page.is_closed():
                page.screenshot(path=artifacts / f"{name}{suffix}.png", full_page=True)
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


@pytest.fixture
def checkpoint(request) -> Callable[[Page, str], None]:
    """Screenshot a journey's step to ``<test>-<nn>-<step>.png`` and check the page with
    axe-core: no serious or critical violations. The page's context needs
    ``bypass_csp=True`` for axe to be injected."""
    from tests.browser.axe import violations

    directory = screenshot_dir(request.config)
    test = re.sub(r"[^\w.-]+", "_", request.node.name)
    steps: list[str] = []

    def check(page: Page, step: str) -> None:
        steps.append(step)
        page.screenshot(path=directory / f"{test}-{len(steps):02d}-{step}.png", full_page=True)
        problems = violations(page)
        assert not problems, (page.url, problems)

    return check
