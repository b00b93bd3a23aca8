"""The embedded store: a networkx MultiDiGraph persisted to one workspace file.

Why a single JSON file: it needs no server, greps well, and opens the same on
every machine. Why laid out as the graph's own adjacency (``links`` maps a
source id to its targets, each to its links by relationship kind, each to the
link's properties): the JSON parser (orjson) then builds networkx's outgoing
adjacency itself, in C, and opening only has to fill in the incoming side,
which makes a million-link workspace open three times faster than a list of
link records would. For a readable list of records use ``dualtrace export
--format node-link``. Saves are atomic (write a temporary file beside the
workspace, fsync, then ``os.replace``), so a process killed while saving leaves
the previous workspace intact (and its hidden temporary file,
``.<workspace>.XXXXXXXX.tmp``, which the next open removes). Links are keyed by
relationship kind, so a given pair of nodes holds at most one link of each kind
and re-importing a fact updates it instead of duplicating it.
"""

from __future__ import annotations

import itertools
import operator
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import orjson
from filelock import FileLock, Timeout

from dualtrace.graph import collector
from dualtrace.graph.errors import RecordProblem, ValidationFailed, WorkspaceError
from dualtrace.graph.lock import held_here, lock_path
from dualtrace.graph.model import Link, Node
from dualtrace.graph.schema import Problem, Schema, load_schema

if TYPE_CHECKING:
    import networkx as nx

FORMAT = "dualtrace-workspace"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)  # version 1 held lists of node and link records
ENV_WORKSPACE = "DUALTRACE_WORKSPACE"
_EMPTY: dict[str, Any] = {}
DENSE = 64  # links to or from more nodes than this: neighbours() groups them by kind (see _dense)
_POSITION = operator.itemgetter(0)


def _scan(ends: dict[str, dict[str, Any]], wanted: AbstractSet[str]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """A node's links of kinds ``wanted``, read from its adjacency, as (other end, kind, properties)."""
    for other, keyed in ends.items():
        for rel, props in keyed.items():
            if rel in wanted:
                yield other, rel, props


def default_workspace() -> Path:
    """``$DUALTRACE_WORKSPACE`` if set, else ``$XDG_DATA_HOME/dualtrace/workspace.json``
    (``~/.local/share/dualtrace/workspace.json`` when XDG_DATA_HOME is unset)."""
    explicit = os.environ.get(ENV_WORKSPACE)
    if explicit:
        return Path(explicit).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "dualtrace" / "workspace.json"


class EmbeddedStore:
    """Nodes and links in memory, validated against the schema, saved to ``path``."""

    def __init__(self, path: Path | None = None, schema: Schema | None = None):
        self.path = path
        self.schema = schema or load_schema()
        import networkx  # here, not at the top: commands that never open a store start faster

        self._graph: nx.MultiDiGraph = networkx.MultiDiGraph()
        # Bookkeeping that is not part of the graph: the import log, merge log, ...
        self.meta: dict[str, Any] = {}
        # Bumped by every change, so indexes built over the graph know when they are stale.
        self._version = 0
        # Dense nodes' links grouped by kind, valid while the version is _groups_version.
        self._groups: dict[tuple[str, str], dict[str, list[tuple[int, str, str, dict[str, Any]]]]] = {}
        self._groups_version = 0
        # Temporary files an interrupted save had left beside the workspace, removed by open().
        self.leftovers_removed: list[Path] = []

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The networkx graph: for the modules of ``graph/`` (outside, use :meth:`networkx`)."""
        return self._graph

    @graph.setter
    def graph(self, replacement: nx.MultiDiGraph) -> None:
        self._graph = replacement
        self.touch()

    @property
    def version(self) -> int:
        """A number that changes on every write (see graph/protocol.py)."""
        return self._version

    def touch(self) -> None:
        """Record a change (every write method calls it)."""
        self._version += 1

    def networkx(self) -> nx.MultiDiGraph:
        """The networkx graph behind the store, for code whose point is a networkx
        algorithm or library (ad-hoc Cypher through grand-cypher). Nodes carry ``kind``
        and ``props``; links are keyed by relationship kind. Read it; write through
        :meth:`add`, so that validation and :attr:`version` stay right."""
        return self.graph

    # -- reading ---------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, schema: Schema | None = None, *, tidy: bool = True) -> EmbeddedStore:
        """Open the workspace at ``path``; an absent file gives an empty store. ``tidy``:
        remove what an interrupted save left beside it (False for a reader that must
        write nothing, such as the web explorer reloading a workspace that changed)."""
        store = cls(path, schema)
        store.leftovers_removed = _clear_leftovers(path) if tidy else []
        if path.exists():
            store._read(path)
        return store

    @collector.paused(keep=True)  # see graph/collector.py: loading is mostly allocation, all of it kept
    def _read(self, path: Path) -> None:
        try:
            data = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError) as exc:
            raise WorkspaceError(f"Cannot read workspace {path}: {exc}") from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise WorkspaceError(f"{path} is not a dualtrace workspace (no format marker {FORMAT!r})")
        version = data.get("version")
        if version not in READABLE_VERSIONS:
            raise WorkspaceError(
                f"{path} has workspace version {version!r}; this dualtrace reads versions "
                + ", ".join(map(str, READABLE_VERSIONS))
            )
        meta = data.get("meta") or {}
        if not isinstance(meta, dict):
            raise WorkspaceError(f"{path}: 'meta' should be an object, found {_json_type(meta)}")
        if version == 1:
            data = _from_records(data)
        self.touch()
        try:
            _fill(self.graph, data["nodes"], data["links"])
        except (KeyError, TypeError, AttributeError, ValueError):
            raise WorkspaceError(_structure_problem(path, data)) from None
        self.meta = meta

    def __len__(self) -> int:
        return int(self.graph.number_of_nodes())

    def link_count(self) -> int:
        return int(self.graph.number_of_edges())

    def has(self, node_id: str) -> bool:
        return node_id in self._graph._node

    def get(self, node_id: str) -> Node | None:
        data = self._graph._node.get(node_id)  # the dict behind graph.nodes, without the view's cost
        if data is None:
            return None
        return Node(node_id, data["kind"], data["props"])

    def name_of(self, node_id: str) -> str:
        """A node's human label (see :attr:`Node.name`), or the id itself if it is absent."""
        node = self.get(node_id)
        return node.name if node else node_id

    def kind_of(self, node_id: str) -> str | None:
        data = self._graph._node.get(node_id)
        return None if data is None else data["kind"]

    def nodes(self, kind: str | None = None) -> Iterator[Node]:
        for node_id, data in self._graph._node.items():  # the dict behind graph.nodes: faster
            if kind is None or data["kind"] == kind:
                yield Node(node_id, data["kind"], data["props"])

    def links(self, rel: str | None = None) -> Iterator[Link]:
        for source, targets in self._graph._succ.items():  # the adjacency, not the edge view: faster
            for target, keyed in targets.items():
                if rel is None:
                    for kind, props in keyed.items():
                        yield Link(source, kind, target, props)
                elif rel in keyed:
                    yield Link(source, rel, target, keyed[rel])

    def neighbours(
        self, node_id: str, rels: Iterable[str], direction: str, statuses: Iterable[str] | None = None
    ) -> Iterator[Link]:
        """Links of kinds ``rels`` leaving, entering or touching a node, of the given statuses,
        in the order the adjacency holds them. Reads networkx's adjacency dicts, not its
        views: every walk runs through here. The status test is
        :func:`~dualtrace.graph.protocol.status_allowed`, written out (a ``None`` status is
        never in a set of status names) to save a call per link."""
        wanted = rels if isinstance(rels, (frozenset, set)) else frozenset(rels)
        allowed = None if statuses is None else frozenset(statuses)
        graph = self._graph
        for side, adjacency in (("out", graph._succ), ("in", graph._pred)):
            if direction not in (side, "both"):
                continue
            ends = adjacency.get(node_id, _EMPTY)
            found = self._dense(side, node_id, ends, wanted) if len(ends) > DENSE else _scan(ends, wanted)
            for other, rel, props in found:
                if allowed is None or props.get("status") in allowed:
                    yield Link(node_id, rel, other, props) if side == "out" else Link(other, rel, node_id, props)

    def _dense(
        self, side: str, node_id: str, ends: dict[str, dict[str, Any]], wanted: AbstractSet[str]
    ) -> list[tuple[str, str, dict[str, Any]]]:
        """A dense node's links of kinds ``wanted``, from its links grouped by kind.

        Why: a vendor with a hundred thousand deals has one parent link; finding it by
        reading every link took 15 ms, paid again for every deal a query looked at (a
        saved query asking which vendors reach an agency took 27 s). Like Neo4j's
        relationship groups for dense nodes, the grouping is made on first use, once
        per node, and dropped when the store changes."""
        if self._groups_version != self._version:
            self._groups.clear()
            self._groups_version = self._version
        groups = self._groups.get((side, node_id))
        if groups is None:
            groups = {}
            position = 0  # where the link comes in a scan: the order to give them back in
            for other, keyed in ends.items():
                for rel, props in keyed.items():
                    groups.setdefault(rel, []).append((position, other, rel, props))
                    position += 1
            self._groups[(side, node_id)] = groups
        chosen = [groups[rel] for rel in wanted if rel in groups]
        if len(chosen) == 1:
            return [found[1:] for found in chosen[0]]
        return [found[1:] for found in sorted(itertools.chain.from_iterable(chosen), key=_POSITION)]

    def adjacency(self, direction: str) -> Mapping[str, Mapping[str, Mapping[str, dict[str, Any]]]] | None:
        """The optional fast-walk capability of graph/protocol.py: networkx's own
        adjacency, by source (``out``) or by target (``in``). Read it, never write it."""
        if direction == "out":
            return self._graph._succ
        return self._graph._pred if direction == "in" else None

    def node_table(self) -> Mapping[str, Mapping[str, Any]]:
        """The optional capability of graph/protocol.py: every node's kind and props by
        id, networkx's own node dict. Read it, never write it."""
        return self._graph._node

    def out_links(self, node_id: str, rel: str | None = None) -> Iterator[Link]:
        for _, target, key, props in self.graph.out_edges(node_id, keys=True, data=True):
            if rel is None or key == rel:
                yield Link(node_id, key, target, props)

    def in_links(self, node_id: str, rel: str | None = None) -> Iterator[Link]:
        for source, _, key, props in self.graph.in_edges(node_id, keys=True, data=True):
            if rel is None or key == rel:
                yield Link(source, key, node_id, props)

    def link_props(self, key: tuple[str, str, str]) -> dict[str, Any] | None:
        """The properties of the link ``(source, rel, target)``, or None if there is none."""
        props: dict[str, Any] | None = self._graph._succ.get(key[0], _EMPTY).get(key[2], _EMPTY).get(key[1])
        return props

    def counts(self) -> dict[str, int]:
        """Number of nodes per kind and links per relationship, for summaries."""
        result: dict[str, int] = {}
        for _, data in self.graph.nodes(data=True):
            result[data["kind"]] = result.get(data["kind"], 0) + 1
        for _, _, key in self.graph.edges(keys=True):
            result[key] = result.get(key, 0) + 1
        return result

    # -- writing ---------------------------------------------------------------

    def add(
        self,
        nodes: Iterable[Node] = (),
        links: Iterable[Link] = (),
        *,
        where: str = "input",
        validate: bool = True,
        adopt: bool = False,
    ) -> None:
        """Add or update nodes, then links, as one unit: if any record breaks the
        schema nothing is added and :class:`ValidationFailed` lists every problem.

        The store keeps copies of the properties, unless ``adopt``: then the caller
        hands them over (an import's freshly built dicts) and the store keeps the
        very objects, written into networkx's adjacency in bulk (see :func:`_adopt`).
        Several links may then share one properties dict (an import gives the links
        of one record one provenance): the store never changes a stored dict in
        place, it replaces it (see :func:`put_link`), so sharing is safe."""
        nodes = nodes if adopt and type(nodes) is list else list(nodes)  # adopted lists are emptied (_adopt)
        links = links if adopt and type(links) is list else list(links)
        if validate:
            self._validate(nodes, links, where)
        self.touch()
        graph = self.graph
        if adopt:
            _adopt(graph, nodes, links)
            return
        for node in nodes:
            graph.add_node(node.id, kind=node.kind, props=dict(node.props))
        for link in links:
            put_link(graph, link.source, link.rel, link.target, link.props)

    def remove(self, node_id: str) -> None:
        """Remove a node and every link touching it (used when merging duplicates)."""
        self.touch()
        self.graph.remove_node(node_id)

    def remove_link(self, link: Link) -> None:
        self.touch()
        self.graph.remove_edge(link.source, link.target, key=link.rel)

    def _validate(self, nodes: list[Node], links: list[Link], where: str) -> None:
        """Raise :class:`ValidationFailed` listing every problem of the records, numbered
        by their place in ``nodes`` and ``links``."""
        problems: list[RecordProblem] = []
        for index, node in enumerate(nodes, start=1):
            problems += [
                RecordProblem(where, index, p.field, f"{node.id}: {p.message}") for p in self.schema.validate_node(node)
            ]
        check = _LinkChecks(self, {node.id: node.kind for node in nodes})
        for index, link in enumerate(links, start=1):
            found = check.problems(link)
            if found:
                label = f"{link.source} -[{link.rel}]-> {link.target}"
                problems += [RecordProblem(where, index, p.field, f"{label}: {p.message}") for p in found]
        if problems:
            raise ValidationFailed(problems)

    def save(self, path: Path | None = None) -> Path:
        """Write the workspace atomically to ``path`` (default: where it was opened)."""
        target = path or self.path
        if target is None:
            raise WorkspaceError("No workspace path to save to")
        target.parent.mkdir(parents=True, exist_ok=True)
        graph = self.graph
        payload = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "meta": self.meta,
            "nodes": graph._node,  # {id: {"kind": ..., "props": {...}}}, as networkx holds it
            "links": {source: targets for source, targets in graph._succ.items() if targets},
        }
        try:
            encoded = orjson.dumps(payload)
        except TypeError as exc:  # a property value JSON cannot hold (a set, an object)
            raise WorkspaceError(f"Cannot save workspace {target}: {exc}") from exc
        write_atomically(target, lambda handle: handle.write(encoded), binary=True)
        self.path = target
        return target


def put_link(graph: nx.MultiDiGraph, source: str, rel: str, target: str, props: dict[str, Any]) -> None:
    """Add the link, or replace the properties of the one already there, with a copy
    of ``props`` (so the caller's dict and the graph's never alias). A link's networkx
    edge data *is* its properties. The stored dict is replaced, never cleared and
    refilled: an import may have left one dict shared by several links."""
    graph.add_edge(source, target, key=rel)
    graph._succ[source][target][rel] = dict(props)  # the key dict _pred[target][source] holds too


def _adopt(graph: nx.MultiDiGraph, nodes: list[Node], links: list[Link]) -> None:
    """Write nodes and links into networkx's adjacency dicts directly, keeping the
    very properties objects (:meth:`EmbeddedStore.add` with ``adopt``).

    Why: ``add_node`` and ``add_edge`` cost most of a large import's merge (a million
    calls, each checking, creating and updating dicts it then throws away). The
    result is what those calls make, in the same order (tests/test_store.py compares
    the two): a new node gets empty outgoing and incoming dicts, an existing node
    its kind and props replaced; a link's key dict is shared by ``_succ`` and
    ``_pred``; an existing link's properties are replaced, not changed in place.

    The lists are handed over and emptied as they are written, in their order, so
    that a million ``Link`` objects are freed while the graph grows instead of
    adding to an import's peak memory."""
    node_data, succ, pred = graph._node, graph._succ, graph._pred
    nodes.reverse()  # popped from the end: first in, first written
    links.reverse()
    while nodes:
        node = nodes.pop()
        data = node_data.get(node.id)
        if data is None:
            succ[node.id] = {}
            pred[node.id] = {}
            node_data[node.id] = {"kind": node.kind, "props": node.props}
        else:
            data["kind"] = node.kind
            data["props"] = node.props
    while links:
        link = links.pop()
        for end in (link.source, link.target):
            if end not in succ:  # not a node (an unvalidated add): networkx would add it bare
                graph.add_node(end)
        targets = succ[link.source]
        keyed = targets.get(link.target)
        if keyed is None:
            keyed = targets[link.target] = {}
            pred[link.target][link.source] = keyed
        keyed[link.rel] = link.props
    cache = getattr(graph, "__networkx_cache__", None)  # what networkx's own writes clear (backends' copies)
    if cache:
        cache.clear()


def _fill(graph: nx.MultiDiGraph, nodes: dict[str, Any], links: dict[str, Any]) -> None:
    """Load parsed workspace content into an empty graph, checking its shape as it goes.

    The parsed ``links`` object already is the outgoing adjacency networkx keeps
    (source → target → relationship → properties), so it is adopted as it is and
    only the incoming side is built. This writes networkx's documented adjacency
    dicts directly instead of calling ``add_edge`` a million times, which took most
    of the time of opening; tests/test_store.py checks the result against a graph
    built through the public API. Raises TypeError or KeyError on a wrong shape."""
    if type(nodes) is not dict or type(links) is not dict:
        raise TypeError
    for data in nodes.values():
        if type(data) is not dict or type(data["kind"]) is not str or type(data["props"]) is not dict:
            raise TypeError
    incoming: dict[str, dict[str, Any]] = {node_id: {} for node_id in nodes}
    for source, targets in links.items():
        if type(targets) is not dict or source not in incoming:
            raise TypeError
        for target, keyed in targets.items():
            incoming[target][source] = keyed  # KeyError: a target that is no node of the file
            if type(keyed) is not dict:
                raise TypeError
            for props in keyed.values():
                if type(props) is not dict:
                    raise TypeError
    graph._node.update(nodes)
    graph._succ.update(links)  # _adj is _succ for a directed graph
    for node_id in nodes.keys() - links.keys():
        graph._succ[node_id] = {}
    graph._pred.update(incoming)


def _from_records(data: dict[str, Any]) -> dict[str, Any]:
    """A version-1 workspace (lists of node and link records) in version 2's layout;
    the next save writes version 2. A wrong shape gives no ``nodes``, which
    _structure_problem then explains in version 1's terms (``records``)."""
    failed = {"records": data}
    if type(data.get("nodes")) is not list or type(data.get("links")) is not list:
        return failed
    nodes: dict[str, Any] = {}
    links: dict[str, Any] = {}
    for key, (_, fields) in _SHAPES.items():
        for item in data[key]:
            if type(item) is not dict or any(type(item.get(name)) is not kind for name, kind in fields.items()):
                return failed
            if key == "nodes":
                nodes[item["id"]] = {"kind": item["kind"], "props": item["props"]}
            else:
                links.setdefault(item["source"], {}).setdefault(item["target"], {})[item["rel"]] = item["props"]
    return {"nodes": nodes, "links": links, "records": data}


_SHAPES = {
    "nodes": ("a node", {"id": str, "kind": str, "props": dict}),
    "links": ("a link", {"source": str, "rel": str, "target": str, "props": dict}),
}


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true or false", type(None): "null"}
    return names.get(type(value), "a number")


def _structure_problem(path: Path, data: dict[str, Any]) -> str:
    """The first place where a workspace file that is valid JSON has the wrong structure."""
    if "records" in data:
        return _records_problem(path, data["records"])
    for key in ("nodes", "links"):
        if key not in data:
            return f"{path}: a dualtrace workspace holds {key!r} (an object), and this file has none; is it damaged?"
        if not isinstance(data[key], dict):
            return f"{path}: {key!r} should be an object, found {_json_type(data[key])}"
    problem = _nodes_problem(data["nodes"]) or _links_problem(data["links"], data["nodes"])
    return f"{path}: {problem or 'the file is not laid out as a dualtrace workspace'}"


def _nodes_problem(nodes: dict[str, Any]) -> str | None:
    for node_id, item in nodes.items():
        if not isinstance(item, dict):
            return f"nodes[{node_id!r}] should be an object (a node), found {_json_type(item)}"
        for name, expected in (("kind", str), ("props", dict)):
            if not isinstance(item.get(name), expected):
                wanted = "an object" if expected is dict else "a string"
                found = "nothing" if name not in item else _json_type(item[name])
                return f"nodes[{node_id!r}] should have {name!r} ({wanted}), found {found}"
    return None


def _links_problem(links: dict[str, Any], nodes: dict[str, Any]) -> str | None:
    for source, targets in links.items():
        where = f"links[{source!r}]"
        if source not in nodes:
            return f"{where}: the link source {source!r} is not the id of any of its nodes"
        if not isinstance(targets, dict):
            return f"{where} should be an object (targets), found {_json_type(targets)}"
        for target, keyed in targets.items():
            if target not in nodes:
                return f"{where}: the link target {target!r} is not the id of any of its nodes"
            if not isinstance(keyed, dict):
                return f"{where}[{target!r}] should be an object (links by kind), found {_json_type(keyed)}"
            for rel, props in keyed.items():
                if not isinstance(props, dict):
                    return f"{where}[{target!r}][{rel!r}] should be an object (properties), found {_json_type(props)}"
    return None


def _records_problem(path: Path, data: dict[str, Any]) -> str:
    """:func:`_structure_problem` for a version-1 file (lists of records)."""
    for key, (what, fields) in _SHAPES.items():
        if key not in data:
            return f"{path}: a dualtrace workspace holds {key!r} (a list), and this file has none; is it damaged?"
        items = data[key]
        if not isinstance(items, list):
            return f"{path}: {key!r} should be a list, found {_json_type(items)}"
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                return f"{path}: {key}[{index}] should be an object ({what}), found {_json_type(item)}"
            for name, kind in fields.items():
                if not isinstance(item.get(name), kind):
                    expected = "an object" if kind is dict else "a string"
                    found = "nothing" if name not in item else _json_type(item[name])
                    return f"{path}: {key}[{index}] should have {name!r} ({expected}), found {found}"
    ids = {item["id"] for item in data["nodes"]}
    for index, item in enumerate(data["links"]):
        for end in ("source", "target"):
            if item[end] not in ids:
                return f"{path}: links[{index}] has {end} {item[end]!r}, which is not the id of any of its nodes"
    return f"{path}: the file is not laid out as a dualtrace workspace"


def write_atomically(
    target: Path, write: Callable[[IO[Any]], Any], newline: str | None = None, *, binary: bool = False
) -> None:
    """Write ``target`` through a temporary file beside it (``.<name>.XXXXXXXX.tmp``),
    fsync, then rename: a reader sees the old file or the new one, never half of one,
    and a process killed while writing leaves the old file and the temporary one.
    ``write`` gets a UTF-8 text handle, or a bytes handle when ``binary``."""
    text = {} if binary else {"encoding": "utf-8", "newline": newline}
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, then renamed into place
        "wb" if binary else "w", dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False, **text
    )  # type: ignore[call-overload]
    try:
        with handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


def leftovers(target: Path) -> list[Path]:
    """Temporary files :func:`write_atomically` left beside ``target`` when killed: exactly
    its own names (``.<name>.`` + the 8 characters tempfile picks + ``.tmp``), nothing else."""
    own = re.compile(rf"\.{re.escape(target.name)}\.[a-z0-9_]{{8}}\.tmp")
    try:
        return sorted(p for p in target.parent.glob(f".{target.name}.*.tmp") if own.fullmatch(p.name) and p.is_file())
    except OSError:
        return []


def remove_leftovers(target: Path) -> list[Path]:
    """Remove :func:`leftovers`; the caller makes sure no write of ``target`` is under way."""
    removed = []
    for leftover in leftovers(target):
        try:
            leftover.unlink()
        except OSError:
            continue  # gone already, or not ours to insist on: the next open tries again
        removed.append(leftover)
    return removed


def _clear_leftovers(workspace: Path) -> list[Path]:
    """What an interrupted save of ``workspace`` left, removed when no writer is saving it
    now (a writer's temporary file is its save in progress, not a leftover)."""
    if not leftovers(workspace):
        return []
    if held_here(workspace):
        return remove_leftovers(workspace)
    lock = FileLock(str(lock_path(workspace)))
    try:
        lock.acquire(timeout=0)
    except (Timeout, OSError):
        return []
    try:
        return remove_leftovers(workspace)
    finally:
        lock.release()


class _LinkChecks:
    """:meth:`Schema.validate_link` for the links of one :meth:`EmbeddedStore.add`, with
    what links share checked once: the kinds at both ends (a million deals join the
    same few kinds), and a properties object several links share (an import gives a
    record's links one provenance). Only a link with a problem is checked in full,
    so its problems are worded exactly as validate_link words them."""

    def __init__(self, store: EmbeddedStore, pending: dict[str, str]):
        self.schema = store.schema
        self.store = store
        self.pending = pending  # kinds of the nodes being added
        self.kind_of = _KindLookup(store, pending)
        self.good_ends: set[tuple[str, str | None, str | None]] = set()
        # (id of a properties object, id of its relationship's checks) -> (the object, kept alive
        # so that its id is not reused, and its problems)
        self.props: dict[tuple[int, int], tuple[dict[str, Any], list[Problem]]] = {}
        self.checks: dict[str, int] = {}  # relationship -> id of its checks (the schema keeps them alive)

    def problems(self, link: Link) -> list[Problem]:
        pending = self.pending  # _kind, written out: called once per link
        source_kind = pending.get(link.source)
        if source_kind is None:
            source_kind = self.store.kind_of(link.source)
        target_kind = pending.get(link.target)
        if target_kind is None:
            target_kind = self.store.kind_of(link.target)
        ends = (link.rel, source_kind, target_kind)
        if ends in self.good_ends:
            found: list[Problem] = []
        else:
            checked = self.schema.validate_link_ends(link, self.kind_of)
            if checked is None:  # an unknown relationship
                return self.schema.validate_link(link, self.kind_of)
            if not checked:
                self.good_ends.add(ends)
            found = checked
        checks = self.checks.get(link.rel)
        if checks is None:
            checks = self.checks[link.rel] = id(self.schema.link_checks(link.rel))
        key = (id(link.props), checks)
        memo = self.props.get(key)
        if memo is None:
            memo = self.props[key] = (link.props, self.schema.validate_link_props(link.rel, link.props, self.kind_of))
        return found + memo[1] if memo[1] else found


class _KindLookup(dict[str, str]):
    """Kinds of the nodes being added, falling back to nodes already in the store."""

    def __init__(self, store: EmbeddedStore, pending: dict[str, str]):
        super().__init__(pending)
        self._store = store

    def get(self, key: str, default: Any = None) -> Any:
        if key in self:
            return self[key]
        found = self._store.kind_of(key)
        return default if found is None else found


def _fsync_dir(directory: Path) -> None:
    """Make the rename durable; not every platform allows opening a directory."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
