"""Load the curated starter dataset (``ingest/starter/*.csv``) into nodes and links.

The dataset is kept as plain CSV so researchers can review and extend it by hand
(see README, "Adding facts"). Each file has one job: ``sources.csv`` the cited
documents, ``countries.csv``, ``organizations.csv``, ``buyers.csv``,
``products.csv`` (with their makers), ``lists.csv``, ``regimes.csv``,
``transfers.csv`` (reified deals) and ``links.csv`` (every other relationship).
Multi-value cells are separated by ``;``.

Loading checks every row against the schema and reports each problem with file,
row and column; nothing is loaded unless the whole dataset is valid.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

from dualtrace.graph.errors import RecordProblem, ValidationFailed
from dualtrace.graph.model import Link, Node
from dualtrace.graph.schema import Schema, load_schema
from dualtrace.graph.store import EmbeddedStore

STARTER_FILES = (
    "sources.csv",
    "countries.csv",
    "organizations.csv",
    "buyers.csv",
    "products.csv",
    "lists.csv",
    "regimes.csv",
    "transfers.csv",
    "links.csv",
)


def starter_dir() -> Traversable:
    """Where the shipped starter CSV files live."""
    return resources.files("dualtrace.ingest").joinpath("starter")


@dataclass
class Dataset:
    """Nodes and links read from a folder, each remembering the file and row it came from."""

    nodes: list[tuple[Node, str, int]] = field(default_factory=list)
    links: list[tuple[Link, str, int]] = field(default_factory=list)
    problems: list[RecordProblem] = field(default_factory=list)

    def node(self, node: Node, where: str, row: int) -> None:
        self.nodes.append((node, where, row))

    def link(self, link: Link, where: str, row: int) -> None:
        self.links.append((link, where, row))


def split(cell: str | None) -> list[str]:
    """``'a; b;'`` -> ``['a', 'b']``."""
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


def _clean(props: dict[str, Any]) -> dict[str, Any]:
    """Drop empty cells so optional properties are simply absent."""
    return {key: value for key, value in props.items() if value not in (None, "", [])}


def _rows(folder: Traversable | Path, name: str) -> Iterator[tuple[int, dict[str, str]]]:
    if not folder.joinpath(name).is_file():
        return  # a user's curated folder may hold only some of the files
    with folder.joinpath(name).open("r", encoding="utf-8") as handle:
        # Row numbers count the header as row 1, as a spreadsheet shows them.
        for number, row in enumerate(csv.DictReader(handle), start=2):
            yield number, {key: (value or "").strip() for key, value in row.items() if key is not None}


def _provenance(row: dict[str, str], status_default: str = "") -> dict[str, Any]:
    return _clean(
        {
            "sources": split(row.get("sources")),
            "status": row.get("status") or status_default,
            "since": row.get("since"),
            "until": row.get("until"),
            "note": row.get("note"),
        }
    )


def _located_in(data: Dataset, node_id: str, row: dict[str, str], where: str, number: int) -> None:
    country = row.get("country")
    if not country:
        return
    sources = split(row.get("country_sources"))
    if not sources:
        data.problems.append(RecordProblem(where, number, "country_sources", "a country needs at least one source"))
        return
    data.link(
        Link(node_id, "LOCATED_IN", f"country:{country}", {"sources": sources, "status": "confirmed"}), where, number
    )


def _int_or_text(value: str) -> Any:
    return int(value) if value.isdigit() else value or None


def _read_sources(folder: Traversable | Path, data: Dataset) -> None:
    for number, row in _rows(folder, "sources.csv"):
        props = _clean({k: row.get(k) for k in ("title", "publisher", "date", "url", "kind", "note")})
        data.node(Node(row["id"], "Source", props), "sources.csv", number)


def _read_countries(folder: Traversable | Path, data: Dataset) -> None:
    for number, row in _rows(folder, "countries.csv"):
        data.node(
            Node(f"country:{row['iso2']}", "Country", {"name": row["name"], "iso2": row["iso2"]}),
            "countries.csv",
            number,
        )


def _read_organizations(folder: Traversable | Path, data: Dataset) -> None:
    where = "organizations.csv"
    for number, row in _rows(folder, where):
        props = _clean(
            {
                "name": row["name"],
                "aliases": split(row.get("aliases")),
                "country": row.get("country"),
                "roles": split(row.get("roles")),
                "note": row.get("note"),
                "sources": split(row.get("country_sources")),
                "identifiers": split(row.get("identifiers")),
            }
        )
        data.node(Node(row["id"], "Organization", props), where, number)
        _located_in(data, row["id"], row, where, number)


def _read_buyers(folder: Traversable | Path, data: Dataset) -> None:
    where = "buyers.csv"
    for number, row in _rows(folder, where):
        props = _clean(
            {
                "name": row["name"],
                "country": row.get("country"),
                "level": row.get("level"),
                "aliases": split(row.get("aliases")),
                "note": row.get("note"),
                "sources": split(row.get("country_sources")),
                "identifiers": split(row.get("identifiers")),
            }
        )
        data.node(Node(row["id"], "GovernmentBuyer", props), where, number)
        _located_in(data, row["id"], row, where, number)


def _read_products(folder: Traversable | Path, data: Dataset) -> None:
    where = "products.csv"
    for number, row in _rows(folder, where):
        props = _clean({"name": row["name"], "category": row.get("category"), "description": row.get("description")})
        data.node(Node(row["id"], "Product", props), where, number)
        for maker in split(row.get("makers")):
            data.link(Link(maker, "MAKES", row["id"], _provenance(row)), where, number)


def _read_lists(folder: Traversable | Path, data: Dataset) -> None:
    where = "lists.csv"
    for number, row in _rows(folder, where):
        props = _clean({k: row.get(k) for k in ("name", "authority", "jurisdiction", "kind", "url")})
        props.update(_clean({"sources": split(row.get("sources"))}))  # attest the list itself
        data.node(Node(row["id"], "List", props), where, number)
        if row.get("jurisdiction"):
            provenance = {"sources": split(row.get("sources")), "status": "confirmed"}
            data.link(Link(f"country:{row['jurisdiction']}", "JURISDICTION_OF", row["id"], provenance), where, number)


def _read_regimes(folder: Traversable | Path, data: Dataset) -> None:
    for number, row in _rows(folder, "regimes.csv"):
        props = _clean({k: row.get(k) for k in ("name", "founded", "url")})
        data.node(Node(row["id"], "Regime", props), "regimes.csv", number)


def _read_transfers(folder: Traversable | Path, data: Dataset) -> None:
    """One row -> a Transfer node plus its supplier, intermediary, item and recipient links,
    each carrying the row's sources and status."""
    where = "transfers.csv"
    for number, row in _rows(folder, where):
        transfer_id = row["id"]
        props = _clean(
            {
                "name": row["name"],
                "year": _int_or_text(row.get("year", "")),
                "value": row.get("value"),
                "note": row.get("note"),
                "identifiers": split(row.get("identifiers")) or None,
            }
        )
        data.node(Node(transfer_id, "Transfer", props), where, number)
        # a deal counts by its year (graph/dates.py): its links carry it when the row gives no since
        provenance = _provenance({**row, "since": row.get("since") or row.get("year", "")})
        for supplier in split(row.get("suppliers")):
            data.link(Link(supplier, "SUPPLIER_OF", transfer_id, provenance), where, number)
        for broker in split(row.get("intermediaries")):
            data.link(Link(broker, "INTERMEDIARY_OF", transfer_id, provenance), where, number)
        for item in split(row.get("items")):
            data.link(Link(item, "ITEM_OF", transfer_id, provenance), where, number)
        if not row.get("suppliers") and not row.get("intermediaries"):
            data.problems.append(
                RecordProblem(where, number, "suppliers", "a transfer needs a supplier or an intermediary")
            )
        if not row.get("recipient"):
            data.problems.append(RecordProblem(where, number, "recipient", "a transfer needs a recipient"))
        else:
            data.link(Link(transfer_id, "DELIVERED_TO", row["recipient"], provenance), where, number)


def _read_links(folder: Traversable | Path, data: Dataset) -> None:
    where = "links.csv"
    for number, row in _rows(folder, where):
        data.link(Link(row["source"], row["rel"], row["target"], _provenance(row)), where, number)


READERS: tuple[Callable[[Traversable | Path, Dataset], None], ...] = (
    _read_sources,
    _read_countries,
    _read_organizations,
    _read_buyers,
    _read_products,
    _read_lists,
    _read_regimes,
    _read_transfers,
    _read_links,
)


def read_dataset(folder: Traversable | Path | None = None) -> Dataset:
    """Read every starter file in ``folder`` (default: the shipped dataset), unvalidated."""
    folder = folder if folder is not None else starter_dir()
    data = Dataset()
    for reader in READERS:
        reader(folder, data)
    return data


def validate_dataset(
    data: Dataset, schema: Schema | None = None, known: dict[str, str] | None = None
) -> list[RecordProblem]:
    """Every schema problem in ``data``, plus duplicate ids and duplicate links.
    ``known`` (id -> kind) lets links point at entities already in a workspace."""
    schema = schema or load_schema()
    problems = list(data.problems)
    kind_of: dict[str, str] = dict(known or {})
    first_seen: dict[str, str] = {}
    for node, where, row in data.nodes:
        if node.id in kind_of and node.id in first_seen:
            problems.append(
                RecordProblem(where, row, "id", f"duplicate id {node.id!r} (first in {first_seen[node.id]})")
            )
        kind_of[node.id] = node.kind
        first_seen.setdefault(node.id, f"{where}, row {row}")
        problems += [RecordProblem(where, row, p.field, p.message) for p in schema.validate_node(node)]
    seen_links: dict[tuple[str, str, str], str] = {}
    for link, where, row in data.links:
        if link.key in seen_links:
            problems.append(
                RecordProblem(where, row, "rel", f"duplicate link {link.key} (first in {seen_links[link.key]})")
            )
        seen_links.setdefault(link.key, f"{where}, row {row}")
        problems += [RecordProblem(where, row, p.field, p.message) for p in schema.validate_link(link, kind_of)]
    return problems


def load_starter(store: EmbeddedStore, folder: Traversable | Path | None = None) -> dict[str, int]:
    """Validate the starter dataset and add it to ``store``; returns counts.

    Raises :class:`ValidationFailed` (listing every problem) and leaves the store
    untouched if any row is invalid.
    """
    data = read_dataset(folder)
    problems = validate_dataset(data, store.schema)
    if problems:
        raise ValidationFailed(problems)
    store.add((n for n, _, _ in data.nodes), (link for link, _, _ in data.links), validate=False)
    return {"nodes": len(data.nodes), "links": len(data.links)}
