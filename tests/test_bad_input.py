"""Bad input: every problem is named (file, row, column, what was expected), valid
rows still import, rejected rows go to the rejects file, nothing is lost silently."""

from __future__ import annotations

import codecs
import csv
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dualtrace.cli import main
from dualtrace.graph.errors import WorkspaceError
from dualtrace.graph.store import EmbeddedStore
from dualtrace.ingest.formats import get_format
from dualtrace.ingest.importer import MappingFormat, run_import, write_companions
from dualtrace.ingest.mapping import load_mapping
from dualtrace.ingest.readers import FileRejected

HERE = Path(__file__).parent
LISTINGS = load_mapping(HERE / "data" / "mappings" / "listings.yaml")
SII = HERE / "data" / "shared" / "sii_transfers_sample" / "transfers_sample.json"
HEADER = "ref,name,country,listed,remarks\n"


def run(path: Path, store: EmbeddedStore | None = None, rejects_path: Path | None = None, **kwargs):
    store = store if store is not None else EmbeddedStore()
    report = run_import(store, path, MappingFormat(LISTINGS), file_date="2024-01-01", **kwargs)
    write_companions(report, path, review_path=None, rejects_path=rejects_path)
    return store, report


def names(store: EmbeddedStore) -> set[str]:
    return {n.name for n in store.nodes("Organization")}


def test_cp1252_is_detected_and_decoded(tmp_path):
    path = tmp_path / "listings.csv"
    path.write_bytes((HEADER + "1,Société Générale Écoute,France,01/02/2020,\n").encode("cp1252"))
    store, report = run(path)
    assert report.rejected == []
    assert names(store) == {"Société Générale Écoute"}


def test_utf16_with_bom_is_read(tmp_path):
    path = tmp_path / "listings.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + (HEADER + "1,Зала Аэро,Russia,2022,\n").encode("utf-16-le"))
    store, report = run(path)
    assert report.rejected == []
    assert names(store) == {"Зала Аэро"}
    assert next(store.links("LISTED_ON")).props["since"] == "2022"


def test_bad_rows_are_rejected_with_reasons_and_the_rest_imports(tmp_path):
    path = tmp_path / "listings.csv"
    huge = "x" * 100_000
    path.write_text(
        HEADER
        + "1,Good Company Ltd,Germany,01/02/2020,\n"
        + "2,Bad Date GmbH,Germany,sometime in spring,\n"
        + "3,Nowhere Corp,Atlantis,2020,\n"
        + f"4,Huge Cell SA,France,2020,{huge}\n"
        + '5,"=HYPERLINK(""http://example.org"",""click"")",Italy,2021,\n'
        + "6,,Italy,2021,\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "rejects.csv"
    store, report = run(path, rejects_path=rejects)
    assert names(store) == {"Good Company Ltd", '=HYPERLINK("http://example.org","click")'}
    reasons = {r.row: (r.column, r.reason) for r in report.rejected}
    assert set(reasons) == {3, 4, 5, 7}  # spreadsheet rows: the header is row 1
    assert reasons[3][0] == "listed" and "cannot read 'sometime in spring' as a date" in reasons[3][1]
    assert reasons[4][0] == "country" and "unknown country 'Atlantis'" in reasons[4][1]
    assert reasons[5][0] == "remarks" and "100,000 characters; at most 10,000 expected" in reasons[5][1]
    assert reasons[7][0] == "name" and "needs name" in reasons[7][1]
    with rejects.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["row"]) for r in rows] == [3, 4, 5, 7]
    assert json.loads(rows[0]["record"])["name"] == "Bad Date GmbH"
    assert all(r["file"] == str(path) and r["reason"] for r in rows)
    # the import log counts them too
    assert store.meta["imports"][-1]["rejected"] == 4


def test_formula_cells_stay_text(tmp_path):
    path = tmp_path / "listings.csv"
    path.write_text(HEADER + '1,"=cmd|\' /C calc\'!A0",Italy,2021,"=1+1"\n', encoding="utf-8")
    store, _ = run(path)
    link = next(store.links("LISTED_ON"))
    assert store.get(link.source).name == "=cmd|' /C calc'!A0"
    assert link.props["note"] == "=1+1"


def test_empty_file_and_header_only(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(FileRejected, match=r"empty.csv: the file is empty"):
        run(empty)
    header_only = tmp_path / "header.csv"
    header_only.write_text(HEADER, encoding="utf-8")
    with pytest.raises(FileRejected, match=r"header.csv: no rows after the header"):
        run(header_only)


def test_missing_required_column_in_csv(tmp_path):
    path = tmp_path / "listings.csv"
    path.write_text("ref,company,country\n1,Acme,France\n", encoding="utf-8")
    with pytest.raises(
        FileRejected, match=r"required column\(s\) 'name' not in the file; found: ref, company, country"
    ):
        run(path)


def test_a_failed_import_leaves_the_store_as_it_was(tmp_path, starter):
    store = EmbeddedStore()
    store.add(starter.nodes(), starter.links(), validate=False)
    before = (store.graph.number_of_nodes(), store.graph.number_of_edges(), dict(store.meta))
    path = tmp_path / "listings.csv"
    path.write_text("ref,company\n1,Acme\n", encoding="utf-8")
    with pytest.raises(FileRejected):
        run(path, store)
    assert (store.graph.number_of_nodes(), store.graph.number_of_edges(), store.meta) == before


def test_truncated_json_keeps_every_complete_record(tmp_path):
    text = SII.read_text(encoding="utf-8")
    cut = text.index('"unique_id": "Packet_Forensics_United States of America_2009"')
    path = tmp_path / "truncated.json"
    path.write_text(text[:cut], encoding="utf-8")
    store = EmbeddedStore()
    report = run_import(store, path, get_format("sii", path, store), file_date="2024-01-01")
    assert len(list(store.nodes("Transfer"))) == 4  # the four records before the break
    [problem] = report.rejected
    assert problem.row == 5 and "truncated JSON" in problem.reason


def test_broken_json_lines_are_reported_and_skipped(tmp_path):
    source = HERE / "data" / "shared" / "ftm_opensanctions_zala" / "entities.ftm.json"
    lines = source.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3][: len(lines[3]) // 2]  # a line cut in half
    path = tmp_path / "broken.ftm.json"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = EmbeddedStore()
    report = run_import(store, path, get_format("ftm", path, store), file_date="2024-01-01")
    broken = [r for r in report.rejected if r.row == 4]
    assert broken and "not valid JSON" in broken[0].reason
    assert len(list(store.nodes("Person"))) >= 5


def test_dangling_ftm_reference_is_reported_not_a_crash(tmp_path):
    source = HERE / "data" / "shared" / "ftm_opensanctions_zala" / "entities.ftm.json"
    records = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    sanction = next(r for r in records if r["schema"] == "Sanction")
    target = sanction["properties"]["entity"][0]
    kept = [r for r in records if r["id"] != target]
    path = tmp_path / "partial.ftm.json"
    path.write_text("\n".join(json.dumps(r) for r in kept) + "\n", encoding="utf-8")
    store = EmbeddedStore()
    report = run_import(store, path, get_format("ftm", path, store), file_date="2024-01-01")
    dangling = [r for r in report.rejected if target in r.reason]
    assert dangling and all("not in this file" in r.reason for r in dangling)


@pytest.mark.slow
def test_a_200_mb_file_streams_through_in_bounded_memory(tmp_path):
    """A 200 MB CSV (a million rows with long remarks) imports in a child process
    whose peak memory stays far below the file size times the usual blow-up."""
    import resource
    import subprocess
    import sys

    path = tmp_path / "big.csv"
    remark = "Listed for supplying monitoring equipment; see the notice. " * 3
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ref", "name", "country", "listed", "remarks"])
        row = 0
        while handle.tell() < 200 * 2**20:
            writer.writerow([row, f"Company {row % 5000} Ltd", "Germany", "2020", remark])
            row += 1
    workspace = tmp_path / "ws.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "dualtrace.cli",
            "-w",
            str(workspace),
            "import",
            str(path),
            "--mapping",
            str(HERE / "data" / "mappings" / "listings.yaml"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"records read: {row}; skipped by rule: 0; rejected: 0" in result.stdout
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert peak_mb < 1024, f"peak {peak_mb:.0f} MB for a 200 MB file"


class _WatchCollector:
    """A format that records whether the garbage collector ran during the import."""

    name = "watch"
    cross_record = False

    def __init__(self, fail: bool):
        self.dataset = {"title": "Watch", "publisher": "tests"}
        self.fail = fail
        self.enabled_during: bool | None = None

    def units(self, path, problems, skipped):
        import gc

        self.enabled_during = gc.isenabled()
        if self.fail:
            raise FileRejected(f"{path}: refused on purpose")
        return iter(())


@pytest.mark.parametrize("fail", [False, True])
@pytest.mark.parametrize("was_enabled", [True, False])
def test_an_import_pauses_the_garbage_collector_and_restores_it(tmp_path, fail, was_enabled):
    import gc

    path = tmp_path / "empty.csv"
    path.write_text("x\n", encoding="utf-8")
    watch = _WatchCollector(fail)
    (gc.enable if was_enabled else gc.disable)()
    try:
        with pytest.raises(FileRejected):  # refused on purpose, or "no records found"
            run_import(EmbeddedStore(), path, watch, file_date="2024-01-01")
        assert watch.enabled_during is False
        assert gc.isenabled() is was_enabled
    finally:
        gc.enable()


def test_a_landed_import_is_frozen_out_of_the_collector_and_a_failed_one_is_not(tmp_path):
    """graph/collector.py: what a successful import leaves (the grown graph) moves to the
    permanent generation; a failed import leaves its garbage to the collector."""
    import gc

    path = tmp_path / "listings.csv"
    path.write_text(HEADER + "1,Acme Surveillance,France,2020,\n", encoding="utf-8")
    gc.unfreeze()
    try:
        with pytest.raises(FileRejected):
            run_import(EmbeddedStore(), path, _WatchCollector(True), file_date="2024-01-01")
        assert gc.get_freeze_count() == 0
        store, report = run(path)
        assert report.rejected == [] and names(store) == {"Acme Surveillance"}
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


# -- one-line messages for a file of the wrong structure ----------------------------------------------------


def test_a_sheet_number_past_the_last_sheet_is_a_message(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Read me"
    book.active.append(["About this list"])
    listed = book.create_sheet("List")
    listed.append(["ref", "name", "country", "listed", "remarks"])
    listed.append(["1", "Acme Ltd", "France", "2020", ""])
    path = tmp_path / "listings.xlsx"
    book.save(path)
    mapping = tmp_path / "listings.yaml"
    text = (HERE / "data" / "mappings" / "listings.yaml").read_text(encoding="utf-8")
    mapping.write_text(text.replace("format: csv", "format: xlsx\n  sheet: 2"), encoding="utf-8")
    with pytest.raises(FileRejected) as info:
        run_import(EmbeddedStore(), path, MappingFormat(load_mapping(mapping)), file_date="2024-01-01")
    expected = f"{path}: no sheet 2 (`read: sheet` counts from 0); the workbook has 2 sheet(s): 0: 'Read me', 1: 'List'"
    assert str(info.value) == expected
    result = CliRunner().invoke(main, ["-w", str(tmp_path / "ws.json"), "import", str(path), "-m", str(mapping)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.output == f"Error: {expected}\n"
    assert not (tmp_path / "ws.json").exists()
    # the sheet counted from 0: sheet 1 is "List"
    mapping.write_text(text.replace("format: csv", "format: xlsx\n  sheet: 1"), encoding="utf-8")
    store = EmbeddedStore()
    report = run_import(store, path, MappingFormat(load_mapping(mapping)), file_date="2024-01-01")
    assert report.rejected == [] and names(store) == {"Acme Ltd"}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ({}, "has none"),
        ({"nodes": []}, "'links' (a list), and this file has none"),
        ({"nodes": {}, "links": []}, "'nodes' should be a list, found an object"),
        ({"nodes": "org:a", "links": []}, "'nodes' should be a list, found a string"),
        ({"nodes": [["org:a"]], "links": []}, "nodes[0] should be an object (a node), found a list"),
        (
            {"nodes": [{"kind": "Organization", "props": {}}], "links": []},
            "nodes[0] should have 'id' (a string), found nothing",
        ),
        (
            {"nodes": [{"id": 7, "kind": "Organization", "props": {}}], "links": []},
            "nodes[0] should have 'id' (a string), found a number",
        ),
        (
            {"nodes": [{"id": "org:a", "kind": "Organization", "props": "x"}], "links": []},
            "nodes[0] should have 'props' (an object), found a string",
        ),
        (
            {"nodes": [], "links": [{"source": "org:a", "target": "org:b", "props": {}}]},
            "links[0] should have 'rel' (a string), found nothing",
        ),
        ({"nodes": [], "links": [], "meta": "x"}, "'meta' should be an object, found a string"),
        (
            {"nodes": [], "links": [{"source": "org:a", "rel": "PARTNER_OF", "target": "org:b", "props": {}}]},
            "links[0] has source 'org:a', which is not the id of any of its nodes",
        ),
    ],
)
def test_a_workspace_of_the_wrong_structure_is_a_message(tmp_path, content, expected):
    """Valid JSON, the right format marker, the wrong structure: one line naming the
    file and what was expected, from the library and from the CLI (exit status 1)."""
    _assert_structure_message(tmp_path, {"version": 1, **content}, expected)


def _assert_structure_message(tmp_path: Path, content: dict[str, Any], expected: str) -> None:
    path = tmp_path / "ws.json"
    path.write_text(json.dumps({"format": "dualtrace-workspace", **content}), encoding="utf-8")
    with pytest.raises(WorkspaceError) as info:
        EmbeddedStore.open(path)
    assert str(info.value).startswith(f"{path}: ") and expected in str(info.value)
    assert "\n" not in str(info.value)
    result = CliRunner().invoke(main, ["-w", str(path), "imports"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.output == f"Error: {info.value}\n"


_ORG = {"kind": "Organization", "props": {}}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ({"nodes": {}}, "'links' (an object), and this file has none"),
        ({"nodes": [], "links": {}}, "'nodes' should be an object, found a list"),
        (
            {"nodes": {"org:a": ["Organization"]}, "links": {}},
            "nodes['org:a'] should be an object (a node), found a list",
        ),
        (
            {"nodes": {"org:a": {"props": {}}}, "links": {}},
            "nodes['org:a'] should have 'kind' (a string), found nothing",
        ),
        (
            {"nodes": {"org:a": {"kind": "Organization", "props": "x"}}, "links": {}},
            "nodes['org:a'] should have 'props' (an object), found a string",
        ),
        (
            {"nodes": {"org:a": _ORG}, "links": {"org:b": {}}},
            "links['org:b']: the link source 'org:b' is not the id of any of its nodes",
        ),
        (
            {"nodes": {"org:a": _ORG}, "links": {"org:a": {"org:b": {}}}},
            "links['org:a']: the link target 'org:b' is not the id of any of its nodes",
        ),
        (
            {"nodes": {"org:a": _ORG}, "links": {"org:a": {"org:a": []}}},
            "links['org:a']['org:a'] should be an object (links by kind), found a list",
        ),
        (
            {"nodes": {"org:a": _ORG}, "links": {"org:a": {"org:a": {"R": 1}}}},
            "links['org:a']['org:a']['R'] should be an object (properties), found a number",
        ),
    ],
)
def test_a_version_2_workspace_of_the_wrong_structure_is_a_message(tmp_path, content, expected):
    """The same for the adjacency layout: the first wrong place named, nothing loaded."""
    _assert_structure_message(tmp_path, {"version": 2, **content}, expected)


def test_a_mapping_forgets_its_memo_after_a_file_and_imports_the_same(tmp_path):
    """MappingFormat.units empties the mapping's memo at the end of the file; a second
    import with the same mapping (memo empty) makes what a fresh one made."""
    import json

    path = tmp_path / "listings.csv"
    path.write_text(HEADER + "1,Acme,France,2020,\n2,Acme,France,2021,note\n3,Beta,Italy,2020,\n", encoding="utf-8")
    fmt = MappingFormat(load_mapping(HERE / "data" / "mappings" / "listings.yaml"))
    stores = []
    for _ in range(2):
        store = EmbeddedStore()
        run_import(store, path, fmt, file_date="2024-01-01")
        assert fmt.mapping._cache == {}
        stores.append(store)

    def snapshot(store: EmbeddedStore) -> tuple[list, list]:
        nodes = sorted((n.id, n.kind, json.dumps(n.props, sort_keys=True)) for n in store.nodes())
        links = sorted((lk.key, json.dumps(lk.props, sort_keys=True)) for lk in store.links())
        return nodes, links

    assert snapshot(stores[0]) == snapshot(stores[1])
    assert len(stores[0]) > 3
