"""The whole OFAC SDN list (tests/data/shared/ofac_sdn_full, 15,000 lines) imported onto
the starter dataset: no false join, no merged parties, a second import changes
nothing, the row order does not matter, a newer version ends what it dropped, and
a file of another shape is refused with nothing written."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from dualtrace.cli import main
from dualtrace.graph.store import EmbeddedStore
from dualtrace.ingest.formats import get_format
from dualtrace.ingest.importer import run_import
from dualtrace.ingest.parsers import ofac_aliases, ofac_countries, ofac_linked_to
from dualtrace.ingest.readers import FileRejected
from dualtrace.queries.dossier import dossier

SDN = Path(__file__).parent / "data" / "shared" / "ofac_sdn_full" / "sdn.csv"
FTM = Path(__file__).parent / "data" / "shared" / "ftm_opensanctions_zala" / "entities.ftm.json"
DATE = "2024-05-02"


def with_starter(starter: EmbeddedStore) -> EmbeddedStore:
    store = EmbeddedStore()
    store.add(starter.nodes(), starter.links(), validate=False)
    return store


def sdn_import(store: EmbeddedStore, path: Path = SDN, date: str = DATE):
    return run_import(store, path, get_format("ofac-sdn", path, store), file_date=date)


def sdn_lines() -> list[bytes]:
    return SDN.read_bytes().split(b"\r\n")


@pytest.fixture(scope="module")
def imported(starter):
    """The starter with the full SDN list imported once, and that import's report."""
    store = with_starter(starter)
    return store, sdn_import(store)


def sdn_numbers(props: dict) -> set[str]:
    return {i for i in props.get("identifiers") or () if i.startswith("ofac-sdn:")}


def test_the_whole_list_imports_without_rejects(imported):
    store, report = imported
    assert (report.records, report.skipped, len(report.rejected)) == (13739, 1234, 0)
    listed = {link.source for link in store.links("LISTED_ON") if link.target == "list:us-sdn"}
    # every entry listed once, on an entity of its own; plus two parties the starter lists from other
    # sources that are not entries of this version of the file: Positive Technologies (the press) and
    # Aliada Group (designated in September 2024, after this version)
    assert len(listed) == 13739 + 2 and {"org:positive-technologies", "org:aliada"} <= listed


def test_no_starter_entity_gains_a_listing_it_does_not_have(imported, starter):
    store, _ = imported
    before = {link.source for link in starter.links("LISTED_ON") if link.target == "list:us-sdn"}
    after = {link.source for link in store.links("LISTED_ON") if link.target == "list:us-sdn"}
    gained = {node_id for node_id in after - before if starter.get(node_id) is not None}
    # the starter's own SDN parties, found through the entry number it records or the very same full
    # name (checked by hand against the file: entries 27008, 42600, 12210, 21343, and 34772 Synesis,
    # 41066 Norsi-Trans, 41116 MFI Soft, 41111 Citadel, 47945 Elektronnaya Moskva, 21344 FSB, 10391 IRGC);
    # CEIEC (30502) the starter already lists, from the Treasury and State Department releases
    assert gained == {
        "buyer:ve-dgcim", "buyer:ir-irgc-io", "buyer:kp-rgb", "buyer:ru-gru", "buyer:ru-fsb", "buyer:ir-irgc",
        "org:synesis", "org:norsi-trans", "org:mfi-soft", "org:citadel", "org:elektronnaya-moskva",
    }  # fmt: skip
    assert "ofac-sdn:30502" in store.get("org:ceiec").props["identifiers"]
    assert store.graph.has_edge("org:ceiec", "list:us-sdn", key="LISTED_ON")
    for innocent in ("buyer:cn-mps", "org:cec", "org:hikvision", "org:huawei", "org:nso-group"):
        assert not store.graph.has_edge(innocent, "list:us-sdn", key="LISTED_ON"), innocent
        assert not sdn_numbers(store.get(innocent).props), innocent
    # China's Ministry of Public Security and China Electronics Corporation stay unlisted in the dossier too
    assert "Specially Designated" not in " ".join(dossier(store, "org:cec").listings["list"])


def test_weak_evidence_is_a_candidate_never_a_join(imported):
    store, report = imported
    pairs = {frozenset((c.left, c.right)): c for c in report.candidates}
    mps = next(n.id for n in store.nodes() if n.name == "MINISTRY OF PEOPLE'S SECURITY")
    cec = next(n.id for n in store.nodes() if n.name == "CEC LIMITED")
    assert "acronym" in pairs[frozenset(("buyer:cn-mps", mps))].reason
    assert "alias" in pairs[frozenset(("org:cec", cec))].reason
    assert not store.get(mps).props.get("country")  # no country came from nowhere


def test_no_entity_holds_two_entries(imported):
    store, _ = imported
    held = Counter()
    for node in store.nodes():
        numbers = sdn_numbers(node.props)
        assert len(numbers) <= 1, (node.id, numbers)
        records = {r for r in node.props.get("records") or () if r.startswith("source:dataset-ofac-sdn#")}
        if node.kind != "List":
            assert len(records) <= 1, (node.id, records)
        held.update(numbers)
    assert len(held) == 13739 and max(held.values()) == 1


def test_aliases_nationalities_and_links_are_read_whole(imported):
    store, _ = imported
    haq = next(n for n in store.nodes("Person") if n.name == "HAQ, Abdul")
    assert "AL-HAQ, 'Abd" in haq.props["aliases"] and haq.props["country"] == "CN"
    azizah = next(n for n in store.nodes("Person") if n.name == "AZIZAH, Sa'id Yusif Ali Abu")
    assert {"THERAB, Abu", "AL-HAMID, Abd"} <= set(azizah.props["aliases"])
    by_name = {n.name: n for n in store.nodes("Person")}
    # OFAC's own country names, which used to cost the whole entry
    countries = {n.props.get("country") for n in by_name.values()}
    assert {"PS", "CD", "MK"} <= countries
    # "Linked To:" kept as a link between two parties of the file
    chen = next(n for n in store.nodes("Person") if n.name == "CHEN, Mingguo")
    assert [link.target for link in store.out_links(chen.id, "LINKED_TO")] == ["buyer:xuar-psb"]


def test_a_second_import_changes_nothing(imported):
    store, _ = imported
    links_before = store.graph.number_of_edges()
    again = sdn_import(store)
    assert (again.nodes_added, again.nodes_updated, again.links_added, again.links_updated) == (0, 0, 0, 0)
    assert (len(again.records_added), len(again.records_changed), len(again.records_removed)) == (0, 0, 0)
    assert store.graph.number_of_edges() == links_before


def test_the_row_order_does_not_matter(tmp_path, imported, starter):
    store, _ = imported
    lines = sdn_lines()
    body, tail = lines[:-2], lines[-2:]  # the DOS end-of-file line and the final empty string stay last
    random.Random(7).shuffle(body)
    shuffled = tmp_path / "sdn-shuffled.csv"
    shuffled.write_bytes(b"\r\n".join(body + tail))
    other = with_starter(starter)
    sdn_import(other, shuffled)

    def entities(s: EmbeddedStore) -> dict[str, tuple]:
        return {
            n.id: (n.name, frozenset(n.props.get("aliases") or ()), n.props.get("country"))
            for n in s.nodes()
            if n.kind not in ("Source",)
        }

    assert entities(other) == entities(store)
    assert {link.key for link in other.links()} == {link.key for link in store.links()}


def test_a_newer_version_ends_the_listing_it_dropped(tmp_path, starter):
    store = with_starter(starter)
    sdn_import(store)
    newer = tmp_path / "sdn-2024-06-01.csv"
    newer.write_bytes(b"\r\n".join(line for line in sdn_lines() if not line.startswith(b"48059,")))
    report = sdn_import(store, newer, "2024-06-01")
    assert report.records_removed == ["48059"] and report.records_changed == []
    listing = store.link_props(("org:intellexa-sa", "LISTED_ON", "list:us-sdn"))
    assert listing["until"] == "2024-06-01" and listing["since"] == "2024-03-05"  # the curated date is kept
    assert "source:dataset-ofac-sdn.2024-06-01" not in listing["sources"]  # the newer version does not hold it
    assert "source:dataset-ofac-sdn.2024-05-02" in listing["sources"]  # the version that did stays cited
    assert "removed 1" in report.summary() and "Intellexa S.A." in report.summary()
    assert "until 2024-06-01" in report.summary()
    # everyone else is still listed, citing the newer version
    limited = store.link_props(("org:intellexa-ltd", "LISTED_ON", "list:us-sdn"))
    assert "until" not in limited and "source:dataset-ofac-sdn.2024-06-01" in limited["sources"]
    listings = dossier(store, "org:intellexa-sa").listings
    row = listings[listings["list_id"] == "list:us-sdn"].iloc[0]
    assert (row["since"], row["until"]) == ("2024-03-05", "2024-06-01")
    # a later version that holds the entry again lifts the end: the list holds it again
    later = tmp_path / "sdn-2024-07-01.csv"
    later.write_bytes(b"\r\n".join(line for line in sdn_lines() if not line.startswith(b"48064,")))
    again = sdn_import(store, later, "2024-07-01")
    assert again.records_added == ["48059"] and again.records_removed == ["48064"]
    assert "until" not in store.link_props(("org:intellexa-sa", "LISTED_ON", "list:us-sdn"))
    assert store.link_props(("org:intellexa-ltd", "LISTED_ON", "list:us-sdn"))["until"] == "2024-07-01"


def test_an_older_version_imported_late_ends_nothing(tmp_path, starter):
    store = with_starter(starter)
    sdn_import(store, SDN, "2024-05-02")
    older = tmp_path / "sdn-2024-01-01.csv"
    older.write_bytes(b"\r\n".join(line for line in sdn_lines() if not line.startswith(b"48064,")))
    report = sdn_import(store, older, "2024-01-01")
    assert report.records_removed == [] and report.ended == []
    assert "until" not in store.link_props(("org:intellexa-ltd", "LISTED_ON", "list:us-sdn"))
    assert any("older than the newest version" in note for note in report.notes)


def test_one_shifted_row_is_rejected_never_listed(tmp_path):
    lines = sdn_lines()
    index = next(i for i, line in enumerate(lines) if line.startswith(b"48067,"))
    lines[index] = lines[index].replace(b'"CYTROX AD",', b'"CYTROX AD","inserted",', 1)
    path = tmp_path / "sdn-one-shifted.csv"
    path.write_bytes(b"\r\n".join(lines))
    store = EmbeddedStore()
    report = sdn_import(store, path)
    rejected = [r for r in report.rejected if r.row == index + 1]
    assert len(report.rejected) == 1 and "13 fields where 12 are expected" in rejected[0].reason
    assert not any(n.name.startswith("CYTROX AD") for n in store.nodes())


def wrong_shapes(tmp_path: Path) -> dict[str, Path]:
    lines = [line.decode("cp1252") for line in sdn_lines()[:300]]
    files = {}
    header = tmp_path / "with-header.csv"  # 13 columns and a header row
    header.write_text(
        "ent_num,SDN_Name,SDN_Type,Program,Title,Call_Sign,Vess_type,Tonnage,GRT,Vess_flag,Vess_owner,Remarks,Added\n"
        + "".join(f"{line},2024-01-01\n" for line in lines[:200] if line.strip()),
        encoding="utf-8",
    )
    files["header"] = header
    shifted = tmp_path / "all-shifted.csv"  # every row with a field inserted after the name
    shifted.write_text(
        "\r\n".join(line.replace('",', '","x",', 1) for line in lines if line.strip()), encoding="cp1252"
    )
    files["shifted"] = shifted
    noise = tmp_path / "random.csv"
    noise.write_bytes(random.Random(4000).randbytes(4000))
    files["random"] = noise
    files["jsonl"] = FTM  # FollowTheMoney JSON lines passed as a CSV format
    return files


@pytest.mark.parametrize("case", ["header", "shifted", "random", "jsonl"])
def test_a_file_of_another_shape_is_refused_whole(case, tmp_path):
    path = wrong_shapes(tmp_path)[case]
    with pytest.raises(FileRejected) as caught:
        sdn_import(EmbeddedStore(), path)
    message = str(caught.value)
    assert "does not look like a ofac-sdn file, so nothing was imported" in message or "no records" in message
    if case != "random":
        assert "12 fields per row expected" in message


@pytest.mark.parametrize("case", ["header", "shifted", "random", "jsonl"])
def test_the_cli_writes_nothing_for_a_file_of_another_shape(case, tmp_path, workspace, starter):
    assert CliRunner().invoke(main, ["load"]).exit_code == 0
    before = workspace.read_bytes()
    path = wrong_shapes(tmp_path)[case]
    result = CliRunner().invoke(main, ["import", str(path), "--format", "ofac-sdn", "--date", DATE])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert workspace.read_bytes() == before
    assert not (workspace.parent / "rejects").exists() and not workspace.with_name("workspace.review.csv").exists()


def test_a_dry_run_reports_and_leaves_the_workspace_byte_identical(workspace):
    assert CliRunner().invoke(main, ["load"]).exit_code == 0
    before = workspace.read_bytes()
    result = CliRunner().invoke(main, ["import", str(SDN), "--format", "ofac-sdn", "--date", DATE, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing was written" in result.output and "added 13739" in result.output
    assert workspace.read_bytes() == before
    assert not workspace.with_name("workspace.review.csv").exists() and not (workspace.parent / "rejects").exists()


def test_the_ofac_parsers_on_the_quirks_of_remarks():
    found = ofac_aliases("DOB 1958; a.k.a. 'THERAB, Abu'; a.k.a. 'AL-HAQ, 'Abd'; f.k.a. 'Abu Sa'id'.")
    assert found.values == ["THERAB, Abu", "AL-HAQ, 'Abd", "Abu Sa'id"] and found.warnings == []
    cut = ofac_aliases("a.k.a. 'WHOIS HACKIN")
    assert cut.values == [] and "cut off" in cut.warnings[0]
    countries = ofac_countries(
        "nationality Palestinian; citizen Congo, Democratic Republic of the.; nationality North Macedonia, "
        "The Republic of; nationality Region: Gaza; nationality possibly Palestinian"
    )
    assert countries.values == ["PS", "CD", "MK"] and "possibly Palestinian" in countries.warnings[0]
    assert ofac_linked_to("Gender Male; Linked To: GLOBANTY S.A.S.").values == ["GLOBANTY S.A.S"]


def test_the_import_log_names_what_a_version_removed(imported):
    store, _ = imported
    entry = store.meta["imports"][-1]
    assert entry["version"] == "source:dataset-ofac-sdn.2024-05-02" and json.dumps(entry)
    assert store.get(entry["version"]).props["sha256"] == entry["sha256"]
