"""The embedded store: a networkx MultiDiGraph persisted to one workspace file.

Why a single JSON file: it needs no server, diffs and greps well, and opens the
same on every machine. Saves are atomic (write a temporary file beside the
workspace, fsync, then ``os.replace``), so a process killed while saving leaves
the previous workspace intact (and its hidden temporary file,
``.<workspace>.XXXXXXXX.tmp``, which the next open removes). Links are keyed by
relationship kind, so a given pair of nodes holds at most one link of each kind
and re-importing a fact updates it instead of duplicating it.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import networkx as nx
from filelock import FileLock, Timeout

from dualtrace.graph import collector
from dualtrace.graph.errors import RecordProblem, ValidationFailed, WorkspaceError
from dualtrace.graph.lock import held_here, lock_path
from dualtrace.graph.model import Link, Node
from dualtrace.graph.protocol import status_allowed
from dualtrace.graph.schema import Schema, load_schema

FORMAT = "dualtrace-workspace"
FORMAT_VERSION = 1
ENV_WORKSPACE = "DUALTRACE_WORKSPACE"


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
        self._graph: nx.MultiDiGraph = nx.MultiDiGraph()
        # Bookkeeping that is not part of the graph: the import log, merge log, ...
        self.meta: dict[str, Any] = {}
        # Bumped by every change, so indexes built over the graph know when they are stale.
        self._version = 0

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
        # Temporary files an interrupted save had left beside the workspace, removed by open().
        self.leftovers_removed: list[Path] = []

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

    @collector.paused()  # see graph/collector.py: loading is mostly allocation
    def _read(self, path: Path) -> None:
        try:
            with path.open("r", encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise WorkspaceError(f"Cannot read workspace {path}: {exc}") from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise WorkspaceError(f"{path} is not a dualtrace workspace (no format marker {FORMAT!r})")
        if data.get("version") != FORMAT_VERSION:
            raise WorkspaceError(
                f"{path} has workspace version {data.get('version')!r}; this dualtrace reads {FORMAT_VERSION}"
            )
        self.touch()
        graph = self.graph
        try:
            if type(data.get("nodes")) is not list or type(data.get("links")) is not list:
                raise TypeError
            for item in data["nodes"]:
                props, kind = item["props"], item["kind"]
                if type(props) is not dict or type(item["id"]) is not str or type(kind) is not str:
                    raise TypeError
                graph.add_node(item["id"], kind=kind, props=props)
            known = graph.number_of_nodes()
            for item in data["links"]:
                props, rel = item["props"], item["rel"]
                if type(props) is not dict or type(rel) is not str:
                    raise TypeError
                graph.add_edge(item["source"], item["target"], key=rel, props=props)
            if graph.number_of_nodes() != known:  # a link to no node of the file made a node without a kind
                raise TypeError
        except (KeyError, TypeError, AttributeError):
            raise WorkspaceError(_structure_problem(path, data)) from None
        meta = data.get("meta") or {}
        if not isinstance(meta, dict):
            raise WorkspaceError(f"{path}: 'meta' should be an object, found {_json_type(meta)}")
        self.meta = meta

    def __len__(self) -> int:
        return int(self.graph.number_of_nodes())

    def link_count(self) -> int:
        return int(self.graph.number_of_edges())

    def has(self, node_id: str) -> bool:
        return node_id in self.graph

    def get(self, node_id: str) -> Node | None:
        data = self.graph.nodes.get(node_id)
        if data is None:
            return None
        return Node(node_id, data["kind"], data["props"])

    def name_of(self, node_id: str) -> str:
        """A node's human label (see :attr:`Node.name`), or the id itself if it is absent."""
        node = self.get(node_id)
        return node.name if node else node_id

    def kind_of(self, node_id: str) -> str | None:
        data = self.graph.nodes.get(node_id)
        return None if data is None else str(data["kind"])

    def nodes(self, kind: str | None = None) -> Iterator[Node]:
        for node_id, data in self.graph.nodes(data=True):
            if kind is None or data["kind"] == kind:
                yield Node(node_id, data["kind"], data["props"])

    def links(self, rel: str | None = None) -> Iterator[Link]:
        for source, target, key, data in self.graph.edges(keys=True, data=True):
            if rel is None or key == rel:
                yield Link(source, key, target, data["props"])

    def neighbours(
        self, node_id: str, rels: Iterable[str], direction: str, statuses: Iterable[str] | None = None
    ) -> Iterator[Link]:
        """Links of kinds ``rels`` leaving, entering or touching a node, of the given statuses."""
        wanted = frozenset(rels)
        allowed = None if statuses is None else frozenset(statuses)
        graph = self.graph
        if node_id not in graph:
            return
        if direction in ("out", "both"):
            for target, keyed in graph.succ[node_id].items():
                for rel, data in keyed.items():
                    if rel in wanted and status_allowed(data["props"], allowed):
                        yield Link(node_id, rel, target, data["props"])
        if direction in ("in", "both"):
            for source, keyed in graph.pred[node_id].items():
                for rel, data in keyed.items():
                    if rel in wanted and status_allowed(data["props"], allowed):
                        yield Link(source, rel, node_id, data["props"])

    def out_links(self, node_id: str, rel: str | None = None) -> Iterator[Link]:
        for _, target, key, data in self.graph.out_edges(node_id, keys=True, data=True):
            if rel is None or key == rel:
                yield Link(node_id, key, target, data["props"])

    def in_links(self, node_id: str, rel: str | None = None) -> Iterator[Link]:
        for source, _, key, data in self.graph.in_edges(node_id, keys=True, data=True):
            if rel is None or key == rel:
                yield Link(source, key, node_id, data["props"])

    def link_props(self, key: tuple[str, str, str]) -> dict[str, Any] | None:
        """The properties of the link ``(source, rel, target)``, or None if there is none."""
        data = self.graph.get_edge_data(key[0], key[2], key=key[1])
        return None if data is None else data["props"]

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
        self, nodes: Iterable[Node] = (), links: Iterable[Link] = (), *, where: str = "input", validate: bool = True
    ) -> None:
        """Add or update nodes, then links, as one unit: if any record breaks the
        schema nothing is added and :class:`ValidationFailed` lists every problem."""
        nodes = list(nodes)
        links = list(links)
        if validate:
            self._validate(nodes, links, where)
        self.touch()
        graph = self.graph
        for node in nodes:
            graph.add_node(node.id, kind=node.kind, props=dict(node.props))
        for link in links:
            graph.add_edge(link.source, link.target, key=link.rel, props=dict(link.props))

    def remove(self, node_id: str) -> None:
        """Remove a node and every link touching it (used when merging duplicates)."""
        self.touch()
        self.graph.remove_node(node_id)

    def remove_link(self, link: Link) -> None:
        self.touch()
        self.graph.remove_edge(link.source, link.target, key=link.rel)

    def _validate(self, nodes: list[Node], links: list[Link], where: str) -> None:
        problems: list[RecordProblem] = []
        for index, node in enumerate(nodes, start=1):
            problems += [
                RecordProblem(where, index, p.field, f"{node.id}: {p.message}") for p in self.schema.validate_node(node)
            ]
        kind_of = _KindLookup(self, {node.id: node.kind for node in nodes})
        for index, link in enumerate(links, start=1):
            label = f"{link.source} -[{link.rel}]-> {link.target}"
            problems += [
                RecordProblem(where, index, p.field, f"{label}: {p.message}")
                for p in self.schema.validate_link(link, kind_of)
            ]
        if problems:
            raise ValidationFailed(problems)

    def save(self, path: Path | None = None) -> Path:
        """Write the workspace atomically to ``path`` (default: where it was opened)."""
        target = path or self.path
        if target is None:
            raise WorkspaceError("No workspace path to save to")
        target.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "nodes": [{"id": n, "kind": d["kind"], "props": d["props"]} for n, d in self.graph.nodes(data=True)],
            "links": [
                {"source": s, "rel": k, "target": t, "props": d["props"]}
                for s, t, k, d in self.graph.edges(keys=True, data=True)
            ],
            "meta": self.meta,
        }
        write_atomically(target, lambda handle: json.dump(payload, handle, ensure_ascii=False, separators=(",", ":")))
        self.path = target
        return target


_SHAPES = {
    "nodes": ("a node", {"id": str, "kind": str, "props": dict}),
    "links": ("a link", {"source": str, "rel": str, "target": str, "props": dict}),
}


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true or false", type(None): "null"}
    return names.get(type(value), "a number")


def _structure_problem(path: Path, data: dict[str, Any]) -> str:
    """The first place where a workspace file that is valid JSON has the wrong structure."""
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


def write_atomically(target: Path, write: Callable[[IO[str]], None], newline: str | None = None) -> None:
    """Write ``target`` through a temporary file beside it (``.<name>.XXXXXXXX.tmp``),
    fsync, then rename: a reader sees the old file or the new one, never half of one,
    and a process killed while writing leaves the old file and the temporary one."""
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, then renamed into place
        "w", encoding="utf-8", newline=newline, dir=target.parent, prefix=f".{target.name}.", suffix=".tmp",
        delete=False,
    )  # fmt: skip
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
