"""What a request asks, read from its query string, checked and capped.

The URL holds the whole question (a permalink): names, ``as_of``, ``dated_only``,
``include_denied``, the page and the format. Every number a visitor can type is
capped here, so no URL makes the server build a page of a million rows, and text
is cut to a length a name can have; a value that is not what it should be is a
:class:`BadRequest` (a 400 page saying what was expected), never a traceback.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request

from dualtrace.graph.dates import When
from dualtrace.graph.errors import DualtraceError
from dualtrace.queries.trace import DEFAULT_STATUSES

MAX_TEXT = 300  # characters of a name, an id or a search
PER_PAGE = 50  # rows on a page unless asked
MAX_PER_PAGE = 500  # rows on a page at most
FORMATS = ("html", "csv", "json")
TRUE = ("1", "true", "yes", "on")


class BadRequest(DualtraceError):
    """A query-string value that cannot be what it should be; the message says what."""


def text(request: Request, name: str, required: bool = False) -> str:
    """A text parameter, stripped and cut to :data:`MAX_TEXT` characters ('' when absent)."""
    value = request.query_params.get(name, "").strip()[:MAX_TEXT]
    if required and not value:
        raise BadRequest(f"Give {name}= in the address.")
    return value


def flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "").strip().lower() in TRUE


def number(request: Request, name: str, default: int, low: int = 1, high: int | None = None) -> tuple[int, bool]:
    """A whole number between ``low`` and ``high`` (a larger one is capped: the second
    value says whether it was); :class:`BadRequest` when it is not a number."""
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return default, False
    if not re.fullmatch(r"[+-]?\d{1,30}", raw):
        raise BadRequest(f"{name}={raw[:40]!r} is not a whole number.")
    value = int(raw)
    if value < low:
        raise BadRequest(f"{name} must be {low} or more.")
    if high is not None and value > high:
        return high, True
    return value, False


def fmt(request: Request) -> str:
    """The format asked for: html (the page), csv or json (the whole result, for download)."""
    value = request.query_params.get("format", "html").strip().lower() or "html"
    if value not in FORMATS:
        raise BadRequest(f"format={value[:20]!r}: choose html, csv or json.")
    return value


@dataclass(frozen=True)
class Asked:
    """When a question is asked and which link statuses it follows, as on the command line
    (``--as-of``, ``--dated-only``, ``--include-denied``)."""

    as_of: str
    dated_only: bool
    include_denied: bool
    when: When

    @property
    def statuses(self) -> tuple[str, ...]:
        return (*DEFAULT_STATUSES, "denied") if self.include_denied else DEFAULT_STATUSES

    def params(self) -> dict[str, str]:
        """The same as query-string parameters, for links that keep asking it this way."""
        given = {"as_of": self.as_of, "dated_only": "1" if self.dated_only else "",
                 "include_denied": "1" if self.include_denied else ""}  # fmt: skip
        return {k: v for k, v in given.items() if v}


def asked(request: Request) -> Asked:
    as_of = text(request, "as_of")
    dated_only = flag(request, "dated_only")
    if dated_only and not as_of:
        raise BadRequest("dated_only goes with a date: give as_of= (YYYY, YYYY-MM or YYYY-MM-DD) too.")
    try:
        when = When.parse(as_of or None, dated_only)
    except DualtraceError:
        raise BadRequest(f"as_of={as_of[:40]!r}: expected a date YYYY, YYYY-MM or YYYY-MM-DD.") from None
    return Asked(as_of, dated_only, flag(request, "include_denied"), when)


@dataclass(frozen=True)
class Page:
    """One page of a longer result, with what the pager needs."""

    items: Sequence[Any]
    number: int
    pages: int
    per_page: int
    total: int
    first: int  # index of the first item shown, from 0
    capped: bool  # per_page was asked larger than allowed
    param: str  # the query-string name of this pager's page number


def paginate(request: Request, items: Sequence[Any], param: str = "page") -> Page:
    """The page of ``items`` the request asks for (``page``, ``per_page``); a page past the
    end shows the last one."""
    per_page, capped = number(request, "per_page", PER_PAGE, 1, MAX_PER_PAGE)
    pages = max(1, math.ceil(len(items) / per_page))
    wanted, _ = number(request, param, 1, 1, pages)
    first = (wanted - 1) * per_page
    return Page(items[first : first + per_page], wanted, pages, per_page, len(items), first, capped, param)


def url_with(request: Request, **changes: Any) -> str:
    """This page's address with some parameters changed (None or '' removes one)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    query = urlencode(params)
    return request.url.path + (f"?{query}" if query else "")
