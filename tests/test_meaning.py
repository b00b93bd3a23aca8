"""The schema says what things mean, and the code and the Cypher say the same.

1. Every node kind and relationship name the library code uses (in store calls
   and comparisons) and every label and relationship type in the saved .cypher
   files exists in graph/schema.yaml.
2. Every variable-length pattern in the .cypher files follows one of the
   relationship families schema.yaml declares under ``meaning`` (supply,
   ownership, units, components, sourced paths), with that family's hop limit.
3. Outside graph/, no library code reaches into the embedded store's networkx
   graph; the documented accessor is ``EmbeddedStore.networkx()``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from dualtrace.graph.schema import load_schema

ROOT = Path(__file__).parent.parent
LIBRARY = [p for folder in ("graph", "ingest", "queries", "dualtrace") for p in (ROOT / folder).rglob("*.py")]
CYPHER = sorted((ROOT / "queries" / "saved").glob("*.cypher"))
SCHEMA = load_schema()
KIND_CALLS = {"nodes", "is_kind"}
REL_CALLS = {"neighbours", "links", "out_links", "in_links", "links_of"}


def _strings(node: ast.AST) -> list[str]:
    """String constants in an expression, including inside tuples, lists and sets."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [s for element in node.elts for s in _strings(element)]
    return []


def _names_used(tree: ast.AST) -> tuple[set[str], set[str]]:
    """(kinds, relationships) named in store calls and in comparisons with ``.kind``/``.rel``."""
    kinds: set[str] = set()
    rels: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            args = [s for arg in node.args for s in _strings(arg)]
            if name in KIND_CALLS:
                kinds.update(args)
            elif name in REL_CALLS:
                rels.update(a for a in args if a.isupper())
            elif name in ("Node", "Link") and len(node.args) >= 2:
                (kinds if name == "Node" else rels).update(_strings(node.args[1]))
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            subject = next((s for s in sides if isinstance(s, ast.Attribute) and s.attr in ("kind", "rel")), None)
            called = next(
                (s for s in sides if isinstance(s, ast.Call) and getattr(s.func, "attr", "") == "kind_of"), None
            )
            if subject is not None or called is not None:
                found = {v for side in sides for v in _strings(side)}
                (rels if subject is not None and subject.attr == "rel" else kinds).update(found)
    return kinds, rels


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: str(p.relative_to(ROOT)))
def test_library_code_names_only_schema_kinds_and_relationships(path):
    kinds, rels = _names_used(ast.parse(path.read_text(encoding="utf-8")))
    assert kinds <= set(SCHEMA.nodes), kinds - set(SCHEMA.nodes)
    assert rels <= set(SCHEMA.relationships), rels - set(SCHEMA.relationships)


def _cypher_body(path: Path) -> str:
    return "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("//"))


@pytest.mark.parametrize("path", CYPHER, ids=lambda p: p.name)
def test_cypher_names_only_schema_kinds_and_relationships(path):
    body = _cypher_body(path)
    labels = set(re.findall(r"\(\w*:([A-Za-z]+)", body))
    rels = {r for group in re.findall(r"\[\w*:([A-Z_|]+)", body) for r in group.split("|")}
    assert labels <= set(SCHEMA.nodes), labels - set(SCHEMA.nodes)
    assert rels <= set(SCHEMA.relationships), rels - set(SCHEMA.relationships)


def _families() -> dict[frozenset[str], set[int]]:
    """Each relationship family the schema declares, and the hop limits it may have."""
    m = SCHEMA.means
    limits = m.hop_limits
    return {
        frozenset(m.supply): {limits["supply"], limits["supply"] - 1},  # the delivery hop counted apart
        frozenset(m.ownership): {limits["ownership"]},
        frozenset(m.units): {limits["units"]},
        frozenset({"COMPONENT_OF"}): {limits["components"]},
        frozenset((*m.supply, *m.connections)): {limits["path"]},
    }


@pytest.mark.parametrize("path", CYPHER, ids=lambda p: p.name)
def test_cypher_walks_follow_the_schema_meaning(path):
    families = _families()
    for rels, limit in re.findall(r"\[:([A-Z_|]+)\*(?:1)?\.\.(\d+)\]", _cypher_body(path)):
        family = frozenset(rels.split("|"))
        assert family in families, f"{path.name}: [{rels}] is not a family schema.yaml declares under meaning"
        assert int(limit) in families[family], f"{path.name}: [{rels}*..{limit}] does not use the schema's hop limit"


def test_every_cypher_walk_was_checked():
    walks = [w for path in CYPHER for w in re.findall(r"\*(?:1)?\.\.\d+", _cypher_body(path))]
    assert len(walks) >= 9  # the trace, reach, component, family and path queries


@pytest.mark.parametrize("path", [p for p in LIBRARY if "graph" not in p.relative_to(ROOT).parts[:1]],
                         ids=lambda p: str(p.relative_to(ROOT)))  # fmt: skip
def test_nothing_outside_graph_reaches_into_the_networkx_graph(path):
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"\.graph\b(?!\.)|\.graph\.|\._graph", text.replace("dualtrace.graph", "")), path
