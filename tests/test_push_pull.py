"""`dualtrace push` and `pull` through the Bolt stand-in: a lossless round trip of
the starter dataset, an idempotent second push, and clear failures (wrong
password, unreachable host, a database that goes away half-way) that a re-run
of push recovers from without duplicates."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from dualtrace.cli import main
from dualtrace.graph.neo4j_store import Connection, Neo4jError, Neo4jStore
from dualtrace.graph.store import EmbeddedStore
from dualtrace.graph.sync import push
from tests.standin import DATABASE, PASSWORD, free_port, start_standin


@pytest.fixture
def server(tmp_path):
    standin = start_standin(tmp_path)
    yield standin
    standin.stop()


@pytest.fixture
def env(server, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", server.uri)
    monkeypatch.setenv("NEO4J_USER", "root")
    monkeypatch.setenv("NEO4J_PASSWORD", PASSWORD)
    monkeypatch.setenv("NEO4J_DATABASE", DATABASE)
    return server


def snapshot(store):
    return ({n.id: (n.kind, n.props) for n in store.nodes()}, {link.key: link.props for link in store.links()})


def test_push_then_pull_round_trips_the_starter_dataset(env, workspace, tmp_path, starter):
    runner = CliRunner()
    assert runner.invoke(main, ["load"]).exit_code == 0
    result = runner.invoke(main, ["push", "--batch-size", "100"])
    assert result.exit_code == 0, result.output
    nodes, links = starter.graph.number_of_nodes(), starter.graph.number_of_edges()
    assert f"{nodes} entities and {links} links written" in result.output
    again = runner.invoke(main, ["push"])
    assert again.exit_code == 0 and "0 entities and 0 links written" in again.output
    assert f"{nodes + links} already up to date" in again.output
    pulled = tmp_path / "pulled.json"
    result = runner.invoke(main, ["-w", str(pulled), "pull"])
    assert result.exit_code == 0, result.output
    assert snapshot(EmbeddedStore.open(pulled)) == snapshot(starter)
    refused = runner.invoke(main, ["-w", str(pulled), "pull"])
    assert refused.exit_code == 1 and "pass --force" in refused.output


def test_a_changed_workspace_pushes_only_the_change(env, workspace):
    runner = CliRunner()
    assert runner.invoke(main, ["load"]).exit_code == 0
    assert runner.invoke(main, ["push"]).exit_code == 0
    store = EmbeddedStore.open(workspace)
    node = store.get("org:hikvision")
    store.add([node.__class__(node.id, node.kind, {**node.props, "note": "Updated note."})], validate=False)
    store.save()
    result = runner.invoke(main, ["push"])
    assert "1 entities and 0 links written" in result.output
    with Neo4jStore(Connection.from_env()) as remote:
        assert remote.get("org:hikvision").props["note"] == "Updated note."


def test_wrong_password_and_unreachable_host_are_clear_messages(env, workspace, monkeypatch):
    runner = CliRunner()
    assert runner.invoke(main, ["load"]).exit_code == 0
    monkeypatch.setenv("NEO4J_PASSWORD", "not-the-password")
    result = runner.invoke(main, ["push"])
    assert result.exit_code == 1 and "refused the user 'root' and password" in result.output
    assert "Traceback" not in result.output
    monkeypatch.setenv("NEO4J_PASSWORD", PASSWORD)
    result = runner.invoke(main, ["push", "--uri", f"bolt://127.0.0.1:{free_port()}"])
    assert result.exit_code == 1 and "Cannot reach Neo4j" in result.output
    monkeypatch.delenv("NEO4J_PASSWORD")
    result = runner.invoke(main, ["push"])
    assert result.exit_code == 1 and "No Neo4j password: set NEO4J_PASSWORD" in result.output


def test_a_database_that_goes_away_half_way_then_a_rerun_finishes_without_duplicates(server, starter):
    connection = Connection(server.uri, "root", PASSWORD, DATABASE)
    written = []

    def crash_after_three_batches(count: int) -> None:
        written.append(count)
        if len(written) == 3:
            server.kill()

    with Neo4jStore(connection, batch_size=20, retry_seconds=1) as remote, pytest.raises(Neo4jError, match="Neo4j"):
        push(starter, remote, progress=crash_after_three_batches)
    server.start()  # the same data folder: what was committed is still there
    with Neo4jStore(connection, batch_size=20) as remote:
        report = push(starter, remote)
        # the three batches acknowledged before the crash were kept and are not written again
        assert report.unchanged == sum(written)
        assert snapshot(remote) == snapshot(starter)
        assert remote.counts() == starter.counts()


def test_kinds_are_looked_up_label_by_label_and_links_alone_push_the_same(server, starter):
    """Links pushed in a call of their own find their ends' kinds in the database
    (looked up per label, so through the id indexes) or from the caller; either way
    the database ends up exactly like the starter dataset."""
    nodes, links = list(starter.nodes()), list(starter.links())
    expected = {n.id: n.kind for n in nodes}
    with Neo4jStore(Connection(server.uri, "root", PASSWORD, DATABASE), batch_size=100) as remote:
        remote.clear()
        remote.add(nodes, validate=False)
        looked_up = remote.kinds_of([*expected, "org:not-there"])
        assert looked_up == expected
        half = len(links) // 2
        remote.add(links=links[:half])  # validated: every end's kind read from the database
        remote.add(links=links[half:], validate=False, kinds=expected)
        assert snapshot(remote) == snapshot(starter)
