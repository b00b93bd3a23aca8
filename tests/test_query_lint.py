"""``dualtrace queries check``: each problem found, with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dualtrace.cli import main
from dualtrace.queries.library import builtin_folder
from dualtrace.queries.lint import check_paths, returned_columns

HEADER = """\
// name: {name}
// question: Which vendors are based in a country?
// params:
//   country: {{type: country, example: CN}}
// returns: [id, name]
"""


def write(folder: Path, name: str, body: str, header: str = HEADER) -> Path:
    path = folder / f"{name}.cypher"
    path.write_text(header.format(name=name) + body, encoding="utf-8")
    return path


def messages(path: Path) -> list[str]:
    return [f"{p.line}: {p.message}" for p in check_paths([path])]


def test_the_builtin_library_is_clean():
    assert check_paths([builtin_folder()]) == []


def test_a_clean_query_passes(tmp_path):
    path = write(tmp_path, "ok", "MATCH (o:Organization {country: $country})\nRETURN o.id AS id, o.name AS name\n")
    assert messages(path) == []


@pytest.mark.parametrize(
    ("body", "line", "expected"),
    [
        (
            'MATCH (o) WHERE o.country = "{country}"\nRETURN o.id AS id, o.name AS name',
            6,
            "a {name} format placeholder",
        ),
        ("MATCH (o) WHERE o.country = '{{country}}'\nRETURN o.id AS id, o.name AS name", 6, "a {{...}} template"),
        ("MATCH (o) WHERE o.country = '${country}'\nRETURN o.id AS id, o.name AS name", 6, "a ${...} template"),
        ("MATCH (o) WHERE o.country = '%s'\nRETURN o.id AS id, o.name AS name", 6, "a %-format placeholder"),
        ("MATCH (o)\nWHERE o.country = '%(country)s'\nRETURN o.id AS id, o.name AS name", 7, "a %-format placeholder"),
        (
            "CALL apoc.cypher.run('MATCH (o) WHERE o.country = \"' + $country + '\" RETURN o', {}) YIELD value\n"
            "RETURN value.o.id AS id, value.o.name AS name",
            6,
            "query text built by string concatenation",
        ),
        ("MATCH (o) WHERE o.country = '$country'\nRETURN o.id AS id, o.name AS name", 6, "$country inside quotes"),
    ],
)
def test_interpolated_parameters_are_caught(tmp_path, body, line, expected):
    found = messages(write(tmp_path, "bad", body + "\n"))
    assert any(m.startswith(f"{line}: ") and expected in m for m in found), found


def test_parameters_declared_and_used(tmp_path):
    unused = write(tmp_path, "unused", "MATCH (o:Organization)\nRETURN o.id AS id, o.name AS name\n")
    assert messages(unused) == ["4: parameter country is declared but the query never uses $country"]
    undeclared = write(
        tmp_path,
        "undeclared",
        "MATCH (o {country: $country})\nWHERE o.year > $year\nRETURN o.id AS id, o.name AS name\n",
    )
    assert messages(undeclared) == ["7: $year is used but not declared under params in the header"]


def test_return_columns_must_match_the_header(tmp_path):
    path = write(tmp_path, "cols", "MATCH (o {country: $country})\nRETURN o.id AS id, o.name\n")
    assert messages(path) == [
        "7: RETURN gives columns ['id', 'o.name'] but the header declares returns: ['id', 'name']"
    ]


def test_header_problems_name_the_line(tmp_path):
    no_header = tmp_path / "none.cypher"
    no_header.write_text("MATCH (n) RETURN n\n")
    assert messages(no_header) == ["1: no header: start the file with // name:, // question:, // returns: lines"]
    bad_type = write(
        tmp_path, "typed", "RETURN $country AS id, 1 AS name\n", HEADER.replace("type: country", "type: nation")
    )
    assert messages(bad_type) == [
        "4: parameter country: unknown type 'nation'; types are string, integer, date, list, country, entity, category, as_of, boolean"
    ]
    bad_example = write(
        tmp_path, "example", "RETURN $country AS id, 1 AS name\n", HEADER.replace("example: CN", "example: Atlantis")
    )
    assert "its example is not a country" in messages(bad_example)[0]


def test_duplicate_names_are_caught(tmp_path):
    write(tmp_path, "one", "MATCH (o {country: $country}) RETURN o.id AS id, o.name AS name\n")
    (tmp_path / "two.cypher").write_text((tmp_path / "one.cypher").read_text())
    assert [str(p).split(": ", 1)[1] for p in check_paths([tmp_path])][-1].startswith(
        "query name 'one' is already used"
    )


def test_return_columns_are_read_from_the_final_top_level_return():
    body = "CALL { MATCH (a) RETURN a AS inner }\nWITH inner\nRETURN DISTINCT inner.id AS id, count(*), [x IN l | x] AS xs\nORDER BY id"
    assert returned_columns(body) == (["id", "count(*)", "xs"], body.index("RETURN DISTINCT"))


def test_cli_check_exits_1_with_file_and_line(tmp_path):
    write(tmp_path, "bad", "MATCH (o) WHERE o.country = '{country}'\nRETURN o.id AS id, o.name AS name\n")
    result = CliRunner().invoke(main, ["queries", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path / 'bad.cypher'}:6: a {{name}} format placeholder" in result.output
    clean = CliRunner().invoke(main, ["queries", "check"])
    assert clean.exit_code == 0 and "0 problem(s)" in clean.output
