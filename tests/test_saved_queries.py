"""The saved-query library: headers, parameter types, examples as tests, the CLI,
users' own folders and the Neo4j Browser bundle."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dualtrace.cli import main
from dualtrace.demo_data import build_workspace
from dualtrace.graph.errors import NotFound
from dualtrace.queries.examples import differences
from dualtrace.queries.library import QueryFileError, load_library, parse
from dualtrace.queries.params import ParameterError
from dualtrace.queries.runner import run_embedded

LIBRARY = load_library()
TOPICS = {
    "supply chain trace": "trace_technology",
    "by category": "trace_category",
    "end users by country": "end_users_in_country",
    "technologies by country": "technologies_by_country",
    "vendors reaching an agency": "vendors_reaching_agency",
    "component suppliers": "component_suppliers",
    "exposure after listing": "deals_while_listed",
    "Wassenaar to outsiders": "regime_suppliers_to_outsiders",
    "parents and subsidiaries": "corporate_family",
    "shortest sourced path": "shortest_sourced_path",
    "single source": "single_source_links",
    "reported only": "unconfirmed_links",
    "most connected per category": "most_connected_vendors",
}

USER_QUERY = """\
// name: vendors_named
// question: Which organizations have a name starting with some text?
// params:
//   prefix: {type: string, example: Hangzhou, doc: "start of the name"}
//   country: {type: country, default: CN}
// returns: [id, name]
// example:
//   params: {prefix: Hangzhou}
//   rows:
//     - {id: "org:hikvision", name: "Hangzhou Hikvision Digital Technology Co., Ltd."}
MATCH (o:Organization)
WHERE o.name STARTS WITH $prefix AND o.country = $country
RETURN o.id AS id, o.name AS name
ORDER BY id
"""


def test_the_library_covers_the_questions_analysts_ask():
    assert len(LIBRARY) >= 15
    for topic, name in TOPICS.items():
        assert name in LIBRARY, topic
    types = {p.type for q in LIBRARY.values() for p in q.params.values()}
    assert {"integer", "date", "list", "country", "entity"} <= types


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_each_example_gives_its_documented_result(starter, name):
    query = LIBRARY[name]
    assert query.question.endswith("?") and query.returns
    assert "rows" in query.example or "count" in query.example, "every saved query documents its expected result"
    result = run_embedded(query, starter, query.example_params())
    assert result.columns == query.returns
    assert differences(query, result.rows) == []
    for row in result.rows:
        assert list(row) == query.returns


def test_a_changed_result_is_reported_row_by_row(starter):
    query = LIBRARY["trace_technology"]
    rows = run_embedded(query, starter, query.example_params()).rows
    rows[1] = {**rows[1], "status": "denied"}
    assert differences(query, rows) == ["trace_technology: row 2 differs: status: expected 'reported', got 'denied'"]
    assert "expected 24 rows, got 5" in differences(query, rows[:5])[0]


def test_parameters_are_checked_against_their_types(starter):
    trace = LIBRARY["trace_technology"]
    with pytest.raises(
        ParameterError, match=r"unknown parameter vendor .*it takes: entity, statuses, as_of, dated_only"
    ):
        trace.bind({"vendor": "org:hikvision"})
    with pytest.raises(ParameterError, match=r"missing parameter entity, of type entity .*entity=org:cloudwalk"):
        trace.bind({})
    with pytest.raises(ParameterError, match="entity must be entity: an empty entity id or name"):
        trace.bind({"entity": " "})
    with pytest.raises(ParameterError, match="top must be integer: 'three' is not a whole number"):
        LIBRARY["most_connected_vendors"].bind({"top": "three"})
    with pytest.raises(ParameterError, match="since must be date: '2019-13' is not a date"):
        LIBRARY["deals_since"].bind({"since": "2019-13"})
    with pytest.raises(ParameterError, match="country must be country: 'Atlantis' is not a country"):
        LIBRARY["end_users_in_country"].bind({"country": "Atlantis"})
    with pytest.raises(ParameterError, match="is not a product category"):
        LIBRARY["trace_category"].bind({"category": "mind reading"})
    bound = LIBRARY["end_users_in_country"].bind({"country": "Burma", "statuses": '["reported"]'})
    assert bound == {"country": "MM", "statuses": ["reported"], "as_of": None, "dated_only": False}
    # every query takes as_of, sent as the last day of the period it names, and dated_only
    bound = LIBRARY["denied_claims"].bind({"as_of": "2019", "dated_only": "true"})
    assert (bound["as_of"], bound["dated_only"]) == ("2019-12-31", True)
    with pytest.raises(ParameterError, match="as_of must be as_of: '2019-13' is not a date"):
        LIBRARY["denied_claims"].bind({"as_of": "2019-13"})
    assert LIBRARY["trace_category"].bind({"category": "Facial Recognition"})["category"] == "facial_recognition"
    assert LIBRARY["deals_while_listed"].bind({})["on_list"] is None


def test_an_unknown_entity_fails_with_suggestions(starter):
    with pytest.raises(NotFound) as caught:
        run_embedded(LIBRARY["trace_technology"], starter, {"entity": "org:huawie"})
    assert ("org:huawei", "Huawei Technologies Co., Ltd.") in caught.value.suggestions
    # a name or alias stands for the entity; a misspelt one gets "did you mean"
    by_name = run_embedded(LIBRARY["trace_technology"], starter, {"entity": "Huawei Technologies"})
    assert (
        by_name.params["entity"] == "org:huawei"
        and by_name.rows == run_embedded(LIBRARY["trace_technology"], starter, {"entity": "org:huawei"}).rows
    )
    with pytest.raises(NotFound) as caught:
        run_embedded(LIBRARY["vendors_reaching_agency"], starter, {"agency": "Xinjiang Public Securty Bureau"})
    assert any(node_id == "buyer:xuar-psb" for node_id, _ in caught.value.suggestions)


def test_a_header_problem_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.cypher"
    bad.write_text(
        "// name: x\n// question: Why?\n// returns: [a]\n// params:\n//   n: {type: number}\nRETURN 1 AS a\n"
    )
    with pytest.raises(QueryFileError, match=r"bad.cypher:5: parameter n: unknown type 'number'"):
        parse(bad)
    bad.write_text("MATCH (n) RETURN n\n")
    with pytest.raises(QueryFileError, match=r"bad.cypher:1: no header"):
        parse(bad)
    bad.write_text("// name: x\n// question: [unclosed\n// returns: [a]\nRETURN 1 AS a\n")
    with pytest.raises(QueryFileError, match=r"bad.cypher:\d: the header is not valid YAML"):
        parse(bad)


@pytest.fixture
def user_folder(tmp_path, monkeypatch):
    folder = tmp_path / "my-queries"
    folder.mkdir()
    (folder / "vendors_named.cypher").write_text(USER_QUERY, encoding="utf-8")
    monkeypatch.setenv("DUALTRACE_QUERIES", str(folder))
    return folder


@pytest.fixture
def cli(workspace, monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    build_workspace(workspace)
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args))


def test_cli_lists_shows_and_runs(cli, user_folder):
    listed = cli("queries", "list")
    assert listed.exit_code == 0
    assert "trace_technology" in listed.output and "vendors_named" in listed.output
    assert str(user_folder) in listed.output
    shown = cli("queries", "show", "deals_since")
    assert "since (date: YYYY, YYYY-MM or YYYY-MM-DD" in shown.output and "MATCH (t:Transfer)" in shown.output

    table = cli("queries", "run", "trace_technology", "-p", "entity=org:cloudwalk")
    assert table.exit_code == 0, table.output
    assert "Government of Zimbabwe" in table.output and "[1,2,3]" in table.output
    assert "Sources:" in table.output and "Privacy International" not in table.output.split("Sources:")[0]

    as_json = cli("queries", "run", "end_users_in_country", "-p", "country=Ecuador", "--format", "json")
    rows = json.loads(as_json.output.split("\n2 row(s)")[0])
    assert [r["transfer"] for r in rows] == ["transfer:ceiec-ecu911", "transfer:huawei-ecu911"]
    as_csv = cli("queries", "run", "technologies_by_country", "-p", "country=EC", "--format", "csv")
    assert as_csv.output.splitlines()[0] == "country,category,transfers,end_users,sources"


def test_cli_runs_a_users_own_query_through_the_embedded_cypher_engine(cli, user_folder):
    result = cli("queries", "run", "vendors_named", "-p", "prefix=Zhejiang", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.split("\n1 row(s)")[0]) == [
        {"id": "org:dahua", "name": "Zhejiang Dahua Technology Co., Ltd."}
    ]
    assert "embedded store (grand-cypher)" in result.output
    assert cli("queries", "test", "vendors_named").exit_code == 0


def test_cli_errors_are_messages_with_exit_1(cli):
    for args, message in [
        (("queries", "run", "trace_tech"), "No saved query named 'trace_tech'. Did you mean: trace_technology"),
        (("queries", "run", "trace_technology", "-p", "entity"), "write it as key=value"),
        (("queries", "run", "trace_technology", "-p", "x=1"), "unknown parameter x"),
        (("queries", "run", "most_connected_vendors", "-p", "top=1.5"), "top must be integer"),
    ]:
        result = cli(*args)
        assert result.exit_code == 1, args
        assert message in result.output
        assert "Traceback" not in result.output


def test_a_users_query_may_not_take_a_builtin_name(cli, tmp_path, monkeypatch):
    folder = tmp_path / "clash"
    folder.mkdir()
    (folder / "mine.cypher").write_text(USER_QUERY.replace("name: vendors_named", "name: trace_technology"))
    monkeypatch.setenv("DUALTRACE_QUERIES", str(folder))
    result = cli("queries", "list")
    assert result.exit_code == 1 and "already used by" in result.output


def test_examples_run_as_tests_from_the_cli(cli):
    result = cli("queries", "test")
    assert result.exit_code == 0, result.output
    assert result.output.count("ok ") == len(LIBRARY)


def test_export_writes_a_bundle_for_neo4j_browser(cli, tmp_path):
    out = tmp_path / "bundle.cypher"
    result = cli("queries", "export", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    for name in LIBRARY:
        assert f"// ===== {name}:" in text
    assert ':param entity => "org:huawei";' in text
    assert ':param statuses => ["reported", "confirmed"];' in text
    assert text.count(";\n") >= len(LIBRARY)


def test_the_cypher_command_runs_ad_hoc_queries_on_the_workspace(cli):
    ok = cli("cypher", "MATCH (o:Organization {country: $c}) RETURN o.id AS id ORDER BY id LIMIT 2", "-p", "c=US")
    assert ok.exit_code == 0, ok.output
    assert ok.output.split() == ["id", "-------------", "org:ambarella", "org:blue-coat", "(2", "rows)"]
    typed = cli("cypher", "MATCH (t:Transfer) WHERE t.year >= $y AND t.id IN $ids RETURN t.id", "-p", "y=2019",
                "-p", 'ids=["transfer:huawei-serbia-2019", "transfer:cloudwalk-zimbabwe-2018"]', "--format", "json")  # fmt: skip
    assert json.loads(typed.output) == [{"t.id": "transfer:huawei-serbia-2019"}]
    refused = cli("cypher", "MATCH (a)-[r]-(b) RETURN a.id")
    assert refused.exit_code == 1 and "undirected patterns" in refused.output


def test_builtin_queries_ship_with_the_package():
    folder = Path(next(iter(LIBRARY.values())).path).parent
    assert folder.name == "saved" and len(list(folder.glob("*.cypher"))) == len(LIBRARY)


def test_the_readme_example_query_passes_check_and_its_own_test(cli, tmp_path):
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    text = readme.split("```cypher\n", 1)[1].split("```", 1)[0]
    (tmp_path / "vendors_in_country.cypher").write_text(text, encoding="utf-8")
    assert cli("queries", "check", str(tmp_path)).exit_code == 0
    tested = cli("queries", "--queries-dir", str(tmp_path), "test", "vendors_in_country")
    assert tested.exit_code == 0, tested.output


def test_maps_and_exports_of_a_saved_querys_result(cli, tmp_path):
    page = tmp_path / "exposure.html"
    result = cli("map", "--query", "trace_technology", "--query-param", "entity=org:cloudwalk", "-o", str(page))
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert "Government of Zimbabwe" in html and "Kenya" not in html
    out = tmp_path / "csv"
    result = cli(
        "export", "-f", "csv", str(out), "--query", "component_suppliers", "--query-param", "agency=buyer:urumqi-ccc"
    )
    assert result.exit_code == 0, result.output
    nodes = (out / "nodes.csv").read_text(encoding="utf-8")
    for entity in ("org:intel", "org:nvidia", "product:sugon-supercomputer", "transfer:sugon-urumqi-ccc"):
        assert entity in nodes
    assert "org:huawei" not in nodes
    empty = cli("map", "--query", "denied_claims", "--query-param", "limit=0", "-o", str(page))
    assert empty.exit_code == 1 and "gave no entities to show" in empty.output
