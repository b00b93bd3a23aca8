"""``/queries``: the saved-query library; ``/queries/{name}``: one query as a form.

The form is built from the query's typed parameters (queries/params.py): a
category is a choice among the schema's, a boolean a yes/no, the others text
with the type's hint and the header's example. Submitting it is a GET, so the
answer's address holds the whole question. The query runs where ``dualtrace
queries run`` would run it (its Python twin on the workspace, its own Cypher on
Neo4j), its ``limit`` capped at :data:`MAX_LIMIT`; the page shows the rows with
numbered citations, and the Cypher with ``:param`` lines to paste into Neo4j
Browser. The CSV and JSON downloads are ``queries run --format csv|json``'s.
"""

from __future__ import annotations

import difflib
import re
import threading
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from dualtrace.graph.errors import NotFound
from dualtrace.queries.library import SavedQuery, builtin_folder, load_library, user_folders
from dualtrace.queries.params import TYPE_DOCS, ParameterError
from dualtrace.queries.runner import Result, run_embedded, run_neo4j
from dualtrace.render.neo4j_export import cypher_value
from dualtrace.render.rows import CITATION_COLUMNS, citation_ids, render_rows
from dualtrace.web.asking import fmt, paginate
from dualtrace.web.views import Citations, cell, current, download, entity_url, page, pager

MAX_LIMIT = 5000  # rows a saved query may return to the explorer
ENTITY_ID = re.compile(r"^[a-z]+:\S+$")


class Library:
    """The saved queries, read again when a ``.cypher`` file is added, changed or removed
    (reading them all takes about 60 ms; looking at the files' dates, well under one)."""

    def __init__(self, extra: tuple[Path, ...] = ()):
        self.extra = extra
        self._stamp: tuple[tuple[str, int, int], ...] | None = None
        self._queries: dict[str, SavedQuery] = {}
        self._lock = threading.Lock()

    def _files(self) -> tuple[tuple[str, int, int], ...]:
        found = []
        for folder in [builtin_folder(), *user_folders(self.extra)]:
            for path in sorted(folder.glob("*.cypher")):
                info = path.stat()
                found.append((str(path), info.st_mtime_ns, info.st_size))
        return tuple(found)

    def current(self) -> dict[str, SavedQuery]:
        stamp = self._files()
        with self._lock:
            if stamp != self._stamp:
                self._queries = load_library(self.extra)
                self._stamp = stamp
            return self._queries


def _library(request: Request) -> dict[str, SavedQuery]:
    return request.app.state.library.current()


def queries_list(request: Request) -> Response:
    current(request)
    return page(request, "queries.html", {"library": list(_library(request).values())})


def _text(value: Any) -> str:
    """A value as one would type it in the form: ``reported,confirmed``, ``false``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


def _fields(query: SavedQuery, given: dict[str, str], categories: tuple[str, ...]) -> list[dict[str, Any]]:
    fields = []
    for param in query.params.values():
        options: list[str] | None = None
        if param.type == "category":
            options = list(categories)
        elif param.type == "boolean":
            options = ["true", "false"]
        example = "" if param.example is None else _text(param.example)
        default = "" if param.required or param.default is None else _text(param.default)
        fields.append({"name": param.name, "type": param.type, "hint": TYPE_DOCS[param.type], "doc": param.doc,
                       "required": param.required, "value": given.get(param.name, ""), "example": example,
                       "default": default, "options": options})  # fmt: skip
    return fields


def _cap(query: SavedQuery, given: dict[str, str]) -> int | None:
    """Cap ``limit`` at :data:`MAX_LIMIT`; returns the cap when it was applied."""
    raw = given.get("limit", "").strip()
    if "limit" in query.params and raw.startswith("-"):
        raise ParameterError(f"{query.name}: parameter limit must be 0 or more")
    if "limit" in query.params and re.fullmatch(r"\+?\d{1,1000}", raw) and int(raw) > MAX_LIMIT:
        given["limit"] = str(MAX_LIMIT)
        return MAX_LIMIT
    if "limit" in query.params and not raw and (query.params["limit"].default or 0) > MAX_LIMIT:
        given["limit"] = str(MAX_LIMIT)
        return MAX_LIMIT
    return None


def _run(request: Request, query: SavedQuery, given: dict[str, str]) -> Result:
    graph = current(request)
    if graph.engine == "neo4j":
        return run_neo4j(query, graph.store, given)
    return run_embedded(query, graph.store, given)


def _cell(value: Any, column: str, cite: Citations) -> dict[str, Any]:
    """A cell for the page: citation numbers (per hop when the value is a list per hop), or
    text whose entity ids link to their pages."""
    if column in CITATION_COLUMNS:
        if isinstance(value, list) and value and isinstance(value[0], list):
            return {"marks": [cite.marks(citation_ids(group)) for group in value]}
        return {"marks": [cite.marks(citation_ids(value))]}
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return {"parts": [{"text": v, "url": entity_url(v) if ENTITY_ID.match(v) else ""} for v in value]}
    text = cell(value)
    return {"parts": [{"text": text, "url": entity_url(text) if ENTITY_ID.match(text) else ""}]}


def _cypher(query: SavedQuery, params: dict[str, Any]) -> str:
    lines = [f":param {name} => {cypher_value(value)};" for name, value in params.items()]
    return "\n".join([*lines, query.body.rstrip()])


def query_page(request: Request) -> Response:
    name = request.path_params["name"][:100]
    library = _library(request)
    graph = current(request)
    if name not in library:
        close = difflib.get_close_matches(name, list(library), n=5, cutoff=0.4)
        raise NotFound("saved query", name, [(n, library[n].question) for n in close])
    query = library[name]
    given = {k: v.strip() for k, v in request.query_params.items() if k in query.params and v.strip()}
    wanted = fmt(request)
    categories = graph.store.schema.enum_values("Product", "category")
    context: dict[str, Any] = {"query": query, "capped": None, "error": "", "result": None,
                               "cypher": _cypher(query, query.example_params())}  # fmt: skip
    try:
        context["capped"] = _cap(query, given)
        context["fields"] = _fields(query, given, categories)
        if "run" not in request.query_params and wanted == "html":
            return page(request, "query.html", context)  # the form, filled with what the address gives
        result = _run(request, query, given)
    except ParameterError as exc:
        context.update(error=str(exc), fields=_fields(query, given, categories))
        return page(request, "query.html", context, status=400)
    if wanted != "html":
        return download(render_rows(result.columns, result.rows, wanted), wanted, f"query-{name}")
    cite = Citations(graph.store)
    shown = paginate(request, result.rows)
    rows = [[_cell(row.get(c), c, cite) for c in result.columns] for row in shown.items]
    context.update(result=result, rows=rows, pager=pager(request, shown), sources=cite.listing(),
                   cypher=_cypher(query, result.params))  # fmt: skip
    return page(request, "query.html", context)
