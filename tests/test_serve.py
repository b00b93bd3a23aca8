"""The web explorer (`dualtrace serve`) through Starlette's test client: every route,
the same answers as the command line, the headers on every response, and the bad
inputs a public page gets (hostile names in the data and in query strings, unknown
ids, huge limits, bad dates, other methods, other hosts). The browser test is
tests/test_serve_browser.py; the load check benchmarks/bench_serve.py."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from dualtrace.cli import main
from dualtrace.graph.model import Link, Node
from dualtrace.graph.store import EmbeddedStore
from dualtrace.web import routes_search
from dualtrace.web.app import LOOPBACK_NAMES, POLICY, create_app, host_name
from dualtrace.web.asking import MAX_PER_PAGE
from dualtrace.web.graphs import WorkspaceGraphs
from dualtrace.web.routes_queries import MAX_LIMIT
from tests.standin import free_port

BASE = "http://127.0.0.1:8765"
EVIL = "<script>alert('pwned')</script>"
EVIL_IMG = '<img src=x onerror="alert(1)">'
SOURCE = "source:seed-lawfare-2018"


@pytest.fixture(scope="module")
def workspace_file(tmp_path_factory, starter) -> Path:
    """The starter dataset plus entities and a source whose text is hostile."""
    path = tmp_path_factory.mktemp("serve") / "workspace.json"
    store = EmbeddedStore(path)
    store.add(starter.nodes(), starter.links(), validate=False)
    store.add(
        [Node("org:evil", "Organization", {"name": EVIL, "country": "CN", "aliases": [EVIL_IMG]}),
         Node("source:evil", "Source", {"title": EVIL, "publisher": EVIL_IMG, "url": "javascript:alert(1)",
                                        "kind": "report"})],
        [Link("org:evil", "PARTNER_OF", "org:hikvision", {"sources": ["source:evil", SOURCE], "status": "reported",
                                                           "note": EVIL_IMG})],
        validate=False,
    )  # fmt: skip
    store.save()
    return path


@pytest.fixture(scope="module")
def client(workspace_file) -> TestClient:
    app = create_app(WorkspaceGraphs(workspace_file), allowed_hosts=LOOPBACK_NAMES)
    return TestClient(app, base_url=BASE)


def cli(workspace_file: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--workspace", str(workspace_file), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


PAGES = [
    "/", "/search?q=zimbabwe", "/suggest?q=hikv", "/entity/org:hikvision", "/entity/list:us-entity-list",
    "/entity/source:fp-ecuador-2018", "/entity/country:ZW", "/trace", "/trace?from=hikvision",
    "/trace?category=facial_recognition", "/reach", "/reach?to=ZW", "/reach?to=buyer:xuar-psb", "/path",
    "/path?from=cloudwalk&to=Government of Zimbabwe", "/map?reach=country:ZW", "/map?trace=org:hikvision",
    "/map?from=nvidia&to=buyer:xuar-psb", "/map?around=dahua", "/queries", "/queries/deals_while_listed",
    "/queries/trace_technology?run=1&entity=org:huawei", "/static/explorer.css", "/static/explorer.js",
    "/static/favicon.svg", "/favicon.ico", "/static/map/vis-network.min.js", "/static/map/map_page.js", "/static/map/map.css",
    "/static/map/vis-network.css", "/trace?from=hikvision&format=csv", "/reach?to=ZW&format=json",
    "/entity/org:hikvision?format=json", "/queries/deals_since?run=1&since=2022&format=csv",
]  # fmt: skip


@pytest.mark.parametrize("url", PAGES)
def test_every_route_answers_with_the_policy_and_no_other_host(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-security-policy"] == POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    if response.headers["content-type"].startswith("text/html"):
        # every script, style, icon and frame comes from the explorer itself; only citations link out
        loaded = re.findall(r'<(?:script|link|iframe|img)\b[^>]*\b(?:src|href)="([^"]*)"', response.text)
        assert all(src.startswith("/") for src in loaded), loaded
        assert re.search(r"<script>(?!\s*$)", response.text) is None, "no inline script"
        assert "<style>" not in response.text, "no inline style"


def test_policy_forbids_everything_from_elsewhere():
    rules = dict(rule.strip().split(" ", 1) for rule in POLICY.split(";"))
    assert rules["default-src"] == "'none'"
    for rule in ("script-src", "style-src", "connect-src", "frame-src"):
        assert rules[rule] == "'self'", rule
    assert "unsafe" not in POLICY and "http" not in POLICY


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("url", ["/", "/entity/org:hikvision", "/trace?from=hikvision", "/queries/deals_since",
                                 "/static/explorer.css", "/static/map/map.css"])  # fmt: skip
def test_nothing_but_get_and_head(client, method, url):
    response = client.request(method, url)
    assert response.status_code == 405
    assert response.headers["content-security-policy"] == POLICY
    assert client.head(url).status_code == 200


def test_only_loopback_host_names_are_answered(workspace_file):
    local = TestClient(create_app(WorkspaceGraphs(workspace_file), allowed_hosts=LOOPBACK_NAMES), base_url=BASE)
    for host in ("127.0.0.1:8765", "localhost:8765", "[::1]:8765", "localhost"):
        assert local.get("/", headers={"host": host}).status_code == 200, host
    for host in ("evil.example", "evil.example:8765", "127.0.0.1.evil.example", ""):
        response = local.get("/", headers={"host": host})
        assert response.status_code == 421, host
        assert response.headers["content-security-policy"] == POLICY
    anywhere = TestClient(create_app(WorkspaceGraphs(workspace_file), allowed_hosts=None), base_url=BASE)
    assert anywhere.get("/", headers={"host": "explorer.newsroom.example"}).status_code == 200
    assert host_name("[::1]:8765") == "::1" and host_name("LOCALHOST:1") == "localhost"


# -- the same answers as the command line ---------------------------------------------


@pytest.mark.parametrize(
    ("url", "args"),
    [
        ("/trace?from=hikvision&format=csv", ["trace", "hikvision", "--format", "csv"]),
        ("/trace?from=hikvision&format=json", ["trace", "hikvision", "--format", "json"]),
        ("/trace?category=facial_recognition&format=csv", ["trace", "--category", "facial_recognition", "--format", "csv"]),
        ("/trace?from=huawei&include_denied=1&format=json", ["trace", "huawei", "--include-denied", "--format", "json"]),
        ("/reach?to=ZW&format=csv", ["reach", "ZW", "--format", "csv"]),
        ("/reach?to=CN&as_of=2019&dated_only=1&format=json", ["reach", "CN", "--as-of", "2019", "--dated-only", "--format", "json"]),
        ("/entity/org:hikvision?format=json", ["show", "org:hikvision", "--format", "json"]),
        ("/entity/org:hikvision?format=json&as_of=2019-10-08", ["show", "org:hikvision", "--format", "json", "--as-of", "2019-10-08"]),
        ("/queries/trace_technology?run=1&entity=org:huawei&format=csv", ["queries", "run", "trace_technology", "-p", "entity=org:huawei", "--format", "csv"]),
        ("/queries/deals_while_listed?run=1&as_of=2023&format=json", ["queries", "run", "deals_while_listed", "-p", "as_of=2023", "--format", "json"]),
    ],
)  # fmt: skip
def test_downloads_are_what_the_command_line_prints(client, workspace_file, url, args):
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith('attachment; filename="dualtrace-')
    assert response.text.rstrip("\n") == cli(workspace_file, *args).rstrip("\n")


def test_path_download_is_the_chain_the_map_command_draws(client, workspace_file):
    found = client.get("/path?from=cloudwalk&to=Government of Zimbabwe&format=json").json()
    printed = CliRunner().invoke(main, ["--workspace", str(workspace_file), "map", "--path", "cloudwalk",
                                        "Government of Zimbabwe", "-o", str(workspace_file.parent / "p.html")])  # fmt: skip
    assert f"Path drawn: {found['path']}" in printed.output
    assert [hop["rel"] for hop in found["hops"]] == ["SUPPLIER_OF", "DELIVERED_TO"]
    rows = list(
        csv.DictReader(io.StringIO(client.get("/path?from=cloudwalk&to=Government of Zimbabwe&format=csv").text))
    )
    assert [r["rel"] for r in rows] == ["SUPPLIER_OF", "DELIVERED_TO"] and all(r["sources"] for r in rows)


def test_no_path_is_said_plainly(client):
    page = client.get("/path?from=org:hikvision&to=country:ZW")
    assert page.status_code == 200 and "a shared country or list entry is not a connection" in page.text
    found = client.get("/path?from=org:hikvision&to=country:ZW&format=json").json()
    assert found["hops"] == [] and found["no_path"].startswith("No chain of reported/confirmed")


# -- what each page shows -------------------------------------------------------------


def test_zimbabwe_reach_names_its_vendors_with_a_citation_on_every_hop(client):
    page = client.get("/reach?to=ZW").text
    assert "Which vendors reach Zimbabwe, and who says so?" in page
    vendors = page[page.index('id="vendors"') : page.index("</section>", page.index('id="vendors"'))]
    assert "CloudWalk Technology Co., Ltd." in vendors and 'class="cite"' in vendors
    hops = re.findall(r'<span class="hop">(.*?)</span>\s*<a', page, re.S)
    assert hops and all('<sup class="cite">[<a href="#source-' in hop for hop in hops)
    numbers = {int(n) for n in re.findall(r'href="#source-(\d+)"', page)}
    listed = {int(n) for n in re.findall(r'<li id="source-(\d+)"', page)}
    assert numbers == listed == set(range(1, len(listed) + 1))
    assert "Zimbabwe govt selects CloudWalk for mass facial recognition project" in page
    assert 'href="/map?reach=country%3AZW"' in page and "<iframe" in page


def test_entity_page_shows_links_with_status_dates_notes_citations_and_denials(client):
    page = client.get("/entity/org:huawei").text
    assert "Huawei Technologies Co., Ltd." in page
    assert 'class="status status-denied"' in page and '<tr class="denied">' in page  # denials shown, marked
    assert "Huawei has repeatedly denied involvement in the region." in page  # the note
    assert re.search(r"since\s+\d{4}", page)
    source = re.search(r'<li id="source-1" value="1">(.*?)</li>', page, re.S)
    assert source and "“" in source.group(1) and 'href="https://' in source.group(1)
    assert 'rel="noopener noreferrer"' in source.group(1)


def test_a_list_shows_its_members_with_their_dates(client):
    page = client.get("/entity/list:us-entity-list").text
    members = page[page.index('id="members"') : page.index("</section>", page.index('id="members"'))]
    assert "Members (39)" in members
    assert re.search(
        r'href="/entity/org:hikvision">Hangzhou Hikvision[^<]*</a></td><td>Organization</td><td>2019-10-09</td>',
        members,
    )
    rows = list(csv.DictReader(io.StringIO(client.get("/entity/list:us-entity-list?format=csv&table=members").text)))
    assert len(rows) == 39 and {"member", "since", "sources"} <= set(rows[0])


def test_a_source_shows_what_it_supports(client):
    page = client.get("/entity/source:fp-ecuador-2018").text
    assert "What this source supports" in page and "ECU 911" in page


def test_as_of_is_part_of_the_address_and_of_the_answer(client):
    before = client.get("/entity/org:hikvision?as_of=2019-10-08").text
    after = client.get("/entity/org:hikvision?as_of=2019-10-10").text
    assert ">Entity List</a>" not in before and ">Entity List</a>" in after
    assert "As of 2019-10-08" in before
    trace = client.get("/trace?from=hikvision&as_of=2016").text
    assert 'href="/map?trace=org%3Ahikvision&amp;as_of=2016"' in trace
    assert 'href="/reach?to=country%3AZW&amp;as_of=2016"' in client.get("/entity/country:ZW?as_of=2016").text


def test_a_name_redirects_to_the_id_and_keeps_the_question(client):
    response = client.get("/entity/Hikvision?as_of=2020", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/entity/org:hikvision?as_of=2020"
    assert client.get("/entity/source:dataset-x%23row 1").status_code == 404  # odd characters in an id


def test_search_groups_results_by_kind_and_suggest_is_json(client):
    page = client.get("/search?q=zimbabwe").text
    assert "<h2>Countries</h2>" in page and "<h2>Government end users</h2>" in page
    assert page.index("<h2>Government end users</h2>") < page.index("<h2>Countries</h2>")
    found = client.get("/suggest?q=hikvison").json()
    assert found[0]["id"] == "org:hikvision" and found[0]["url"] == "/entity/org:hikvision"
    assert client.get("/suggest?q=").json() == []
    assert client.get("/search?q=", follow_redirects=False).status_code == 303


def test_search_results_download_and_the_front_page_questions_answer(client):
    rows = list(csv.DictReader(io.StringIO(client.get("/search?q=zimbabwe&format=csv").text)))
    assert {"country:ZW", "buyer:zw-government"} <= {r["id"] for r in rows}
    assert client.get("/search?q=hikvision&format=json").json()[0] == {
        "id": "org:hikvision", "name": "Hangzhou Hikvision Digital Technology Co., Ltd.", "kind": "Organization",
        "url": "/entity/org:hikvision", "exact": True}  # fmt: skip
    for _question, url in routes_search.EXAMPLES:
        page = client.get(url)
        assert page.status_code == 200 and 'class="empty"' not in page.text, url
        assert 'class="cite"' in page.text or url.startswith("/queries/"), url


def test_pages_of_a_long_answer(client):
    first = client.get("/trace?category=facial_recognition&per_page=5").text
    second = client.get("/trace?category=facial_recognition&per_page=5&page=2").text
    assert "Showing 1–5 of" in first and "Showing 6–10 of" in second
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert 'id="row-6"' in second and 'id="row-5"' not in second
    assert 'href="/trace?category=facial_recognition&amp;per_page=5&amp;page=3"' in second


def test_saved_query_form_is_built_from_its_typed_parameters(client):
    page = client.get("/queries/trace_technology").text
    assert 'name="entity"' in page and "required" in page and 'data-suggest="id"' in page
    assert '<select id="p-dated_only" name="dated_only">' in page  # a boolean is a choice
    assert "MATCH" in page and ":param entity =&gt; &#34;org:huawei&#34;;" in page  # the example's Cypher
    cat = client.get("/queries/trace_category").text
    assert '<option value="facial_recognition">' in cat
    run = client.get("/queries/trace_technology?run=1&entity=org:huawei&statuses=&as_of=").text
    assert "24 rows from the embedded store (Python)." in run
    assert ":param entity =&gt; &#34;org:huawei&#34;;" in run and '<li id="source-1"' in run
    listing = client.get("/queries").text
    assert all(f'href="/queries/{name}"' in listing for name in ("trace_technology", "deals_since", "denied_claims"))


# -- bad input --------------------------------------------------------------------------


def test_hostile_names_in_the_data_stay_text(client):
    for url in ("/entity/org:evil", "/entity/source:evil", "/search?q=script", "/entity/org:hikvision",
                "/map?around=org:evil"):  # fmt: skip
        body = client.get(url).text
        assert "<script>alert" not in body and "<img src=x" not in body, url
        assert 'href="javascript:' not in body, url
    page = client.get("/entity/org:evil").text
    assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;" in page
    assert "\\u003cscript\\u003e" in client.get("/map?around=org:evil").text  # JSON made safe for a script block
    found = client.get("/suggest?q=script alert pwned")  # data for the page's script, which puts it in as text
    assert EVIL in {m["name"] for m in found.json()}
    assert found.headers["content-type"] == "application/json" and found.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "url",
    [
        "/search?q=<script>alert(1)</script>",
        "/trace?from=<script>alert(1)</script>",
        "/reach?to=<img src=x onerror=alert(1)>",
        "/path?from=<script>alert(1)</script>&to=hikvision",
        "/entity/<script>alert(1)</script>",
        "/queries/<script>alert(1)</script>",
        "/queries/deals_since?run=1&since=<script>alert(1)</script>",
        "/trace?from=hikvision&as_of=<script>alert(1)</script>",
        "/nowhere/<script>alert(1)</script>",
    ],
)
def test_hostile_query_strings_are_shown_as_text(client, url):
    response = client.get(url)
    assert response.status_code in (200, 400, 404)
    assert "<script>alert(1)" not in response.text and "<img src=x" not in response.text
    assert response.headers["content-security-policy"] == POLICY


def test_unknown_ids_are_404_pages_with_suggestions_that_ask_again(client):
    page = client.get("/entity/org:hikvison")
    assert page.status_code == 404 and 'href="/entity/org:hikvision"' in page.text
    trace = client.get("/trace?from=hikvison&as_of=2020")
    assert trace.status_code == 404 and 'href="/trace?from=org%3Ahikvision&amp;as_of=2020"' in trace.text
    query = client.get("/queries/deals_while_liste")
    assert query.status_code == 404 and 'href="/queries/deals_while_listed"' in query.text
    assert client.get("/trace?category=facial recogniton").status_code == 404
    entity_param = client.get("/queries/trace_technology?run=1&entity=org:huawe")
    assert entity_param.status_code == 404 and "org:huawei" in entity_param.text
    assert client.get("/nowhere").status_code == 404


def test_huge_limits_are_capped(client):
    page = client.get(f"/trace?category=facial_recognition&per_page={10**12}").text
    assert f"(at most {MAX_PER_PAGE} a page)" in page
    last = client.get(f"/trace?category=facial_recognition&per_page=5&page={10**25}").text
    assert "Showing" in last and 'rel="next"' not in last  # past the end: the last page
    capped = client.get(f"/queries/single_source_links?run=1&limit={10**40}")
    assert capped.status_code == 200 and f"The limit was lowered to {MAX_LIMIT} rows" in capped.text
    assert len(client.get(f"/queries/single_source_links?run=1&limit={10**40}&format=json").json()) <= MAX_LIMIT
    assert len(client.get("/suggest?q=a&limit=100000").json()) <= 20
    long = client.get("/search?q=" + "hikvision " * 5000)
    assert long.status_code == 200


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("/trace?from=hikvision&as_of=2019-13", "expected a date YYYY, YYYY-MM or YYYY-MM-DD"),
        ("/reach?to=ZW&as_of=yesterday", "expected a date"),
        ("/entity/org:hikvision?as_of=2019-02-30x", "expected a date"),
        ("/reach?to=ZW&dated_only=1", "dated_only goes with a date"),
        ("/trace?from=hikvision&page=two", "is not a whole number"),
        ("/trace?from=hikvision&per_page=0", "per_page must be 1 or more"),
        ("/trace?from=hikvision&per_page=-3", "per_page must be 1 or more"),
        ("/trace?from=hikvision&category=cameras", "not both"),
        ("/trace?from=hikvision&format=xml", "choose html, csv or json"),
        ("/queries/deals_since?run=1&since=last week", "must be date"),
        ("/queries/deals_since?run=1&since=2020&as_of=2020-02-31x", "must be as_of"),
        ("/queries/single_source_links?run=1&limit=-1", "limit must be 0 or more"),
        ("/queries/single_source_links?run=1&limit=lots", "must be integer"),
        ("/queries/trace_technology?run=1", "missing parameter entity"),
        ("/map?from=hikvision", "takes both from= and to="),
        ("/map?trace=hikvision&reach=ZW", "Choose one of"),
    ],
)
def test_bad_values_are_400_pages_that_say_what_was_expected(client, url, says):
    response = client.get(url)
    assert response.status_code == 400, response.text[:300]
    assert says in response.text


def test_a_bug_is_a_plain_500_with_the_policy(workspace_file, monkeypatch):
    def broken(request):
        raise RuntimeError("a bug")

    monkeypatch.setattr(routes_search, "_matches", lambda *a: broken(None))
    client = TestClient(create_app(WorkspaceGraphs(workspace_file)), base_url=BASE, raise_server_exceptions=False)
    response = client.get("/search?q=x")
    assert response.status_code == 500 and "Traceback" not in response.text and "a bug" not in response.text
    assert response.headers["content-security-policy"] == POLICY


# -- a running server sees imports ------------------------------------------------------


def _served_copy(tmp_path: Path, starter: EmbeddedStore) -> tuple[Path, EmbeddedStore, TestClient]:
    """A workspace of the test's own holding the starter, and an explorer serving it."""
    path = tmp_path / "workspace.json"
    store = EmbeddedStore(path)
    store.add(starter.nodes(), starter.links(), validate=False)
    store.save()
    return path, store, TestClient(create_app(WorkspaceGraphs(path)), base_url=BASE)


def test_the_next_request_sees_an_import_without_a_restart(tmp_path, starter):
    path, store, client = _served_copy(tmp_path, starter)
    assert client.get("/entity/org:newco").status_code == 404
    store.add([Node("org:newco", "Organization", {"name": "Newco Surveillance Ltd", "country": "GB"})])
    store.save()  # an atomic rename, as every command saves
    assert client.get("/entity/org:newco").status_code == 200
    assert client.get("/suggest?q=newco surveillance").json()[0]["id"] == "org:newco"
    path.write_text("{ half a workspace", encoding="utf-8")  # not how dualtrace writes: a broken file
    page = client.get("/entity/org:newco")
    assert page.status_code == 200 and "cannot be read" in page.text  # the last good graph, and a warning
    assert not list(tmp_path.glob("*.lock")), "a reader takes no lock and writes nothing"


def test_requests_during_saves_see_one_whole_graph_or_the_other(tmp_path, starter):
    _, store, client = _served_copy(tmp_path, starter)
    stop = threading.Event()

    def writer() -> None:
        turn = 0
        while not stop.is_set():
            turn += 1
            store.add([Node("org:flip", "Organization", {"name": f"Flip {turn}", "country": "GB"})])
            store.save()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        statuses = [client.get("/entity/org:hikvision").status_code for _ in range(40)]
    finally:
        stop.set()
        thread.join()
    assert statuses == [200] * 40
    assert client.get("/entity/org:flip").status_code == 200


# -- the command ------------------------------------------------------------------------


def test_serve_command_warns_off_loopback_and_passes_the_host_check(workspace_file, monkeypatch):
    import uvicorn

    ran: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: ran.update(app=app, **kwargs))
    port = str(free_port())
    result = CliRunner().invoke(main, ["--workspace", str(workspace_file), "serve", "--port", port])
    assert result.exit_code == 0 and "Warning" not in result.output
    assert ran["host"] == "127.0.0.1" and "read-only" in result.output
    local = TestClient(ran["app"], base_url=BASE)
    assert local.get("/", headers={"host": "evil.example"}).status_code == 421
    result = CliRunner().invoke(
        main, ["--workspace", str(workspace_file), "serve", "--host", "0.0.0.0", "--port", port]
    )
    assert result.exit_code == 0
    assert "Warning: --host 0.0.0.0 makes the explorer, and with it the whole graph" in result.output
    assert TestClient(ran["app"], base_url=BASE).get("/", headers={"host": "evil.example"}).status_code == 200


def test_serve_command_explains_a_missing_workspace_and_a_busy_port(tmp_path, workspace_file):
    missing = CliRunner().invoke(main, ["--workspace", str(tmp_path / "none.json"), "serve"])
    assert missing.exit_code == 1 and "dualtrace load" in missing.output
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = CliRunner().invoke(main, ["--workspace", str(workspace_file), "serve", "--port", str(port)])
    assert busy.exit_code == 1 and "choose another --port" in busy.output


def test_map_page_loads_its_files_from_the_explorer_and_downloads_whole(client):
    page = client.get("/map?trace=org:hikvision").text
    assert '<script src="/static/map/vis-network.min.js"></script>' in page
    assert '"entity_url": "/entity/"' in page
    offline = client.get("/map?trace=org:hikvision&download=1")
    assert offline.headers["content-disposition"].startswith('attachment; filename="dualtrace-map-')
    assert "<script src=" not in offline.text and "vis.Network" in offline.text  # self-contained
    assert '"entity_url": ""' in offline.text


def test_served_from_neo4j(starter_on_standin):
    from dualtrace.web.graphs import Neo4jGraphs

    client = TestClient(create_app(Neo4jGraphs(starter_on_standin, "bolt://stand-in")), base_url=BASE)
    assert "Neo4j at bolt://stand-in" in client.get("/").text
    assert client.get("/suggest?q=hikvison").json()[0]["id"] == "org:hikvision"
    assert "Members (39)" in client.get("/entity/list:us-entity-list").text
    rows = client.get("/reach?to=ZW&format=json").json()
    assert "org:cloudwalk" in {r["entity"] for r in rows}
    result = client.get("/queries/trace_technology?run=1&entity=org:huawei").text
    assert "24 rows from the neo4j" in result
    data = json.loads(client.get("/queries/trace_technology?run=1&entity=org:huawei&format=json").text)
    assert len(data) == 24
