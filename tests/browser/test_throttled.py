"""The home page on a poor connection (issue 11, "Speed on poor connections").

Chromium's own network emulation (DevTools protocol, Network.emulateNetworkConditions):
400 kbit/s down and up, and LATENCY_MS added to every request, the round trip of a weak
mobile link in a pastoral area. A county user, whose home page draws its charts with
ECharts, opens the home page with an empty cache (cold: ≤ 5 s to the load event, the charts
drawn) and then pages whose static files are cached (warm: ≤ 1 s each).

The static files are served as production serves them: collected with hashed names and
brotli/gzip copies (STORAGES in settings.py, `linli collectstatic_changed`) and sent by
WhiteNoise from STATIC_ROOT with a ten-year max-age. pytest-django's live server sends
/static/ through Django's static handler instead (the source files, uncompressed, short
cache), so this test runs its own server whose every request goes through the middleware.
The figures go to bench/results/throttled-load.json.
"""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections
from django.test.testcases import LiveServerThread

from conftest import OUR_COUNTY, PASSWORD, make_user
from linli.accounts.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KBIT = 400
LATENCY_MS = 150
COLD_TARGET_S, WARM_TARGET_S = 5.0, 1.0
WARM_PAGES = ("/", "/people/", "/visits/", "/visits/rate/")
RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results" / "throttled-load.json"

# What the navigation cost: its timing and every request's bytes on the wire.
TIMING = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const entries = [nav, ...performance.getEntriesByType("resource")];
  return {load: nav.loadEventEnd, dom: nav.domContentLoadedEventEnd,
          charts: document.querySelectorAll("[data-chart]").length,
          drawn: document.querySelectorAll("[data-chart] canvas").length,
          requests: entries.map((e) => ({name: e.name.replace(location.origin, ""),
            transfer: e.transferSize, body: e.encodedBodySize, decoded: e.decodedBodySize,
            start: Math.round(e.startTime), first: Math.round(e.responseStart),
            end: Math.round(e.responseEnd)}))};
}"""


@pytest.fixture
def production_static(settings):
    """The static storage and serving of settings.py (conftest.py gives the tests plain
    files), the collection brought up to date if a static file changed."""
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic_changed")


@pytest.fixture
def server(production_static, transactional_db, regions):
    """A live server without a static handler of its own: WhiteNoise answers /static/."""
    overrides = {conn.alias: conn for conn in connections.all()
                 if conn.vendor == "sqlite" and conn.is_in_memory_db()}
    thread = LiveServerThread("localhost", lambda handler: handler, connections_override=overrides)
    thread.daemon = True
    for conn in overrides.values():
        conn.inc_thread_sharing()
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://localhost:{thread.port}"
    thread.terminate()
    for conn in overrides.values():
        conn.dec_thread_sharing()


def _throttle(page):
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": LATENCY_MS,
        "downloadThroughput": KBIT * 1000 / 8, "uploadThroughput": KBIT * 1000 / 8})
    return cdp


def _open(page, path: str) -> dict:
    page.goto(path, wait_until="load")
    return page.evaluate(TIMING)


def test_the_home_page_loads_in_5_s_cold_and_1_s_warm_at_400_kbits(browser, server):
    make_user("xian", Role.COUNTY_BUREAU, OUR_COUNTY)
    context = browser.new_context(locale="zh-CN", base_url=server)
    page = context.new_page()
    responses = []
    page.on("response", lambda r: responses.append(r) if "/static/" in r.url else None)
    cdp = _throttle(page)

    # a new clerk's first visit: the login page with nothing cached, then the home page
    login = _open(page, "/accounts/login/")
    page.fill("#id_username", "xian")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/")
    page.wait_for_load_state("load")
    first_home = page.evaluate(TIMING)
    # the strict case: the home page itself with an empty cache, every file sent again
    cdp.send("Network.clearBrowserCache")
    responses.clear()
    cold = _open(page, "/")
    assert cold["charts"] >= 2 and cold["drawn"] == cold["charts"]  # the charts are drawn
    static = [r for r in responses if r.status == 200]
    assert len(static) >= 6 and len(static) == len(responses)
    for response in static:
        headers = response.headers
        assert headers.get("content-encoding") in ("br", "gzip"), response.url
        assert "immutable" in headers.get("cache-control", ""), response.url
    # warm: a page opened before (its own files cached too), opened again; the page itself
    # is never cached (no-store), its static files are not even revalidated (immutable)
    warm = {}
    for path in WARM_PAGES:
        _open(page, path)
        warm[path] = _open(page, path)
    context.close()

    def seconds(timing, event="load"):
        return round(timing[event] / 1000, 2)

    def wire(timing):
        return sum(r["transfer"] for r in timing["requests"])

    cold_s, warm_s = seconds(cold), {path: seconds(t) for path, t in warm.items()}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "command": "scripts/test tests/browser/test_throttled.py",
        "network": {"down_kbit_s": KBIT, "up_kbit_s": KBIT, "latency_ms": LATENCY_MS,
                    "emulation": "Chromium DevTools Network.emulateNetworkConditions"},
        "user": "county bureau (城东区): the home page draws three charts",
        "cold_home": {"load_s": cold_s, "dom_content_loaded_s": seconds(cold, "dom"),
                      "target_s": COLD_TARGET_S, "requests": len(cold["requests"]),
                      "bytes_on_wire": wire(cold),
                      "bytes_decoded": sum(r["decoded"] for r in cold["requests"]),
                      "by_request": {r["name"]: r["transfer"] for r in cold["requests"]},
                      "encodings": sorted({r.headers["content-encoding"] for r in static})},
        "first_visit": {"login_page_load_s": seconds(login), "login_bytes_on_wire": wire(login),
                        "sign_in_to_home_load_s": seconds(first_home),
                        "home_bytes_on_wire": wire(first_home)},
        "warm_load_s": warm_s, "warm_target_s": WARM_TARGET_S,
    }, ensure_ascii=False, indent=2) + "\n")

    assert cold_s <= COLD_TARGET_S, f"cold home page {cold_s} s, {wire(cold):,} bytes"
    for path, took in warm_s.items():
        assert took <= WARM_TARGET_S, f"warm {path} {took} s"
    refetched = [(path, r["name"]) for path, t in warm.items() for r in t["requests"][1:]
                 if r["transfer"]]
    assert refetched == []
