"""A link's status when several statements meet: a denial is never lost, and a status
is never made stronger than a statement says (ingest/props.py, merged_status)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dualtrace.graph.store import EmbeddedStore
from dualtrace.ingest.importer import MappingFormat, run_import
from dualtrace.ingest.mapping import parse_mapping
from dualtrace.ingest.props import merged_status

MAPPING = """
mapping: 1
name: {name}
dataset: {{id: "source:{name}", title: "Dataset {name}", publisher: tests}}
read: {{format: csv}}
record_id: id
entities:
  supplier:
    kind: Organization
    properties: {{name: vendor, country: hq}}
  end_user:
    kind: GovernmentBuyer
    properties: {{name: buyer, country: buyer_country}}
  transfer:
    kind: Transfer
    id: {{template: "transfer:{{deal}}"}}
    properties: {{name: title}}
links:
  - {{from: supplier, rel: SUPPLIER_OF, to: transfer}}
  - {{from: transfer, rel: DELIVERED_TO, to: end_user}}
provenance:
  status: {{column: status}}
citation:
  url: link
  kind: {{constant: news}}
"""
HEADER = "id,deal,vendor,hq,buyer,buyer_country,title,status,link\n"
SALE = "acme-ug,Acme Surveillance Ltd,GB,Uganda Police Force,Uganda,Acme cameras for the Uganda police"


def statement(tmp_path: Path, dataset: str, rows: list[str], date: str, store: EmbeddedStore) -> list[tuple]:
    """Import ``rows`` (record id, status, link) as dataset ``dataset``; returns its warnings."""
    csv = tmp_path / f"{dataset}-{date}.csv"
    csv.write_text(HEADER + "".join(f"{row.split(',')[0]},{SALE},{','.join(row.split(',')[1:])}\n" for row in rows))
    mapping = parse_mapping(MAPPING.format(name=dataset), str(tmp_path / f"{dataset}.yaml"))
    report = run_import(store, csv, MappingFormat(mapping), file_date=date)
    assert report.rejected == []
    return [(w.row, w.column, w.message) for w in report.warnings]


def status(store: EmbeddedStore, rel: str) -> str:
    (link,) = [link for link in store.links(rel) if link.target.startswith(("transfer:", "buyer:"))]
    return str(link.props["status"])


@pytest.mark.parametrize(
    ("held", "stated", "owned", "expected", "conflict"),
    [
        ("reported", "confirmed", False, "confirmed", False),
        ("reported", "denied", False, "denied", False),
        ("confirmed", "reported", False, "confirmed", False),
        ("confirmed", "reported", True, "reported", False),
        ("confirmed", "denied", False, "confirmed", True),
        ("confirmed", "denied", True, "denied", False),
        ("denied", "reported", False, "denied", False),
        ("denied", "reported", True, "denied", True),
        ("denied", "confirmed", False, "denied", True),
        ("denied", "confirmed", True, "denied", True),
        (None, "denied", False, "denied", False),
    ],
)
def test_merged_status_never_loses_a_denial_nor_overstates(held, stated, owned, expected, conflict):
    taken, why = merged_status(held, stated, owned=owned)
    assert taken == expected
    assert (why is not None) == conflict
    if why:
        assert repr(held) in why and repr(stated) in why


def test_another_datasets_denial_of_a_reported_sale_makes_it_denied(tmp_path):
    store = EmbeddedStore()
    assert statement(tmp_path, "press", ["r1,reported,https://example.org/a"], "2024-01-01", store) == []
    assert statement(tmp_path, "reply", ["r9,denied,https://example.org/b"], "2024-02-01", store) == []
    assert status(store, "SUPPLIER_OF") == status(store, "DELIVERED_TO") == "denied"
    (sale,) = store.links("SUPPLIER_OF")
    assert "source:reply-https-example-org-b" in sale.props["sources"]  # the denial is cited
    # where the parties are is not what was denied
    assert {link.props["status"] for link in store.links("LOCATED_IN")} == {"reported"}


def test_a_status_not_taken_is_a_warning_with_its_row_and_column(tmp_path):
    store = EmbeddedStore()
    statement(tmp_path, "registry", ["c1,confirmed,https://example.org/c"], "2024-01-01", store)
    warnings = statement(tmp_path, "vendor", ["v1,reported,https://example.org/v", "v2,denied,https://example.org/w"],
                         "2024-02-01", store)  # fmt: skip
    assert status(store, "SUPPLIER_OF") == "confirmed"
    rows = {(row, column) for row, column, _ in warnings}
    assert rows == {(3, "provenance.status")}
    assert all("stays 'confirmed'" in message and "'denied'" in message for _, _, message in warnings)
    links = {message.split(": the link")[0] for _, _, message in warnings}
    assert links == {"org:acme-surveillance-ltd SUPPLIER_OF transfer:acme-ug",
                     "transfer:acme-ug DELIVERED_TO buyer:uganda-police-force"}  # fmt: skip


def test_a_denial_in_one_file_is_kept_whatever_the_row_order(tmp_path):
    for order in (["a,reported,https://example.org/a", "b,denied,https://example.org/b"],
                  ["b,denied,https://example.org/b", "a,reported,https://example.org/a"]):  # fmt: skip
        store = EmbeddedStore()
        assert statement(tmp_path, "mixed", order, "2024-01-01", store) == []
        assert status(store, "SUPPLIER_OF") == "denied"


def test_the_owner_cannot_lift_a_denial_and_says_so(tmp_path):
    store = EmbeddedStore()
    statement(tmp_path, "press", ["r1,reported,https://example.org/a"], "2024-01-01", store)
    statement(tmp_path, "reply", ["r9,denied,https://example.org/b"], "2024-02-01", store)
    warnings = statement(tmp_path, "press", ["r1,confirmed,https://example.org/a"], "2024-03-01", store)
    assert status(store, "SUPPLIER_OF") == "denied"
    assert warnings and all(w[:2] == (2, "provenance.status") and "stays 'denied'" in w[2] for w in warnings)
