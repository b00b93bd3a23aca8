"""Integrity of the shipped starter dataset."""

from __future__ import annotations

import shutil
from collections import Counter

import pytest

from dualtrace.graph.errors import ValidationFailed
from dualtrace.graph.names import name_parts
from dualtrace.graph.store import EmbeddedStore
from dualtrace.ingest.starter import STARTER_FILES, load_starter, read_dataset, starter_dir, validate_dataset

SEED_FILES = [
    "000_46037be2113c5a30",
    "001_53d5f0a301b24406",
    "002_cc65841cfeb95355",
    "003_1037d84060018ef8",
    "004_b2351e5d4a52720b",
]


def test_dataset_is_valid_and_large_enough(starter):
    assert validate_dataset(read_dataset()) == []
    entities = [n for n in starter.nodes() if n.kind not in ("Source", "Transfer")]
    assert len(entities) >= 150
    assert starter.graph.number_of_edges() >= 250


def test_every_link_cites_a_real_source_with_title_and_publisher(starter):
    for link in starter.links():
        assert link.props["sources"], link.key
        assert link.props["status"] in {"reported", "confirmed", "denied"}
        for source_id in link.props["sources"]:
            source = starter.get(source_id)
            assert source is not None and source.kind == "Source", (link.key, source_id)
            assert source.props["title"] and source.props["publisher"]


def test_each_seed_document_is_a_source(starter):
    notes = " ".join(n.props.get("note", "") for n in starter.nodes("Source"))
    for seed in SEED_FILES:
        assert seed in notes


def test_every_source_is_cited_by_some_link_or_entity(starter):
    cited = {s for link in starter.links() for s in link.props["sources"]}
    cited |= {s for node in starter.nodes() for s in node.props.get("sources", [])}  # e.g. a list's legal act
    assert {n.id for n in starter.nodes("Source")} - cited == set()


def test_no_entity_under_two_ids(starter):
    for kind in ("Organization", "GovernmentBuyer", "Product", "Country"):
        # the same name key with the same legal form (AO Kaspersky Lab and Kaspersky Lab, Inc. are two companies)
        names = Counter((name_parts(n.name), n.props.get("country")) for n in starter.nodes(kind))
        assert [name for name, count in names.items() if count > 1] == [], kind


def test_key_actors_are_present_with_listings(starter):
    for vendor in ("hikvision", "dahua", "huawei", "zte", "sensetime", "megvii", "iflytek", "cloudwalk", "yitu"):
        listings = list(starter.out_links(f"org:{vendor}", "LISTED_ON"))
        assert listings, vendor
    assert len(list(starter.in_links("regime:wassenaar", "PARTICIPATES_IN"))) == 42
    assert starter.get("country:CN") and not starter.graph.has_edge("country:CN", "regime:wassenaar")


def test_contested_claims_are_not_recorded_as_fact(starter):
    denied = [lk for lk in starter.links() if lk.props["status"] == "denied"]
    assert denied and all(lk.props.get("note") for lk in denied)


def test_bad_row_reports_file_row_and_column_and_loads_nothing(tmp_path):
    folder = tmp_path / "starter"
    folder.mkdir()
    for name in STARTER_FILES:
        shutil.copyfile(str(starter_dir().joinpath(name)), folder / name)
    lines = (folder / "products.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("facial_recognition", "mind_reading")
    (folder / "products.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = EmbeddedStore(tmp_path / "ws.json")
    with pytest.raises(ValidationFailed) as info:
        load_starter(store, folder)
    assert "products.csv, row 4, column 'category'" in str(info.value)
    assert len(store) == 0
