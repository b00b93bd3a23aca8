"""``show``: everything the graph holds about one node, whatever its kind.

A journalist checking one fact wants the node's own properties and every link
touching it, each with its status, dates, note and sources; for a list, its
members with their listing dates; for a source, every fact it supports. The
command, the web explorer's entity page and their JSON all come from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dualtrace.graph.model import Node
from dualtrace.graph.protocol import Store
from dualtrace.queries.dossier import citations
from dualtrace.queries.resolve import NameIndex

LINK_COLUMNS = ["direction", "rel", "other", "other_name", "other_kind", "status", "since", "until", "note", "sources"]


@dataclass
class Shown:
    """One node and what the graph says about it (see module docstring)."""

    node: Node
    links: list[dict[str, Any]]
    members: list[dict[str, Any]] = field(default_factory=list)  # a List's entries
    supports: list[dict[str, Any]] = field(default_factory=list)  # a Source's facts
    cited: list[dict[str, Any]] = field(default_factory=list)  # every source cited above, once

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.node.id, "kind": self.node.kind, "name": self.node.name, "properties": self.node.props,
                "links": self.links, "members": self.members, "supports": self.supports,
                "sources": self.cited}  # fmt: skip


def find(store: Store, text: str, index: NameIndex | None = None) -> str:
    """Any node by id, name, alias or title; :class:`~dualtrace.graph.errors.NotFound`
    with the closest names when nothing matches. ``index``: an index of every kind's
    names already built over the store (the web explorer keeps one per graph)."""
    return (index or NameIndex(store, store.schema.nodes)).resolve(text, "entity, list or source")


def _row(store: Store, node_id: str, link: Any) -> dict[str, Any]:
    outgoing = link.source == node_id
    other = link.target if outgoing else link.source
    props = link.props
    return {
        "direction": "out" if outgoing else "in",
        "rel": link.rel,
        "other": other,
        "other_name": store.name_of(other),
        "other_kind": store.kind_of(other),
        "status": props.get("status"),
        "since": props.get("since"),
        "until": props.get("until"),
        "note": props.get("note"),
        "sources": list(props.get("sources") or []),
    }


def show(store: Store, text: str, index: NameIndex | None = None) -> Shown:
    """The node ``text`` names (id, name, alias or title) and everything linked to it.

    >>> from dualtrace.demo_data import starter_store
    >>> shown = show(starter_store(), "Entity List")
    >>> any(m["member"] == "org:hikvision" and m["since"] == "2019-10-09" for m in shown.members)
    True
    """
    node_id = find(store, text, index)
    node = store.get(node_id)
    assert node is not None
    links = [_row(store, node_id, link) for link in store.neighbours(node_id, store.schema.relationships, "both")]
    links.sort(key=lambda r: (r["rel"], r["direction"], str(r["other_name"])))
    shown = Shown(node, links)
    if node.kind == "List":
        shown.members = [
            {"member": r["other"], "name": r["other_name"], "kind": r["other_kind"], "since": r["since"],
             "until": r["until"], "status": r["status"], "sources": r["sources"]}
            for r in links if r["rel"] == "LISTED_ON" and r["direction"] == "in"
        ]  # fmt: skip
        shown.members.sort(key=lambda m: (m["since"] or "", str(m["name"])))
    if node.kind == "Source":
        shown.supports = _supported(store, node_id)
    cited = [s for r in [*links, *shown.supports] for s in r.get("sources") or ()]
    cited += list(node.props.get("sources") or ())
    shown.cited = citations(store, list(dict.fromkeys(cited))).to_dict(orient="records")
    return shown


def _supported(store: Store, source_id: str) -> list[dict[str, Any]]:
    """Every link and entity citing a source (one pass over the graph)."""
    facts = []
    for link in store.links():
        if source_id in (link.props.get("sources") or ()):
            facts.append({"what": "link", "from": link.source, "from_name": store.name_of(link.source),
                          "rel": link.rel, "to": link.target, "to_name": store.name_of(link.target),
                          "status": link.props.get("status"), "since": link.props.get("since"),
                          "until": link.props.get("until")})  # fmt: skip
    for node in store.nodes():
        if node.kind != "Source" and source_id in (node.props.get("sources") or ()):
            facts.append({"what": "entity", "from": node.id, "from_name": node.name, "rel": "", "to": "",
                          "to_name": "", "status": "", "since": None, "until": None})  # fmt: skip
    return facts
