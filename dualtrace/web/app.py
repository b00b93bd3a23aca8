"""The explorer as an ASGI application (Starlette), and what keeps it read-only and local.

- **Read-only**: every route answers GET (and HEAD) only; nothing in it writes the
  workspace or the database, and a reload of a changed workspace reads it without
  even tidying up after an interrupted save (web/graphs.py).
- **Nothing from another host**: every script and style is served by the explorer
  from the package, fonts are the reader's own, and a Content-Security-Policy on
  every response (:data:`POLICY`) forbids the browser to load or send anything
  anywhere else. Citations link out, and the Referrer-Policy keeps the explorer's
  addresses (which hold the questions asked) out of what the linked site learns.
- **Local**: served on loopback by default; a request whose Host header is not a
  loopback name is refused, so a web page the reader visits cannot reach the
  explorer by pointing its own domain name at 127.0.0.1 (DNS rebinding). With
  ``--host`` set to another address, that check is off and the command warns.
- **Errors are pages**: an unknown id is a 404 with the closest names, a bad value a
  400 saying what was expected, a bug a 500 without a traceback.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import anyio.to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dualtrace.graph.errors import DualtraceError, NotFound
from dualtrace.web.routes_entity import entity
from dualtrace.web.routes_map import map_file, map_route
from dualtrace.web.routes_queries import Library, queries_list, query_page
from dualtrace.web.routes_search import home, search, suggest
from dualtrace.web.routes_walks import path_page, reach_page, trace_page
from dualtrace.web.views import entity_url, page, url_with

POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'"
)
HEADERS = {
    "content-security-policy": POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "SAMEORIGIN",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
WORKER_THREADS = 4
log = logging.getLogger("dualtrace.web")


def host_name(host_header: str) -> str:
    """The name in a Host header, without its port: ``[::1]:8765`` -> ``::1``."""
    text = host_header.strip().lower()
    if text.startswith("["):
        return text[1 : text.find("]")] if "]" in text else text
    return text.rsplit(":", 1)[0] if text.count(":") == 1 else text


class Guard:
    """Adds :data:`HEADERS` to every response, and refuses a Host that is not allowed
    (``allowed_hosts`` None: any host)."""

    def __init__(self, app: ASGIApp, allowed_hosts: Iterable[str] | None):
        self.app = app
        self.allowed = None if allowed_hosts is None else {h.lower() for h in allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.allowed is not None:
            host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
            if host_name(host) not in self.allowed:
                response = PlainTextResponse(
                    "This explorer answers only on its loopback address.", status_code=421, headers=HEADERS
                )
                await response(scope, receive, send)
                return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.decode("latin-1").lower() not in HEADERS]
                headers += [(k.encode("latin-1"), v.encode("latin-1")) for k, v in HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _suggestion_links(request: Request, error: NotFound) -> list[dict[str, str]]:
    """Each suggestion as a link that asks the same question of it: the parameter that
    held the unknown name gets the suggestion; else the suggestion's own page."""
    holder = next((k for k, v in request.query_params.items() if v.strip() == error.query), None)
    links = []
    for node_id, name in error.suggestions:
        if request.url.path.startswith("/queries/"):
            url = "/queries/" + node_id
        elif holder is not None:
            url = url_with(request, **{holder: node_id})
        else:
            url = entity_url(node_id)
        links.append({"id": node_id, "name": name, "url": url})
    return links


async def not_found(request: Request, exc: Exception) -> Response:
    if isinstance(exc, NotFound):
        context = {"title": "Not found", "message": str(exc).split("\nDid you mean:")[0],
                   "suggestions": _suggestion_links(request, exc)}  # fmt: skip
    else:
        context = {"title": "Not found", "message": f"There is no page at {request.url.path[:200]}.",
                   "suggestions": []}  # fmt: skip
    return page(request, "error.html", context, status=404)


async def bad_request(request: Request, exc: Exception) -> Response:
    return page(request, "error.html", {"title": "Cannot answer that", "message": str(exc), "suggestions": []}, 400)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return await not_found(request, exc)
    message = "The explorer only reads: it answers GET requests." if exc.status_code == 405 else str(exc.detail)
    headers = {"Allow": "GET, HEAD"} if exc.status_code == 405 else None
    response = page(request, "error.html", {"title": "Cannot answer that", "message": message, "suggestions": []},
                    exc.status_code)  # fmt: skip
    response.headers.update(headers or {})
    return response


async def server_error(request: Request, exc: Exception) -> Response:
    """A bug: logged with its traceback on the server, a plain page (with the policy) in the browser."""
    log.exception("error answering %s", request.url.path, exc_info=exc)
    message = "Something went wrong answering this. The server's log has the details."
    return PlainTextResponse(message, status_code=500, headers=HEADERS)


FAVICON = (resources.files("dualtrace.web") / "static" / "favicon.svg").read_bytes()


@contextlib.asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    """Pages are answered in a few worker threads, not anyio's default 40: the work is
    Python holding the GIL, and 20 threads taking turns finish each page later than a
    few taking pages in order (benchmarks/bench_serve.py)."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
    yield


async def favicon(request: Request) -> Response:
    """Browsers ask for /favicon.ico whatever the page says (the map page names no icon)."""
    return Response(FAVICON, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})


def create_app(
    graphs: Any, *, queries_dirs: tuple[Path, ...] = (), allowed_hosts: Iterable[str] | None = None
) -> Starlette:
    """The explorer over ``graphs`` (a :class:`~dualtrace.web.graphs.WorkspaceGraphs` or
    :class:`~dualtrace.web.graphs.Neo4jGraphs`); ``allowed_hosts``: the Host names it
    answers (None: any)."""
    static = StaticFiles(packages=[("dualtrace.web", "static")])
    routes = [
        Route("/", home, methods=["GET"]),
        Route("/search", search, methods=["GET"]),
        Route("/suggest", suggest, methods=["GET"]),
        Route("/entity/{node_id:path}", entity, methods=["GET"]),
        Route("/trace", trace_page, methods=["GET"]),
        Route("/reach", reach_page, methods=["GET"]),
        Route("/path", path_page, methods=["GET"]),
        Route("/map", map_route, methods=["GET"]),
        Route("/queries", queries_list, methods=["GET"]),
        Route("/queries/{name}", query_page, methods=["GET"]),
        Route("/static/map/{name}", map_file, methods=["GET"]),
        Route("/favicon.ico", favicon, methods=["GET"]),
        Mount("/static", app=static, name="static"),
    ]
    handlers: dict[Any, Any] = {
        NotFound: not_found,
        DualtraceError: bad_request,
        HTTPException: http_error,
        Exception: server_error,
    }
    app = Starlette(routes=routes, exception_handlers=handlers, lifespan=_lifespan)
    app.state.graphs = graphs
    app.state.library = Library(tuple(queries_dirs))
    app.add_middleware(Guard, allowed_hosts=allowed_hosts)
    return app
