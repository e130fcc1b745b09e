"""Headless Debian chromium driven by Playwright (no browser download)."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("LINLI_REQUIRE_BROWSER"):
            pytest.fail("chromium is not installed (apt-get install chromium)")
        pytest.skip("chromium is not installed; scripts/test installs it when run as root")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
    # test itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="session", autouse=True)
def _one_request_at_a_time_on_sqlite(django_db_setup):
    """On SQLite the test database lives in memory, in one connection that the live server
    shares with the test: two requests at once (a page's fragments, the home page's
    figures) used it from two threads and hung or failed at random. The server answers one
    request at a time there, closing each connection (Django's WSGIServer does when it is
    not threaded); PostgreSQL keeps the threaded server and a connection per thread."""
    from django.core.servers.basehttp import WSGIServer
    from django.db import connection
    from django.test.testcases import LiveServerThread

    if connection.vendor != "sqlite":
        yield
        return

    class SerialServer(WSGIServer):
        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)  # the live-server thread has the overrides

    threaded, LiveServerThread.server_class = LiveServerThread.server_class, SerialServer
    yield
    LiveServerThread.server_class = threaded


@pytest.fixture
def page(browser, live_server, settings, regions):
    settings.LINLI_ENFORCE_2FA = False
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
