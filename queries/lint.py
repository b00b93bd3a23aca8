"""``dualtrace queries check``: find what makes a saved query untrustworthy before
anyone runs it, each problem with its file and line.

- the header is missing or broken, or a parameter's type, default or example is wrong;
- a declared parameter is never used, or the query uses ``$x`` without declaring it;
- ``'$x'`` inside quotes (that is text, not a parameter);
- values formatted into the query text instead of passed as parameters:
  template placeholders (``{name}``, ``{{name}}``, ``${name}``, ``%s``,
  ``%(name)s``) and query text built by string concatenation (``'MATCH ... ' + x``);
- the final RETURN's columns differ from the header's ``returns``;
- the example call does not bind to the declared parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from dualtrace.graph.errors import DualtraceError
from dualtrace.queries.library import COMMON_PARAMS, QueryFileError, SavedQuery, parse

STRING = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"")
PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
PLACEHOLDERS = [
    (re.compile(r"\{\{\s*[A-Za-z_][\w.]*\s*\}\}"), "a {{...}} template placeholder"),
    (re.compile(r"\$\{\s*[A-Za-z_][\w.]*\s*\}"), "a ${...} template placeholder"),
    (re.compile(r"%\(\w+\)s|%[sd]\b"), "a %-format placeholder"),
    (re.compile(r"(?<![\w{])\{\s*[A-Za-z_]\w*\s*\}"), "a {name} format placeholder (or Neo4j 3's old {param} syntax)"),
]
KEYWORDS = re.compile(r"\b(MATCH|WHERE|RETURN|MERGE|CREATE|DELETE|SET|WITH|CALL|UNWIND)\b", re.IGNORECASE)
DYNAMIC = re.compile(r"\bapoc\.(cypher\.(run|doIt|runMany|runFirstColumn\w*)|periodic\.iterate)\s*\(", re.IGNORECASE)
RETURN = re.compile(r"\bRETURN\b", re.IGNORECASE)
RETURN_END = re.compile(r"\b(ORDER\s+BY|SKIP|LIMIT)\b|;", re.IGNORECASE)
ALIAS = re.compile(r"\s+AS\s+`?([A-Za-z_][A-Za-z0-9_]*)`?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def _blank_strings(text: str) -> str:
    """The text with string literals replaced by spaces of the same length (lines kept)."""
    return STRING.sub(lambda m: m.group(0)[0] + " " * (len(m.group(0)) - 2) + m.group(0)[-1], text)


def _blank_comments(text: str) -> str:
    return re.sub(r"//[^\n]*", lambda m: " " * len(m.group(0)), text)


def _split_top_level(text: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def returned_columns(body: str) -> tuple[list[str], int] | None:
    """The columns of the final top-level RETURN and its offset in ``body``."""
    code = _blank_comments(_blank_strings(body))
    depth_at = []
    depth = 0
    for ch in code:
        depth_at.append(depth)
        depth += (ch in "([{") - (ch in ")]}")
    candidates = [m for m in RETURN.finditer(code) if depth_at[m.start()] == 0]
    if not candidates:
        return None
    start = candidates[-1].end()
    end_match = RETURN_END.search(code, start)
    items = code[start : end_match.start() if end_match else len(code)]
    items = re.sub(r"^\s*DISTINCT\b", "", items, flags=re.IGNORECASE)
    columns = []
    for item in _split_top_level(items):
        alias = ALIAS.search(item)
        columns.append(alias.group(1) if alias else " ".join(item.split()))
    return columns, candidates[-1].start()


def check_query(query: SavedQuery) -> list[Problem]:
    """Every problem in one parsed query (see the module docstring)."""
    problems: list[Problem] = []
    first = query.body_line

    def at(offset: int) -> int:
        return first + query.body.count("\n", 0, offset)

    def add(line: int, message: str) -> None:
        problems.append(Problem(query.path, line, message))

    code = _blank_comments(query.body)
    without_strings = _blank_strings(code)
    used = {m.group(1): m.start() for m in reversed(list(PARAM.finditer(without_strings)))}
    for name, param in query.params.items():
        if name not in used and not (name in COMMON_PARAMS and not query.builtin):
            add(param.line, f"parameter {name} is declared but the query never uses ${name}")
    for name, offset in used.items():
        if name not in query.params:
            add(at(offset), f"${name} is used but not declared under params in the header")
    for literal in STRING.finditer(code):
        for param in PARAM.finditer(literal.group(0)):
            add(at(literal.start()), f"${param.group(1)} inside quotes is text, not a parameter; remove the quotes")
    for pattern, what in PLACEHOLDERS:
        for match in pattern.finditer(code):
            add(at(match.start()), f"{what} {match.group(0)!r}: pass values as $parameters, never format them in")
    for literal in STRING.finditer(code):
        joined = code[: literal.start()].rstrip().endswith("+") or code[literal.end() :].lstrip().startswith("+")
        if joined and KEYWORDS.search(literal.group(0)):
            add(at(literal.start()), "query text built by string concatenation: pass values as $parameters")
    for match in DYNAMIC.finditer(without_strings):
        statement_end = without_strings.find(")", match.end())
        if "+" in without_strings[match.end() : statement_end if statement_end > 0 else None]:
            add(at(match.start()), f"{match.group(0)[:-1]} runs query text built with +: pass values as parameters")
    found = returned_columns(query.body)
    if found is None:
        add(first, "no RETURN clause: a saved query must return rows")
    elif found[0] != query.returns:
        add(at(found[1]), f"RETURN gives columns {found[0]} but the header declares returns: {query.returns}")
    try:
        query.example_params()
    except DualtraceError as exc:
        add(query.body_line - 1, f"the example call does not bind: {exc}")
    return problems


def check_file(path: Path) -> list[Problem]:
    try:
        query = parse(path)
    except QueryFileError as exc:
        text = str(exc)
        match = re.match(rf"{re.escape(str(path))}:(\d+): (.*)", text, re.DOTALL)
        if match:
            return [Problem(path, int(match.group(1)), match.group(2))]
        return [Problem(path, 1, text)]
    return check_query(query)


def check_paths(paths: list[Path]) -> list[Problem]:
    """Check files and folders (every ``*.cypher`` inside), and that names are unique."""
    files: list[Path] = []
    for path in paths:
        files += sorted(path.glob("*.cypher")) if path.is_dir() else [path]
    problems: list[Problem] = []
    names: dict[str, Path] = {}
    for path in files:
        problems += check_file(path)
        try:
            name = parse(path).name
        except QueryFileError:
            continue  # reported by check_file
        if name in names:
            problems.append(Problem(path, 1, f"query name {name!r} is already used by {names[name]}"))
        names[name] = path
    return problems
