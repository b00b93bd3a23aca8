"""Bulk exports for Neo4j: CSVs for ``neo4j-admin database import full`` and a
parameterised Cypher script for ``cypher-shell``.

The admin import is the fast way to load a large graph into an empty database;
the script is the portable way (any Neo4j, any size that fits in a few
transactions). In the script every value sits in a ``:param`` line and the
statements only name parameters, exactly as the Neo4j store writes.
"""

from __future__ import annotations

import csv
import json
import shlex
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from dualtrace.graph.model import Link, Node
from dualtrace.graph.neo4j_store import _name, link_batches, node_batches, schema_statements
from dualtrace.graph.protocol import Store
from dualtrace.graph.schema import PropertySpec

ADMIN_TYPES = {"list": "string[]", "year": "int", "number": "float"}
DELIMITERS = ("|", "¦", "§", "~")
SCRIPT_BATCH = 500


def _subset(store: Store, node_ids: Iterable[str] | None) -> tuple[list[Any], list[Any]]:
    wanted = None if node_ids is None else set(node_ids)
    nodes = [n for n in store.nodes() if wanted is None or n.id in wanted or n.kind == "Source"]
    present = {n.id for n in nodes}
    links = [link for link in store.links() if link.source in present and link.target in present]
    return nodes, links


class _Selection:
    """The nodes and links an export covers, read from the store as often as needed
    (never copied into lists: a million-link export then takes little more memory
    than the workspace itself). Sources are always included: links cite them."""

    def __init__(self, store: Store, node_ids: Iterable[str] | None):
        self.store = store
        wanted = None if node_ids is None else set(node_ids)
        self.present = None if wanted is None else {n.id for n in store.nodes() if n.id in wanted or n.kind == "Source"}

    def nodes(self) -> Iterator[Node]:
        return (n for n in self.store.nodes() if self.present is None or n.id in self.present)

    def links(self) -> Iterator[Link]:
        present = self.present
        return (x for x in self.store.links() if present is None or (x.source in present and x.target in present))


class _Delimiters:
    """The array delimiters no list item seen so far contains."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def see(self, props: dict[str, Any]) -> None:
        for value in props.values():
            if isinstance(value, list):
                text = "".join(map(str, value))
                self.used.update(c for c in DELIMITERS if c in text)

    def choose(self) -> str:
        free = [c for c in DELIMITERS if c not in self.used]
        if not free:
            raise ValueError("every candidate array delimiter occurs in the data")
        return free[0]


def _header(name: str, spec: PropertySpec | None) -> str:
    kind = ADMIN_TYPES.get(spec.type, "string") if spec else "string"
    return name if kind == "string" else f"{name}:{kind}"


def write_neo4j_admin(store: Store, folder: Path, node_ids: Iterable[str] | None = None) -> Path:
    """One CSV per node kind and per relationship type, with neo4j-admin headers,
    plus ``import.sh`` holding the exact command to run.

    Two passes over the store, each row written as it is read: the first finds each
    file's columns and an array delimiter no value contains, the second writes."""
    chosen = _Selection(store, node_ids)
    schema = store.schema
    node_columns: dict[str, set[str]] = defaultdict(set)
    link_columns: dict[str, set[str]] = defaultdict(set)
    delimiters = _Delimiters()
    for node in chosen.nodes():
        node_columns[node.kind].update(node.props)
        delimiters.see(node.props)
    for link in chosen.links():
        link_columns[link.rel].update(link.props)
        delimiters.see(link.props)
    delimiter = delimiters.choose()
    folder.mkdir(parents=True, exist_ok=True)

    def cell(value: Any) -> Any:
        return delimiter.join(value) if isinstance(value, list) else value

    args = []
    with ExitStack() as files:
        writers: dict[str, tuple[Any, list[str]]] = {}
        for kind in sorted(node_columns):
            names = sorted(node_columns[kind])
            path = folder / f"nodes-{_name(kind)}.csv"
            writer = csv.writer(files.enter_context(path.open("w", encoding="utf-8", newline="")))
            specs = schema.node_properties(kind)
            writer.writerow(["id:ID", *(_header(n, specs.get(n)) for n in names), ":LABEL"])
            writers[kind] = (writer, names)
            args.append(f"--nodes={kind}={path.name}")
        for node in chosen.nodes():
            writer, names = writers[node.kind]
            writer.writerow([node.id, *(cell(node.props.get(n, "")) for n in names), node.kind])
        writers = {}
        for rel in sorted(link_columns):
            names = sorted(link_columns[rel])
            path = folder / f"relationships-{_name(rel)}.csv"
            writer = csv.writer(files.enter_context(path.open("w", encoding="utf-8", newline="")))
            specs = schema.link_properties(rel)
            writer.writerow([":START_ID", ":END_ID", *(_header(n, specs.get(n)) for n in names), ":TYPE"])
            writers[rel] = (writer, names)
            args.append(f"--relationships={rel}={path.name}")
        for link in chosen.links():
            writer, names = writers[link.rel]
            writer.writerow([link.source, link.target, *(cell(link.props.get(n, "")) for n in names), link.rel])
    command = " ".join(
        [
            "neo4j-admin database import full",
            *args,
            f"--array-delimiter={shlex.quote(delimiter)}",
            "--overwrite-destination",
            "neo4j",
        ]
    )
    (folder / "import.sh").write_text(
        "#!/bin/sh\n# Load these files into an empty, stopped Neo4j database named neo4j.\n"
        f'cd "$(dirname "$0")"\n{command}\n',
        encoding="utf-8",
    )
    return folder


def admin_command(folder: Path) -> str:
    """The neo4j-admin command written to ``folder/import.sh``."""
    return (folder / "import.sh").read_text(encoding="utf-8").strip().splitlines()[-1]


def cypher_value(value: Any) -> str:
    """A Cypher literal for a parameter line: strings JSON-quoted (valid Cypher), numbers, lists, maps."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"`{_name(str(k))}`: {cypher_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(cypher_value(v) for v in value) + "]"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)


def write_cypher(store: Store, path: Path, node_ids: Iterable[str] | None = None) -> Path:
    """A cypher-shell script: constraints and indexes, then batches of
    ``:param rows => [...]`` followed by an ``UNWIND $rows ... MERGE`` statement."""
    nodes, links = _subset(store, node_ids)
    kinds = {node.id: node.kind for node in nodes}
    lines = [
        "// dualtrace export for cypher-shell:",
        '//   cypher-shell -a bolt://localhost:7687 -u neo4j -p "$NEO4J_PASSWORD" -f THIS_FILE',
        "// Values are parameters (:param lines); statements only name them. Safe to run twice (MERGE).",
        *(f"{statement};" for statement in schema_statements(store.schema)),
    ]
    for query, rows in node_batches(nodes, SCRIPT_BATCH) + link_batches(links, kinds, SCRIPT_BATCH):
        lines.append(f":param rows => {cypher_value(rows)};")
        lines.append(f"{query};")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
