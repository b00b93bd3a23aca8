"""Long answers at a million links: fast walks give the same answer as the protocol's
walks, and a page of a trace or reach is exactly that part of the whole answer,
with the whole answer's count (issue 18)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from benchmarks.generate import enrich, synthetic_store
from dualtrace.cli import main
from dualtrace.graph.store import EmbeddedStore
from dualtrace.queries.trace import reach, reach_page, trace, trace_page
from dualtrace.queries.walk import breadth_first, deals_from


class WithoutAdjacency:
    """A store offering only the Store protocol (none of its optional capabilities): the generic paths."""

    def __init__(self, store: EmbeddedStore):
        self._store = store

    def __getattr__(self, name: str) -> Any:
        if name in ("adjacency", "node_table"):
            raise AttributeError(name)
        return getattr(self._store, name)


@pytest.fixture(scope="module")
def synthetic() -> EmbeddedStore:
    """A graph with long-tailed vendors, integrators, parents, statuses and components."""
    return enrich(synthetic_store(6000))


def _tree_shape(tree: dict) -> dict:
    return {node: (parent, link.key if link else None) for node, (parent, link) in tree.items()}


@pytest.mark.parametrize("which", ["starter", "synthetic"])
def test_a_walk_over_the_adjacency_is_the_walk_over_the_protocol(which, starter, synthetic):
    store = starter if which == "starter" else synthetic
    generic = WithoutAdjacency(store)
    meaning = store.schema.means
    statuses = ("reported", "confirmed")
    starts = sorted(n.id for n in store.nodes() if n.kind in ("Organization", "Product", "GovernmentBuyer"))
    assert store.adjacency("out") is not None and getattr(generic, "adjacency", None) is None
    for start in starts[:: max(1, len(starts) // 150)]:
        for rels, direction, hops in (
            (meaning.supply, "out", meaning.hop_limits["supply"]),
            (meaning.ownership, "in", meaning.hop_limits["ownership"]),
            (meaning.units, "in", meaning.hop_limits["units"]),
            (meaning.supply, "both", 3),
        ):
            fast, fast_depth = breadth_first(store, [start], rels, direction, statuses, hops)
            slow, slow_depth = breadth_first(generic, [start], rels, direction, statuses, hops)  # type: ignore[arg-type]
            assert _tree_shape(fast) == _tree_shape(slow) and fast_depth == slow_depth, (start, direction)
        fast_deals = deals_from(store, start, statuses)
        slow_deals = deals_from(generic, start, statuses)  # type: ignore[arg-type]
        assert [(d.transfer, d.end_user, d.via, [x.key for x in d.chain]) for d in fast_deals] == [
            (d.transfer, d.end_user, d.via, [x.key for x in d.chain]) for d in slow_deals
        ]


def test_pages_of_a_trace_make_up_the_whole_trace(synthetic):
    busiest = max((n.id for n in synthetic.nodes("Organization")), key=lambda v: len(list(synthetic.out_links(v))))
    whole = trace(synthetic, busiest)
    assert len(whole) > 50
    pages = [trace_page(synthetic, busiest, limit=17, offset=offset) for offset in range(0, len(whole), 17)]
    assert all(page.total == len(whole) for page in pages)
    assert [page.shown for page in pages] == [len(page.rows) for page in pages]
    joined = pd.concat([page.rows for page in pages], ignore_index=True)
    pd.testing.assert_frame_equal(joined, whole)
    assert not pages[0].complete and trace_page(synthetic, busiest).complete
    beyond = trace_page(synthetic, busiest, limit=10, offset=len(whole) + 5)
    assert beyond.rows.empty and beyond.total == len(whole) and beyond.shown == 0
    with pytest.raises(ValueError, match="0 or more"):
        trace_page(synthetic, busiest, limit=-1)


def test_the_whole_trace_is_in_the_documented_order(synthetic, starter):
    for store, start in ((synthetic, "org:v0"), (starter, "org:huawei")):
        rows = trace(store, start)
        keys = list(zip(rows["country"], rows["end_user_name"], rows["transfer"], rows["origin"], strict=True))
        assert keys == sorted(keys)


def test_pages_of_a_category_trace_and_of_a_reach_make_up_the_whole(starter):
    whole = trace(starter, category="facial_recognition")
    pages = [trace_page(starter, category="facial_recognition", limit=3, offset=o) for o in range(0, len(whole), 3)]
    pd.testing.assert_frame_equal(pd.concat([p.rows for p in pages], ignore_index=True), whole)
    whole = reach(starter, "CN")
    total = reach_page(starter, "CN", limit=0).total
    assert total == len(set(zip(whole["transfer"], whole["end_user"], strict=True))) > 5
    pages = [reach_page(starter, "CN", limit=2, offset=o) for o in range(0, total, 2)]
    pd.testing.assert_frame_equal(pd.concat([p.rows for p in pages], ignore_index=True), whole)
    assert all(p.total == total for p in pages)


def test_the_commands_show_a_page_say_so_and_give_the_rest_on_request(workspace):
    runner = CliRunner()
    assert runner.invoke(main, ["load"]).exit_code == 0
    everything = runner.invoke(main, ["trace", "hikvision", "--limit", "0", "--format", "csv"])
    total = len(pd.read_csv(pd.io.common.StringIO(everything.stdout)))
    assert total > 3 and "Showing" not in everything.stderr
    first = runner.invoke(main, ["trace", "hikvision", "--limit", "2"])
    assert first.exit_code == 0
    assert f"(deals 1-2 of {total}):" in first.stdout and "\n3. " not in first.stdout
    assert first.stderr.strip() == (
        f"Showing deals 1-2 of {total}, in the answer's order; --limit 0 shows them all; --offset 2 for the next."
    )
    second = runner.invoke(main, ["trace", "hikvision", "--limit", "2", "--offset", "2"])
    assert "\n3. " in second.stdout and "\n1. " not in second.stdout
    csv_page = runner.invoke(main, ["trace", "hikvision", "--limit", "2", "--offset", "2", "--format", "csv"])
    lines = pd.read_csv(pd.io.common.StringIO(csv_page.stdout))
    assert list(lines["transfer"]) == list(pd.read_csv(pd.io.common.StringIO(everything.stdout))["transfer"][2:4])
    default = runner.invoke(main, ["trace", "hikvision"])
    assert "Showing" not in default.stderr and f"{total}. " in default.stdout  # under the default limit: all
    reach_first = runner.invoke(main, ["reach", "CN", "--limit", "1"])
    assert (
        reach_first.exit_code == 0
        and "(deals 1-1 of " in reach_first.stdout
        and "Showing deals 1-1" in (reach_first.stderr)
    )
    bad = runner.invoke(main, ["trace", "hikvision", "--limit", "-3"])
    assert bad.exit_code == 2 and "--limit" in bad.output


def test_the_explorers_trace_pages_build_only_the_rows_they_show(starter, monkeypatch):
    """dualtrace serve pages a trace through TraceDeals: its slices are the whole
    answer's rows, and a page builds its own rows only."""
    from dualtrace.queries import trace as trace_module
    from dualtrace.queries.trace import TraceDeals
    from dualtrace.web.routes_walks import _RowsOf

    whole = trace(starter, "org:huawei").to_dict(orient="records")
    rows = _RowsOf(TraceDeals(starter, "org:huawei"))
    assert len(rows) == len(whole) > 4
    built = []
    real = trace_module._trace_row
    monkeypatch.setattr(trace_module, "_trace_row", lambda *a, **k: built.append(1) or real(*a, **k))
    assert rows[2:4] == whole[2:4] and len(built) == 2
    assert rows[len(whole) - 1] == whole[-1] and rows[len(whole) : len(whole) + 5] == []
