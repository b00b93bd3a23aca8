"""Turn cell text into typed property values: dates, years, countries, lists.

Kept apart from the mapping language so the built-in formats and user mappings
parse a date or a country exactly the same way. Each parser returns the value or
raises :class:`ValueProblem` with a message that says what was expected.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from dualtrace.graph.names import country_code

ISO_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
RANGE_RE = re.compile(r"^(\d{4})\s*(?:-|–|—|to)\s*(\d{2,4})$")
APPROX_RE = re.compile(r"^(?:circa|ca\.?|c\.|approx\.?|around|about|~)\s*(.+)$", re.IGNORECASE)


class ValueProblem(ValueError):
    """A cell that cannot become the value its property needs."""


@dataclass(frozen=True)
class DateValue:
    """A parsed date: ``start`` as YYYY[-MM[-DD]]; ``end`` when a range was given;
    ``approximate`` when the text said circa."""

    start: str
    end: str | None = None
    approximate: bool = False


def _iso(year: int, month: int | None = None, day: int | None = None) -> str:
    if not 1900 <= year <= 2100:
        raise ValueProblem(f"year {year} is outside 1900-2100")
    if month is None:
        return f"{year:04d}"
    if day is None:
        if not 1 <= month <= 12:
            raise ValueProblem(f"month {month} does not exist")
        return f"{year:04d}-{month:02d}"
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError as exc:
        raise ValueProblem(str(exc)) from exc


def _precision(fmt: str, parsed: dt.datetime) -> str:
    if "%d" in fmt or "%j" in fmt:
        return _iso(parsed.year, parsed.month, parsed.day)
    if "%m" in fmt or "%b" in fmt or "%B" in fmt:
        return _iso(parsed.year, parsed.month)
    return _iso(parsed.year)


@lru_cache(maxsize=50_000)
def parse_date(text: str, formats: tuple[str, ...] = ()) -> DateValue:
    """ISO dates (``2021``, ``2021-03``, ``2021-03-12``), the stated ``formats``
    (strptime codes, e.g. ``%d/%m/%Y``, ``%B %d, %Y``), ranges (``2014-2016``) and
    ``circa 2012``."""
    raw = text.strip()
    approx = APPROX_RE.match(raw)
    if approx:
        inner = parse_date(approx.group(1), formats)
        return DateValue(inner.start, inner.end, approximate=True)
    if re.match(r"^\d{4}-\d{2}-\d{2}[T ]", raw):
        raw = raw[:10]
    match = ISO_DATE_RE.match(raw)
    if match:
        year, month, day = (int(g) if g else None for g in match.groups())
        return DateValue(_iso(year or 0, month, day))
    span = RANGE_RE.match(raw)
    if span:
        start, end = span.group(1), span.group(2)
        if len(end) == 2:
            end = start[:2] + end
        if int(end) < int(start):
            raise ValueProblem(f"range {raw!r} ends before it starts")
        return DateValue(_iso(int(start)), _iso(int(end)))
    for fmt in formats:
        try:
            return DateValue(_precision(fmt, dt.datetime.strptime(raw, fmt)))
        except ValueError:
            continue
    stated = f" or one of the stated formats {list(formats)}" if formats else " (state other formats in the mapping)"
    raise ValueProblem(f"cannot read {text!r} as a date; expected YYYY, YYYY-MM, YYYY-MM-DD, a range{stated}")


def parse_year(value: object) -> int:
    if isinstance(value, bool):
        raise ValueProblem(f"expected a year, got {value!r}")
    if isinstance(value, int):
        year = value
    elif isinstance(value, float) and value.is_integer():
        year = int(value)
    else:
        year = int(parse_date(str(value)).start[:4])
    if not 1900 <= year <= 2100:
        raise ValueProblem(f"year {year} is outside 1900-2100")
    return year


def parse_country(value: object) -> str:
    code = country_code(str(value))
    if code is None:
        raise ValueProblem(
            f"unknown country {value!r}; expected a country name, an ISO 3166 code or a common variant (PRC, Burma)"
        )
    return code


def parse_integer(value: object) -> int:
    try:
        return int(str(value).replace(",", "").strip())
    except ValueError:
        raise ValueProblem(f"expected a whole number, got {value!r}") from None
