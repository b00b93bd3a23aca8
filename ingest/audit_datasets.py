"""The public datasets the repository keeps a copy of, read so the audit can tell
whether a row of one states the fact a curated row cites it for.

A curated row that cites ``source:data-ofac-sdn-2024`` for a listing, or the
DoD 1260H file for a parent company, is only as good as the dataset's own row:
a citation of a dataset for something none of its rows says (a partnership the
SDN list never mentions, a date a transcription does not give) looks sourced and
is not. The copies live in ``tests/data/shared`` (see each PROVENANCE.txt); each
is read into :class:`Entry` records and answers two questions about a
:class:`Fact`: does a row state it, and does a row state its dates.

Only what a file says is accepted: a name or alias of the party (compared with
:func:`~dualtrace.graph.names.name_parts`, legal forms agreeing), a party
named by an OFAC entity number the curated entity holds, a country the row
gives (1260H rows are all Chinese military companies, so China), a parent in
1260H's Parent Name, a date in a date column. The SII copy is a sample: a record
missing from it is "cannot tell", never a finding.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from dualtrace.graph.model import Node
from dualtrace.graph.names import country_code, forms_agree, name_parts, plain_name
from dualtrace.ingest.parsers import ofac_aliases, ofac_countries, ofac_linked_to

DEAL_FACT = "DEAL"  # a Fact about a whole deal (suppliers, items, recipient), not one relationship

# Where the repository keeps its copies (an editable install: the repository root).
SHARED = Path(__file__).resolve().parents[1] / "tests" / "data" / "shared"


@dataclass
class Fact:
    """What a curated row claims: ``subject -[rel]-> target`` with its dates; a deal
    (``rel == "DEAL"``) also names its suppliers, intermediaries, items and recipient."""

    rel: str
    subject: Node | None
    target: Node | None
    dates: dict[str, str] = field(default_factory=dict)
    suppliers: list[Node] = field(default_factory=list)
    intermediaries: list[Node] = field(default_factory=list)
    items: list[Node] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)


@dataclass
class Entry:
    """One row of a held dataset, reduced to what the audit compares."""

    record: str
    names: list[str] = field(default_factory=list)
    countries: set[str] = field(default_factory=set)
    since: set[str] = field(default_factory=set)
    until: set[str] = field(default_factory=set)
    parents: list[str] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)
    text: str = ""  # free text naming the party (the FCC list names companies inside a sentence)
    unnamed: bool = False  # SII: the recipient of a record that names no end user
    deal: dict[str, object] = field(default_factory=dict)  # SII: company, hq, country, enduser, year, goods


def _names(node: Node) -> list[str]:
    return [str(node.props.get("name") or ""), *node.props.get("aliases", [])]


def _whole_government(node: Node) -> bool:
    """A buyer standing for a state as a whole: a record naming no end user may mean it."""
    return "not named" in node.name or node.name.startswith("Government of")


def _same_name(a: str, b: str) -> bool:
    (key_a, form_a), (key_b, form_b) = name_parts(a), name_parts(b)
    return bool(key_a) and key_a == key_b and forms_agree(form_a, form_b)


def _in_text(node: Node, text: str) -> bool:
    """A name of two words or more (one word is too loose) appears, whole, in the text."""
    haystack = f" {plain_name(text)} "
    return any(len(plain_name(n).split()) > 1 and f" {plain_name(n)} " in haystack for n in _names(node) if n)


@dataclass
class Copy:
    """A held dataset: its entries, the List it is (if any), and whether it is whole."""

    list_id: str | None
    jurisdiction: str | None
    entries: list[Entry]
    scheme: str | None = None  # identifier scheme whose values are this file's record ids
    complete: bool = True

    def party(self, node: Node | None) -> list[Entry]:
        """The entries that name ``node``: by its identifier of this file's scheme when it has
        one (so "Intellexa" cannot also match Intellexa Limited), else by name or alias."""
        if node is None:
            return []
        ids = [i.split(":", 1)[1] for i in node.props.get("identifiers", []) if i.startswith(f"{self.scheme}:")]
        if self.scheme and ids:
            return [e for e in self.entries if e.record in ids]
        if node.kind == "GovernmentBuyer" and _whole_government(node):
            return [e for e in self.entries if e.unnamed and node.props.get("country") in e.countries]
        names = [n for n in _names(node) if n]
        return [
            e
            for e in self.entries
            if any(_same_name(n, m) for n in names for m in e.names) or (e.text and _in_text(node, e.text))
        ]

    def states(self, fact: Fact) -> bool | None:
        """Whether a row states ``fact`` (None: cannot tell from this copy)."""
        if fact.rel == DEAL_FACT:
            if self._record(fact):
                return not self.deal_problems(fact)
            return False if self.complete else None
        check = {
            "JURISDICTION_OF": self._jurisdiction,
            "LISTED_ON": lambda f, rows: f.target.id == self.list_id and bool(rows),
            "LOCATED_IN": lambda f, rows: any(f.target.props.get("iso2") in e.countries for e in rows),
            "SUBSIDIARY_OF": self._parent,
            "LINKED_TO": lambda f, rows: any(
                _same_name(n, p) for e in rows for n in _names(f.target) for p in e.linked
            ),
            "MAKES": self._makes,
        }.get(fact.rel)
        rows = self.party(fact.subject)
        if not rows and not self.complete:
            return None  # a sample may lack the party's records
        return bool(check and fact.target is not None and check(fact, rows))

    def _jurisdiction(self, fact: Fact, _rows: list[Entry]) -> bool:
        """The file is the list: it states whose list it is."""
        assert fact.target is not None
        country = fact.subject.props.get("iso2") if fact.subject else None
        return fact.target.id == self.list_id and country == self.jurisdiction

    def _parent(self, fact: Fact, rows: list[Entry]) -> bool:
        """1260H's Parent Name, or both companies named in one FCC entry."""
        assert fact.target is not None
        names = [n for n in _names(fact.target) if n]
        return any(any(_same_name(n, p) for n in names for p in e.parents) or _in_text(fact.target, e.text)
                   for e in rows)  # fmt: skip

    def states_dates(self, fact: Fact) -> bool:
        """Whether a row stating ``fact`` also gives its dates (since, until, a deal's year)."""
        if fact.rel == DEAL_FACT:
            found = self._record(fact)
            year = str(found.deal.get("year") or "") if found else ""
            return bool(year) and all(value[:4] == year for value in fact.dates.values())
        if fact.rel != "LISTED_ON" or not self.states(fact):
            return False
        rows = self.party(fact.subject)
        since, until = fact.dates.get("since"), fact.dates.get("until")
        return (not since or any(since in e.since for e in rows)) and (not until or any(until in e.until for e in rows))

    def _makes(self, fact: Fact, rows: list[Entry]) -> bool:
        if self.list_id:  # a restricted list naming the equipment a company produces (FCC)
            return any(e.text for e in rows)
        assert fact.target is not None
        category = fact.target.props.get("category")
        return any(category in e.deal.get("goods", ()) for e in rows)  # type: ignore[operator]

    def _record(self, fact: Fact) -> Entry | None:
        ids = {i.split(":", 1)[1] for i in fact.identifiers if i.startswith(f"{self.scheme}:")}
        return next((e for e in self.entries if e.record in ids), None)

    def deal_problems(self, fact: Fact) -> list[str]:
        """What the deal's record says differently from the curated deal (empty: it states it)."""
        found = self._record(fact)
        if found is None:
            return [f"names no record of this dataset ({self.scheme}:<id> in identifiers)"]
        deal, problems = found.deal, []
        company = str(deal["company"])
        parties = fact.intermediaries if deal["broker"] else fact.suppliers
        if not any(_same_name(n, company) for node in parties for n in _names(node) if n):
            problems.append(f"the record's {'broker' if deal['broker'] else 'supplier'} is {company!r}")
        recipient = fact.target
        enduser = deal.get("enduser")
        if recipient is None or recipient.props.get("country") != deal.get("country"):
            problems.append(f"the record's recipient country is {deal.get('country')}")
        elif enduser and not any(_same_name(n, str(enduser)) for n in _names(recipient) if n):
            problems.append(f"the record's end user is {enduser!r}")
        elif not enduser and not _whole_government(recipient):
            problems.append("the record names no end user")
        year = str(deal.get("year") or "")
        if fact.dates.get("year", "") != year:
            problems.append(f"the record's year is {year or 'not given'}")
        goods = deal.get("goods", ())
        for item in fact.items:
            if item.props.get("category") not in goods:  # type: ignore[operator]
                problems.append(f"the record's goods do not include {item.props.get('category')} ({item.id})")
        return problems


def _iso(text: str) -> str:
    found = re.match(r"\s*([A-Z][a-z]+ \d{1,2}, \d{4})", text)
    return dt.datetime.strptime(found.group(1), "%B %d, %Y").date().isoformat() if found else ""


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_sdn(path: Path) -> Copy:
    text = path.read_bytes().decode("cp1252")
    entries = []
    for row in csv.reader(io.StringIO(text)):
        if len(row) < 12:
            continue
        remarks = "" if row[11].strip() == "-0-" else row[11]
        countries = {c for c in (country_code(m) for m in re.findall(r"\(([^()]+)\)", remarks)) if c}
        entries.append(
            Entry(
                record=row[0].strip(),
                names=[row[1], *ofac_aliases(remarks).values],
                countries=countries | set(ofac_countries(remarks).values),
                linked=ofac_linked_to(remarks).values,
            )
        )
    return Copy("list:us-sdn", "US", entries, scheme="ofac-sdn")


def read_1260h(path: Path) -> Copy:
    entries = []
    for row in _csv(path):
        name = re.sub(r"\s*\([^()]*\)\s*\*?$|\*$", "", row["Name"]).strip()
        names = [n for n in (name, row["Clean Name"], row["Alias"], row["Previous Name"]) if n]
        entries.append(
            Entry(
                record=row["Name"],
                names=names,
                countries={"CN"},  # the list is of Chinese military companies
                since={row["Start date"]} if row["Start date"] else set(),
                until={row["End date"]} if row["End date"] else set(),
                parents=[row["Parent Name"]] if row["Parent Name"] else [],
            )
        )
    return Copy("list:us-dod-1260h", "US", entries)


def read_fcc(path: Path) -> Copy:
    entries = []
    for number, row in enumerate(_csv(path), start=2):
        since = _iso(row["date_of_inclusion_on_covered_list"])
        text = row["covered_equipment_or_services"]
        entries.append(Entry(record=str(number), text=text, since={since} if since else set()))
    return Copy("list:us-fcc-covered", "US", entries)


def read_889(path: Path) -> Copy:
    entries = [Entry(record=r["name"], names=[r["name"], *filter(None, r["aliases"].split(";"))]) for r in _csv(path)]
    return Copy("list:us-ndaa-889", "US", entries)


def read_meu(path: Path) -> Copy:
    entries = [
        Entry(
            record=r["Name"],
            names=[n for n in (r["Name"], r["Alias"]) if n],
            countries={r["Country"]} if r["Country"] else set(),
            since={r["Date"]} if r["Date"] else set(),
            until={r["End date"]} if r["End date"] else set(),
        )
        for r in _csv(path)
    ]
    return Copy("list:us-bis-meu", "US", entries)


# SII's goods, as the schema's product categories.
SII_GOODS = {
    "lawful interception": "lawful_interception", "monitoring centre": "monitoring_centre",
    "fibre taps / probes": "fibre_tap", "deep packet inspection": "deep_packet_inspection",
    "off the air interception": "off_air_interception", "intrusion software": "intrusion_software",
    "location tracking": "location_tracking", "biometrics": "biometrics", "forensics": "forensics",
    "internet filters": "internet_filtering", "network infrastructure and services": "network_infrastructure",
    "laser / acoustic detection equipment": "acoustic_detection",
}  # fmt: skip


def read_sii(path: Path) -> Copy:
    entries = []
    for record in json.loads(path.read_text(encoding="utf-8")):
        company = str(record.get("company_name") or "")
        broker = company.endswith("(broker)")
        company = company.removesuffix("(broker)").strip()
        hq = {c for c in (country_code(p) for p in str(record.get("supplier_company_hq") or "").split(",")) if c}
        deal = {
            "company": company,
            "broker": broker,
            "country": country_code(str(record.get("recipient_country") or "")),
            "enduser": record.get("enduser"),
            "year": record.get("order_year"),
            "goods": {SII_GOODS.get(str(g).lower(), str(g).lower()) for g in record.get("goods") or []},
        }
        entries.append(Entry(record=str(record["unique_id"]), names=[company], countries=hq, deal=deal))
    for entry in list(entries):  # the end user is a party of the record too (its country: the recipient's)
        enduser = entry.deal["enduser"]
        entries.append(Entry(record=entry.record, names=[str(enduser)] if enduser else [],
                             countries={str(entry.deal["country"])}, deal=entry.deal, unnamed=not enduser))  # fmt: skip
    return Copy(None, None, entries, scheme="sii", complete=False)


# Source id -> the held copy (path under tests/data/shared) and its reader.
HELD: dict[str, tuple[str, Callable[[Path], Copy]]] = {
    "source:data-ofac-sdn-2024": ("ofac_sdn_full/sdn.csv", read_sdn),
    "source:data-dod-1260h": ("us_restricted_lists/dod_1260h_chinese_military_companies.csv", read_1260h),
    "source:data-fcc-covered": ("us_restricted_lists/fcc_covered_list.csv", read_fcc),
    "source:data-ndaa-889": ("us_restricted_lists/ndaa_section_889.csv", read_889),
    "source:data-bis-meu": ("us_restricted_lists/bis_military_end_user_list.csv", read_meu),
    "source:data-sii-transfers": ("sii_transfers_sample/transfers_sample.json", read_sii),
}


def held_copies(shared: Path | None = None, cited: Iterable[str] | None = None) -> dict[str, Copy]:
    """The held copies (of the ``cited`` source ids only, when given) found under ``shared``."""
    shared = shared if shared is not None else SHARED
    wanted = set(cited) if cited is not None else set(HELD)
    return {
        source: reader(shared / rel)
        for source, (rel, reader) in HELD.items()
        if source in wanted and (shared / rel).is_file()
    }


def missing_copies(shared: Path | None = None) -> list[str]:
    """The held datasets whose copy is not there (an install without the repository's tests)."""
    shared = shared if shared is not None else SHARED
    return [source for source, (rel, _) in HELD.items() if not (shared / rel).is_file()]
