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


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium driven by Playwright, for the browser tests (tests/test_browser.py
    and tests/test_serve_browser.py skip, or fail under DUALTRACE_REQUIRE_BROWSER, before
    asking for it where there is no Chromium)."""
    from playwright.sync_api import sync_playwright

    from tests.test_browser import CHROMIUM, FLAGS

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()
