"""The parameter types a saved query may declare, and how a value typed on the
command line (or written in a header) becomes the value the query receives.

Every type turns text into a plain value that both stores understand the same
way: dates stay ISO strings because the graph stores them as strings of
varying precision (``2019``, ``2019-10``, ``2019-10-09``), which compare
correctly as text; lists are lists of strings; entity ids and country codes
are strings checked for their shape here and for their existence by the runner.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from dualtrace.graph.dates import period_end
from dualtrace.graph.errors import DualtraceError
from dualtrace.graph.names import country_code

DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
ENTITY_ID = re.compile(r"^[a-z]+:\S+$")


class ParameterError(DualtraceError):
    """A parameter is unknown, missing, or not of its declared type."""


def _string(value: Any) -> str:
    text = str(value).strip()
    if not text:
        raise ValueError("an empty string")
    return text


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("a boolean, not an integer")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not re.fullmatch(r"[+-]?\d+", text):
        raise ValueError(f"{text!r} is not a whole number")
    return int(text)


def _date(value: Any) -> str:
    text = str(value).strip()
    if not DATE.match(text):
        raise ValueError(f"{text!r} is not a date as YYYY, YYYY-MM or YYYY-MM-DD")
    return text


def _list(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        items = [str(v).strip() for v in value]
    else:
        text = str(value).strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{text!r} is not a JSON list ({exc.msg})") from None
            if not isinstance(parsed, list):
                raise ValueError(f"{text!r} is not a list")
            items = [str(v).strip() for v in parsed]
        else:
            items = [part.strip() for part in text.split(",")] if text else []
    if any(not item for item in items):
        raise ValueError("a list with an empty item")
    return items


def _country(value: Any) -> str:
    text = str(value).strip()
    code = country_code(text)
    if code is None:
        raise ValueError(f"{text!r} is not a country (give an ISO 3166 code such as ZW, or a name)")
    return code


def _category(value: Any) -> str:
    from dualtrace.graph.schema import load_schema

    text = str(value).strip()
    wanted = re.sub(r"[\s-]+", "_", text.lower())
    categories = load_schema().enum_values("Product", "category")
    if wanted not in categories:
        raise ValueError(f"{text!r} is not a product category (`dualtrace categories` lists them)")
    return wanted


def _entity(value: Any) -> str:
    """An entity id, or a name the runner then looks up in the store (with suggestions)."""
    text = str(value).strip()
    if not text:
        raise ValueError("an empty entity id or name")
    return text


def _as_of(value: Any) -> str:
    """A question's date as the last day of the period it names (graph/dates.py):
    ``2019`` becomes ``2019-12-31``, so text comparison in Cypher gives the one rule."""
    return period_end(_date(value))


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    raise ValueError(f"{text!r} is not true or false")


TYPES: dict[str, Callable[[Any], Any]] = {
    "string": _string,
    "integer": _integer,
    "date": _date,
    "list": _list,
    "country": _country,
    "entity": _entity,
    "category": _category,
    "as_of": _as_of,
    "boolean": _boolean,
}
TYPE_DOCS = {
    "string": "text",
    "integer": "a whole number",
    "date": "YYYY, YYYY-MM or YYYY-MM-DD (compared as text with the graph's dates)",
    "list": "comma-separated values, or a JSON list",
    "country": "an ISO 3166-1 alpha-2 code or a country name (PRC, Burma, ...)",
    "entity": "an entity id such as org:hikvision, or its name or alias (Hikvision)",
    "category": "a product category of the schema, e.g. facial_recognition",
    "as_of": "YYYY, YYYY-MM or YYYY-MM-DD: the graph as its sources describe it on that date",
    "boolean": "true or false",
}


def parse_pairs(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``key=value`` strings from the command line as a dict (the value may hold ``=``)."""
    given: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ParameterError(f"parameter {pair!r}: write it as key=value")
        given[key.strip()] = value
    return given


def untyped_value(text: str) -> Any:
    """A value for an undeclared (ad-hoc) parameter: JSON when it reads as a number,
    list, true, false or null (``2019``, ``["a", "b"]``), else the text itself;
    ``'"2019"'`` forces text."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return text
    return value if isinstance(value, int | float | bool | list | str) or value is None else text


def convert(type_name: str, value: Any) -> Any:
    """``value`` as the type ``type_name`` gives it; ``ValueError`` says what was wrong.
    ``None`` stays ``None`` (an optional parameter left unset)."""
    if value is None:
        return None
    return TYPES[type_name](value)
