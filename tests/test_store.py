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
        leftovers = sorted(tmp_path.glob(".ws.json.*.tmp"))
        reopened = EmbeddedStore.open(path)  # whatever happened, the workspace must open ...
        assert reopened.leftovers_removed == leftovers  # ... and removes what the killed save left
        assert not list(tmp_path.glob(".ws.json.*.tmp"))
        if leftovers and len(reopened) == len(original):  # killed mid-write of the first save
            assert snapshot(reopened) == expected
            return
        original.save()
    pytest.fail("could not kill the saving process mid-write in 5 attempts")


@pytest.mark.parametrize("was_enabled", [True, False])
def test_loading_pauses_the_garbage_collector_and_restores_it(starter, tmp_path, monkeypatch, was_enabled):
    import gc

    from dualtrace.graph import store as store_module

    seen = []
    real_loads = store_module.orjson.loads
    monkeypatch.setattr(store_module.orjson, "loads", lambda raw: (seen.append(gc.isenabled()), real_loads(raw))[1])
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


def test_open_removes_only_what_a_save_leaves(tmp_path):
    path = tmp_path / "ws.json"
    EmbeddedStore(path).save()
    ours = [tmp_path / ".ws.json.k2_9ab0q.tmp", tmp_path / ".ws.json.zzzzzzzz.tmp"]
    others = [
        tmp_path / ".ws.json.notes.tmp",  # not 8 characters
        tmp_path / ".ws.json.ABCD1234.tmp",  # tempfile never uses capitals
        tmp_path / ".ws.json.abcd1234.tmp.keep",
        tmp_path / "ws.json.abcd1234.tmp",  # not hidden
        tmp_path / ".other.json.abcd1234.tmp",  # another workspace's
        tmp_path / ".ws.json.abcd1234.csv",
        tmp_path / "notes.tmp",
    ]
    for item in ours + others:
        item.write_text("x", encoding="utf-8")
    folder = tmp_path / ".ws.json.abcdefgh.tmp"
    folder.mkdir()
    store = EmbeddedStore.open(path)
    assert store.leftovers_removed == sorted(ours)
    assert not any(item.exists() for item in ours)
    assert all(item.exists() for item in others) and folder.is_dir()
    assert EmbeddedStore.open(path).leftovers_removed == []


HOLDER = r"""
import sys, time
from pathlib import Path
from dualtrace.graph.lock import writer_lock
with writer_lock(Path(sys.argv[1]), command="test"):
    print("holding", flush=True)
    sys.stdin.readline()
"""


def test_a_save_in_progress_is_not_taken_for_a_leftover(tmp_path):
    """While another process holds the writer lock, a temporary file beside the workspace may
    be its save under way: open leaves it. Once the writer is gone, the next open removes it."""
    path = tmp_path / "ws.json"
    EmbeddedStore(path).save()
    pending = tmp_path / ".ws.json.abcd1234.tmp"
    pending.write_text("{", encoding="utf-8")
    writer = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "holding"
        assert EmbeddedStore.open(path).leftovers_removed == []
        assert pending.exists()
    finally:
        writer.communicate("done\n", timeout=30)
    assert EmbeddedStore.open(path).leftovers_removed == [pending]
    assert not pending.exists()


def test_a_writer_holding_the_lock_removes_leftovers(tmp_path):
    from dualtrace.graph.lock import writer_lock

    path = tmp_path / "ws.json"
    EmbeddedStore(path).save()
    leftover = tmp_path / ".ws.json.abcd1234.tmp"
    leftover.write_text("{", encoding="utf-8")
    with writer_lock(path, command="test"):
        assert EmbeddedStore.open(path).leftovers_removed == [leftover]
    assert not leftover.exists()


def _public_api_graph(store: EmbeddedStore):
    """The same nodes and links, put in a graph only through networkx's public API."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    for node in store.nodes():
        graph.add_node(node.id, kind=node.kind, props=node.props)
    for link in store.links():
        graph.add_edge(link.source, link.target, key=link.rel, **link.props)
    return graph


def test_an_opened_workspace_is_the_graph_networkx_would_build(starter, tmp_path):
    """Opening writes networkx's adjacency directly (graph/store.py, _fill): every
    view of the result (successors, predecessors, in and out edges, degrees, node
    removal) matches a graph built with add_node/add_edge."""
    path = tmp_path / "ws.json"
    copy = EmbeddedStore(path)
    copy.add(starter.nodes(), starter.links(), validate=False)
    copy.save()
    opened = EmbeddedStore.open(path).graph
    built = _public_api_graph(starter)
    assert dict(opened.nodes(data=True)) == dict(built.nodes(data=True))
    assert sorted(opened.edges(keys=True)) == sorted(built.edges(keys=True))
    for node in built:
        assert sorted(opened.in_edges(node, keys=True, data="status")) == sorted(
            built.in_edges(node, keys=True, data="status")
        )
        assert opened.in_degree(node) == built.in_degree(node) and opened.out_degree(node) == built.out_degree(node)
    # the incoming side shares the outgoing side's link dicts: a change is seen from both ends
    source, target, rel = next(iter(opened.edges(keys=True)))
    assert opened.pred[target][source][rel] is opened.succ[source][target][rel]
    busiest = max(built, key=built.degree)
    opened.remove_node(busiest)
    built.remove_node(busiest)
    assert sorted(opened.edges(keys=True)) == sorted(built.edges(keys=True))
    assert all(busiest not in opened.pred[n] and busiest not in opened.succ[n] for n in opened)


def _adjacency(store: EmbeddedStore) -> tuple:
    """Everything networkx holds, in its order: nodes, and links seen from both ends."""
    graph = store.graph
    succ = [(s, list(ts.items())) for s, ts in graph._succ.items()]
    pred = [(t, [(s, list(keyed.items())) for s, keyed in ss.items()]) for t, ss in graph._pred.items()]
    return list(graph._node.items()), succ, pred


def _mixed_batch(starter: EmbeddedStore) -> tuple[list[Node], list[Link]]:
    """New nodes and links, links to nodes already there, and changed nodes and links."""
    nodes = [Node("org:newco", "Organization", {"name": "NewCo", "sources": ["source:seed-lawfare-2018"]})]
    hikvision = starter.get("org:hikvision")
    assert hikvision is not None
    nodes.append(Node(hikvision.id, hikvision.kind, {**hikvision.props, "note": "changed"}))
    shared = {"status": "reported", "sources": ["source:seed-lawfare-2018"]}
    links = [
        Link("org:newco", "LOCATED_IN", "country:CN", shared),
        Link("org:newco", "PARTNER_OF", "org:hikvision", shared),
    ]
    old = next(link for link in starter.links() if link.rel == "MAKES")
    links.append(Link(old.source, old.rel, old.target, {**old.props, "status": "denied"}))
    links.append(Link(old.source, "PARTNER_OF", "org:newco", shared))
    return nodes, links


def test_adopting_records_builds_the_graph_the_public_api_builds(starter):
    """An import writes its records into networkx's adjacency directly (graph/store.py,
    _adopt): the nodes, links, their order and the key dicts shared by both ends are
    what add_node/put_link make of the same records."""
    nodes, links = _mixed_batch(starter)
    stores = []
    handed = []
    for adopt in (False, True):
        store = EmbeddedStore()
        store.add(starter.nodes(), starter.links(), validate=False)
        handed.append(list(links))
        store.add([Node(n.id, n.kind, dict(n.props)) for n in nodes], handed[-1], adopt=adopt)
        stores.append(store)
    copied, adopted = stores
    assert handed[0] == links and handed[1] == []  # an adopted list is handed over and emptied as it is written
    assert _adjacency(adopted) == _adjacency(copied)
    graph = adopted.graph
    for source, targets in graph._succ.items():
        for target, keyed in targets.items():
            assert graph._pred[target][source] is keyed
    assert adopted.link_props(("org:newco", "LOCATED_IN", "country:CN")) is links[0].props  # kept, not copied


def test_links_sharing_one_properties_dict_change_one_at_a_time(starter):
    """An import lets the links of one record share one properties dict. Every later
    write replaces a link's dict instead of changing it in place, so the others keep
    theirs: an update, an ended listing, a merge and its split."""
    from dualtrace.ingest.merge import merge, split

    store = EmbeddedStore()
    store.add(starter.nodes(), starter.links(), validate=False)
    nodes, links = _mixed_batch(starter)
    store.add(nodes, list(links), adopt=True)
    keys = [("org:newco", "LOCATED_IN", "country:CN"), ("org:newco", "PARTNER_OF", "org:hikvision")]
    assert store.link_props(keys[0]) is store.link_props(keys[1])
    before = dict(store.link_props(keys[1]) or {})

    store.add(links=[Link("org:newco", "LOCATED_IN", "country:CN", {**before, "until": "2024"})])
    assert store.link_props(keys[0])["until"] == "2024"  # type: ignore[index]
    assert store.link_props(keys[1]) == before and links[0].props == before

    store.add(links=[Link("org:newco", "PARTNER_OF", "org:hikvision", {**before, "note": "n"})], validate=False)
    assert store.link_props(("org:hikvision", "PARTNER_OF", "org:newco")) == before

    store.add([Node("org:newco2", "Organization", {"name": "NewCo Two", "sources": ["source:seed-lawfare-2018"]})])
    merge(store, "org:newco2", "org:newco", "test")
    assert store.link_props(("org:newco2", "LOCATED_IN", "country:CN"))["until"] == "2024"  # type: ignore[index]
    split(store, "org:newco2", "org:newco")
    assert store.link_props(keys[0])["until"] == "2024"  # type: ignore[index]
    assert store.link_props(("org:hikvision", "PARTNER_OF", "org:newco")) == before


def test_links_sharing_bad_properties_are_each_refused_with_their_own_problems(starter):
    """What links share is checked once (graph/store.py, _LinkChecks), yet every link is
    refused with its own number, label and the problems validate_link finds."""
    store = EmbeddedStore()
    store.add(starter.nodes(), starter.links(), validate=False)
    bad = {"status": "rumoured", "sources": ["source:seed-lawfare-2018", "org:hikvision"]}
    good = {"status": "reported", "sources": ["source:seed-lawfare-2018"]}
    links = [Link("org:hikvision", "LOCATED_IN", "country:CN", bad), Link("org:hikvision", "MAKES", "country:CN", bad),
             Link("org:hikvision", "PARTNER_OF", "org:nobody", good), Link("org:hikvision", "OWNS", "org:x", good),
             Link("org:hikvision", "PARTNER_OF", "org:zte", bad)]  # fmt: skip
    with pytest.raises(ValidationFailed) as info:
        store.add(links=links)
    kinds = {n.id: n.kind for n in store.nodes()}
    expected = [f"input, row {i}, column {p.field!r}: {k.source} -[{k.rel}]-> {k.target}: {p.message}"
                for i, k in enumerate(links, start=1) for p in store.schema.validate_link(k, kinds)]  # fmt: skip
    assert [str(p) for p in info.value.problems] == expected and len(expected) >= 8


def test_a_version_1_workspace_opens_and_is_saved_as_version_2(starter, tmp_path):
    """Workspaces written before the adjacency layout (lists of records) still open,
    unchanged; the next save writes version 2, which reopens the same."""
    path = tmp_path / "ws.json"
    records = {
        "format": "dualtrace-workspace",
        "version": 1,
        "nodes": [{"id": n.id, "kind": n.kind, "props": n.props} for n in starter.nodes()],
        "links": [{"source": k.source, "rel": k.rel, "target": k.target, "props": k.props} for k in starter.links()],
        "meta": {"imports": [{"file": "x.csv"}]},
    }
    path.write_text(json.dumps(records), encoding="utf-8")
    old = EmbeddedStore.open(path)
    assert snapshot(old) == snapshot(starter) and old.meta == records["meta"]
    old.save()
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["version"] == 2 and isinstance(written["links"], dict)
    link = next(starter.links())
    assert written["links"][link.source][link.target][link.rel] == link.props
    assert snapshot(EmbeddedStore.open(path)) == snapshot(starter)


def test_a_newer_workspace_version_is_refused_with_a_message(tmp_path):
    path = tmp_path / "ws.json"
    path.write_text(json.dumps({"format": "dualtrace-workspace", "version": 3, "nodes": {}, "links": {}}))
    with pytest.raises(WorkspaceError, match="has workspace version 3; this dualtrace reads versions 1, 2"):
        EmbeddedStore.open(path)


def test_a_property_json_cannot_hold_fails_the_save_and_keeps_the_file(tmp_path):
    path = tmp_path / "ws.json"
    store = EmbeddedStore(path)
    store.add([Node("org:a", "Organization", {"name": "A"})])
    store.save()
    before = path.read_bytes()
    store.add([Node("org:b", "Organization", {"name": "B", "aliases": {"B1"}})], validate=False)
    with pytest.raises(WorkspaceError, match=f"Cannot save workspace {path}"):
        store.save()
    assert path.read_bytes() == before and not list(tmp_path.glob(".ws.json.*.tmp"))


def test_an_opened_graph_is_frozen_out_of_the_collector_and_a_failed_open_is_not(starter, tmp_path):
    """graph/collector.py: the loaded graph moves to the permanent generation, so the
    first collection after opening does not walk it; a failed open leaves its garbage
    to the collector."""
    import gc

    good = tmp_path / "good.json"
    copy = EmbeddedStore(good)
    copy.add(starter.nodes(), starter.links(), validate=False)
    copy.save()
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "dualtrace-workspace", "version": 2, "nodes": {}, "links": {"x": {}}}')
    gc.unfreeze()
    try:
        with pytest.raises(WorkspaceError):
            EmbeddedStore.open(bad)
        assert gc.get_freeze_count() == 0
        opened = EmbeddedStore.open(good)
        assert gc.get_freeze_count() > 3 * opened.link_count()  # the link dicts, their lists, the adjacency
    finally:
        gc.unfreeze()


def test_a_dense_nodes_links_by_kind_are_the_links_a_scan_finds_and_follow_changes():
    """neighbours() groups a dense node's links by kind (graph/store.py, _dense): the same
    links in the same order as reading every link, and a change is seen at once."""
    from dualtrace.graph.store import DENSE

    store = EmbeddedStore()
    hub = Node("org:hub", "Organization", {"name": "Hub"})
    parent = Node("org:parent", "Organization", {"name": "Parent"})
    deals = [Node(f"transfer:t{i}", "Transfer", {"name": f"Deal {i}"}) for i in range(DENSE * 3)]
    cited = {"sources": ["source:s"], "status": "reported"}
    store.add([hub, parent, Node("source:s", "Source", {"title": "S", "publisher": "P", "kind": "news"}), *deals],
              [Link("org:hub", "SUPPLIER_OF", d.id, dict(cited)) for d in deals], validate=False)  # fmt: skip
    store.add(links=[Link("org:hub", "SUBSIDIARY_OF", "org:parent", {**cited, "status": "confirmed"})], validate=False)
    store.add(links=[Link("org:hub", "INTERMEDIARY_OF", deals[5].id, dict(cited))], validate=False)

    def scanned(rels, statuses=None):
        return [
            link.key
            for link in store.links()
            if link.source == "org:hub"
            and link.rel in rels
            and (statuses is None or link.props.get("status") in statuses)
        ]

    for rels, statuses in (
        ({"SUBSIDIARY_OF"}, None),
        ({"SUBSIDIARY_OF"}, ("reported",)),
        ({"SUPPLIER_OF", "INTERMEDIARY_OF"}, ("reported",)),
        ({"SUPPLIER_OF", "SUBSIDIARY_OF", "INTERMEDIARY_OF"}, None),
    ):
        found = [link.key for link in store.neighbours("org:hub", rels, "out", statuses)]
        assert found == scanned(rels, statuses), (rels, statuses)
    assert [x.key for x in store.neighbours("org:parent", {"SUBSIDIARY_OF"}, "in")] == [
        ("org:hub", "SUBSIDIARY_OF", "org:parent")
    ]
    store.add(links=[Link("org:hub", "SUBSIDIARY_OF", deals[0].id, dict(cited))], validate=False)
    store.remove_link(Link("org:hub", "SUBSIDIARY_OF", "org:parent"))
    assert [x.target for x in store.neighbours("org:hub", {"SUBSIDIARY_OF"}, "out")] == [deals[0].id]
