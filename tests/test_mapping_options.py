"""Every documented option of the mapping language, given an invalid value, is named
by `dualtrace mapping check` and by `dualtrace import` with a clear message and exit
status 1, never a traceback. The valid mapping (tests/data/mappings/every_option.yaml)
uses every option; each case below breaks one of them."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from dualtrace.cli import main
from dualtrace.ingest import mapping as language

HERE = Path(__file__).parent
EVERY_OPTION = HERE / "data" / "mappings" / "every_option.yaml"
BASE = yaml.safe_load(EVERY_OPTION.read_text(encoding="utf-8"))
# the register the mapping reads: a title on row 1, the header on row 2, units on row 3
DATA = """Every option register (title row),,,,,,,,,,,,,
Ref,Name,Aliases,Country,HQ,Goods,Status,Listed,Delisted,Note,Remarks,Share,Parent,Hidden
,,,,,,,dd/mm/yyyy,,,,,,
R1,Acme Surveillance Ltd,Acme|ACME Ltd,Germany,,cameras;analytics,listed,01/02/2020,-,first,Linked To: BETA SYSTEMS GMBH.,51%,Acme Holdings Ltd (Germany),
R2,Beta Systems GmbH,,Germany,,,listed,2021,,,,,,
"""

COMPANY = ("entities", "company", "properties")
ITEM = ("entities", "item", "properties")
# (which option: group and key, where it is set, an invalid value, what the message says)
CASES: list[tuple[str, str, tuple[Any, ...], Any, str]] = [
    ("top", "mapping", ("mapping",), 2, "mapping: start the file with `mapping: 1`"),
    ("top", "name", ("name",), ["x"], "name: expected text"),
    ("top", "description", ("description",), {"a": 1}, "description: expected text"),
    ("top", "dataset", ("dataset",), "Register", "dataset: expected a mapping of keys"),
    ("top", "read", ("read",), "csv", "read: expected a mapping of keys"),
    ("top", "expect", ("expect",), ["Ref"], "expect: expected a mapping of keys"),
    ("top", "record_id", ("record_id",), {"constant": "x"}, "record_id: expected a column or a template"),
    ("top", "skip", ("skip",), {"column": "Status"}, "skip: expected a list of conditions"),
    ("top", "entities", ("entities",), [], "entities: declare at least one entity"),
    ("top", "links", ("links",), {"from": "company"}, "links: expected a list of {from, rel, to}"),
    ("top", "provenance", ("provenance",), ["status"], "provenance: expected a mapping of keys"),
    ("top", "citation", ("citation",), "Name", "citation: expected a mapping of keys"),
    ("dataset", "id", ("dataset", "id"), "data-x", "dataset.id: expected an id like source:data-my-register"),
    ("dataset", "title", ("dataset", "title"), ["T"], "dataset.title: expected text"),
    ("dataset", "publisher", ("dataset", "publisher"), "", "`dataset.publisher` is required"),
    ("dataset", "kind", ("dataset", "kind"), "spreadsheet", "dataset.kind: expected one of"),
    ("dataset", "url", ("dataset", "url"), "example.org", "dataset.url: expected an http(s) URL"),
    ("dataset", "date", ("dataset", "date"), "last spring", "dataset.date: expected a date YYYY"),
    ("dataset", "note", ("dataset", "note"), ["x"], "dataset.note: expected text"),
    ("read", "format", ("read", "format"), "excel", "read.format: expected one of csv, xlsx, json, jsonl"),
    ("read", "encoding", ("read", "encoding"), "utf-9", "read.encoding: unknown encoding 'utf-9'"),
    ("read", "sheet", ("read", "sheet"), -1, "read.sheet: expected a whole number, at least 0"),
    ("read", "header", ("read", "header"), "Ref,Name", "read.header: expected the list of column names"),
    ("read", "header", ("read", "header"), ["Ref", "Name"], "read.header: `header` names the columns of a file without"),
    ("read", "header_row", ("read", "header_row"), 0, "read.header_row: expected a whole number, at least 1"),
    ("read", "skip_after_header", ("read", "skip_after_header"), "one", "read.skip_after_header: expected a whole number"),
    ("read", "records", ("read", "records"), ["data"], "read.records: expected a dotted path"),
    ("read", "null_values", ("read", "null_values"), "-", "read.null_values: expected a list"),
    ("read", "delimiter", ("read", "delimiter"), ";;", "read.delimiter: expected one character"),
    ("expect", "columns", ("expect", "columns"), "14", "expect.columns: expected the number of fields"),
    ("expect", "header", ("expect", "header"), "Ref", "expect.header: expected a list of names"),
    ("expect", "keys", ("expect", "keys"), {"a": 1}, "expect.keys: expected a list of names"),
    ("expect", "values", ("expect", "values"), ["Ref"], "expect.values: expected a table"),
    ("expect", "sample", ("expect", "sample"), 0, "expect.sample: expected the number of rows"),
    ("rule", "column", ("skip", 0, "column"), ["Status"], "skip[0].column: expected a column name"),
    ("rule", "in", ("skip", 0, "in"), "withdrawn", "skip[0].in: expected a list of values"),
    ("rule", "empty", ("skip", 1, "empty"), "yes", "skip[1].empty: expected true or false"),
    ("rule", "matches", ("skip", 2, "matches"), "[", "skip[2].matches: not a valid regular expression"),
    ("rule", "present", ("entities", "item", "when", 0, "present"), "yes", "item.when[0].present: expected true or false"),
    ("rule", "column", ("skip", 3), {"column": "Hidden"}, "skip[3]: a condition needs one of"),
    ("entity", "kind", ("entities", "company", "kind"), "Company", "company.kind: unknown or unmappable kind 'Company'"),
    ("entity", "properties", COMPANY, ["name"], "company.properties: expected a table of `property: value`"),
    ("entity", "properties", (*COMPANY, "colour"), "Name", "company.properties.colour: Organization has no property"),
    ("entity", "optional", ("entities", "company", "optional"), "no", "company.optional: expected true or false"),
    ("entity", "each", ("entities", "item", "each"), {"column": "Goods", "split": 1}, "item.each.split: expected the separator"),
    ("entity", "id", ("entities", "watchlist", "id"), {"constant": "watchlist"}, "'watchlist' is not an id of this kind; expected list:slug"),
    ("entity", "when", ("entities", "item", "when"), {"column": "Goods"}, "item.when: expected a list of conditions"),
    ("field", "column", (*COMPANY, "name", "column"), ["Name"], "name.column: expected a column name"),
    ("field", "columns", (*COMPANY, "country", "columns"), "Country", "country.columns: expected a non-empty list"),
    ("field", "constant", ("entities", "watchlist", "properties", "kind", "constant"), "embargo", "'embargo' is not one of"),
    ("field", "constant", (*COMPANY, "roles", "constant"), ["maker", "spy"], "roles: 'spy' is not one of"),
    ("field", "constant", ("citation", "url", "constant"), ["https://a.org", "https://b.org"], "'url' takes one value, not a list"),
    ("field", "template", (*ITEM, "name", "template"), 42, "name.template: expected text naming columns in braces"),
    ("field", "value", (*COMPANY, "note"), {"value": "each"}, "`value: each` is only allowed inside an entity that has `each`"),
    ("field", "split", (*COMPANY, "aliases", "split"), "", "aliases.split: expected the separator"),
    ("field", "pattern", ("entities", "parent", "properties", "name", "pattern"), "(", "pattern: not a valid regular expression"),
    ("field", "parse", ("links", 3, "to_record", "parse"), "ofac_names", "to_record.parse: unknown parser 'ofac_names'"),
    ("field", "map", (*ITEM, "category", "map"), ["cameras"], "category.map: expected a table of `value: replacement`"),
    ("field", "map", (*ITEM, "category", "map", "cameras"), "camera", "category.map.cameras: 'camera' is not one of"),
    ("field", "unmapped", (*ITEM, "category", "unmapped"), "guess", "category.unmapped: expected reject, keep, drop or one of"),
    ("field", "type", ("entities", "parent", "properties", "name", "type"), "string", "name.type: unknown type 'string'"),
    ("field", "formats", ("provenance", "since", "formats"), "%d/%m/%Y", "since.formats: expected a list of strptime formats"),
    ("field", "first", ("links", 4, "properties", "percentage", "first"), "yes", "percentage.first: expected true or false"),
    ("field", "default", (*COMPANY, "note", "default"), {"a": 1}, "note.default: expected a value or a list of values"),
    ("field", "required", (*COMPANY, "name", "required"), "yes", "name.required: expected true or false"),
    ("field", "on_error", (*COMPANY, "country", "on_error"), "ignore", "country.on_error: expected one of ['reject', 'drop']"),
    ("field", "column", ("citation", "title"), {"colum": "Name"}, "citation.title.colum: unknown key"),
    ("link", "from", ("links", 0, "from"), "vendor", "links[0].from: 'vendor' is not an entity of this mapping"),
    ("link", "rel", ("links", 0, "rel"), "SANCTIONED_BY", "links[0]: unknown rel 'SANCTIONED_BY'"),
    ("link", "to", ("links", 0, "to"), ["watchlist"], "links[0].to: ['watchlist'] is not an entity of this mapping"),
    ("link", "to_record", ("links", 3, "to_record"), {}, "links[3].to_record: give exactly one of"),
    ("link", "match", ("links", 3, "match"), ["Name"], "links[3].match: expected a column name"),
    ("link", "properties", ("links", 4, "properties"), ["percentage"], "links[4].properties: expected a table"),
    ("link", "status", ("links", 0, "status"), {"constant": "rumoured"}, "links[0].status: 'rumoured' is not one of"),
    ("link", "note", ("links", 0, "note"), {"column": "Note", "split": 5}, "links[0].note.split: expected the separator"),
    ("provenance", "status", ("provenance", "status"), {"constant": "alleged"}, "provenance.status: 'alleged' is not one of"),
    ("provenance", "since", ("provenance", "since"), {"column": "Listed", "type": "datetime"}, "provenance.since.type: unknown type"),
    ("provenance", "until", ("provenance", "until"), {"column": "Delisted", "formats": "%Y"}, "provenance.until.formats: expected a list"),
    ("provenance", "note", ("provenance", "note"), {"template": ["x"]}, "provenance.note.template: expected text"),
    ("citation", "title", ("citation", "title"), {"column": ""}, "citation.title.column: expected a column name"),
    ("citation", "publisher", ("citation", "publisher"), {"constant": None}, "citation.publisher: expected a value"),
    ("citation", "url", ("citation", "url"), {"constant": "https://x.org", "required": 1}, "citation.url.required: expected true or false"),
    ("citation", "date", ("citation", "date"), {"column": "Listed", "type": "when"}, "citation.date.type: unknown type 'when'"),
    ("citation", "kind", ("citation", "kind"), {"constant": "blog"}, "citation.kind: 'blog' is not one of"),
    ("citation", "note", ("citation", "note"), {"columns": "Note"}, "citation.note.columns: expected a non-empty list"),
]  # fmt: skip

OPTIONS = {
    "top": language.TOP_KEYS,
    "dataset": language.DATASET_KEYS,
    "read": language.READ_KEYS,
    "expect": language.EXPECT_KEYS,
    "rule": language.SKIP_KEYS,
    "entity": language.ENTITY_KEYS,
    "field": language.SOURCE_KEYS + language.MODIFIER_KEYS,
    "link": language.LINK_KEYS,
    "provenance": language.PROVENANCE_KEYS,
    "citation": language.CITATION_KEYS,
}


def _with(path: tuple[Any, ...], value: Any) -> str:
    document = copy.deepcopy(BASE)
    node = document
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def _invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_every_option_is_walked():
    walked = {(group, key) for group, key, *_ in CASES}
    missing = [(group, key) for group, keys in OPTIONS.items() for key in keys if (group, key) not in walked]
    assert missing == [], f"options without an invalid-value case: {missing}"


def test_the_valid_mapping_checks_clean_and_imports(tmp_path):
    data = tmp_path / "register.csv"
    data.write_text(DATA, encoding="utf-8")
    assert _invoke("mapping", "check", str(EVERY_OPTION)).exit_code == 0
    result = _invoke("-w", str(tmp_path / "ws.json"), "import", str(data), "-m", str(EVERY_OPTION))
    assert result.exit_code == 0, result.output
    assert "records read: 2; skipped by rule: 0; rejected: 0" in result.output


@pytest.mark.parametrize(
    ("group", "key", "path", "value", "message"), CASES, ids=[f"{c[0]}.{c[1]}:{c[3]!r}" for c in CASES]
)
def test_an_invalid_option_is_a_message_from_check_and_import(tmp_path, group, key, path, value, message):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(_with(path, value), encoding="utf-8")
    data = tmp_path / "register.csv"
    data.write_text(DATA, encoding="utf-8")
    workspace = tmp_path / "ws.json"
    for args in (["mapping", "check", str(mapping)], ["-w", str(workspace), "import", str(data), "-m", str(mapping)]):
        result = _invoke(*args)
        assert result.exit_code == 1, (args[-3:], result.output)
        assert isinstance(result.exception, SystemExit), result.exception  # a message, not a traceback
        assert "Traceback" not in result.output
        assert message in result.output, result.output
        assert f"{mapping}: " in result.output  # names the file ...
        assert "line " in result.output  # ... and the line
    assert not workspace.exists()
