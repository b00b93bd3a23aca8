"""``/trace``, ``/reach`` and ``/path``: the command line's answers, as pages.

One implementation per question (README, "One question, one answer"): these pages
call :func:`~dualtrace.queries.trace.trace`, :func:`~dualtrace.queries.trace.reach`
and :func:`~dualtrace.queries.paths.path` on the store as of the date asked, exactly
as ``dualtrace trace``, ``reach`` and ``map --path`` do, and their CSV and JSON
downloads are the command line's ``--format csv|json`` output, byte for byte. The
pages only lay the rows out: every hop with its status and numbered citations,
the sources at the foot, and a map of the result (``/map``, same question).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from dualtrace.graph.dates import dated
from dualtrace.queries.paths import NoPath, path
from dualtrace.queries.resolve import resolve
from dualtrace.queries.trace import TECH_KINDS, TraceDeals, hop_details, reach, resolve_end_user
from dualtrace.render.rows import as_csv
from dualtrace.render.text import frame_output
from dualtrace.web.asking import Asked, BadRequest, asked, fmt, paginate, text
from dualtrace.web.views import Citations, chain, current, download, json_text, page, pager

HOP_COLUMNS = ["from", "rel", "to", "forward", "status", "since", "until", "note", "sources"]


def _map_url(question: Asked, **scope: str) -> str:
    return "/map?" + urlencode({**scope, **question.params()})


def trace_page(request: Request) -> Response:
    graph = current(request)
    question = asked(request)
    origin, category = text(request, "from"), text(request, "category")
    if not origin and not category:
        return page(request, "trace.html", {"asked": question, "origin": "", "category": "", "rows": None})
    if origin and category:
        raise BadRequest("Give from= (a vendor or product) or category=, not both.")
    store = dated(graph.store, question.when)
    start = resolve(store, origin, TECH_KINDS, "vendor or product") if origin else None
    deals = TraceDeals(store, start, category=category or None, statuses=question.statuses)
    wanted = fmt(request)
    if wanted != "html":
        return download(frame_output(deals.rows(), wanted), wanted, f"trace-{start or category}")
    cite = Citations(store)
    shown = paginate(request, _RowsOf(deals))
    rows = [{**row, "number": shown.first + i, "chain": chain(store, row["hop_details"], cite, question)}
            for i, row in enumerate(shown.items, start=1)]  # fmt: skip
    subject = store.name_of(start) if start else f"{category.replace('_', ' ')} technology"
    return page(request, "trace.html", {
        "asked": question, "origin": origin, "category": category, "start": start, "subject": subject,
        "rows": rows, "pager": pager(request, shown), "sources": cite.listing(),
        "map_url": _map_url(question, **({"trace": start} if start else {"category": category})),
    })  # fmt: skip


class _RowsOf(Sequence[dict[str, Any]]):
    """A trace's rows as a sequence whose slices are built when taken: a page of a
    vendor with a hundred thousand deals builds its fifty rows, not all of them."""

    def __init__(self, deals: TraceDeals):
        self.deals = deals

    def __len__(self) -> int:
        return self.deals.total

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        first, stop, _ = index.indices(len(self))
        return self.deals.rows(max(0, stop - first), first).to_dict(orient="records")


def _vendors(records: list[dict[str, Any]], deal_numbers: dict[str, int]) -> list[dict[str, Any]]:
    """The organizations upstream of the deals, each with its roles and the deals it is in."""
    vendors: dict[str, dict[str, Any]] = {}
    for row in records:
        if row.get("entity_kind") != "Organization":
            continue
        found = vendors.setdefault(row["entity"], {"id": row["entity"], "name": row["entity_name"], "roles": [],
                                                   "deals": [], "sources": []})  # fmt: skip
        found["sources"] += [s for s in row["sources"] if s not in found["sources"]]
        if row["role"] not in found["roles"]:
            found["roles"].append(row["role"])
        number = deal_numbers[row["transfer"] + "|" + row["end_user"]]
        if number not in found["deals"]:
            found["deals"].append(number)
    return sorted(vendors.values(), key=lambda v: str(v["name"]).lower())


def reach_page(request: Request) -> Response:
    graph = current(request)
    question = asked(request)
    target = text(request, "to")
    if not target:
        return page(request, "reach.html", {"asked": question, "target": "", "deals": None})
    store = dated(graph.store, question.when)
    found = resolve_end_user(store, target)
    result = reach(store, found, statuses=question.statuses)
    wanted = fmt(request)
    if wanted != "html":
        return download(frame_output(result, wanted), wanted, f"reach-{found}")
    records = result.to_dict(orient="records")
    deals: dict[str, dict[str, Any]] = {}  # one entry per deal and end user, in the result's order
    for row in records:
        key = row["transfer"] + "|" + row["end_user"]
        deals.setdefault(key, {**row, "number": len(deals) + 1, "upstream": []})["upstream"].append(row)
    numbers = {key: deal["number"] for key, deal in deals.items()}
    cite = Citations(store)
    vendors = _vendors(records, numbers)
    shown = paginate(request, list(deals.values()))
    for vendor in vendors:  # who says so: every source on its chains; and where each of its deals is
        vendor["marks"] = cite.marks(vendor["sources"])
        vendor["links"] = [(n, (n - 1) // shown.per_page + 1) for n in vendor["deals"]]
    for deal in shown.items:
        deal["rows"] = [{**row, "chain": chain(store, row["hop_details"], cite, question)}
                        for row in deal["upstream"] if row["entity"]]  # fmt: skip
    return page(request, "reach.html", {
        "asked": question, "target": target, "found": found, "subject": store.name_of(found),
        "deals": shown.items, "vendors": vendors, "pager": pager(request, shown), "sources": cite.listing(),
        "map_url": _map_url(question, reach=found),
    })  # fmt: skip


def path_page(request: Request) -> Response:
    graph = current(request)
    question = asked(request)
    start, end = text(request, "from"), text(request, "to")
    if not start or not end:
        return page(request, "path.html", {"asked": question, "start": start, "end": end, "chain": None,
                                           "no_path": ""})  # fmt: skip
    store = dated(graph.store, question.when)
    no_path = ""
    try:
        found = path(store, start, end, question.statuses)
    except NoPath as exc:
        found, no_path = None, str(exc)
    hops = hop_details(found.nodes[0], list(found.links)) if found else []
    wanted = fmt(request)
    if wanted == "json":
        body = {"from": start, "to": end, "nodes": found.nodes if found else [],
                "path": found.describe(store) if found else None, "hops": hops, "no_path": no_path}  # fmt: skip
        return download(json_text(body), "json", f"path-{start}-{end}")
    if wanted == "csv":
        return download(as_csv(HOP_COLUMNS, hops), "csv", f"path-{start}-{end}")
    cite = Citations(store)
    context: dict[str, Any] = {"asked": question, "start": start, "end": end, "chain": None, "no_path": ""}
    if found is None:
        context["no_path"] = no_path
    else:
        context.update(chain=chain(store, hops, cite, question), hops=hops, described=found.describe(store),
                       map_url=_map_url(question, **{"from": found.nodes[0], "to": found.nodes[-1]}))  # fmt: skip
    return page(request, "path.html", {**context, "sources": cite.listing()})
