"""Sourced paths and neighbourhoods, and the --path / --around scopes of map and export.

A path means what the saved query ``shortest_sourced_path`` means: supply,
ownership and agency links in either direction, never through a country, a list
or a regime. ``map --path`` draws the first of its chains and prints it, or says
plainly that there is none."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from dualtrace.cli import main
from dualtrace.graph.errors import NotFound
from dualtrace.queries.catalogue import implementations
from dualtrace.queries.paths import NoPath, neighbourhood, path


def test_a_path_follows_links_either_way(starter):
    chain = path(starter, "CloudWalk", "Government of Zimbabwe")
    assert chain.nodes == ["org:cloudwalk", "transfer:cloudwalk-zimbabwe-2018", "buyer:zw-government"]
    assert [link.rel for link in chain.links] == ["SUPPLIER_OF", "DELIVERED_TO"]
    # from a buyer back to a vendor works too, walking the same links backwards
    assert path(starter, "buyer:zw-government", "org:cloudwalk").nodes == chain.nodes[::-1]
    assert chain.describe(starter).startswith("CloudWalk Technology Co., Ltd. --SUPPLIER_OF--> ")


def test_a_path_is_the_first_chain_of_the_saved_query(starter):
    twin = implementations()["shortest_sourced_path"]
    for a, b in [("org:nvidia", "buyer:xuar-psb"), ("org:intel", "org:hikvision"), ("org:huawei", "buyer:ke-nps")]:
        first = twin(starter, a, b, ["reported", "confirmed"], 1)[0]
        chain = path(starter, a, b)
        assert chain.nodes == first["path"] and [x.rel for x in chain.links] == first["rels"]


def test_a_path_never_goes_through_a_country_or_a_list(starter):
    # Hikvision and SenseTime share China and the Entity List, which do not connect them
    with pytest.raises(NoPath, match="a shared country or list entry is not a connection"):
        path(starter, "hikvision", "sensetime")
    # Hikvision and Dahua are connected by a deal both supplied, not by China or the Entity List
    chain = path(starter, "hikvision", "dahua")
    assert [link.rel for link in chain.links] == ["SUPPLIER_OF", "SUPPLIER_OF"]
    assert starter.kind_of(chain.nodes[1]) == "Transfer"
    for a, b in [("hikvision", "dahua"), ("org:nvidia", "buyer:xuar-psb")]:
        assert not any(starter.kind_of(n) in ("Country", "List", "Regime", "Source") for n in path(starter, a, b).nodes)


def test_denied_links_are_not_followed_unless_asked(starter):
    everything = ("reported", "confirmed", "denied")
    assert "transfer:huawei-xinjiang-safe-city" in neighbourhood(starter, "org:huawei", everything)
    assert "transfer:huawei-xinjiang-safe-city" not in neighbourhood(starter, "org:huawei")
    assert path(starter, "org:huawei", "transfer:huawei-xinjiang-safe-city", everything).nodes == [
        "org:huawei", "transfer:huawei-xinjiang-safe-city"
    ]  # fmt: skip
    with pytest.raises(NoPath):
        path(starter, "org:huawei", "transfer:huawei-xinjiang-safe-city")


def test_unknown_names_and_unconnected_entities(starter):
    with pytest.raises(NotFound):
        path(starter, "nobody at all", "org:cloudwalk")
    with pytest.raises(NoPath, match="No chain of denied"):
        path(starter, "regime:wassenaar", "org:cloudwalk", statuses=("denied",))


def test_neighbourhood(starter):
    ids = neighbourhood(starter, "dahua")
    assert "org:dahua" in ids and "list:us-entity-list" in ids and "country:CN" in ids
    assert all(starter.has(i) for i in ids)


def test_map_and_export_scopes(workspace, tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["load"]).exit_code == 0
    out = tmp_path / "path.json"
    result = runner.invoke(
        main, ["export", "-f", "node-link", str(out), "--path", "cloudwalk", "Government of Zimbabwe"]
    )
    assert result.exit_code == 0, result.output
    assert "Path drawn: CloudWalk Technology Co., Ltd. --SUPPLIER_OF-->" in result.output
    assert {n["id"] for n in json.loads(out.read_text())["nodes"]} == {
        "org:cloudwalk", "transfer:cloudwalk-zimbabwe-2018", "buyer:zw-government"
    }  # fmt: skip
    result = runner.invoke(main, ["map", "--around", "dahua", "-o", str(tmp_path / "dahua.html")])
    assert result.exit_code == 0 and (tmp_path / "dahua.html").exists()


def test_map_path_says_so_when_no_chain_exists(workspace, tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["load"]).exit_code == 0
    target = tmp_path / "none.html"
    result = runner.invoke(main, ["map", "--path", "hikvision", "sensetime", "-o", str(target)])
    assert result.exit_code == 1 and "No chain of reported/confirmed" in result.output
    assert "Traceback" not in result.output and not target.exists()
    result = runner.invoke(main, ["map", "--path", "nvidia", "buyer:xuar-psb", "-o", str(target)])
    assert (
        result.exit_code == 0 and "Path drawn: NVIDIA --" in result.output and "Public Security Bureau" in result.output
    )


def test_output_dash_writes_to_standard_output(workspace):
    runner = CliRunner()
    assert runner.invoke(main, ["load"]).exit_code == 0
    result = runner.invoke(main, ["export", "-f", "node-link", "-", "--trace", "cloudwalk"])
    assert result.exit_code == 0 and json.loads(result.stdout)["nodes"]
    result = runner.invoke(main, ["map", "-o", "-", "--trace", "cloudwalk"])
    assert result.exit_code == 0 and result.stdout.lstrip().startswith("<!DOCTYPE html>")
    result = runner.invoke(main, ["export", "-f", "csv", "-"])
    assert result.exit_code == 1 and "writes a folder" in result.output
    result = runner.invoke(main, ["report", "vendor", "cloudwalk", "-o", "-"])
    assert result.exit_code == 0 and result.stdout.startswith("# Vendor report")
