"""Staging's fast paths agree with the checks they skip."""

from __future__ import annotations

from typing import Any

from dualtrace.graph.model import Node
from dualtrace.graph.store import EmbeddedStore
from dualtrace.ingest.decisions import Decisions
from dualtrace.ingest.resolution import Resolver
from dualtrace.ingest.stager import Staging
from dualtrace.ingest.staging import Entity, Relation, Unit

SOURCE = Node("source:test-v1", "Source", {"title": "T", "publisher": "P", "kind": "dataset"})


class _Forgetful(set[Any]):
    """A set that keeps nothing: every link's ends are checked in full."""

    def add(self, item: Any) -> None:
        pass


def _staging(forgetful: bool) -> Staging:
    store = EmbeddedStore()
    store.add([SOURCE, Node("org:old", "Organization", {"name": "Old"})])
    staging = Staging(store, Resolver(store, Decisions(None), "test"), "test", SOURCE, "2024-01-01", False)
    if forgetful:
        staging.valid_ends = _Forgetful()
    return staging


def _units() -> list[Unit]:
    def org(key: str, node_id: str) -> Entity:
        return Entity(key, "Organization", {"name": node_id}, node_id)

    def deal(key: str, node_id: str) -> Entity:
        return Entity(key, "Transfer", {"name": node_id}, node_id)

    buyer = Entity("b", "GovernmentBuyer", {"name": "Police"})
    product = Entity("p", "Product", {"name": "Probe"}, "product:probe")
    return [
        Unit(1, "1", [org("s", "org:a"), deal("t", "transfer:1"), buyer, product],
             [Relation("s", "SUPPLIER_OF", "t"), Relation("t", "DELIVERED_TO", "b"), Relation("p", "ITEM_OF", "t"),
              Relation("s", "MAKES", "p")]),
        # a new entity of the wrong kind at a known good relationship's end
        Unit(2, "2", [deal("s", "transfer:x"), deal("t", "transfer:2")], [Relation("s", "SUPPLIER_OF", "t")]),
        Unit(3, "3", [org("s", "org:a"), org("t", "org:b")], [Relation("s", "SUPPLIER_OF", "t")]),
        # an entity the store holds, and one staged earlier
        Unit(4, "4", [org("s", "org:old"), deal("t", "transfer:1")], [Relation("s", "SUPPLIER_OF", "t")]),
        Unit(5, "5", [deal("s", "transfer:1"), org("t", "org:old")], [Relation("s", "SUPPLIER_OF", "t")]),
        # two entities of one record with one id: the first gives its kind
        Unit(6, "6", [Entity("p", "Product", {"name": "X"}, "product:x"), Entity("q", "Transfer", {"name": "X"}, "product:x"),
                      org("s", "org:c"), deal("t", "transfer:6")],
             [Relation("p", "ITEM_OF", "t"), Relation("s", "MAKES", "q"), Relation("s", "SUPPLIER_OF", "q")]),
        Unit(7, "7", [org("s", "org:d"), deal("t", "transfer:7")], [Relation("s", "SUPPLIER_OF", "t")]),
    ]  # fmt: skip


def test_known_good_ends_skip_only_the_checks_that_would_pass():
    fast, slow = _staging(False), _staging(True)
    for unit in _units():
        assert fast.add(unit) == slow.add(unit), unit.row
    assert {k: (s.kind, s.props, s.records) for k, s in fast.links.items()} == {
        k: (s.kind, s.props, s.records) for k, s in slow.links.items()
    }
    assert {k: (s.kind, s.props, s.records) for k, s in fast.nodes.items()} == {
        k: (s.kind, s.props, s.records) for k, s in slow.nodes.items()
    }
    assert fast.valid_ends  # the fast path was taken
    assert [fast.add(u) is None for u in _units()[:3]] == [True, False, False]


def test_read_ahead_yields_every_item_in_order():
    from dualtrace.ingest.importer import read_ahead

    for size in (1, 5, 12, 100):
        assert list(read_ahead(iter(range(12)), size)) == list(range(12))
    assert list(read_ahead(iter([]), 5)) == []


class _NoMemo(dict[Any, Any]):
    """A mapping memo that keeps nothing: every record's entities are built."""

    def __setitem__(self, key: Any, value: Any) -> None:
        pass


def test_a_memoised_mapping_makes_the_units_of_one_that_builds_every_record(tmp_path):
    from dualtrace.ingest.importer import MappingFormat
    from dualtrace.ingest.mapping import load_mapping

    (tmp_path / "m.yaml").write_text(
        "mapping: 1\ndataset: {id: source:data-memo, title: Memo, publisher: tests}\nread: {format: csv}\n"
        "record_id: ref\nentities:\n  company:\n    kind: Organization\n    properties:\n"
        "      name: {column: name, required: true}\n      country: {column: country, on_error: drop}\n"
        "links: []\nprovenance:\n  status: {constant: reported}\n",
        encoding="utf-8",
    )
    rows = ["1,Acme,FR", "2,Acme,FR", "3,Beta,Atlantis", "4,Beta,Atlantis", "5,,FR", "6,,FR", "7,Acme,FR"]
    (tmp_path / "f.csv").write_text("ref,name,country\n" + "\n".join(rows) + "\n", encoding="utf-8")
    memo = MappingFormat(load_mapping(tmp_path / "m.yaml"))
    built = MappingFormat(load_mapping(tmp_path / "m.yaml"))
    built.mapping._cache = _NoMemo()
    fast = list(memo.units(tmp_path / "f.csv", [], []))
    slow = list(built.units(tmp_path / "f.csv", [], []))
    assert fast == slow
    assert [type(u).__name__ for u in fast] == ["Unit"] * 4 + ["Rejected"] * 2 + ["Unit"]
    assert fast[2].warnings and fast[3].warnings == fast[2].warnings  # replayed from the memo
    assert fast[6].entities[0] is fast[0].entities[0]  # the memo served it


def test_a_large_import_keeps_only_the_link_keys_its_log_names(tmp_path, monkeypatch):
    """The import log names at most MAX_LOGGED new links and says it was cut short;
    the report counts them all but keeps only one key more than the log names."""
    from benchmarks.bench_import import HERE, generate
    from dualtrace.ingest import report as report_module
    from dualtrace.ingest import stager
    from dualtrace.ingest.importer import MappingFormat, run_import
    from dualtrace.ingest.mapping import load_mapping

    monkeypatch.setattr(stager, "MAX_LOGGED", 50)
    monkeypatch.setattr(report_module, "MAX_LOGGED", 50)
    data = generate(tmp_path / "transfers.csv", 40)
    store = EmbeddedStore()
    report = run_import(store, data, MappingFormat(load_mapping(HERE / "transfers.yaml")), file_date="2024-01-01")
    assert report.links_added == store.link_count() > 100
    assert len(report.links_added_keys) == 51
    assert all(store.link_props(key) is not None for key in report.links_added_keys)
    changes = report.log_entry()["changes"]
    assert len(changes["links_added"]) == 50 and changes["truncated"] is True
