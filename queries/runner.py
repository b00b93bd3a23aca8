"""Run a saved query where the data is: on Neo4j when a connection is configured,
on the embedded store otherwise.

On the embedded store a built-in query runs its Python twin (fast at a million
links); a user's own query runs through the ad-hoc Cypher engine (small graphs,
refuses what it cannot answer exactly). On Neo4j every query runs its own
Cypher text, with the bound parameters sent as parameters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dualtrace.graph.errors import NotFound
from dualtrace.graph.protocol import Store
from dualtrace.queries.adhoc import refuse_writes, run_adhoc
from dualtrace.queries.catalogue import implementations
from dualtrace.queries.library import SavedQuery
from dualtrace.queries.params import ENTITY_ID
from dualtrace.queries.resolve import NameIndex

if TYPE_CHECKING:
    from dualtrace.graph.neo4j_store import Neo4jStore


@dataclass(frozen=True)
class Result:
    query: SavedQuery
    params: dict[str, Any]
    columns: list[str]
    rows: list[dict[str, Any]]
    engine: str  # what answered: "embedded (Python)", "embedded (grand-cypher)", "neo4j bolt://..."


def _check_entities(query: SavedQuery, params: dict[str, Any], store: Store) -> dict[str, Any]:
    """Entity parameters as ids: an id is kept, a name or alias is looked up; a mistyped
    one fails with suggestions ("did you mean") instead of silently giving no rows."""
    resolved = dict(params)
    index: NameIndex | None = None
    for name, param in query.params.items():
        value = params.get(name)
        if param.type != "entity" or value is None or store.has(value):
            continue
        index = index or NameIndex(store, store.schema.nodes)
        found = index.find(value)
        if len(found) == 1:
            resolved[name] = found[0]
            continue
        what = f"entity for parameter {name} of {query.name}"
        raise NotFound(what, value, index.suggest(value.split(":")[-1]))
    return resolved


def run_embedded(query: SavedQuery, store: Store, given: dict[str, Any]) -> Result:
    params = _check_entities(query, query.bind(given), store)
    twin = implementations().get(query.name) if query.builtin else None
    if twin is not None:
        rows = twin(store, **params)
        return Result(query, params, list(query.returns), rows, "embedded store (Python)")
    columns, rows = run_adhoc(store, query.body, params)
    return Result(query, params, columns, rows, "embedded store (grand-cypher)")


def plain(value: Any) -> Any:
    """Neo4j values as plain JSON-able Python: temporal values as ISO text, nodes and
    relationships as their properties."""
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if hasattr(value, "items"):  # maps, nodes and relationships
        return {k: plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):  # neo4j.time values
        return value.iso_format()
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else str(value)


def run_neo4j(query: SavedQuery, remote: Neo4jStore, given: dict[str, Any]) -> Result:
    params = query.bind(given)
    if any(p.type == "entity" and not ENTITY_ID.match(str(params.get(n) or "x:x")) for n, p in query.params.items()):
        params = _check_entities(query, params, remote)  # a name given: looked up in Neo4j
    refuse_writes(query.body)
    records = remote.read(query.body, **params)
    rows = [{k: plain(v) for k, v in record.items()} for record in records]
    if not rows:
        for name, param in query.params.items():
            value = params.get(name)
            if param.type == "entity" and value is not None and remote.get(value) is None:
                raise NotFound(f"entity for parameter {name} of {query.name} in Neo4j", value, [])
    columns = list(rows[0]) if rows else list(query.returns)
    return Result(query, params, columns, rows, f"neo4j {remote.connection.uri}")
