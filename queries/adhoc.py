"""Ad-hoc Cypher on the embedded store, through grand-cypher, for small graphs.

grand-cypher understands ``MATCH ... WHERE ... RETURN [DISTINCT] ... ORDER BY
... SKIP ... LIMIT`` with directed patterns, variable-length hops and the
aggregates COUNT, SUM, AVG, MIN, MAX, COLLECT. Where its answer would differ
from Neo4j's, this module refuses the query with a message instead of
returning a wrong answer:

- undirected patterns ``(a)-[r]-(b)``: grand-cypher matches nothing;
- ``<>`` and ``NOT``: grand-cypher treats a missing property as a value that is
  "not equal", Neo4j as unknown (the row is dropped);
- clauses it does not parse (``WITH``, ``OPTIONAL MATCH``, ``UNWIND``, ``CALL``,
  ``UNION``, writes, ...): named, with the line they are on.

Two things are made to work as in Neo4j: ``RETURN DISTINCT`` over a list
property (lists are handed to the engine as tuples, which it can compare), and
``'maker' IN o.roles`` over a list property (which its grammar lacks: it is
asked as ``o.roles CONTAINS 'maker'``, the same test on a list).

Parameters are never pasted into the query by the user: this module turns each
``$name`` into a literal itself, refusing text that grand-cypher's string syntax
cannot carry (a double quote, a backslash or a line break). The tests compare
its answers with the Bolt stand-in's on the queries it accepts.
"""

from __future__ import annotations

import re
from typing import Any

import networkx as nx

from dualtrace.graph.errors import DualtraceError
from dualtrace.graph.schema import load_schema
from dualtrace.graph.store import EmbeddedStore

MAX_LINKS = 100_000
TOKEN = re.compile(
    r"""(?P<comment>//[^\n]*)
      | (?P<string>'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
      | (?P<param>\$[A-Za-z_][A-Za-z0-9_]*)
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)
UNSUPPORTED = {
    "optional": "OPTIONAL MATCH",
    "with": "WITH",
    "unwind": "UNWIND",
    "call": "CALL",
    "union": "UNION",
    "create": "CREATE",
    "merge": "MERGE",
    "set": "SET",
    "delete": "DELETE",
    "detach": "DETACH DELETE",
    "remove": "REMOVE",
    "foreach": "FOREACH",
    "load": "LOAD CSV",
    "case": "CASE",
    "exists": "EXISTS",
    "shortestpath": "shortestPath",
    "allshortestpaths": "allShortestPaths",
    "not": "NOT (a missing property makes Neo4j drop the row; grand-cypher keeps it)",
}
AGGREGATES = {"count", "sum", "avg", "min", "max", "collect"}
UNDIRECTED = re.compile(r"\)\s*-\s*(\[[^\]]*\])?\s*-\s*\(")


# ``value IN var.prop``: Neo4j's membership test, which grand-cypher's grammar lacks
IN_LIST = re.compile(r'("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?)\s+IN\s+([A-Za-z_]\w*)\.([A-Za-z_]\w*)', re.IGNORECASE)


def _list_properties() -> set[str]:
    schema = load_schema()
    specs = [*schema.provenance.values(), *schema.node_common.values()]
    specs += [spec for kind in schema.nodes.values() for spec in kind.properties.values()]
    return {spec.name for spec in specs if spec.type == "list"}


def _in_list(match: re.Match[str]) -> str:
    """``"maker" IN o.roles`` as ``o.roles CONTAINS "maker"`` when ``roles`` is a list property."""
    value, var, prop = match.groups()
    return f"{var}.{prop} CONTAINS {value}" if prop in _list_properties() else match.group(0)


class UnsupportedCypher(DualtraceError):
    """The embedded engine cannot answer this query the way Neo4j would."""


WRITES = {"create", "merge", "set", "delete", "detach", "remove", "drop", "load", "foreach"}


def refuse_writes(text: str) -> None:
    """Ad-hoc and saved queries only read. Neo4j enforces that in a read transaction;
    this check says so up front, and also guards servers that do not enforce it."""
    for token in TOKEN.finditer(text):
        if token.lastgroup == "word" and token.group().lower() in WRITES:
            line = _line_of(text, token.start())
            raise UnsupportedCypher(
                f"line {line}: {token.group().upper()} writes to the graph; queries here only read "
                "(change data with `dualtrace import` and `dualtrace push`)"
            )


def _literal(name: str, value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_literal(name, item) for item in value) + "]"
    text = str(value)
    if any(ch in text for ch in '"\\\n\r'):
        raise UnsupportedCypher(
            f"Parameter ${name}: the embedded Cypher engine cannot carry text with a double quote, a backslash "
            "or a line break; run the query on Neo4j (set NEO4J_URI)."
        )
    return f'"{text}"'


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def translate(text: str, params: dict[str, Any]) -> str:
    """The query in grand-cypher's dialect, parameters as literals; refuses what it
    would answer differently from Neo4j (:class:`UnsupportedCypher`, with the line)."""
    refuse_writes(text)
    out: list[str] = []
    tokens = list(TOKEN.finditer(text))
    for index, token in enumerate(tokens):
        kind, value = token.lastgroup, token.group()
        line = _line_of(text, token.start())
        if kind == "comment":
            continue
        if kind == "string":
            body = value[1:-1]
            if value[0] == "'" and ('"' in body or "\\" in body):
                raise UnsupportedCypher(f"line {line}: the embedded Cypher engine cannot carry the text {value}")
            out.append(f'"{body}"')
        elif kind == "param":
            name = value[1:]
            if name not in params:
                raise UnsupportedCypher(f"line {line}: ${name} is not a parameter of this query")
            out.append(_literal(name, params[name]))
        elif kind == "word":
            lower = value.lower()
            previous = next((t.group().lower() for t in reversed(tokens[:index]) if not t.group().isspace()), "")
            if lower == "with" and previous in ("starts", "ends"):
                out.append(value)  # STARTS WITH / ENDS WITH: a string operator, not the WITH clause
                continue
            if lower in UNSUPPORTED:
                raise UnsupportedCypher(
                    f"line {line}: the embedded Cypher engine does not support {UNSUPPORTED[lower]}; "
                    "run the query on Neo4j (set NEO4J_URI), or use a saved query"
                )
            following = next((t.group() for t in tokens[index + 1 :] if not t.group().isspace()), "")
            out.append(value.upper() if lower in AGGREGATES and following == "(" else value)
        else:
            if value == "<" and index + 1 < len(tokens) and tokens[index + 1].group() == ">":
                raise UnsupportedCypher(
                    f"line {line}: the embedded Cypher engine does not support <> (it keeps rows whose "
                    "property is missing, which Neo4j drops); run the query on Neo4j"
                )
            out.append(value)
    translated = IN_LIST.sub(_in_list, "".join(out))
    undirected = UNDIRECTED.search(translated)
    if undirected:
        raise UnsupportedCypher(
            f"line {_line_of(translated, undirected.start())}: the embedded Cypher engine does not match "
            "undirected patterns like (a)-[r]-(b); give the direction, or run the query on Neo4j"
        )
    return translated


def engine_graph(store: EmbeddedStore) -> nx.MultiDiGraph:
    """The store as grand-cypher reads a graph: properties (and ``id``) as attributes,
    the kind or relationship type in ``__labels__``."""
    graph = nx.MultiDiGraph()
    for node in store.nodes():
        graph.add_node(node.id, **_hashable(node.props), id=node.id, __labels__={node.kind})
    for link in store.links():
        graph.add_edge(link.source, link.target, key=link.rel, **_hashable(link.props), __labels__={link.rel})
    return graph


def run_adhoc(store: EmbeddedStore, text: str, params: dict[str, Any] | None = None) -> tuple[list[str], list[dict]]:
    """Columns and rows of a read-only Cypher query on the embedded store."""
    from grandcypher import GrandCypher
    from lark.exceptions import LarkError, UnexpectedInput

    links = store.link_count()
    if links > MAX_LINKS:
        raise UnsupportedCypher(
            f"Ad-hoc Cypher on the embedded store is for graphs of up to {MAX_LINKS:,} links; this one has "
            f"{links:,}. Push it to Neo4j (`dualtrace push`) and set NEO4J_URI, or use a saved query."
        )
    translated = translate(text, params or {})
    try:
        result = GrandCypher(engine_graph(store)).run(translated)
    except UnexpectedInput as exc:
        word = re.match(r"\S*", translated.splitlines()[exc.line - 1][exc.column - 1 :]) if exc.line > 0 else None
        found = f" at {word.group()!r}" if word and word.group() else ""
        raise UnsupportedCypher(
            f"line {exc.line}: the embedded Cypher engine cannot read this query{found}. It supports MATCH, "
            "WHERE, RETURN [DISTINCT], ORDER BY, SKIP and LIMIT with directed patterns; run anything else on Neo4j."
        ) from None
    except (LarkError, TypeError, KeyError, ValueError) as exc:
        raise UnsupportedCypher(
            f"The embedded Cypher engine failed on this query ({type(exc).__name__}: {exc}); a common cause is "
            "ORDER BY a property that some entities lack. Run it on Neo4j for a full Cypher."
        ) from None
    columns = list(result)
    count = len(next(iter(result.values()), []))
    rows = [{column: _plain(result[column][i]) for column in columns} for i in range(count)]
    return columns, rows


def _hashable(props: dict[str, Any]) -> dict[str, Any]:
    """List properties as tuples: the engine compares values (DISTINCT) by hashing them."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in props.items()}


def _plain(value: Any) -> Any:
    """grand-cypher returns a relationship as {key: attributes}; give its properties, and
    lists as lists."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k != "__labels__"}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value
