"""trace, reach and dossier on the starter dataset, against hand-checked answers."""

from __future__ import annotations

import pytest

from dualtrace.graph.errors import NotFound
from dualtrace.queries.dossier import dossier
from dualtrace.queries.trace import reach, trace


def test_hikvision_trace_reaches_xinjiang_public_security(starter):
    result = trace(starter, "hikvision")
    assert "buyer:xuar-psb" in set(result["end_user"])
    row = result[result["end_user"] == "buyer:xuar-psb"].iloc[0]
    assert row["path"].startswith("Hangzhou Hikvision Digital Technology Co., Ltd. → ")
    assert "source:ipvm-hikvision-xinjiang-2018" in row["sources"]
    # and Myanmar's junta-run safe cities (Reuters: Hikvision among the brands the local winners sourced)
    assert set(result["country"]) == {"CN", "MM"}


def test_every_hop_of_every_path_carries_sources(starter):
    result = trace(starter, category="facial_recognition")
    for hops in result["hop_details"]:
        assert hops and all(hop["sources"] for hop in hops)


def test_facial_recognition_reaches_buyers_in_at_least_five_countries(starter):
    result = trace(starter, category="facial recognition")
    assert {"CN", "ZW", "MY", "KE", "RS", "PK"} <= set(result["country"])
    zimbabwe = result[result["country"] == "ZW"].iloc[0]
    assert zimbabwe["hop_details"][0]["from"] == "org:cloudwalk"  # the maker leads the path


def test_zimbabwe_reach_returns_cloudwalk(starter):
    result = reach(starter, "ZW")
    assert {"org:cloudwalk", "product:cloudwalk-fr"} <= set(result["entity"])
    assert set(reach(starter, "Zimbabwe")["entity"]) == set(result["entity"])


def test_reach_follows_components_upstream(starter):
    result = reach(starter, "Urumqi Cloud Computing Center")
    assert {"org:sugon", "org:intel", "org:nvidia"} <= set(result["entity"])
    intel = result[result["entity"] == "org:intel"].iloc[0]
    assert [h["rel"] for h in intel["hop_details"]] == ["MAKES", "COMPONENT_OF", "ITEM_OF", "DELIVERED_TO"]


def test_reach_includes_subordinate_units(starter):
    result = reach(starter, "buyer:xuar-psb")
    assert {"org:hikvision", "org:thermo-fisher", "org:promega"} <= set(result["entity"])


def test_components_flow_downstream_to_end_users(starter):
    result = trace(starter, "nvidia")
    assert {"buyer:urumqi-ccc", "buyer:chengmai-county"} <= set(result["end_user"])


def test_denied_links_are_left_out_unless_asked_for(starter):
    default = trace(starter, "huawei")
    assert "buyer:xinjiang-government" not in set(default["end_user"])
    with_denied = trace(starter, "huawei", statuses=("reported", "confirmed", "denied"))
    row = with_denied[with_denied["end_user"] == "buyer:xinjiang-government"].iloc[0]
    assert row["status"] == "denied"


def test_subsidiaries_are_traced_from_their_parent(starter):
    assert "buyer:xuar-psb" in set(trace(starter, "CETC")["end_user"])


def test_misspelt_name_offers_the_closest_matches(starter):
    with pytest.raises(NotFound) as info:
        trace(starter, "hikvison")
    assert info.value.suggestions[0][0] == "org:hikvision"
    with pytest.raises(NotFound, match="facial_recognition"):
        trace(starter, category="facial recogniton")


def test_dossier_lists_products_buyers_listings_and_sources(starter):
    d = dossier(starter, "Dahua Technology")
    assert d.vendor == "org:dahua"
    assert set(d.listings["list_id"]) == {
        "list:us-entity-list",
        "list:us-fcc-covered",
        "list:us-ndaa-889",
        "list:us-dod-1260h",
    }
    assert d.listings.set_index("list_id").loc["list:us-entity-list", "since"] == "2019-10-09"
    assert list(d.products["product"]) == ["product:dahua-cameras", "product:dahua-safe-city"]
    assert d.countries == ["CN", "MM", "NL"]  # Xinjiang, Myanmar's junta-run cities, the Dutch police
    assert "org:chengdu-dahua-wisdom" in set(d.corporate["entity"])
    cited = {s for table in (d.products, d.transfers, d.listings, d.corporate) for row in table["sources"] for s in row}
    assert cited <= set(d.sources["source"]) and all(d.sources["title"])


def test_show_any_node(starter):
    from dualtrace.queries.show import show

    hikvision = show(starter, "hikvision")
    rels = {(r["rel"], r["direction"], r["other"]) for r in hikvision.links}
    assert ("LISTED_ON", "out", "list:us-entity-list") in rels and ("SUBSIDIARY_OF", "out", "org:cetc") in rels
    listing = next(r for r in hikvision.links if r["other"] == "list:us-entity-list")
    assert listing["since"] == "2019-10-09" and listing["status"] == "confirmed" and listing["sources"]
    # a list: its members with their listing dates
    members = {m["member"]: m for m in show(starter, "list:us-dod-1260h").members}
    assert (members["org:megvii"]["since"], members["org:megvii"]["until"]) == ("2024-01-31", "2025-01-07")
    # a source: every fact it supports
    facts = show(starter, "source:fp-ecuador-2018").supports
    assert any(f["rel"] == "DELIVERED_TO" and f["to"] == "buyer:ec-ecu911" for f in facts)
    # every source cited is described once
    assert {c["source"] for c in hikvision.cited} >= set(listing["sources"])


def test_show_command(workspace):
    from click.testing import CliRunner

    from dualtrace.cli import main

    runner = CliRunner()
    assert runner.invoke(main, ["load"]).exit_code == 0
    result = runner.invoke(main, ["show", "Huawei Technologies"])
    assert result.exit_code == 0 and "--LISTED_ON--> Entity List" in result.output and "Sources:" in result.output
    assert "note:" in result.output  # a link's note (a denial, a party's response) is shown
    result = runner.invoke(main, ["show", "org:huawei", "--format", "json"])
    assert result.exit_code == 0 and '"kind": "Organization"' in result.output
    result = runner.invoke(main, ["show", "huawey"])
    assert result.exit_code == 1 and "Did you mean" in result.output and "Traceback" not in result.output


def test_suggestions_are_those_difflib_gives_over_every_name(starter):
    """The rapidfuzz prefilter in NameIndex.suggest changes its speed, not its answer."""
    import difflib

    from dualtrace.queries.resolve import NameIndex, normalize

    index = NameIndex(starter, starter.schema.nodes)

    def every_key(text: str, limit: int) -> list[tuple[str, str]]:
        wanted = normalize(text) or text.lower()
        scored: dict[str, float] = {}
        for key, ids in index.by_key.items():
            score = difflib.SequenceMatcher(None, wanted, key).ratio()
            if wanted and (wanted in key or key in wanted):
                score = max(score, 0.8)
            for node_id in ids:
                scored[node_id] = max(scored.get(node_id, 0.0), score)
        best = sorted((s, i) for i, s in scored.items() if s >= 0.5)
        best.sort(key=lambda pair: -pair[0])
        return [(node_id, index.labels[node_id]) for _, node_id in best[:limit]]

    for text in ("hikvison", "zimbabwe", "Entity List", "huawe", "ministry of interior", "nso", "x", "",
                 "<script>alert(1)</script>", "cloudwalk tech", "海康威视", "Urumqi", "fp-ecuador", "buyer:ke-nps"):  # fmt: skip
        assert index.suggest(text, 20) == every_key(text, 20), text
