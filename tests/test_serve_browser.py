"""The explorer in a real browser, as a newcomer meets it: `dualtrace demo`, then
`dualtrace serve`, then "which vendors reach Zimbabwe, and who says so?" answered in
headless Chromium (Debian's ``chromium``, driven by Playwright as tests/test_browser.py
does): search -> entity -> reach -> vendor -> trace -> map, every request to another
host blocked and recorded, no console error (a Content-Security-Policy violation is
one), screenshots kept in out/test-artefacts/.

``DUALTRACE_SCREENSHOT=1`` also writes the README's picture, docs/explorer.png.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.standin import free_port
from tests.test_browser import ARTEFACTS, CHROMIUM, INK

ROOT = Path(__file__).resolve().parents[1]

if not Path(CHROMIUM).exists():  # pragma: no cover - tests/test_browser.py fails first where it is required
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`dualtrace demo` into a fresh workspace, then `dualtrace serve` on a free port, as
    two real processes; yields (base URL, workspace path)."""
    folder = tmp_path_factory.mktemp("newcomer")
    env = {**os.environ, "DUALTRACE_WORKSPACE": str(folder / "workspace.json")}
    env.pop("NEO4J_URI", None)
    command = [sys.executable, "-m", "dualtrace.cli"]
    demo = subprocess.run([*command, "demo", "--map", str(folder / "map.html")], env=env, capture_output=True,
                          text=True, check=False, cwd=folder)  # fmt: skip
    assert demo.returncode == 0, demo.stderr
    port = free_port()
    server = subprocess.Popen([*command, "serve", "--port", str(port)], env=env, cwd=folder,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(base + "/static/favicon.svg", timeout=1):
                    break
            except OSError:
                if server.poll() is not None:
                    raise AssertionError(server.stdout.read() if server.stdout else "serve exited") from None
                time.sleep(0.1)
        yield base, folder / "workspace.json"
    finally:
        server.terminate()
        server.wait(timeout=10)


def open_page(browser, base: str):
    """A page that may talk to the explorer only: every other request is blocked and recorded."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=base)
    outside: list[str] = []
    errors: list[str] = []

    def guard(route) -> None:
        if route.request.url.startswith(base + "/"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors, outside


def shot(page, name: str, full: bool = False) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / name), full_page=full)


def test_which_vendors_reach_zimbabwe_and_who_says_so(browser, served):
    from dualtrace.graph.store import EmbeddedStore

    base, workspace = served
    page, errors, outside = open_page(browser, base)

    # search: suggestions as one types, then the country's page
    page.goto("/")
    page.fill("#home-search", "zimbab")
    country = page.locator(".suggest-box li", has_text="country:ZW")
    country.wait_for()
    shot(page, "serve-1-search.png")
    country.click()
    page.wait_for_url(f"{base}/entity/country:ZW")
    assert page.inner_text("h1") == "Zimbabwe"
    shot(page, "serve-2-entity.png")

    # entity -> what reaches it: the vendors, and a citation on every hop
    page.click("text=What reaches this country's end users, and who supplies it?")
    page.wait_for_url(re.compile(r"/reach\?to=country%3AZW"))
    assert page.inner_text("h1") == "Which vendors reach Zimbabwe, and who says so?"
    vendors = page.locator("#vendors li").all_inner_texts()
    assert any(v.startswith("CloudWalk Technology Co., Ltd. [") for v in vendors), vendors
    hops = page.locator(".deals .hop")
    assert hops.count() >= 4
    for index in range(hops.count()):
        assert hops.nth(index).locator("sup.cite a").count() >= 1, hops.nth(index).inner_text()
    cited = set(page.eval_on_selector_all("sup.cite a", "as => as.map(a => a.getAttribute('href'))"))
    store = EmbeddedStore.open(workspace)
    for anchor in cited:  # every number lands on a source: its title, publisher, date, and link where it has one
        entry = page.locator(f"li{anchor}")
        source = store.get(entry.locator("a.more").get_attribute("href").removeprefix("/entity/"))
        assert source is not None and entry.inner_text().startswith(f"“{source.props['title']}”, "), anchor
        url = source.props.get("url", "")
        assert entry.locator("a[href^='https://']").count() == (1 if url.startswith("https://") else 0), anchor
    shot(page, "serve-3-reach.png", full=True)
    if os.environ.get("DUALTRACE_SCREENSHOT"):
        page.screenshot(path=str(ROOT / "docs" / "explorer.png"))

    # a vendor -> its page -> where its technology goes, with the map of that answer
    page.locator("#vendors a", has_text="CloudWalk Technology Co., Ltd.").click()
    page.wait_for_url(f"{base}/entity/org:cloudwalk")
    page.click("text=Where does its technology go?")
    page.wait_for_url(re.compile(r"/trace\?from=org%3Acloudwalk"))
    assert "Government of Zimbabwe" in page.inner_text("table.answer")
    frame_element = page.locator(".map iframe")
    frame_element.scroll_into_view_if_needed()
    frame = frame_element.element_handle().content_frame()
    frame.wait_for_function("() => window.dualtraceStableMs !== undefined", timeout=60_000)
    assert frame.evaluate(INK) > 2000, "the map is blank"
    frame.evaluate("id => window.dualtraceChoose(id)", "buyer:zw-government")
    assert frame.inner_text("#panel h2") == "Government of Zimbabwe"
    shot(page, "serve-4-trace-map.png")

    # the map's side panel opens the entity's page in the explorer
    frame.click("#entity-link")
    page.wait_for_url(f"{base}/entity/buyer:zw-government")
    assert page.inner_text("h1") == "Government of Zimbabwe"
    assert errors == [], errors
    assert outside == [], outside


def test_hostile_names_stay_text_in_the_browser_and_an_import_shows_at_once(browser, served):
    from dualtrace.graph.model import Link, Node
    from dualtrace.graph.store import EmbeddedStore

    base, path = served
    store = EmbeddedStore.open(path)
    evil = '<img src=x onerror="window.pwned=1">'
    store.add([Node("org:evil", "Organization", {"name": evil, "country": "CN"})],
              [Link("org:evil", "PARTNER_OF", "org:hikvision", {"sources": ["source:seed-lawfare-2018"],
                                                                 "status": "reported", "note": evil})])  # fmt: skip
    store.save()  # while the server runs: the next request sees it
    page, errors, outside = open_page(browser, base)
    page.goto("/entity/org:evil")
    assert page.inner_text("h1") == evil
    page.fill("header input[name=q]", "window pwned")
    page.locator(".suggest-box li", has_text="org:evil").wait_for()
    page.goto("/search?q=" + evil)
    page.goto("/map?around=org:evil")
    page.wait_for_function("() => window.dualtraceStableMs !== undefined", timeout=60_000)
    page.evaluate("id => window.dualtraceChoose(id)", "org:evil")
    assert page.inner_text("#panel h2") == evil
    assert page.evaluate("() => window.pwned") is None
    assert errors == [] and outside == []
    shot(page, "serve-5-hostile-names.png")
