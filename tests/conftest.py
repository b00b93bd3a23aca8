"""Shared fixtures: the starter dataset loaded once, and isolated workspaces."""

from __future__ import annotations

from pathlib import Path

import pytest

from dualtrace.demo_data import starter_store
from dualtrace.graph.store import EmbeddedStore


@pytest.fixture(scope="session")
def starter() -> EmbeddedStore:
    """The shipped starter dataset (shared; tests must not modify it)."""
    return starter_store()


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace path of the test's own, also set in $DUALTRACE_WORKSPACE."""
    path = tmp_path / "workspace.json"
    monkeypatch.setenv("DUALTRACE_WORKSPACE", str(path))
    return path


@pytest.fixture(scope="session")
def standin(tmp_path_factory):
    """The Bolt stand-in for Neo4j (ArcadeDB, see tests/standin.py), shared by the session;
    tests clear it before use."""
    from tests.standin import start_standin

    server = start_standin(tmp_path_factory.mktemp("standin"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def starter_on_standin(standin, starter):
    """The stand-in holding exactly the starter dataset, for the tests of one module."""
    from dualtrace.graph.neo4j_store import Connection, Neo4jStore
    from dualtrace.graph.sync import push
    from tests.standin import DATABASE, PASSWORD

    remote = Neo4jStore(Connection(standin.uri, "root", PASSWORD, DATABASE))
    remote.clear()
    push(starter, remote)
    yield remote
    remote.clear()
    remote.close()
