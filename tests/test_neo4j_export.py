"""Bulk exports for Neo4j: neo4j-admin CSVs read back by their header rules, and the
cypher-shell script run statement by statement against the Bolt stand-in."""

from __future__ import annotations

import csv
import re

from click.testing import CliRunner

from dualtrace.cli import main
from dualtrace.graph.neo4j_store import Connection, Neo4jStore
from dualtrace.render.neo4j_export import admin_command, write_cypher, write_neo4j_admin
from tests.standin import DATABASE, PASSWORD


def read_admin_csvs(folder, delimiter):
    """What neo4j-admin would load: typed columns, arrays split on the delimiter."""

    def typed(header, value):
        name, _, kind = header.partition(":")
        if value == "":
            return name, None
        if kind == "string[]":
            return name, value.split(delimiter)
        if kind == "int":
            return name, int(value)
        return name, value

    nodes, links = {}, {}
    for path in folder.glob("nodes-*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            for row in reader:
                props = dict(typed(h, v) for h, v in zip(header[1:-1], row[1:-1], strict=True))
                nodes[row[0]] = (row[-1], {k: v for k, v in props.items() if v is not None})
    for path in folder.glob("relationships-*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            for row in reader:
                props = dict(typed(h, v) for h, v in zip(header[2:-1], row[2:-1], strict=True))
                links[(row[0], row[-1], row[1])] = {k: v for k, v in props.items() if v is not None}
    return nodes, links


def test_neo4j_admin_csvs_hold_the_whole_graph(starter, tmp_path):
    folder = write_neo4j_admin(starter, tmp_path / "admin")
    command = admin_command(folder)
    delimiter = re.search(r"--array-delimiter=(\S+)", command).group(1).strip("'")
    assert command.startswith("neo4j-admin database import full --nodes=")
    assert "--nodes=Organization=nodes-Organization.csv" in command
    assert "--relationships=SUPPLIER_OF=relationships-SUPPLIER_OF.csv" in command
    nodes, links = read_admin_csvs(folder, delimiter)
    assert nodes == {n.id: (n.kind, n.props) for n in starter.nodes()}
    assert links == {link.key: link.props for link in starter.links()}
    header = (folder / "nodes-Transfer.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "year:int" in header and header.startswith("id:ID,")


def test_the_cypher_script_rebuilds_the_graph(starter, tmp_path, standin):
    path = write_cypher(starter, tmp_path / "graph.cypher")
    text = path.read_text(encoding="utf-8")
    statements = [line for line in text.splitlines() if line and not line.startswith(("//", ":param"))]
    # no value from the data appears in a statement: statements only name $rows
    assert all("$rows" in s or s.startswith("CREATE ") for s in statements)
    assert "Hikvision" not in "\n".join(statements)
    with Neo4jStore(Connection(standin.uri, "root", PASSWORD, DATABASE)) as remote:
        remote.clear()
        try:
            params = {}
            for line in text.splitlines():
                if line.startswith(":param rows => "):  # what cypher-shell does with a :param line
                    literal = line.removeprefix(":param rows => ").removesuffix(";")
                    params["rows"] = remote.run(f"RETURN {literal} AS rows")[0]["rows"]
                elif line and not line.startswith(("//", "CREATE ")):
                    remote.run(line.removesuffix(";"), **params)
            assert {n.id: (n.kind, n.props) for n in remote.nodes()} == {
                n.id: (n.kind, n.props) for n in starter.nodes()
            }
            assert {x.key: x.props for x in remote.links()} == {x.key: x.props for x in starter.links()}
        finally:
            remote.clear()


def test_export_command_prints_the_admin_command(workspace, tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["load"]).exit_code == 0
    result = runner.invoke(main, ["export", "--format", "neo4j-admin", str(tmp_path / "admin")])
    assert result.exit_code == 0 and "neo4j-admin database import full" in result.output
    assert (tmp_path / "admin" / "import.sh").exists()


def test_cypher_literals_survive_awkward_text(standin):
    from dualtrace.render.neo4j_export import cypher_value

    samples = ['He said "no"', "back\\slash", "line\nbreak", "quote ' single", "Зала 海康", "tab\there"]
    with Neo4jStore(Connection(standin.uri, "root", PASSWORD, DATABASE)) as remote:
        assert remote.run(f"RETURN {cypher_value(samples)} AS v")[0]["v"] == samples
