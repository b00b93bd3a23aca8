"""Merge two entities into one, and undo it.

Every merge is logged in the workspace (``meta["merges"]``) with what it
changed: the dropped entity and its links, and the state before the merge of
every property and link of the kept entity that it touched. ``split`` puts all
of that back, so a reviewer's mistake costs nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dualtrace.graph.errors import DualtraceError
from dualtrace.graph.model import Link, Node
from dualtrace.graph.store import EmbeddedStore
from dualtrace.ingest.props import merge_props


def _link_dict(link: Link) -> dict[str, Any]:
    return {"source": link.source, "rel": link.rel, "target": link.target, "props": link.props}


def merges(store: EmbeddedStore) -> list[dict[str, Any]]:
    return store.meta.setdefault("merges", [])


def merge(store: EmbeddedStore, keep: str, drop: str, reason: str) -> dict[str, Any]:
    """Fold ``drop`` into ``keep``: names become aliases, sources and links move over."""
    kept, dropped = store.get(keep), store.get(drop)
    for node_id, node in ((keep, kept), (drop, dropped)):
        if node is None:
            raise DualtraceError(f"No entity with id {node_id!r} in the workspace")
    assert kept is not None and dropped is not None
    if keep == drop:
        raise DualtraceError(f"Cannot merge {keep!r} with itself")
    schema = store.schema
    groups_ok = {kept.kind, dropped.kind} <= {"Organization", "GovernmentBuyer"} or kept.kind == dropped.kind
    if not groups_ok:
        raise DualtraceError(f"Cannot merge a {dropped.kind} ({drop}) into a {kept.kind} ({keep})")
    has_aliases = "aliases" in schema.node_properties(kept.kind)
    incoming = {k: v for k, v in dropped.props.items() if k in schema.node_properties(kept.kind)}
    incoming["aliases"] = [dropped.name, *dropped.props.get("aliases", [])] if has_aliases else []
    if not has_aliases:
        incoming.pop("aliases")
    new_props = merge_props(kept.props, incoming, owned=False, has_aliases=has_aliases)
    entry: dict[str, Any] = {
        "keep": keep,
        "drop": drop,
        "reason": reason,
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "dropped": {"kind": dropped.kind, "props": dropped.props},
        "keep_props_before": kept.props,
        "dropped_links": [_link_dict(link) for link in [*store.out_links(drop), *store.in_links(drop)]],
        "keep_links_before": [],
    }
    touched: dict[tuple[str, str, str], dict[str, Any] | None] = {}
    moved: list[Link] = []
    for link in entry["dropped_links"]:
        source = keep if link["source"] == drop else link["source"]
        target = keep if link["target"] == drop else link["target"]
        if source == target:
            continue  # a link between the two halves: restored by split, meaningless after merge
        moved.append(Link(source, link["rel"], target, link["props"]))
    for link in moved:
        if link.key not in touched:
            existing = _props(store, link.key)
            touched[link.key] = existing
            entry["keep_links_before"].append({"key": list(link.key), "props": existing})
    store.remove(drop)
    store.add([Node(keep, kept.kind, new_props)], validate=False)
    for link in moved:
        existing = _props(store, link.key)
        props = link.props if existing is None else merge_props(existing, link.props, owned=False)
        store.add(links=[Link(link.source, link.rel, link.target, props)], validate=False)
    merges(store).append(entry)
    return entry


def _props(store: EmbeddedStore, key: tuple[str, str, str]) -> dict[str, Any] | None:
    props = store.link_props(key)
    return None if props is None else dict(props)


def split(store: EmbeddedStore, keep: str, drop: str) -> dict[str, Any]:
    """Undo the latest merge of ``drop`` into ``keep``."""
    log = merges(store)
    for index in range(len(log) - 1, -1, -1):
        entry = log[index]
        if entry["keep"] == keep and entry["drop"] == drop:
            break
    else:
        raise DualtraceError(f"No merge of {drop!r} into {keep!r} is recorded in this workspace")
    if store.has(drop):
        raise DualtraceError(f"{drop!r} exists again; it was re-created after the merge, nothing to split")
    kept = store.get(keep)
    if kept is None:
        raise DualtraceError(f"{keep!r} is no longer in the workspace")
    for item in entry["keep_links_before"]:
        source, rel, target = item["key"]
        if store.link_props((source, rel, target)) is not None:
            store.remove_link(Link(source, rel, target))
        if item["props"] is not None:
            store.add(links=[Link(source, rel, target, item["props"])], validate=False)
    store.add([Node(keep, kept.kind, entry["keep_props_before"])], validate=False)
    store.add([Node(drop, entry["dropped"]["kind"], entry["dropped"]["props"])], validate=False)
    store.add(
        links=[Link(x["source"], x["rel"], x["target"], x["props"]) for x in entry["dropped_links"]], validate=False
    )
    del log[index]
    store.meta.setdefault("splits", []).append(
        {"keep": keep, "drop": drop, "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    )
    return entry
