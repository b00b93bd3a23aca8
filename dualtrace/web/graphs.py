"""Where the explorer's graph comes from, and how a running server sees an import land.

A workspace is re-read when its file changes: each request compares the file's
device, inode, modification time and size with those of the file last read,
and reads it again when they differ. Why that is safe: every save is an atomic
rename (graph/store.py), so the path names either the old file or the new one,
whole; a request never sees half of a save. A request takes one :class:`Graph`
at its start and answers from it, so a reload in the middle of a request does
not mix two graphs in one page. If the new file cannot be read, the explorer
goes on answering from the last good graph and says so on every page.

Neo4j is live by nature: every request reads the database as it is. Only what
the explorer builds over it (the name index, the counts) is kept, for a minute.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dualtrace.graph.errors import DualtraceError
from dualtrace.graph.protocol import Store
from dualtrace.graph.store import EmbeddedStore
from dualtrace.queries.resolve import NameIndex

NEO4J_CACHE_SECONDS = 60.0


@dataclass
class Graph:
    """One graph as loaded, and what the explorer builds over it once (lazily)."""

    store: Store
    where: str  # for the page footer: the workspace file, or the Neo4j URI
    stamp: Any = None  # what identifies the file read (None for Neo4j)
    loaded_at: float = field(default_factory=time.time)
    engine: str = "embedded"  # "embedded" or "neo4j": where saved queries run
    problem: str = ""  # set when a newer file could not be read and this one is still served
    _built: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _once(self, name: str, build: Callable[[], Any]) -> Any:
        with self._lock:
            if name not in self._built:
                self._built[name] = build()
            return self._built[name]

    def names(self) -> NameIndex:
        """Every node's names and aliases, for search and suggestions (built once per graph)."""
        return self._once("names", lambda: NameIndex(self.store, self.store.schema.nodes))

    def counts(self) -> dict[str, int]:
        return self._once("counts", self.store.counts)


def _stamp(path: Path) -> tuple[int, int, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino, info.st_mtime_ns, info.st_size)


class WorkspaceGraphs:
    """The workspace file's graph, read again whenever the file changes (see module docstring)."""

    def __init__(self, path: Path, first: EmbeddedStore | None = None):
        self.path = path
        self._lock = threading.Lock()
        self._failed: tuple[Any, str] | None = None  # (stamp, message) of a file that could not be read
        stamp = _stamp(path)
        store = first if first is not None else EmbeddedStore.open(path, tidy=False)
        self._current = Graph(store, str(path), stamp)

    def current(self) -> Graph:
        """The graph of the file as it is now (read again only when it has changed)."""
        stamp = _stamp(self.path)
        graph = self._current
        if stamp is None or stamp == graph.stamp:
            return graph  # unchanged, or gone for a moment: keep answering from what was read
        with self._lock:  # one reader re-reads; the others wait for it and take its result
            graph = self._current
            if stamp == graph.stamp or (self._failed is not None and self._failed[0] == stamp):
                return graph
            try:
                store = EmbeddedStore.open(self.path, tidy=False)  # a reader writes nothing, not even a tidy-up
            except DualtraceError as exc:
                self._failed = (stamp, str(exc))
                graph.problem = f"The workspace file changed but cannot be read ({exc}); showing the graph read before."
                return graph
            self._failed = None
            self._current = Graph(store, str(self.path), stamp)
            return self._current


class Neo4jGraphs:
    """A Neo4j database: one store for the server's life; the index and counts built over
    it are rebuilt after :data:`NEO4J_CACHE_SECONDS`, so new data shows in search soon."""

    def __init__(self, store: Store, uri: str):
        self.store = store
        self.uri = uri
        self._lock = threading.Lock()
        self._current = Graph(store, f"Neo4j at {uri}", engine="neo4j")

    def current(self) -> Graph:
        with self._lock:
            if time.time() - self._current.loaded_at > NEO4J_CACHE_SECONDS:
                self._current = Graph(self.store, f"Neo4j at {self.uri}", engine="neo4j")
            return self._current
