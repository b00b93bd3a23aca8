"""The evidence rules of the curated dataset, checked row by row (``dualtrace audit``).

The schema (``starter.validate_dataset``) says whether a row is well formed; these
rules say whether its sources can carry it. A journalist reads ``confirmed`` as
"an official record or the party says so" and a date as "a source says when", so
the dataset must not claim more than its citations hold. Every finding names the
file and row (the header is row 1).

Rules, as implemented:

``confirmed``
    A row of ``links.csv``, ``transfers.csv`` or ``products.csv`` with status
    ``confirmed`` cites at least one source of kind ``government_record``,
    ``legal_text`` or ``company_statement``, or a ``dataset`` source whose row
    states that exact fact in the copy the repository holds (tests/data/shared;
    see :mod:`dualtrace.ingest.audit_datasets`). A dataset without a held copy
    cannot confirm: its row cannot be read.
``dataset``
    A dataset whose copy is held, cited by any row (a link, a deal, a product's
    makers, an organization's or buyer's ``country_sources``, a list), must have
    a row stating that fact: the party's name or alias (or its OFAC entity
    number) on a list it is said to be on, a country the row gives, a parent in
    1260H's Parent Name, a maker the FCC list names, an SII record (named in the
    deal's ``identifiers``) with that supplier, recipient, year and goods. A
    dataset row cited for a fact it does not state is an error.
``date``
    A row with a date (``since``, ``until``, a deal's ``year``) cites at least one
    source that can state it: a held dataset whose row gives those dates (a held
    dataset counts only through its row), or any other source that is not an
    undated dataset and whose own date, when it has one, is not before the
    row's latest date (a source cannot report what happened
    after it was published). Partial dates compare by the whole period: a source
    of 2019 can state 2019-05-04; one of 2019-05-03 cannot.
``unnamed supplier``
    A deal whose supplier is a placeholder (an id ending ``-unspecified`` or a
    name saying the supplier is not named) rests on a general statement, not a
    record of a sale. It is listed apart and is not an error.
``uncited source``
    A source that no row cites (links, deals, products, ``country_sources``,
    lists) is an error: it supports nothing.
``duplicate deal``
    Two deals sharing an identifier, or with the same suppliers, recipient,
    items and year (a deal with no year is compared by its since and until),
    are one record entered twice: an error on the later row.

A folder that breaks the schema is reported as ``schema`` findings only; the
rules above assume well-formed rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.abc import Traversable
from pathlib import Path

from dualtrace.graph.model import Link, Node
from dualtrace.ingest.audit_datasets import DEAL_FACT, Copy, Fact, held_copies
from dualtrace.ingest.starter import STARTER_FILES, Dataset, read_dataset, validate_dataset

OFFICIAL_KINDS = frozenset({"government_record", "legal_text", "company_statement"})
UNNAMED = "unnamed supplier"


@dataclass(frozen=True)
class Finding:
    """One breach of a rule: where (file, row) and what."""

    file: str
    row: int
    rule: str
    message: str

    @property
    def is_error(self) -> bool:
        """Every rule is an error except deals with an unnamed supplier, which are listed apart."""
        return self.rule != UNNAMED

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}: [{self.rule}] {self.message}"


@dataclass
class Claim:
    """What one row (or, for products, one maker of a row) asserts, with its citations."""

    file: str
    row: int
    fact: Fact
    sources: list[str]
    status: str | None  # None when the row states no status (a country, a list's jurisdiction)
    label: str


def audit(folder: Traversable | Path | str | None = None, shared: Path | None = None) -> list[Finding]:
    """Every finding in the curated CSVs of ``folder`` (default: the shipped starter dataset),
    checking dataset citations against the copies under ``shared`` (default: tests/data/shared)."""
    data = read_dataset(Path(folder) if isinstance(folder, str) else folder)
    problems = validate_dataset(data)
    if problems:
        return [Finding(p.where, p.row or 0, "schema", f"column {p.column!r}: {p.message}") for p in problems]
    nodes = {node.id: node for node, _, _ in data.nodes}
    claims = list(_claims(data, nodes))
    copies = held_copies(shared, {s for c in claims for s in c.sources})
    findings = [f for c in claims for f in _check(c, nodes, copies)]
    findings += _uncited(data, claims) + _duplicates(data, nodes)
    order = {name: i for i, name in enumerate(STARTER_FILES)}
    return sorted(set(findings), key=lambda f: (order.get(f.file, 99), f.row, f.rule, f.message))


def _claims(data: Dataset, nodes: dict[str, Node]) -> Iterator[Claim]:
    """Claims from the loader's links; a deal's links (one per party) make one claim per row."""
    deals: dict[int, list[Link]] = defaultdict(list)
    for link, where, row in data.links:
        if where == "transfers.csv":
            deals[row].append(link)
            continue
        stated = where in ("links.csv", "products.csv")
        dates = {k: str(link.props[k]) for k in ("since", "until") if link.props.get(k)}
        fact = Fact(link.rel, nodes.get(link.source), nodes.get(link.target), dates)
        label = f"{link.source} {link.rel} {link.target}"
        yield Claim(where, row, fact, link.props["sources"], link.props["status"] if stated else None, label)
    rows = {row: node for node, where, row in data.nodes if where == "transfers.csv"}
    for row, links in deals.items():
        deal = rows[row]
        ends = defaultdict(list)
        for link in links:
            ends[link.rel].append(nodes[link.source] if link.target == deal.id else nodes[link.target])
        first = links[0].props
        dates = {k: str(first[k]) for k in ("since", "until") if first.get(k)}
        if deal.props.get("year"):
            dates["year"] = str(deal.props["year"])
        recipient = ends["DELIVERED_TO"][0] if ends["DELIVERED_TO"] else None
        fact = Fact(DEAL_FACT, deal, recipient, dates, ends["SUPPLIER_OF"], ends["INTERMEDIARY_OF"], ends["ITEM_OF"],
                    list(deal.props.get("identifiers", [])))  # fmt: skip
        yield Claim("transfers.csv", row, fact, first["sources"], first["status"], deal.id)


def _check(claim: Claim, nodes: dict[str, Node], copies: dict[str, Copy]) -> Iterator[Finding]:
    """Rules confirmed, dataset and date for one claim; the unnamed-supplier listing for a deal."""
    fact, where = claim.fact, (claim.file, claim.row)
    stated: dict[str, bool | None] = {s: copies[s].states(fact) for s in claim.sources if s in copies}
    for source, ok in stated.items():
        if ok is False:
            why = copies[source].deal_problems(fact) if fact.rel == DEAL_FACT else []
            detail = f": {'; '.join(why)}" if why else ""
            yield Finding(*where, "dataset", f"{source} is cited for {claim.label}, which no row of it states{detail}")
    if claim.status == "confirmed":
        kinds = {s: nodes[s].props.get("kind") for s in claim.sources}
        if not any(k in OFFICIAL_KINDS for k in kinds.values()) and not any(stated.values()):
            yield Finding(*where, "confirmed", f"{claim.label} is confirmed, but no cited source is an official "
                          f"record, a legal text, the party's own statement or a held dataset row stating it "
                          f"({', '.join(f'{s}: {k}' for s, k in kinds.items())})")  # fmt: skip
    if fact.dates and not any(_can_date(s, claim, nodes, copies) for s in claim.sources):
        shown = ", ".join(f"{k} {v}" for k, v in sorted(fact.dates.items()))
        yield Finding(*where, "date", f"{claim.label}: {shown}, but no cited source can state it "
                      f"({', '.join(_date_of(nodes[s]) for s in claim.sources)})")  # fmt: skip
    if fact.rel == DEAL_FACT:
        for supplier in fact.suppliers:
            if supplier.id.endswith("-unspecified") or "not named" in supplier.name:
                yield Finding(*where, UNNAMED, f"{claim.label}: supplier {supplier.id} is a placeholder; "
                              "the deal rests on a general statement")  # fmt: skip


def _can_date(source: str, claim: Claim, nodes: dict[str, Node], copies: dict[str, Copy]) -> bool:
    if source in copies:
        return copies[source].states_dates(claim.fact)
    props = nodes[source].props
    if not props.get("date"):
        return props.get("kind") != "dataset"
    latest = max(claim.fact.dates.values(), key=_start)
    return _end(str(props["date"])) >= _start(latest)


def _start(date: str) -> str:
    return (date + "-01-01")[:10] if len(date) == 4 else (date + "-01")[:10]


def _end(date: str) -> str:
    return date + "-12-31" if len(date) == 4 else (date + "-31" if len(date) == 7 else date)


def _date_of(source: Node) -> str:
    kind = source.props.get("kind")
    return f"{source.id}: {kind}, {source.props.get('date') or 'undated'}"


def _uncited(data: Dataset, claims: list[Claim]) -> list[Finding]:
    cited = {s for c in claims for s in c.sources}
    cited |= {s for node, _, _ in data.nodes for s in node.props.get("sources", [])}
    return [
        Finding(where, row, "uncited source", f"{node.id} is cited by no row")
        for node, where, row in data.nodes
        if node.kind == "Source" and node.id not in cited
    ]


def _duplicates(data: Dataset, nodes: dict[str, Node]) -> list[Finding]:
    """Deals entered twice: a shared identifier, or the same parties, items and date."""
    ends: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    dates: dict[str, tuple[str, ...]] = {}
    for link, where, _ in data.links:
        if where == "transfers.csv":
            deal, other = (link.target, link.source) if link.rel != "DELIVERED_TO" else (link.source, link.target)
            ends[deal][link.rel].add(other)
            dates[deal] = (str(link.props.get("since", "")), str(link.props.get("until", "")))
    findings: list[Finding] = []
    by_id: dict[str, tuple[str, int]] = {}
    by_key: dict[tuple[tuple[str, ...], ...], tuple[str, int]] = {}
    for node, where, row in data.nodes:
        if node.kind != "Transfer":
            continue
        for identifier in node.props.get("identifiers", []):
            if identifier in by_id:
                findings.append(Finding(where, row, "duplicate deal", f"{node.id} shares {identifier} with "
                                        f"{by_id[identifier][0]} (row {by_id[identifier][1]})"))  # fmt: skip
            by_id.setdefault(identifier, (node.id, row))
        parts = ends[node.id]
        year = node.props.get("year")
        key = (*(tuple(sorted(parts[r])) for r in ("SUPPLIER_OF", "DELIVERED_TO", "ITEM_OF")),
               (str(year),) if year else dates.get(node.id, ("", "")))  # fmt: skip
        if key in by_key:
            findings.append(Finding(where, row, "duplicate deal", f"{node.id} has the suppliers, recipient, items "
                                    f"and year of {by_key[key][0]} (row {by_key[key][1]})"))  # fmt: skip
        by_key.setdefault(key, (node.id, row))
    return findings
