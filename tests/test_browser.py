"""The map in a real browser: headless Chromium (Debian's ``chromium``) driven by
Playwright, with the network cut off. The page must draw, log no error, request
nothing from any host, and its filters, search, side panel and PNG export must work.
A screenshot is kept in out/test-artefacts/ for a person to look at.

Needs /usr/bin/chromium (``apt-get install chromium``; .ci/run installs it). Where it
is missing the tests are skipped with that reason, unless DUALTRACE_REQUIRE_BROWSER
is set (CI sets it), in which case they fail.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from dualtrace.queries.trace import trace
from dualtrace.render.map import nodes_of_paths, render_map

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTEFACTS = Path(__file__).parent.parent / "out" / "test-artefacts"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip

if not Path(CHROMIUM).exists():
    if os.environ.get("DUALTRACE_REQUIRE_BROWSER"):
        raise RuntimeError(f"DUALTRACE_REQUIRE_BROWSER is set but there is no Chromium at {CHROMIUM}")
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)


def open_map(browser, path: Path):
    """Open ``path`` offline; returns the page, its console errors and every request it made."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    context.set_offline(True)
    page = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    page.wait_for_function("() => window.dualtraceStableMs !== undefined", timeout=60_000)
    return page, errors, requests


INK = """() => {
  const canvas = document.querySelector('#network canvas');
  const ctx = canvas.getContext('2d');
  const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  for (let i = 0; i < pixels.length; i += 4) { if (pixels[i] < 200 || pixels[i + 1] < 200 || pixels[i + 2] < 200) ink++; }
  return ink;
}"""


VISIBLE_POINT = """(id) => { const n = window.dualtraceNetwork;
    const box = n.getBoundingBox(id);
    const r = document.querySelector('#network').getBoundingClientRect();
    for (let i = 0; i <= 6; i++) for (let j = 0; j <= 6; j++) {
        const x = box.left + (box.right - box.left) * (((i + 3) % 7) / 6);
        const y = box.top + (box.bottom - box.top) * (((j + 3) % 7) / 6);
        const p = n.canvasToDOM({x: x, y: y});
        if (n.getNodeAt(p) === id) return {x: p.x + r.left, y: p.y + r.top};
    }
    return null; }"""


def test_trace_map_draws_offline_and_its_controls_work(browser, starter, tmp_path):
    node_ids = nodes_of_paths(trace(starter, None, category="facial_recognition"))
    transfers = sum(1 for node_id in node_ids if starter.kind_of(node_id) == "Transfer")
    path = render_map(starter, tmp_path / "fr.html", node_ids=node_ids, title="Facial recognition <b>trace</b>",
                      credit="Test credit line")  # fmt: skip
    page, errors, requests = open_map(browser, path)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "trace-map.png"))
    assert page.evaluate(INK) > 2000, "the canvas is blank"
    assert errors == []
    assert all(url.startswith(("file://", "data:")) for url in requests), requests
    assert page.inner_text("h1") == "Facial recognition <b>trace</b>"
    assert page.inner_text("#credit") == "Test credit line"
    total = page.inner_text("#shown")

    # filters: a country narrows the map; entity kinds can be switched off
    page.select_option("#country", "ZW")
    narrowed = page.inner_text("#shown")
    assert narrowed != total and narrowed.startswith(("3 of", "4 of", "5 of", "6 of"))
    page.select_option("#country", "")
    page.uncheck("#kinds input[value=Transfer]")
    assert page.inner_text("#shown").startswith(f"{len(node_ids) - transfers} of {len(node_ids)} entities")
    page.check("#kinds input[value=Transfer]")
    assert page.inner_text("#shown") == total

    # search, then the side panel with clickable citations
    page.fill("#search", "cloudwalk tech")
    page.press("#search", "Enter")
    assert page.inner_text("#panel h2") == "CloudWalk Technology Co., Ltd."
    # a real click on a node opens its details too: on a point of the node that no
    # other node covers (found with vis-network's own hit test)
    position = page.evaluate(VISIBLE_POINT, "buyer:zw-government")
    assert position is not None, "the Zimbabwe node is covered by others"
    page.mouse.click(position["x"], position["y"])
    assert page.inner_text("#panel h2") == "Government of Zimbabwe"
    links = page.eval_on_selector_all("#panel a", "as => as.map(a => a.getAttribute('href'))")
    assert links and all(href.startswith("https://") for href in links)

    # PNG export
    with page.expect_download() as download:
        page.click("#png")
    png = tmp_path / "map.png"
    download.value.save_as(png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    assert all(url.startswith(("file://", "data:", "blob:")) for url in requests), requests


def test_names_from_data_stay_text_in_the_browser(browser, starter, tmp_path):
    from dualtrace.graph.model import Link, Node
    from dualtrace.graph.store import EmbeddedStore

    store = EmbeddedStore()
    store.add(starter.nodes(), starter.links(), validate=False)
    names = {"org:evil": "<img src=x onerror=window.pwned=1>", "org:zh": "海康威视", "org:ar": "شركة المراقبة",
             "org:ru": "Зала Аэро"}  # fmt: skip
    store.add([Node(i, "Organization", {"name": n, "country": "CN"}) for i, n in names.items()],
              [Link(i, "PARTNER_OF", "org:hikvision", {"sources": ["source:seed-lawfare-2018"], "status": "reported"})
               for i in names], validate=False)  # fmt: skip
    path = render_map(store, tmp_path / "evil.html", node_ids={*names, "org:hikvision"})
    page, errors, _ = open_map(browser, path)
    assert errors == [] and page.evaluate("() => window.pwned") is None
    for node_id, name in names.items():
        page.evaluate("id => window.dualtraceChoose(id)", node_id)
        assert page.inner_text("#panel h2") == name
    page.screenshot(path=str(ARTEFACTS / "names-map.png"))


def test_the_same_graph_gets_the_same_layout(browser, starter, tmp_path):
    """A map made again (after a correction, say) keeps its layout: the layout is seeded."""
    path = render_map(starter, tmp_path / "all.html", title="Whole graph")
    positions = []
    for _ in range(2):
        page, errors, _ = open_map(browser, path)
        assert errors == []
        positions.append(page.evaluate("() => window.dualtraceNetwork.getPositions()"))
        page.context.close()
    assert len(positions[0]) == sum(1 for n in starter.nodes() if n.kind != "Source")  # sources are citations
    assert positions[0] == positions[1]
