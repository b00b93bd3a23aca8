"""Time: the graph as its sources describe it on a date (``--as-of``), and what changed
between two imports or two dates (``dualtrace changes``), on hand-checked cases:

- Hikvision was added to the Entity List effective 2019-10-09 (Federal Register):
  not listed as of 2019-10-08, listed as of 2019-10-10;
- Megvii was on the 1260H list from 2024-01-31 and left it on 2025-01-07: listed as
  of 2024-12-31, not as of 2025-01-08;
- a partial date is on or before a full one only if the question is as coarse;
- a synthetic two-version list gives exactly the added and ended sets.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from dualtrace.cli import main
from dualtrace.graph.dates import When, dated, period_end, period_start
from dualtrace.graph.errors import DualtraceError
from dualtrace.queries.changes import changes_between_dates, changes_between_imports
from dualtrace.queries.dossier import dossier
from dualtrace.queries.library import load_library
from dualtrace.queries.runner import run_embedded
from dualtrace.queries.trace import reach, trace

LIBRARY = load_library()


def listed(store, org: str, list_id: str, as_of: str) -> bool:
    listings = dossier(dated(store, When.parse(as_of)), org).listings
    return list_id in set(listings["list_id"])


@pytest.mark.parametrize(
    ("org", "list_id", "before", "after"),
    [
        ("org:hikvision", "list:us-entity-list", "2019-10-08", "2019-10-10"),
        ("org:megvii", "list:us-dod-1260h", "2025-01-08", "2024-12-31"),  # listed on the second date only
        ("org:megvii", "list:us-dod-1260h", "2024-01-30", "2024-01-31"),
    ],
)
def test_listings_as_of_hand_checked_dates(starter, org, list_id, before, after):
    assert not listed(starter, org, list_id, before)
    assert listed(starter, org, list_id, after)


def test_the_precision_rule(starter):
    rule = When.parse("2019-10-09")
    assert not rule.holds({"since": "2019"}) and not rule.holds({"since": "2019-10"})
    assert rule.holds({"since": "2019-10-09"}) and rule.holds({"since": "2018"})
    assert When.parse("2019").holds({"since": "2019"}) and When.parse("2019-10").holds({"since": "2019-10-09"})
    assert not When.parse("2021-01-01").holds({"since": "2019", "until": "2021"})  # ended: its until began
    assert When.parse("2020-12-31").holds({"since": "2019", "until": "2021"})
    assert When.parse("2020").holds({}) and not When.parse("2020", dated_only=True).holds({})
    assert (period_end("2019"), period_end("2019-10"), period_start("2021-05")) == (
        "2019-12-31",
        "2019-10-31",
        "2021-05-01",
    )
    with pytest.raises(DualtraceError, match="expected a date"):
        When.parse("yesterday")


def test_trace_and_reach_as_of(starter):
    # Hikvision's Chengmai contract is of 2022: not there in 2021, there at the end of 2022
    assert "transfer:hikvision-chengmai-2022" not in set(
        trace(dated(starter, When.parse("2021")), "hikvision")["transfer"]
    )
    assert "transfer:hikvision-chengmai-2022" in set(trace(dated(starter, When.parse("2022")), "hikvision")["transfer"])
    # CloudWalk's Zimbabwe deal of 2018
    assert reach(dated(starter, When.parse("2017")), "ZW").query("entity == 'org:cloudwalk'").empty
    assert not reach(dated(starter, When.parse("2018")), "ZW").query("entity == 'org:cloudwalk'").empty
    # undated links are kept and counted; --dated-only leaves them out
    frame = trace(dated(starter, When.parse("2024")), "huawei")
    undated = frame[frame["undated"] > 0]
    assert len(undated) and set(undated["transfer"]).isdisjoint(
        set(trace(dated(starter, When.parse("2024", dated_only=True)), "huawei")["transfer"])
    )


def test_every_saved_query_takes_as_of(starter):
    query = LIBRARY["deals_while_listed"]
    hikvision = {"on_list": "list:us-entity-list"}
    deals = {r["transfer"] for r in run_embedded(query, starter, hikvision).rows}
    assert "transfer:hikvision-chengmai-2022" in deals  # the Chengmai deal of 2022, after the 2019 listing
    assert not run_embedded(query, starter, {**hikvision, "as_of": "2019"}).rows  # no deal dated while listed yet
    in_2021 = {r["transfer"] for r in run_embedded(query, starter, {**hikvision, "as_of": "2021"}).rows}
    assert in_2021 and "transfer:hikvision-chengmai-2022" not in in_2021
    for name, q in LIBRARY.items():
        params = {p.name: p.example for p in q.params.values() if p.required}
        run_embedded(q, starter, {**params, "as_of": "2019-10-09", "dated_only": True})  # every query accepts it
        assert "as_of" in q.params and "dated_only" in q.params, name


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


def test_every_command_that_takes_as_of(workspace, tmp_path):
    assert cli("load").exit_code == 0
    before, after = ("--as-of", "2019-10-08"), ("--as-of", "2019-10-10")
    assert "Entity List" not in cli("dossier", "hikvision", *before).output.split("Listings")[1].split("Corporate")[0]
    assert "Entity List: since 2019-10-09" in cli("dossier", "hikvision", *after).output
    for args, path in ((before, "a.json"), (after, "b.json")):
        result = cli("export", "-f", "node-link", str(tmp_path / path), "--around", "hikvision", *args)
        assert result.exit_code == 0, result.output
    ids = [{n["id"] for n in json.loads((tmp_path / p).read_text())["nodes"]} for p in ("a.json", "b.json")]
    assert "list:us-entity-list" not in ids[0] and "list:us-entity-list" in ids[1]
    assert "list:us-entity-list" not in cli("map", "-o", "-", "--around", "hikvision", *before).stdout
    assert "list:us-entity-list" in cli("map", "-o", "-", "--around", "hikvision", *after).stdout
    report = cli("report", "vendor", "hikvision", "-o", "-", *before).stdout
    assert (
        "| Entity List |" not in report
        and "| Entity List |" in cli("report", "vendor", "hikvision", "-o", "-", *after).stdout
    )
    assert "Chengmai" not in cli("trace", "hikvision", "--as-of", "2021").output
    assert "Chengmai" in cli("trace", "hikvision", "--as-of", "2022-12-31").output
    assert "undated" in cli("trace", "huawei", "--as-of", "2024").output
    assert cli("reach", "ZW", "--dated-only").exit_code == 1  # --dated-only goes with --as-of
    result = cli("queries", "run", "deals_while_listed", "-p", "on_list=list:us-entity-list", "-p", "as_of=2021")
    assert result.exit_code == 0 and "Chengmai" not in result.output


def write_list(path, rows):
    path.write_text("Type,Name,Alias,Country,Topics,Program,Date,End date,Source URL\n"
                    + "".join(f"Organization,{name},,{country},export.control,US-BIS-MIEU,{date},,\n"
                              for name, country, date in rows), encoding="utf-8")  # fmt: skip


def test_changes_between_two_versions_of_a_list(workspace, tmp_path):
    first = [("Alpha Directorate", "CU", "2021-03-16"), ("Beta Bureau", "IR", "2021-03-16"),
             ("Gamma Service", "MM", "2021-03-16")]  # fmt: skip
    second = [("Alpha Directorate", "CU", "2021-03-16"), ("Gamma Service", "MM", "2021-03-16"),
              ("Delta Agency", "RU", "2022-06-01")]  # fmt: skip
    v1, v2 = tmp_path / "v1.csv", tmp_path / "v2.csv"
    write_list(v1, first)
    write_list(v2, second)
    assert cli("import", str(v1), "--format", "us-bis-meu", "--date", "2024-01-01").exit_code == 0
    result = cli("import", str(v2), "--format", "us-bis-meu", "--date", "2024-06-01")
    assert result.exit_code == 0 and "dualtrace changes --dataset" in result.output
    result = cli("changes", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    added = {r["name"] for r in rows if r["change"] == "listing added"}
    ended = {r["name"] for r in rows if r["change"] == "listing ended"}
    assert added == {"Delta Agency LISTED_ON Military End-User List"}
    assert ended == {"Beta Bureau LISTED_ON Military End-User List"}
    assert {r["name"] for r in rows if r["change"] == "entity added"} == {"Delta Agency"}
    markdown = cli("changes", "--format", "markdown").output
    assert markdown.startswith("# Changes made by the last import") and "| listing ended |" in markdown
    # the first import of the dataset added everything it held
    from dualtrace.graph.store import EmbeddedStore

    store = EmbeddedStore.open(workspace)
    first_rows = changes_between_imports(store, "us-bis-meu", 1)
    assert set(first_rows[first_rows["change"] == "listing added"]["name"]) == {
        f"{name} LISTED_ON Military End-User List" for name, _, _ in first
    }
    # between two dates, by the graph's own dates: Delta listed in 2022, nothing ended by its dates
    by_dates = changes_between_dates(store, "2022-01-01", "2022-12-31")
    assert set(by_dates[by_dates["change"] == "listing added"]["name"]) == {
        "Delta Agency LISTED_ON Military End-User List"
    }
    with pytest.raises(DualtraceError, match="must be before"):
        changes_between_dates(store, "2023", "2022")
