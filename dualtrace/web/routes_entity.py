"""``/entity/{id}``: any node, as ``dualtrace show`` gives it (queries/show.py).

Its properties; every link with its status, dates, note and numbered citations
(denials included and marked: a denial is part of the record); a list's members
with their listing dates; a source's facts. A name instead of an id redirects to
the id's page, so every entity page has one address; an unknown id is a 404 page
with the closest names.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dualtrace.graph.dates import dated
from dualtrace.graph.errors import NotFound
from dualtrace.queries.show import LINK_COLUMNS, show
from dualtrace.render.rows import as_csv
from dualtrace.web.asking import MAX_TEXT, asked, fmt, paginate
from dualtrace.web.views import Citations, current, download, entity_url, json_text, page, pager

HIDDEN = ("name", "sources", "records")  # shown elsewhere on the page (the title, the citations)
TABLES = {  # ?table= for the CSV download: which of the page's tables
    "links": LINK_COLUMNS,
    "members": ["member", "name", "kind", "since", "until", "status", "sources"],
    "facts": ["what", "from", "from_name", "rel", "to", "to_name", "status", "since", "until"],
}
QUESTIONS = {  # what a journalist asks next about a node of each kind: (question, page, parameter)
    "Organization": [("Where does its technology go?", "/trace", "from")],
    "Product": [("Where does it go?", "/trace", "from")],
    "GovernmentBuyer": [("What reaches this end user, and who supplies it?", "/reach", "to")],
    "Country": [("What reaches this country's end users, and who supplies it?", "/reach", "to")],
}


def _value(value: Any) -> str:
    return "; ".join(map(str, value)) if isinstance(value, list) else str(value)


def entity(request: Request) -> Response:
    node_id = request.path_params["node_id"][:MAX_TEXT]
    graph = current(request)
    question = asked(request)
    store = dated(graph.store, question.when)
    if not graph.store.has(node_id):
        found = graph.names().find(node_id)
        if len(found) == 1:  # a name, an alias or a title: its page has one address, the id's
            query = f"?{request.url.query}" if request.url.query else ""
            return RedirectResponse(entity_url(found[0]) + query, status_code=303)
        raise NotFound("entity, list or source", node_id, graph.names().suggest(node_id, 8))
    shown = show(store, node_id, graph.names())
    wanted = fmt(request)
    if wanted == "json":
        return download(json_text(shown.as_dict()), "json", node_id)
    if wanted == "csv":
        table = request.query_params.get("table", "links")
        columns = TABLES.get(table, LINK_COLUMNS)
        rows = {"members": shown.members, "facts": shown.supports}.get(table, shown.links)
        return download(as_csv(list(columns), rows), "csv", f"{node_id}-{table}")
    cite = Citations(store)
    node = shown.node
    attested = cite.marks(node.props.get("sources"))
    properties = [(key, _value(value)) for key, value in node.props.items() if key not in HIDDEN]
    members, facts, links = (paginate(request, rows, name) for rows, name in
                             ((shown.members, "members_page"), (shown.supports, "facts_page"),
                              (shown.links, "links_page")))  # fmt: skip
    member_rows = [{**m, "marks": cite.marks(m["sources"])} for m in members.items]
    link_rows = [{**r, "marks": cite.marks(r["sources"])} for r in links.items]
    denied = sum(1 for r in shown.links if r["status"] == "denied")
    return page(request, "entity.html", {
        "node": node, "properties": properties, "attested": attested, "asked": question,
        "questions": [(text, f"{path}?{urlencode({name: node_id, **question.params()})}")
                      for text, path, name in QUESTIONS.get(node.kind, [])],
        "members": member_rows, "members_pager": pager(request, members),
        "facts": facts.items, "facts_pager": pager(request, facts),
        "links": link_rows, "links_pager": pager(request, links), "denied": denied,
        "sources": cite.listing(),
    })  # fmt: skip
