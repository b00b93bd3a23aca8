"""The embedded store: round trips, all-or-nothing adds, atomic saves."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from dualtrace.graph.errors import ValidationFailed, WorkspaceError
from dualtrace.graph.model import Link, Node
from dualtrace.graph.store import EmbeddedStore


def snapshot(store: EmbeddedStore) -> tuple[list, list]:
    nodes = sorted((n.id, n.kind, json.dumps(n.props, sort_keys=True)) for n in store.nodes())
    links = sorted((lk.source, lk.rel, lk.target, json.dumps(lk.props, sort_keys=True)) for lk in store.links())
    return nodes, links


def test_round_trip_reopens_identically(starter, tmp_path):
    path = tmp_path / "ws.json"
    copy = EmbeddedStore(path)
    copy.add(starter.nodes(), starter.links(), validate=False)
    copy.save()
    reopened = EmbeddedStore.open(path)
    assert snapshot(reopened) == snapshot(starter)
    assert len(reopened) == len(starter) > 300


def test_add_is_all_or_nothing(tmp_path):
    store = EmbeddedStore(tmp_path / "ws.json")
    good = Node("source:s", "Source", {"title": "T", "publisher": "P", "kind": "news"})
    bad = Node("org:x", "Organization", {})
    with pytest.raises(ValidationFailed) as info:
        store.add([good, bad])
    assert len(store) == 0
    assert "column 'name'" in str(info.value) and "org:x" in str(info.value)


def test_unsourced_link_is_refused_at_import(tmp_path):
    store = EmbeddedStore(tmp_path / "ws.json")
    store.add(
        [Node("org:a", "Organization", {"name": "A"}), Node("country:CN", "Country", {"name": "China", "iso2": "CN"})]
    )
    with pytest.raises(ValidationFailed, match="sources"):
        store.add(links=[Link("org:a", "LOCATED_IN", "country:CN", {"status": "confirmed"})])
    assert store.graph.number_of_edges() == 0


def test_same_link_twice_updates_instead_of_duplicating(starter, tmp_path):
    store = EmbeddedStore(tmp_path / "ws.json")
    store.add(starter.nodes(), starter.links(), validate=False)
    before = store.graph.number_of_edges()
    store.add(
        links=[
            Link(
                "org:hikvision",
                "LOCATED_IN",
                "country:CN",
                {"status": "confirmed", "sources": ["source:data-dod-1260h"]},
            )
        ]
    )
    assert store.graph.number_of_edges() == before


def test_corrupt_workspace_gives_a_clear_error(tmp_path):
    path = tmp_path / "ws.json"
    path.write_text('{"format": "dualtrace-workspace", "version": 1, "nodes": [', encoding="utf-8")
    with pytest.raises(WorkspaceError, match=str(path)):
        EmbeddedStore.open(path)
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(WorkspaceError, match="not a dualtrace workspace"):
        EmbeddedStore.open(path)


SAVER = r"""
import sys
from pathlib import Path
from dualtrace.graph.model import Link, Node
from dualtrace.graph.store import EmbeddedStore
store = EmbeddedStore(Path(sys.argv[1]))
store.add([Node(f"org:n{i}", "Organization", {"name": "x" * 200}) for i in range(60000)], validate=False)
store.add(links=[Link(f"org:n{i}", "PARTNER_OF", f"org:n{i+1}", {"sources": ["source:s"], "status": "reported", "note": "y" * 200})
                 for i in range(59999)], validate=False)
print("ready", flush=True)
while True:
    store.save()
"""


def test_killed_save_leaves_previous_workspace_intact(starter, tmp_path):
    path = tmp_path / "ws.json"
    original = EmbeddedStore(path)
    original.add(starter.nodes(), starter.links(), validate=False)
    original.save()
    expected = snapshot(original)
    for _attempt in range(5):
        child = subprocess.Popen([sys.executable, "-c", SAVER, str(path)], stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 30
        while not list(tmp_path.glob(".ws.json.*.tmp")) and time.monotonic() < deadline:
            time.sleep(0.001)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        leftovers = list(tmp_path.glob(".ws.json.*.tmp"))
        reopened = EmbeddedStore.open(path)  # whatever happened, the workspace must open
        if leftovers and len(reopened) == len(original):  # killed mid-write of the first save
            assert snapshot(reopened) == expected
            return
        for leftover in leftovers:
            leftover.unlink()
        original.save()
    pytest.fail("could not kill the saving process mid-write in 5 attempts")


@pytest.mark.parametrize("was_enabled", [True, False])
def test_loading_pauses_the_garbage_collector_and_restores_it(starter, tmp_path, monkeypatch, was_enabled):
    import gc

    from dualtrace.graph import store as store_module

    seen = []
    real_load = json.load
    monkeypatch.setattr(store_module.json, "load", lambda handle: (seen.append(gc.isenabled()), real_load(handle))[1])
    good = tmp_path / "good.json"
    copy = EmbeddedStore(good)
    copy.add(starter.nodes(), starter.links(), validate=False)
    copy.save()
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    (gc.enable if was_enabled else gc.disable)()
    try:
        assert snapshot(EmbeddedStore.open(good)) == snapshot(starter)
        assert gc.isenabled() is was_enabled
        with pytest.raises(WorkspaceError):
            EmbeddedStore.open(bad)
        assert gc.isenabled() is was_enabled
        assert seen == [False, False]
    finally:
        gc.enable()
