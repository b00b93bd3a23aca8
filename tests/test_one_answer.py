"""One question, one answer: the command-line questions and the saved queries that ask
the same thing agree, on the starter dataset and on seeded random graphs, and a
synthetic graph with chains longer than every hop limit pins each limit (changing
any limit in schema.yaml, in a Python twin or in a .cypher file fails here).

- ``trace X`` and ``trace_technology(entity=X)``: the same deals, end users and ``via``;
- ``trace --category C`` and ``trace_category(category=C)``: the same rows;
- ``reach B`` (B a body) and ``vendors_reaching_agency(agency=B)``: the same companies;
- ``reach COUNTRY`` and ``end_users_in_country(country=...)``: the same deals;
- ``map --path A B`` and ``shortest_sourced_path(A, B)``: the same first chain.
"""

from __future__ import annotations

import itertools
import random

import pytest

from dualtrace.graph.model import Link, Node
from dualtrace.graph.neo4j_store import Neo4jStore
from dualtrace.graph.store import EmbeddedStore
from dualtrace.graph.sync import push
from dualtrace.queries.catalogue import implementations
from dualtrace.queries.library import load_library
from dualtrace.queries.paths import NoPath, path
from dualtrace.queries.runner import run_embedded, run_neo4j
from dualtrace.queries.trace import reach, trace
from tests.standin import bolt_connection

STATUSES = ["reported", "confirmed"]
TWINS = implementations()
SOURCE = Node(
    "source:test", "Source", {"title": "Synthetic test data, not facts", "publisher": "tests", "kind": "other"}
)


def link(source: str, rel: str, target: str, status: str = "reported") -> Link:
    return Link(source, rel, target, {"sources": ["source:test"], "status": status})


def random_store(seed: int, size: int = 40) -> EmbeddedStore:
    """A graph of the schema's supply shape: makers, products with components, deals
    with suppliers, intermediaries and integrators, buyers with units, subsidiaries, and
    links of every status. Random, but the same for a seed."""
    rng = random.Random(seed)
    orgs = [f"org:o{i}" for i in range(size)]
    products = [f"product:p{i}" for i in range(size)]
    deals = [f"transfer:t{i}" for i in range(size)]
    buyers = [f"buyer:b{i}" for i in range(size // 4)]
    countries = ["AA", "BB", "CC"]
    nodes = [SOURCE, *(Node(f"country:{c}", "Country", {"name": c, "iso2": c}) for c in countries)]
    nodes += [Node(o, "Organization", {"name": f"Org {o[-2:]}"}) for o in orgs]
    nodes += [Node(p, "Product", {"name": f"Product {p[-2:]}", "category": rng.choice(["other", "drone"])})
              for p in products]  # fmt: skip
    nodes += [Node(t, "Transfer", {"name": f"Deal {t[-2:]}"}) for t in deals]
    nodes += [Node(b, "GovernmentBuyer", {"name": f"Body {b[-2:]}", "country": rng.choice(countries)}) for b in buyers]
    status = lambda: rng.choice(["reported", "reported", "confirmed", "denied"])  # noqa: E731
    links: dict[tuple[str, str, str], Link] = {}

    def add(source: str, rel: str, target: str) -> None:
        if source != target:
            links[(source, rel, target)] = link(source, rel, target, status())

    for _ in range(size * 5):
        kind = rng.randrange(8)
        o, p, q, t, b = (
            rng.choice(orgs),
            rng.choice(products),
            rng.choice(products),
            rng.choice(deals),
            rng.choice(buyers),
        )
        if kind == 0:
            add(o, "MAKES", p)
        elif kind == 1:
            add(p, "COMPONENT_OF", q)
        elif kind == 2:
            add(p, "ITEM_OF", t)
        elif kind == 3:
            add(o, rng.choice(["SUPPLIER_OF", "INTERMEDIARY_OF"]), t)
        elif kind == 4:
            add(t, "DELIVERED_TO", rng.choice([b, b, o]))  # some deals go to an integrator
        elif kind == 5:
            add(o, "SUBSIDIARY_OF", rng.choice(orgs))
        elif kind == 6:
            add(b, "PART_OF", rng.choice(buyers))
        else:
            add(o, rng.choice(["OWNER_OF", "PARTNER_OF"]), rng.choice(orgs))
    store = EmbeddedStore()
    store.add(nodes, list(links.values()))
    return store


def trace_answer(frame) -> set[tuple]:
    return {(row["end_user"], row["transfer"], row["via"]) for row in frame.to_dict(orient="records")}


def twin_answer(rows) -> set[tuple]:
    return {(row["end_user"], row["transfer"], row["via"]) for row in rows}


def check_one_answer(store: EmbeddedStore, pairs: int = 30, seed: int = 0) -> None:
    rng = random.Random(seed)
    for org in (n.id for n in store.nodes("Organization")):
        assert trace_answer(trace(store, org)) == twin_answer(TWINS["trace_technology"](store, org, STATUSES)), org
    for category in {n.props["category"] for n in store.nodes("Product")}:
        frame = trace(store, category=category)
        # a category's row begins with the product's maker, when it has one, then the product
        ours = {(r["hop_details"][1]["from"] if r["hop_details"][0]["rel"] == "MAKES" else r["hop_details"][0]["from"],
                 r["end_user"], r["transfer"]) for r in frame.to_dict(orient="records")}  # fmt: skip
        theirs = {
            (r["product"], r["end_user"], r["transfer"]) for r in TWINS["trace_category"](store, category, STATUSES)
        }
        assert ours == theirs, category
    for buyer in (n.id for n in store.nodes("GovernmentBuyer")):
        frame = reach(store, buyer)
        ours = {r["entity"] for r in frame.to_dict(orient="records")
                if r["entity_kind"] == "Organization" and not r["role"].startswith("parent of")}  # fmt: skip
        theirs = {r["vendor"] for r in TWINS["vendors_reaching_agency"](store, buyer, STATUSES)}
        assert ours == theirs, buyer
    for country in {n.props["country"] for n in store.nodes("GovernmentBuyer")}:
        ours = {(r["end_user"], r["transfer"]) for r in reach(store, country).to_dict(orient="records")}
        theirs = {(r["end_user"], r["transfer"]) for r in TWINS["end_users_in_country"](store, country, STATUSES)}
        assert ours == theirs, country
    ids = sorted(n.id for n in store.nodes() if n.kind in ("Organization", "GovernmentBuyer", "Product"))
    for _ in range(pairs):
        a, b = rng.sample(ids, 2)
        rows = TWINS["shortest_sourced_path"](store, a, b, STATUSES, 1)
        try:
            chain = path(store, a, b)
        except NoPath:
            assert rows == [], (a, b)
            continue
        assert (chain.nodes, [x.rel for x in chain.links]) == (rows[0]["path"], rows[0]["rels"]), (a, b)


def test_one_answer_per_question_on_the_starter(starter):
    check_one_answer(starter)


@pytest.mark.parametrize("seed", range(8))
def test_one_answer_per_question_on_random_graphs(seed):
    check_one_answer(random_store(seed), seed=seed)


# -- every hop limit pinned --------------------------------------------------------


def chain_store() -> EmbeddedStore:
    """Chains one link longer than each hop limit of schema.yaml (12 supply, 5 ownership,
    3 units, 5 components, 12 for a path), each ending in a deal or an entity that can
    be reached only at the limit, and one just beyond it."""
    nodes, links = [SOURCE, Node("country:AA", "Country", {"name": "AA", "iso2": "AA"})], []

    def org(i: str) -> str:
        nodes.append(Node(f"org:{i}", "Organization", {"name": f"Org {i}"}))
        return f"org:{i}"

    def product(i: str) -> str:
        nodes.append(Node(f"product:{i}", "Product", {"name": f"Product {i}", "category": "other"}))
        return f"product:{i}"

    def deal(i: str, buyer: str) -> str:
        nodes.append(Node(f"transfer:{i}", "Transfer", {"name": f"Deal {i}"}))
        links.append(link(f"transfer:{i}", "DELIVERED_TO", buyer))
        return f"transfer:{i}"

    def body(i: str) -> str:
        nodes.append(Node(f"buyer:{i}", "GovernmentBuyer", {"name": f"Body {i}", "country": "AA"}))
        return f"buyer:{i}"

    end = body("end")
    # supply: maker -MAKES-> p0 -COMPONENT_OF-> ... p_k -ITEM_OF-> deal: k+2 hops to the deal
    maker = org("maker")
    for hops in (12, 13):
        chain = [product(f"s{hops}-{i}") for i in range(hops - 1)]
        links.append(link(maker, "MAKES", chain[0]))
        links += [link(a, "COMPONENT_OF", b) for a, b in itertools.pairwise(chain)]
        links.append(link(chain[-1], "ITEM_OF", deal(f"supply{hops}", end)))
    # ownership: parent <- sub1 <- ... <- sub6, each supplying a deal of its own
    subs = [org("parent"), *(org(f"sub{i}") for i in range(1, 7))]
    links += [link(child, "SUBSIDIARY_OF", parent) for parent, child in itertools.pairwise(subs)]
    links += [link(sub, "SUPPLIER_OF", deal(f"by-{sub[4:]}", end)) for sub in subs[1:]]
    # units: top <- u1 <- u2 <- u3 <- u4, each receiving a deal from its own supplier
    units = [body("top"), *(body(f"u{i}") for i in range(1, 5))]
    links += [link(child, "PART_OF", parent) for parent, child in itertools.pairwise(units)]
    for unit in units[1:]:
        links.append(link(org(f"to-{unit[6:]}"), "SUPPLIER_OF", deal(f"to-{unit[6:]}", unit)))
    # components: item <- c1 <- ... <- c6, each made by its own maker, the item delivered to `end`
    item = product("item")
    links.append(link(item, "ITEM_OF", deal("with-components", end)))
    parts = [item, *(product(f"c{i}") for i in range(1, 7))]
    links += [link(child, "COMPONENT_OF", parent) for parent, child in itertools.pairwise(parts)]
    links += [link(org(f"maker-{part[8:]}"), "MAKES", part) for part in parts[1:]]
    # paths: two pairs of companies joined by 12 and by 13 partnership links
    for hops in (12, 13):
        members = [org(f"p{hops}-{i}") for i in range(hops + 1)]
        links += [link(a, "PARTNER_OF", b) for a, b in itertools.pairwise(members)]
    store = EmbeddedStore()
    store.add(nodes, links)
    return store


@pytest.fixture(scope="module")
def chains() -> EmbeddedStore:
    return chain_store()


def test_the_supply_limit(chains):
    deals = set(trace(chains, "org:maker")["transfer"])
    assert deals == {"transfer:supply12"}  # 12 links to the deal: reached; 13: not


def test_the_ownership_limit(chains):
    frame = trace(chains, "org:parent")
    assert {(r["transfer"], r["via"]) for r in frame.to_dict(orient="records")} == {
        (f"transfer:by-sub{i}", f"org:sub{i}") for i in range(1, 6)
    }  # the sixth level down is beyond the limit


def test_the_units_limit(chains):
    assert set(reach(chains, "buyer:top")["transfer"]) == {"transfer:to-u1", "transfer:to-u2", "transfer:to-u3"}


def test_the_components_limit(chains):
    rows = TWINS["component_suppliers"](chains, "buyer:end", STATUSES)
    assert {r["supplier"] for r in rows} == {f"org:maker-c{i}" for i in range(1, 6)}


def test_the_path_limit(chains):
    assert len(path(chains, "org:p12-0", "org:p12-12").links) == 12
    with pytest.raises(NoPath, match="at most 12"):
        path(chains, "org:p13-0", "org:p13-13")


@pytest.fixture(scope="module")
def chains_remote(standin, chains):
    remote = Neo4jStore(bolt_connection("standin", standin, "check the hop limits on"))
    remote.clear()
    remote.ensure_schema()
    push(chains, remote)
    yield remote
    remote.clear()
    remote.close()


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("trace_technology", {"entity": "org:maker"}),
        ("trace_technology", {"entity": "org:parent"}),
        ("vendors_reaching_agency", {"agency": "buyer:top"}),
        ("component_suppliers", {"agency": "buyer:end"}),
        ("corporate_family", {"entity": "org:parent"}),
        ("shortest_sourced_path", {"from_entity": "org:p12-0", "to_entity": "org:p12-12"}),
        ("shortest_sourced_path", {"from_entity": "org:p13-0", "to_entity": "org:p13-13"}),
    ],
)
def test_the_cypher_keeps_the_same_limits(chains_remote, chains, name, params):
    query = load_library()[name]
    expected = run_embedded(query, chains, params).rows
    assert run_neo4j(query, chains_remote, params).rows == expected
