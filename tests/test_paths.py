"""Shortest sourced path and neighbourhood, and the --path / --around scopes of map and export."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from dualtrace.cli import main
from dualtrace.graph.errors import DualtraceError, NotFound
from dualtrace.queries.paths import neighbourhood, shortest_path


def test_shortest_path_follows_links_either_way(starter):
    path = shortest_path(starter, "CloudWalk", "Government of Zimbabwe")
    assert path == ["org:cloudwalk", "transfer:cloudwalk-zimbabwe-2018", "buyer:zw-government"]
    # from a buyer back to a vendor works too
    assert shortest_path(starter, "buyer:zw-government", "org:cloudwalk")[::-1] == path


def test_denied_links_are_not_followed_unless_asked(starter):
    everything = ("reported", "confirmed", "denied")
    assert "transfer:huawei-xinjiang-safe-city" in neighbourhood(starter, "org:huawei", everything)
    assert "transfer:huawei-xinjiang-safe-city" not in neighbourhood(starter, "org:huawei")
    assert shortest_path(starter, "org:huawei", "transfer:huawei-xinjiang-safe-city", everything) == [
        "org:huawei", "transfer:huawei-xinjiang-safe-city"
    ]  # fmt: skip


def test_unknown_names_and_unconnected_entities(starter):
    with pytest.raises(NotFound):
        shortest_path(starter, "nobody at all", "org:cloudwalk")
    with pytest.raises(DualtraceError, match="No chain of denied links connects"):
        shortest_path(starter, "regime:wassenaar", "org:cloudwalk", statuses=("denied",))


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
    assert {n["id"] for n in json.loads(out.read_text())["nodes"]} == {
        "org:cloudwalk", "transfer:cloudwalk-zimbabwe-2018", "buyer:zw-government"
    }  # fmt: skip
    result = runner.invoke(main, ["map", "--around", "dahua", "-o", str(tmp_path / "dahua.html")])
    assert result.exit_code == 0 and (tmp_path / "dahua.html").exists()
