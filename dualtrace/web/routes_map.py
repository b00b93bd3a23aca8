"""``/map``: the offline map's page (render/map.py) of one question's result, and its files.

The part of the graph drawn is chosen by the command line's own
:class:`~dualtrace.cli_options.Scope` (``trace``, ``category``, ``reach``,
``around``, ``from`` and ``to`` for a path; nothing for the whole graph), so
``/map?trace=huawei`` draws what ``dualtrace map --trace huawei`` draws. The
explorer's page loads vis-network and the page's script from ``/static/map/``
(its policy allows no inline script); ``download=1`` gives the self-contained
offline file instead, to keep or publish.
"""

from __future__ import annotations

from functools import lru_cache

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from dualtrace.cli_options import Scope
from dualtrace.graph.dates import dated
from dualtrace.graph.protocol import Store
from dualtrace.render.map import ASSETS, map_asset, map_page
from dualtrace.web.asking import BadRequest, asked, flag, text
from dualtrace.web.views import current, slug

ASSET_PREFIX = "/static/map/"


def _title(store: Store, scope: Scope, as_of: str) -> str:
    """The map's heading: the question, with the names of the entities it names."""

    def name(text: str) -> str:
        return store.name_of(text) if store.has(text) else text

    when = f", as of {as_of}" if as_of else ""
    if scope.path:
        return f"Sourced path: {name(scope.path[0])} to {name(scope.path[1])}{when}"
    for label, value in (("Trace of", scope.trace_of), ("Trace of the category", scope.category),
                         ("What reaches", scope.reach_of), ("Around", scope.around)):  # fmt: skip
        if value:
            return f"{label} {name(value)}{when}"
    return f"The whole graph{when}"


def map_route(request: Request) -> Response:
    graph = current(request)
    question = asked(request)
    start, end = text(request, "from"), text(request, "to")
    if bool(start) != bool(end):
        raise BadRequest("A path's map takes both from= and to=.")
    scope = Scope(
        trace_of=text(request, "trace") or None,
        category=text(request, "category") or None,
        reach_of=text(request, "reach") or None,
        around=text(request, "around") or None,
        path=(start, end) if start and end else None,
        include_denied=question.include_denied,
    )
    store = dated(graph.store, question.when)
    selection = scope.select(store)
    title = _title(store, scope, question.as_of)
    keep = flag(request, "download")
    html = map_page(
        store,
        node_ids=selection.node_ids,
        title=title,
        caption=selection.message,
        linked=None if keep else ASSET_PREFIX,
        entity_url="" if keep else "/entity/",
    )
    if keep:
        headers = {"Content-Disposition": f'attachment; filename="dualtrace-map-{slug(title)}.html"'}
        return HTMLResponse(html, headers=headers)
    return HTMLResponse(html)


@lru_cache(maxsize=len(ASSETS))
def _asset(name: str) -> str:
    return map_asset(name)


def map_file(request: Request) -> Response:
    """``/static/map/{name}``: vis-network (from the pyvis package) and the map page's own files."""
    name = request.path_params["name"]
    if name not in ASSETS:
        return Response("Not found", status_code=404, media_type="text/plain")
    return Response(_asset(name), media_type=ASSETS[name], headers={"Cache-Control": "max-age=3600"})
