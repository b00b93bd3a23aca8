"""The front page, search results by kind, and the suggestions the search box shows.

Search is the name index the command line resolves names with
(:class:`~dualtrace.queries.resolve.NameIndex`): an exact name, alias or id
first, then its fuzzy suggestions, so a misspelt name finds in the browser what
``dualtrace show`` would have suggested.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from dualtrace.render.rows import as_csv
from dualtrace.web.asking import fmt, number, text
from dualtrace.web.views import current, download, entity_url, json_text, page

SUGGESTIONS = 8  # in the search box
RESULTS = 60  # on the results page at most

KIND_TITLES = {
    "Organization": "Organizations",
    "GovernmentBuyer": "Government end users",
    "Country": "Countries",
    "Product": "Products",
    "Transfer": "Deals",
    "Person": "People",
    "List": "Sanctions and control lists",
    "Regime": "Export-control regimes",
    "Source": "Sources",
}

EXAMPLES = [
    ("Which vendors reach Zimbabwe, and who says so?", "/reach?to=ZW"),
    ("Where does Hikvision's technology go?", "/trace?from=org:hikvision"),
    ("Which end users does facial-recognition technology reach?", "/trace?category=facial_recognition"),
    ("How is NVIDIA connected to Xinjiang's public security bureau?", "/path?from=nvidia&to=buyer:xuar-psb"),
    ("Who is on the US Entity List, and since when?", "/entity/list:us-entity-list"),
    ("Which deals were made while a party was listed?", "/queries/deals_while_listed"),
]


def _matches(request: Request, query: str, limit: int) -> list[dict[str, Any]]:
    """Exact matches first, then the closest names; each with its kind and page."""
    graph = current(request)
    index = graph.names()
    found = [(node_id, index.labels.get(node_id, node_id)) for node_id in index.find(query)]
    seen = {node_id for node_id, _ in found}
    found += [(node_id, name) for node_id, name in index.suggest(query, limit) if node_id not in seen]
    kinds = {node_id: graph.store.kind_of(node_id) for node_id, _ in found[:limit]}
    return [{"id": node_id, "name": name, "kind": kinds[node_id], "url": entity_url(node_id), "exact": node_id in seen}
            for node_id, name in found[:limit]]  # fmt: skip


def home(request: Request) -> Response:
    graph = current(request)
    counts = graph.counts()
    kinds = [(KIND_TITLES.get(k, k), counts.get(k, 0)) for k in graph.store.schema.nodes if counts.get(k)]
    links = sum(counts.get(r, 0) for r in graph.store.schema.relationships)
    return page(request, "home.html", {"kinds": kinds, "links": links, "examples": EXAMPLES, "q": ""})


def search(request: Request) -> Response:
    query = text(request, "q")
    if not query:
        return RedirectResponse("/", status_code=303)
    matches = _matches(request, query, RESULTS)
    wanted = fmt(request)
    if wanted == "json":
        return download(json_text(matches), "json", f"search-{query}")
    if wanted == "csv":
        return download(as_csv(["id", "name", "kind", "exact"], matches), "csv", f"search-{query}")
    groups: dict[str, list[dict[str, Any]]] = {}
    for kind, title in KIND_TITLES.items():  # the same order on every page
        rows = [m for m in matches if m["kind"] == kind]
        if rows:
            groups[title] = rows
    return page(request, "search.html", {"q": query, "groups": groups, "total": len(matches)})


def suggest(request: Request) -> Response:
    """``/suggest?q=``: the closest names as JSON, for the search box."""
    query = text(request, "q")
    limit, _ = number(request, "limit", SUGGESTIONS, 1, 20)
    return JSONResponse(_matches(request, query, limit) if query else [])
