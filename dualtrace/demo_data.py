"""A ready store holding the starter dataset, for examples, doctests and the demo."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from dualtrace.graph.store import EmbeddedStore
from dualtrace.ingest.starter import load_starter


@lru_cache(maxsize=1)
def starter_store() -> EmbeddedStore:
    """An in-memory store loaded with the starter dataset (cached; do not mutate)."""
    store = EmbeddedStore(None)
    load_starter(store)
    return store


def build_workspace(path: Path) -> EmbeddedStore:
    """A fresh workspace at ``path`` holding only the starter dataset, saved atomically."""
    store = EmbeddedStore(path)
    load_starter(store)
    store.save()
    return store
