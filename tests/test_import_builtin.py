"""Every built-in format imports its real sample (tests/data/shared, copied from
../shared/data), with counts checked; imports are idempotent and incremental;
the same party found in several datasets ends up as one entity."""

from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path

import pytest

from dualtrace.graph.store import EmbeddedStore
from dualtrace.ingest.decisions import Decision, Decisions
from dualtrace.ingest.formats import DESCRIPTIONS, get_format
from dualtrace.ingest.importer import run_import, write_companions
from dualtrace.ingest.merge import merge, split

SHARED = Path(__file__).parent / "data" / "shared"
SAMPLES = {
    "sii": SHARED / "sii_transfers_sample" / "transfers_sample.json",
    "ftm": SHARED / "ftm_opensanctions_zala" / "entities.ftm.json",
    "ofac-sdn": SHARED / "ofac_sdn_sample" / "sdn_sample.csv",
    "us-fcc-covered": SHARED / "us_restricted_lists" / "fcc_covered_list.csv",
    "us-ndaa-889": SHARED / "us_restricted_lists" / "ndaa_section_889.csv",
    "us-bis-meu": SHARED / "us_restricted_lists" / "bis_military_end_user_list.csv",
    "us-dod-1260h": SHARED / "us_restricted_lists" / "dod_1260h_chinese_military_companies.csv",
}
# (records read, skipped by rule, nodes per kind, links per relationship) on an empty workspace
EXPECTED = {
    "sii": (12, 0, {"Organization": 9, "GovernmentBuyer": 10, "Country": 10, "Product": 13, "Transfer": 12},
            {"SUPPLIER_OF": 11, "INTERMEDIARY_OF": 1, "DELIVERED_TO": 12, "ITEM_OF": 22, "MAKES": 12,
             "LOCATED_IN": 19}),
    # two FtM entities (two ids) and two SDN entries (two entity numbers) are two entities
    "ftm": (75, 16, {"Organization": 11, "Person": 6, "List": 17, "Country": 1},
            {"LISTED_ON": 26, "OWNER_OF": 11, "DIRECTOR_OF": 3, "LOCATED_IN": 11}),
    "ofac-sdn": (126, 3, {"Organization": 82, "Person": 44, "List": 1}, {"LISTED_ON": 126, "LINKED_TO": 23}),
    "us-fcc-covered": (12, 4, {"Organization": 11, "List": 1}, {"LISTED_ON": 11}),
    "us-ndaa-889": (5, 0, {"Organization": 5, "List": 1}, {"LISTED_ON": 5}),
    "us-bis-meu": (13, 0, {"GovernmentBuyer": 13, "Country": 10, "List": 1}, {"LISTED_ON": 13, "LOCATED_IN": 13}),
    # a company whose name is another row's alias or former name is a candidate, not a join
    "us-dod-1260h": (397, 0, {"Organization": 226, "List": 1}, {"LISTED_ON": 225, "SUBSIDIARY_OF": 140}),
}  # fmt: skip


def imported(name: str, store: EmbeddedStore | None = None, path: Path | None = None, date: str = "2024-05-03"):
    store = store if store is not None else EmbeddedStore()
    path = path or SAMPLES[name]
    report = run_import(store, path, get_format(name, path, store), file_date=date)
    return store, report


def with_starter(starter: EmbeddedStore) -> EmbeddedStore:
    store = EmbeddedStore()
    store.add(starter.nodes(), starter.links(), validate=False)
    return store


def snapshot(store: EmbeddedStore):
    return (
        {n.id: copy.deepcopy(n.props) for n in store.nodes()},
        {link.key: copy.deepcopy(link.props) for link in store.links()},
    )


def test_every_builtin_has_a_sample_here():
    assert set(DESCRIPTIONS) == set(SAMPLES) | {"curated"}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_builtin_imports_its_real_sample(name):
    store, report = imported(name)
    records, skipped, kinds, rels = EXPECTED[name]
    assert (report.records, report.skipped, len(report.rejected)) == (records, skipped, 0)
    counts = Counter(n.kind for n in store.nodes())
    assert {k: counts[k] for k in kinds} == kinds
    assert Counter(link.rel for link in store.links()) == Counter(rels)
    # every fact cites the file, its record and the file's date; everything validates
    kinds_of = {n.id: n.kind for n in store.nodes()}
    version = store.get(report.version)  # this file, as a Source of its own
    assert version is not None and version.props["date"] == "2024-05-03" and version.props["publisher"]
    assert version.props["dataset"] == report.dataset and version.props["sha256"] == report.sha256
    for link in store.links():
        assert report.version in link.props["sources"]
        assert link.props["records"][0].startswith(report.dataset + "#")
        assert link.props["first_seen"] == link.props["last_seen"] == "2024-05-03"
        assert store.schema.validate_link(link, kinds_of) == [], link
    for node in store.nodes():
        assert store.schema.validate_node(node) == [], node


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_importing_the_same_file_twice_changes_nothing(name, starter):
    store, _ = imported(name, with_starter(starter))
    before = snapshot(store)
    _, again = imported(name, store)
    assert snapshot(store) == before
    assert (again.nodes_added, again.nodes_updated, again.links_added, again.links_updated) == (0, 0, 0, 0)


def test_a_name_another_dataset_gives_becomes_an_alias_in_one_import_whatever_the_key_order():
    """An entity joined by identifier keeps its own name; the dataset's different name becomes an
    alias at once, also when the record lists its aliases after its name (a second import of the
    same file must find nothing to change)."""
    from dualtrace.ingest.props import merge_props

    old = {"name": "Citadel group", "aliases": ["Citadel"]}
    for new in ({"name": "LLC CITADEL", "aliases": ["CITADEL HOLDING"]},
                {"aliases": ["CITADEL HOLDING"], "name": "LLC CITADEL"}):  # fmt: skip
        merged = merge_props(old, new, owned=False, has_aliases=True)
        assert merged["name"] == "Citadel group"
        assert set(merged["aliases"]) == {"Citadel", "LLC CITADEL", "CITADEL HOLDING"}
        assert merge_props(merged, new, owned=False, has_aliases=True) == merged


def test_specific_facts_from_the_samples():
    store, _ = imported("ofac-sdn")
    psb = next(n for n in store.nodes() if n.name == "XINJIANG PUBLIC SECURITY BUREAU")
    listing = next(store.out_links(psb.id, "LISTED_ON"))
    assert listing.target == "list:us-sdn" and "GLOMAG" in listing.props["note"]
    haq = next(n for n in store.nodes("Person") if n.name == "HAQ, Abdul")
    assert haq.props["country"] == "CN" and "ABUDUHAKE" in haq.props["aliases"]

    store, _ = imported("us-dod-1260h")
    megvii = next(n for n in store.nodes() if n.name == "Beijing Megvii Technology Co., Ltd.")
    listing = next(store.out_links(megvii.id, "LISTED_ON"))
    assert (listing.props["since"], listing.props["until"]) == ("2024-01-31", "2025-01-07")
    hikvision = next(n for n in store.nodes() if n.name == "Hangzhou Hikvision Digital Technology Co., Ltd.")
    assert next(store.out_links(hikvision.id, "LISTED_ON")).props["since"] == "2021-06-03"
    parent = next(store.out_links(hikvision.id, "SUBSIDIARY_OF")).target
    assert store.get(parent).name == "China Electronics Technology Group Corporation"

    store, _ = imported("us-fcc-covered")
    names = {n.name for n in store.nodes("Organization")}
    assert {"Huawei Technologies Company", "ZTE Corporation", "Hangzhou Hikvision Digital Technology Company"} <= names
    assert not any("foreign country" in n for n in names)

    store, _ = imported("sii")
    marathon = next(n for n in store.nodes("Organization") if n.name == "MI Marathon")
    assert marathon.props["roles"] == ["broker"]
    # SII's "(broker)": the deal's intermediary, neither its supplier nor the goods' maker
    assert sorted(link.rel for link in store.out_links(marathon.id)) == ["INTERMEDIARY_OF", "LOCATED_IN"]
    verint = next(n for n in store.nodes("Organization") if n.name == "Verint")
    assert verint.props["country"] == "US"  # "United States of America, Israel": the first is the HQ

    store, _ = imported("ftm")
    zala = next(n for n in store.nodes("Organization") if "Zala" in " ".join([n.name, *n.props.get("aliases", [])]))
    assert zala.props["country"] == "RU"
    assert any(link.rel == "OWNER_OF" for link in store.in_links(zala.id))


def test_imports_join_the_starter_dataset(starter):
    store = with_starter(starter)
    for name in ("us-ndaa-889", "us-fcc-covered", "us-dod-1260h", "ofac-sdn"):
        imported(name, store)
    hikvision = store.get("org:hikvision")  # the same full name ("Company" and "Co., Ltd." agree)
    versions = {f"source:dataset-{d}.2024-05-03" for d in ("ndaa-889", "fcc-covered", "dod-1260h")}
    assert versions <= set(hikvision.props["sources"])
    assert "Hangzhou Hikvision Digital Technology Company" in hikvision.props["aliases"]
    # the starter says which SDN entry the police bureau is (ofac-sdn:29159): the entry meets it
    listings = {link.target for link in store.out_links("buyer:xuar-psb", "LISTED_ON")}
    assert "list:us-sdn" in listings
    assert not any(n.name == "XINJIANG PUBLIC SECURITY BUREAU" for n in store.nodes())
    assert "XINJIANG PUBLIC SECURITY BUREAU" in store.get("buyer:xuar-psb").props["aliases"]


def test_deals_the_starter_holds_from_sii_are_updated_not_doubled(starter):
    """The starter dataset records SII's record id on the deals it took from SII
    (``identifiers``); importing SII's own file then adds its citations to those
    deals instead of a second copy of each."""
    store = with_starter(starter)
    deals_before = {n.id for n in store.nodes("Transfer")}
    _, report = imported("sii", store)
    assert report.rejected == []
    assert {n.id for n in store.nodes("Transfer")} == deals_before  # every sample record is a starter deal
    semptian = store.get("transfer:sii-semptian-algeria-2010")
    assert semptian.props["identifiers"] == ["sii:Semptian_Algeria_2010"]
    assert semptian.props["records"] == ["source:dataset-sii-transfers#Semptian_Algeria_2010"]
    supply = store.graph.get_edge_data("org:semptian", semptian.id, key="SUPPLIER_OF")
    assert {"source:data-sii-transfers", "source:dataset-sii-transfers.2024-05-03"} <= set(supply["sources"])
    # SII's …_2014 record is the FBI's deal and …_2014_2 the only Army deal: one starter deal each
    fbi = store.get("transfer:sii-pf-fbi-2014")
    assert fbi.props["records"] == ["source:dataset-sii-transfers#Packet_Forensics_United States of America_2014"]
    army = [deal for deal, _, rel in store.graph.in_edges("buyer:us-army", keys=True) if rel == "DELIVERED_TO"]
    assert army == ["transfer:sii-pf-army-2014-2"]
    assert store.get(army[0]).props["records"] == [
        "source:dataset-sii-transfers#Packet_Forensics_United States of America_2014_2"
    ]
    # SII's broker meets the starter's intermediary link on the same deal
    broker = store.graph.get_edge_data("org:mi-marathon", "transfer:sii-marathon-nigeria", key="INTERMEDIARY_OF")
    assert "source:dataset-sii-transfers.2024-05-03" in broker["sources"]
    assert not store.graph.has_edge("org:mi-marathon", "transfer:sii-marathon-nigeria", key="SUPPLIER_OF")
    # one record, one deal: identifiers never point two deals at one record
    held = Counter(i for n in store.nodes("Transfer") for i in n.props.get("identifiers") or [])
    assert held and max(held.values()) == 1


def test_records_with_an_identifier_the_workspace_does_not_hold_add_deals(tmp_path, starter):
    store = with_starter(starter)
    record = json.loads(SAMPLES["sii"].read_text(encoding="utf-8"))[0]
    record.update(unique_id="TEST_Semptian_Algeria_2099", order_year="2099", title="Test record, not a real transfer")
    path = tmp_path / "sii-test.json"
    path.write_text(json.dumps([record, {**record, "unique_id": "TEST_second"}]), encoding="utf-8")
    imported("sii", store, path)
    added = {n.id: n.props["identifiers"] for n in store.nodes("Transfer") if "TEST" in str(n.props.get("identifiers"))}
    assert sorted(added.values()) == [["sii:TEST_Semptian_Algeria_2099"], ["sii:TEST_second"]]


def test_a_vendor_in_ofac_sii_and_the_starter_is_one_entity_with_three_sources(tmp_path, starter):
    store = with_starter(starter)
    imported("ofac-sdn", store)
    # A record in SII's exact shape; the transfer itself is test data, not a fact.
    record = json.loads(SAMPLES["sii"].read_text(encoding="utf-8"))[0]
    record.update(
        supplier_company="INTELLEXA S.A.", company_name="Intellexa", supplier_company_hq="Greece",
        recipient_country="Greece", enduser="Test end user (not a real transfer)",
        title="Test record, not a real transfer", unique_id="TEST_Intellexa",
    )  # fmt: skip
    path = tmp_path / "sii-test.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    imported("sii", store, path)
    intellexa = store.get("org:intellexa-sa")
    # the starter's own citation, the OFAC file and the SII file
    ofac, sii = "source:dataset-ofac-sdn.2024-05-03", "source:dataset-sii-transfers.2024-05-03"
    assert {"source:axios-intellexa-2024", ofac, sii} <= set(intellexa.props["sources"])
    sdn = store.graph.get_edge_data("org:intellexa-sa", "list:us-sdn", key="LISTED_ON")
    assert {"source:axios-intellexa-2024", "source:data-ofac-sdn-2024", ofac} <= set(sdn["sources"])
    assert sdn["since"] == "2024-03-05"  # the curated date is kept
    assert not [n for n in store.nodes("Organization") if n.name.lower().startswith("intellexa s")
                and n.id != "org:intellexa-sa"]  # fmt: skip
    supplied = {link.target for link in store.out_links("org:intellexa-sa", "SUPPLIER_OF")}
    # the test record's deal lands on the one Intellexa S.A., beside the starter's Greek Predator deal
    assert supplied == {"transfer:dataset-sii-transfers-test-intellexa", "transfer:intellexa-gr-predator"}


def test_a_newer_version_updates_what_changed_and_ends_what_it_dropped(tmp_path):
    lines = SAMPLES["us-bis-meu"].read_text(encoding="utf-8").splitlines()
    v1 = tmp_path / "meu.csv"
    v1.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store, first = imported("us-bis-meu", path=v1, date="2024-01-01")
    gru = next(n for n in store.nodes() if n.name == "Main Intelligence Directorate")
    # version 2: the GRU row gets an end date, the Belarus row is gone
    v2_lines = [line.replace(",2021-03-16,,", ",2021-03-16,2024-05-01,") if ",GRU," in line else line
                for line in lines if "Belarus" not in line]  # fmt: skip
    v2 = tmp_path / "meu.csv"
    v2.write_text("\n".join(v2_lines) + "\n", encoding="utf-8")
    _, second = imported("us-bis-meu", store, v2, date="2024-06-01")
    # the only new node is the new version's Source; every listing it holds now cites it
    assert second.nodes_added == 1 and store.get(second.version).props["date"] == "2024-06-01"
    assert second.links_added == 0 and second.links_updated >= 12
    listing = store.graph.get_edge_data(gru.id, "list:us-bis-meu", key="LISTED_ON")
    assert listing["until"] == "2024-05-01"
    assert (listing["first_seen"], listing["last_seen"]) == ("2024-01-01", "2024-06-01")
    assert {first.version, second.version} <= set(listing["sources"])
    # the dropped row: its listing ends on the new version's date, kept, never deleted
    belarus = next(n for n in store.nodes("GovernmentBuyer") if "Belarus" in n.name)
    gone = store.graph.get_edge_data(belarus.id, "list:us-bis-meu", key="LISTED_ON")
    assert gone["until"] == "2024-06-01" and (gone["first_seen"], gone["last_seen"]) == ("2024-01-01", "2024-01-01")
    assert second.version not in gone["sources"] and first.version in gone["sources"]
    # without record ids, a row is known by its content: the edited GRU row is one removed and one added
    assert (len(second.records_removed), len(second.records_added)) == (2, 1)
    assert len(second.ended) == 1 and "Belarus" in second.ended[0] and "until 2024-06-01" in second.ended[0]
    assert "removed 2" in second.summary() and "Belarus" in second.summary()
    # both versions stay citable
    assert store.get(first.version).props["date"] == "2024-01-01"
    assert [e["file_date"] for e in store.meta["imports"]] == ["2024-01-01", "2024-06-01"]
    assert first.sha256 != second.sha256


def test_decisions_file_is_applied_by_every_import_and_merges_are_reversible(tmp_path, starter):
    store = with_starter(starter)
    decisions_path, review = tmp_path / "decisions.csv", tmp_path / "review.csv"
    path = SAMPLES["us-dod-1260h"]

    def run():
        report = run_import(store, path, get_format("us-dod-1260h", path, store), file_date="2024-05-03",
                            decisions_path=decisions_path, review_path=review)  # fmt: skip
        write_companions(report, path, review_path=review, rejects_path=None)
        return report

    assert len(run().candidates) >= 10
    pairs = [line.split(",")[1:4:2] for line in review.read_text(encoding="utf-8").splitlines()[1:]]
    same = ["org:avic-xian-aircraft-industry-group-company-ltd", "org:xi-an-aircraft-industry-group-co-ltd"]
    different = ["org:14th-research-institute-of-cetc", "org:15th-research-institute-of-cetc"]
    assert same in pairs and different in pairs
    before = snapshot(store)
    # the DoD list itself says AVIC Xi'an was formerly Xi'an Aircraft Industry Group: the same company
    decisions = Decisions.load(decisions_path)
    decisions.record(Decision(*same, "same", "renamed, per the 1260H list", "2024-06-01"))
    decisions.record(Decision(*different, "not_same", "two institutes", "2024-06-01"))
    report = run()
    assert report.merged == 1 and not store.has(same[1])
    kept = store.get(same[0])
    assert "Xi'an Aircraft Industry Group Co., Ltd." in kept.props["aliases"]
    pairs = [line.split(",")[1:4:2] for line in review.read_text(encoding="utf-8").splitlines()[1:]]
    assert same not in pairs and different not in pairs  # decided pairs leave the review file
    # a third import changes nothing: the decision keeps them one entity
    merged_state = snapshot(store)
    assert run().merged == 0 and snapshot(store) == merged_state
    # split undoes the merge exactly
    split(store, *same)
    assert snapshot(store) == before


def test_merge_moves_links_and_names_and_split_restores_exactly(starter):
    store = with_starter(starter)
    before = snapshot(store)
    merge(store, "org:intellexa-sa", "org:intellexa-ltd", "test")
    kept = store.get("org:intellexa-sa")
    assert "Intellexa Limited" in kept.props["aliases"] and not store.has("org:intellexa-ltd")
    assert store.graph.has_edge("org:intellexa-sa", "list:us-sdn", key="LISTED_ON")
    split(store, "org:intellexa-sa", "org:intellexa-ltd")
    assert snapshot(store) == before
