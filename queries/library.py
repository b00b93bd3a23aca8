"""Saved Cypher queries: ``.cypher`` files whose leading ``//`` comment block is a
YAML header saying what the query answers, which typed parameters it takes and
which columns it returns, with an example call and its expected result.

Why a header in the file and not a side-car: the file pasted into Neo4j
Browser or cypher-shell keeps its documentation (the header is a Cypher
comment), and one file is one query to review, diff and share.

    // name: deals_since
    // question: Which deals are dated on or after a given date?
    // params:
    //   since: {type: date, example: "2019", doc: "earliest deal date"}
    // returns: [transfer, transfer_name, deal_date]
    // example:
    //   params: {since: "2022"}
    //   rows:
    //     - {transfer: transfer:hikvision-chengmai-2022, ...}
    MATCH ...

The built-in library lives in ``queries/saved``; users add folders with
``--queries-dir`` or ``$DUALTRACE_QUERIES`` (several joined with ``os.pathsep``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from dualtrace.graph.errors import DualtraceError
from dualtrace.queries.params import TYPES, ParameterError, convert

ENV_QUERIES = "DUALTRACE_QUERIES"
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
HEADER_KEYS = {"name", "question", "params", "returns", "example", "notes"}


# Every saved query takes these, declared here once: the date the question is asked
# about (graph/dates.py gives the rule) and whether undated links are left out.
COMMON_PARAMS: dict[str, Param]


class QueryFileError(DualtraceError):
    """A saved-query file cannot be read: no header, broken YAML, a bad declaration."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    required: bool
    default: Any = None
    example: Any = None
    doc: str = ""
    line: int = 0  # where it is declared, for lint messages


COMMON_PARAMS = {
    "as_of": Param("as_of", "as_of", False, None, "2020-01-01",
                   "the graph as its sources describe it on this date (YYYY, YYYY-MM or YYYY-MM-DD); links without a "
                   "date are kept unless dated_only"),
    "dated_only": Param("dated_only", "boolean", False, False, False,
                        "with as_of, leave out links (and deals) without a date"),
}  # fmt: skip


@dataclass(frozen=True)
class SavedQuery:
    """One saved query: its header, its Cypher body, and where it came from."""

    name: str
    question: str
    params: dict[str, Param]
    returns: list[str]
    body: str
    path: Path
    body_line: int  # the file line the body starts on
    example: dict[str, Any] = field(default_factory=dict)
    notes: str = ""
    builtin: bool = False

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def bind(self, given: dict[str, Any]) -> dict[str, Any]:
        """The parameters to run with: ``given`` (text or values) checked against the
        declared types, defaults filled in. Raises :class:`ParameterError` naming the
        unknown, missing or mistyped parameter."""
        unknown = sorted(set(given) - set(self.params))
        if unknown:
            known = ", ".join(self.params) or "none"
            raise ParameterError(f"{self.name}: unknown parameter {', '.join(unknown)} (it takes: {known})")
        bound: dict[str, Any] = {}
        for name, param in self.params.items():
            if name in given:
                try:
                    bound[name] = convert(param.type, given[name])
                except ValueError as exc:
                    raise ParameterError(f"{self.name}: parameter {name} must be {param.type}: {exc}") from None
            elif param.required:
                example = f" (for example {name}={_show(param.example)})" if param.example is not None else ""
                raise ParameterError(f"{self.name}: missing parameter {name}, of type {param.type}{example}")
            else:
                bound[name] = convert(param.type, param.default)
        return bound

    def example_params(self) -> dict[str, Any]:
        """The example call's parameters, bound: the header's ``example.params``, else
        each required parameter's declared ``example`` (defaults fill in the rest)."""
        given = {p.name: p.example for p in self.params.values() if p.required and p.example is not None}
        given.update(self.example.get("params") or {})
        return self.bind(given)


def _show(value: Any) -> str:
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


def split_header(text: str) -> tuple[list[tuple[int, str]], int]:
    """The header lines as (line number, text without ``//``) and the line the body starts on."""
    lines = text.splitlines()
    header: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            content = stripped[2:]
            header.append((number, content[1:] if content.startswith(" ") else content))
        elif stripped or header:
            return header, number
    return header, len(lines) + 1


def _declared_line(header: list[tuple[int, str]], key: str, default: int) -> int:
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*:")
    return next((number for number, text in header if pattern.match(text)), default)


def parse(path: Path, *, builtin: bool = False) -> SavedQuery:
    """Read one ``.cypher`` file; :class:`QueryFileError` names the file and line on failure."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryFileError(f"{path}: cannot read: {exc}") from exc
    header, body_line = split_header(text)
    if not header:
        raise QueryFileError(f"{path}:1: no header: start the file with // name:, // question:, // returns: lines")
    try:
        meta = yaml.safe_load("\n".join(content for _, content in header))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = header[mark.line][0] if mark is not None and mark.line < len(header) else header[0][0]
        raise QueryFileError(f"{path}:{line}: the header is not valid YAML: {exc}") from None
    if not isinstance(meta, dict):
        raise QueryFileError(f"{path}:{header[0][0]}: the header must be `key: value` lines")
    first = header[0][0]
    for key in ("name", "question", "returns"):
        if not meta.get(key):
            raise QueryFileError(f"{path}:{first}: the header has no {key!r}")
    unknown = set(meta) - HEADER_KEYS
    if unknown:
        line = _declared_line(header, sorted(unknown)[0], first)
        raise QueryFileError(f"{path}:{line}: unknown header key(s) {sorted(unknown)}; known: {sorted(HEADER_KEYS)}")
    name = str(meta["name"])
    if not NAME.match(name):
        raise QueryFileError(f"{path}:{first}: name {name!r} must be lower_case_with_underscores")
    returns = meta["returns"]
    if not isinstance(returns, list) or not all(isinstance(c, str) for c in returns):
        raise QueryFileError(f"{path}:{_declared_line(header, 'returns', first)}: returns must be a list of columns")
    params = {**_params(path, header, meta.get("params") or {}), **COMMON_PARAMS}
    body = "\n".join(text.splitlines()[body_line - 1 :]).strip()
    if not body:
        raise QueryFileError(f"{path}:{body_line}: the file has a header but no query")
    example = meta.get("example") or {}
    if not isinstance(example, dict):
        raise QueryFileError(f"{path}:{_declared_line(header, 'example', first)}: example must be a mapping")
    return SavedQuery(
        name=name,
        question=str(meta["question"]).strip(),
        params=params,
        returns=list(returns),
        body=body,
        path=path,
        body_line=body_line,
        example=example,
        notes=str(meta.get("notes") or "").strip(),
        builtin=builtin,
    )


def _params(path: Path, header: list[tuple[int, str]], declared: Any) -> dict[str, Param]:
    if not isinstance(declared, dict):
        raise QueryFileError(f"{path}:{_declared_line(header, 'params', 1)}: params must map names to declarations")
    params: dict[str, Param] = {}
    for name, spec in declared.items():
        line = _declared_line(header, str(name), 1)
        where = f"{path}:{line}: parameter {name}"
        if not isinstance(spec, dict) or "type" not in spec:
            raise QueryFileError(f"{where}: declare it as {{type: ..., doc: ...}}")
        type_name = spec["type"]
        if type_name not in TYPES:
            raise QueryFileError(f"{where}: unknown type {type_name!r}; types are {', '.join(TYPES)}")
        for key in ("default", "example"):
            if spec.get(key) is not None:
                try:
                    convert(type_name, spec[key])
                except ValueError as exc:
                    raise QueryFileError(f"{where}: its {key} is not a {type_name}: {exc}") from None
        params[str(name)] = Param(
            name=str(name),
            type=type_name,
            required="default" not in spec,
            default=spec.get("default"),
            example=spec.get("example", spec.get("default")),
            doc=str(spec.get("doc") or ""),
            line=line,
        )
    return params


def builtin_folder() -> Path:
    return Path(str(resources.files("dualtrace.queries") / "saved"))


def user_folders(extra: Iterable[Path] = ()) -> list[Path]:
    """Folders of users' own queries: ``extra`` (command-line options), then ``$DUALTRACE_QUERIES``."""
    folders = list(extra)
    folders += [Path(p).expanduser() for p in os.environ.get(ENV_QUERIES, "").split(os.pathsep) if p.strip()]
    return folders


def load_library(extra: Iterable[Path] = ()) -> dict[str, SavedQuery]:
    """Every saved query by name: the built-ins, then users' folders. A user's query
    may not reuse a built-in's name (the error names both files)."""
    found: dict[str, SavedQuery] = {}
    sources = [(builtin_folder(), True)] + [(folder, False) for folder in user_folders(extra)]
    for folder, builtin in sources:
        if not folder.is_dir():
            raise QueryFileError(f"{folder}: no such folder of saved queries")
        for path in sorted(folder.glob("*.cypher")):
            query = parse(path, builtin=builtin)
            if query.name in found:
                raise QueryFileError(f"{path}: query name {query.name!r} is already used by {found[query.name].path}")
            found[query.name] = query
    return found


def get_query(library: dict[str, SavedQuery], name: str) -> SavedQuery:
    if name in library:
        return library[name]
    import difflib

    close = difflib.get_close_matches(name, list(library), n=3, cutoff=0.5)
    hint = f" Did you mean: {', '.join(close)}?" if close else " `dualtrace queries list` shows them all."
    raise ParameterError(f"No saved query named {name!r}.{hint}")
