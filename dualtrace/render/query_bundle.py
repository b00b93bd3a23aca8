"""``dualtrace queries export``: every saved query in one file to paste into Neo4j
Browser (or run with cypher-shell): each query's header as comments, its example
parameters as ``:param`` lines, then the query.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from dualtrace.queries.library import SavedQuery
from dualtrace.render.neo4j_export import cypher_value


def bundle_text(queries: Iterable[SavedQuery]) -> str:
    lines = [
        "// dualtrace saved queries, for Neo4j Browser (enable multi-statement mode) or",
        '//   cypher-shell -a bolt://localhost:7687 -u neo4j -p "$NEO4J_PASSWORD" -f THIS_FILE',
        "// Each query's :param lines set its example values; change them and run the query again.",
    ]
    for query in queries:
        lines += ["", f"// ===== {query.name}: {query.question}"]
        for name, value in query.example_params().items():
            lines.append(f":param {name} => {cypher_value(value)};")
        lines.append(query.body.rstrip().rstrip(";") + ";")
    return "\n".join(lines) + "\n"


def write_bundle(queries: Iterable[SavedQuery], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(bundle_text(queries), encoding="utf-8")
    return path
