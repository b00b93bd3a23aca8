"""What every page shares: the templates, numbered citations, chains of hops, downloads.

Why Jinja2 with autoescaping on: every name, note and title on a page comes from
data that other people wrote (a sanctions list, a scraped registry), so every
value is escaped unless a template says otherwise, and none does. URLs from the
data become links only when they are http(s), never ``javascript:``.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable
from importlib import resources
from typing import Any
from urllib.parse import quote

import jinja2
import pandas as pd
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from dualtrace.graph.protocol import Store
from dualtrace.queries.dossier import citations
from dualtrace.render.rows import cell_text
from dualtrace.render.text import Footnotes
from dualtrace.web.asking import Asked, Page, url_with


def entity_url(node_id: Any) -> str:
    """The explorer's page of a node: ``/entity/org:hikvision`` (every other character escaped)."""
    return "/entity/" + quote(str(node_id), safe=":@")


def safe_url(url: Any) -> str:
    """A URL from the data, kept only if it is http(s): nothing else becomes a link."""
    text = str(url or "").strip()
    return text if re.match(r"^https?://", text, re.IGNORECASE) else ""


def _environment() -> jinja2.Environment:
    folder = str(resources.files("dualtrace.web") / "templates")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["entity_url"] = entity_url
    env.filters["safe_url"] = safe_url
    env.filters["timestamp"] = lambda seconds: time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(seconds))
    env.globals["url_with"] = url_with
    return env


TEMPLATES = Jinja2Templates(env=_environment())


def page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    """A page from ``template``; every page also gets the graph it was answered from."""
    graph = request.state.answering if hasattr(request.state, "answering") else None
    return TEMPLATES.TemplateResponse(request, template, {"graph": graph, **context}, status_code=status)


class Citations:
    """The sources cited on one page, numbered in order of first use (as the command line
    numbers them) and listed once at the foot: title, publisher, date, link."""

    def __init__(self, store: Store):
        self.store = store
        self.notes = Footnotes()

    def marks(self, source_ids: Iterable[str] | None) -> list[int]:
        return [self.notes.number(s) for s in source_ids or ()]

    def listing(self) -> list[dict[str, Any]]:
        rows = citations(self.store, self.notes.order).to_dict(orient="records")
        return [{"number": n, **row} for n, row in enumerate(rows, start=1)]


def _dates(since: Any, until: Any) -> str:
    if not since and not until:
        return ""
    return f"since {since or '?'}" + (f" until {until}" if until else "")


def chain(store: Store, hops: list[dict[str, Any]], cite: Citations, asked: Asked | None = None) -> dict[str, Any]:
    """A chain of hops (``hop_details``) in walk order: where it starts, then each hop with
    its relationship, direction, status, dates, note, citation numbers and where it arrives."""
    if not hops:
        return {"start": None, "hops": []}
    first = hops[0]
    start = first["from"] if first.get("forward", True) else first["to"]
    shown = []
    noted: set[str] = set()  # a deal's note is on each of its links: shown once, as the command line does
    for hop in hops:
        forward = hop.get("forward", True)
        arrive = hop["to"] if forward else hop["from"]
        note = hop.get("note") or ""
        shown.append({
            "rel": hop["rel"], "forward": forward, "status": hop.get("status") or "",
            "dates": _dates(hop.get("since"), hop.get("until")), "note": "" if note in noted else note,
            "undated": bool(asked and asked.as_of and not hop.get("since")),
            "marks": cite.marks(hop.get("sources")), "arrive": arrive, "arrive_name": store.name_of(arrive),
        })  # fmt: skip
        noted.add(note)
    return {"start": start, "start_name": store.name_of(start), "hops": shown}


def slug(text: str) -> str:
    """A file name's worth of ``text``: ASCII letters, digits and dashes only."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:80] or "result"


def download(body: str, kind: str, name: str) -> Response:
    """A CSV or JSON file to save (its name made safe for the header)."""
    media = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}[kind]
    headers = {"Content-Disposition": f'attachment; filename="dualtrace-{slug(name)}.{kind}"'}
    return Response(body if body.endswith("\n") else body + "\n", media_type=media, headers=headers)


def json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


def cell(value: Any) -> str:
    """A table cell from a saved query's row as text (a missing number blank)."""
    if isinstance(value, float) and pd.isna(value):
        return ""
    return cell_text(value)


def pager(request: Request, shown: Page) -> dict[str, Any]:
    """Links to the previous and next pages, and what is shown."""
    previous = url_with(request, **{shown.param: shown.number - 1}) if shown.number > 1 else ""
    following = url_with(request, **{shown.param: shown.number + 1}) if shown.number < shown.pages else ""
    last = min(shown.first + shown.per_page, shown.total)
    return {"previous": previous, "next": following, "number": shown.number, "pages": shown.pages,
            "from": shown.first + 1 if shown.total else 0, "to": last, "total": shown.total,
            "capped": shown.capped, "per_page": shown.per_page}  # fmt: skip


def current(request: Request) -> Any:
    """The graph this request is answered from, taken once at its start (web/graphs.py)."""
    graph = request.app.state.graphs.current()
    request.state.answering = graph
    return graph
