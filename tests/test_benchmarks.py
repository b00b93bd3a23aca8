"""The benchmarks still run: each is exercised here at a tiny size (the figures
themselves are measured by `make bench`, never asserted in tests)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.bench_queries import measure
from benchmarks.generate import enrich, synthetic_store
from dualtrace.queries.library import load_library


def test_enrichment_keeps_the_base_graph_and_adds_what_queries_look_for():
    base = synthetic_store(3000)
    before = {(s, t, k) for s, t, k in base.graph.edges(keys=True)}
    rich = enrich(synthetic_store(3000))
    after = {(s, t, k) for s, t, k in rich.graph.edges(keys=True)}
    assert before <= after
    counts = rich.counts()
    for kind in ("LISTED_ON", "SUBSIDIARY_OF", "COMPONENT_OF", "PARTICIPATES_IN", "List", "Regime"):
        assert counts.get(kind, 0) > 0, kind
    statuses = {data["status"] for _, _, data in rich.graph.edges(data=True)}
    assert statuses == {"reported", "confirmed", "denied"}


def test_the_query_benchmark_times_every_saved_query():
    result = measure(3000, runs=2)
    assert set(result["queries"]) == set(load_library())
    assert result["baseline_full_scan_ms"] > 0
    for figures in result["queries"].values():
        assert figures["p50_ms"] >= 0 and "p50_vs_full_scan" in figures


def test_the_import_benchmark_measures_dualtrace_the_baseline_and_the_floor_on_one_file(tmp_path):
    from benchmarks.bench_import import generate, measure

    data = generate(tmp_path / "transfers.csv", 2000)
    ours, base, floor = (measure(kind, data, 2000) for kind in ("dualtrace", "baseline", "floor"))
    assert ours["rows"] == base["rows"] == floor["rows"] == 2000
    assert ours["rejected"] == 0
    # The floor is the same graph without properties: within a few entities and links of ours.
    assert abs(floor["links"] - ours["links"]) <= 0.05 * ours["links"]
    assert abs(floor["nodes"] - ours["nodes"]) <= 0.05 * ours["nodes"]
    assert all(m["peak_mb"] > 0 and m["seconds"] > 0 for m in (ours, base, floor))
    assert 0 < ours["input_mb"] <= ours["peak_mb"]  # the interpreter's own share, taken off the growth


def test_the_push_benchmark_writes_every_relationship_both_ways():
    from benchmarks.bench_push import measure as measure_push

    result = measure_push(3000, baseline=40, batch_size=200)
    assert result["relationships_in_database"] == result["relationships"] > 2000
    assert result["one_by_one_in_database"] == result["one_by_one_relationships"] == 40
    assert result["batched_relationships_per_s"] > 0 and result["speedup"] > 0


def test_the_sdn_benchmark_times_the_import_against_reading_the_file():
    from benchmarks.bench_sdn import measure as measure_sdn

    sample = Path(__file__).parent / "data" / "shared" / "ofac_sdn_sample" / "sdn_sample.csv"
    result = measure_sdn(sample, runs=1)
    assert result["rows"] == 129 and result["rejected"] == 0
    assert result["import_vs_read_csv"] > 0 and result["rows_per_second"] > 0


def test_the_trace_benchmark_times_trace_and_the_cypher_baseline():
    from benchmarks.bench_trace import run

    result = run(3000, queries=4, baseline_budget=5)
    assert result["relationships"] > 2000 and result["baseline_runs"] >= 3
    assert result["trace_p50_ms"] > 0 and result["trace_p95_ms"] >= result["trace_p50_ms"]


def test_the_workspace_benchmark_opens_what_it_saved(tmp_path):
    from benchmarks.bench_workspace import measure as measure_workspace

    result = measure_workspace(3000, runs=1, folder=tmp_path)
    assert result["relationships"] > 2000 and result["file_mb"] > 0
    assert result["open_s"] > 0 and result["json_loads_s"] > 0 and result["open_peak_mb"] > 0
    assert result["structure_floor_s"] > 0


def test_the_structure_floor_is_the_graph_networkx_holds(tmp_path):
    """The workspace benchmark's floor loads exactly the opened graph's dicts, the
    key dicts shared between the outgoing and incoming sides as networkx shares them."""
    import marshal

    from benchmarks.bench_workspace import write_structure
    from benchmarks.generate import enrich, synthetic_store

    graph = enrich(synthetic_store(2000)).graph
    write_structure(graph, tmp_path / "g.marshal")
    node, succ, pred = marshal.loads((tmp_path / "g.marshal").read_bytes())
    assert node == graph._node and succ == graph._succ and pred == graph._pred
    source, targets = next((s, t) for s, t in succ.items() if t)
    target = next(iter(targets))
    assert succ[source][target] is pred[target][source]


def test_the_serve_benchmark_loads_a_running_explorer_without_errors():
    from benchmarks.bench_serve import measure as measure_serve

    result = measure_serve(requests=40, clients=4)
    assert result["requests"] == 40 and result["errors"] == 0
    assert result["p50_ms"] > 0 and result["p95_ms"] >= result["p50_ms"]
    assert "floor" in result["by_page"] and "reach" in result["by_page"]
