"""The evidence rules (`dualtrace audit`): clean on the shipped starter dataset, and
each rule catches a deliberately broken copy of it, naming the file and row."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from dualtrace.cli import main
from dualtrace.ingest.audit import audit
from dualtrace.ingest.starter import STARTER_FILES, starter_dir


@pytest.fixture(scope="module")
def findings():
    return audit()


def test_the_starter_dataset_passes_the_audit(findings):
    assert [str(f) for f in findings if f.is_error] == []
    # deals resting on a general statement are listed apart: exactly the senators' letter's six
    apart = [f for f in findings if not f.is_error]
    assert len(apart) == 6 and all("org:chinese-vendors-unspecified" in f.message for f in apart)


def test_cli_lists_unnamed_suppliers_apart_and_exits_0():
    result = CliRunner().invoke(main, ["audit"])
    assert result.exit_code == 0, result.output
    assert "Listed apart, not errors: 6 deal(s) with an unnamed supplier" in result.output
    assert "No errors in the starter dataset." in result.output


class Copy:
    """A writable copy of the starter CSVs whose rows a test can change by id."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir()
        for name in STARTER_FILES:
            shutil.copyfile(str(starter_dir().joinpath(name)), folder / name)

    def rows(self, name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO((self.folder / name).read_text(encoding="utf-8"))))

    def write(self, name: str, rows: list[dict[str, str]]) -> None:
        out = io.StringIO()
        writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        (self.folder / name).write_text(out.getvalue(), encoding="utf-8")

    def change(self, file: str, match: dict[str, str], /, **values: str) -> int:
        """Change the one row matching ``match``; returns its row number (header = 1)."""
        rows = self.rows(file)
        hits = [i for i, row in enumerate(rows) if all(row[k] == v for k, v in match.items())]
        assert len(hits) == 1, (match, hits)
        rows[hits[0]].update(values)
        self.write(file, rows)
        return hits[0] + 2

    def add(self, file: str, /, **values: str) -> int:
        rows = self.rows(file)
        rows.append({column: values.get(column, "") for column in rows[0]})
        self.write(file, rows)
        return len(rows) + 1


@pytest.fixture
def copy(tmp_path):
    return Copy(tmp_path / "starter")


def errors(folder: Path, rule: str) -> list[tuple[str, int, str]]:
    return [(f.file, f.row, f.message) for f in audit(folder) if f.rule == rule and f.is_error]


def link(source: str, rel: str, target: str) -> dict[str, str]:
    return {"source": source, "rel": rel, "target": target}


def test_confirmed_needs_an_official_record_a_party_statement_or_a_dataset_row(copy):
    row = copy.change("links.csv", link("org:megvii", "PARTNER_OF", "org:huawei"), status="confirmed")
    [(file, at, message)] = errors(copy.folder, "confirmed")
    assert (file, at) == ("links.csv", row) and "source:ipvm-huawei-megvii-2020: analysis" in message
    # a held dataset row that states the fact confirms it: CETC is Hikvision's parent in the 1260H file
    assert all(f.row != 2 for f in audit(copy.folder) if f.file == "links.csv")


def test_a_dataset_row_cited_for_a_fact_it_does_not_state_is_an_error(copy):
    partner = copy.change(
        "links.csv",
        link("org:megvii", "PARTNER_OF", "org:huawei"),
        sources="source:ipvm-huawei-megvii-2020;source:data-ofac-sdn-2024",
    )
    parent = copy.change("links.csv", link("org:hikvision", "SUBSIDIARY_OF", "org:cetc"), target="org:dahua")
    listed = copy.add(
        "links.csv", **link("org:nso-group", "LISTED_ON", "list:us-sdn"), status="reported",
        sources="source:data-ofac-sdn-2024",
    )  # fmt: skip
    found = errors(copy.folder, "dataset")
    assert [(f, r) for f, r, _ in found] == [("links.csv", parent), ("links.csv", partner), ("links.csv", listed)]
    assert "source:data-dod-1260h is cited for org:hikvision SUBSIDIARY_OF org:dahua" in found[0][2]
    # the held copy's row is read, not trusted: Hikvision's 1260H parent is CETC, not Dahua
    assert errors(copy.folder, "confirmed")[0][1] == parent


def test_a_deal_citing_sii_must_match_its_record(copy):
    row = copy.change("transfers.csv", {"id": "transfer:sii-pf-dea-2009"}, recipient="buyer:us-fbi")
    [(_, at, message)] = errors(copy.folder, "dataset")
    assert at == row and "the record's end user is 'Drug Enforcement Administration'" in message


def test_a_date_needs_a_source_that_can_state_it(copy):
    undated = copy.change(
        "links.csv", link("org:huawei", "LISTED_ON", "list:us-ndaa-889"), since="2018-08-13"
    )  # the 889 transcription gives no date
    later = copy.change(
        "links.csv", link("org:sugon", "LISTED_ON", "list:us-entity-list"), since="2021-01"
    )  # the only source is of 2020-11-23: it cannot state January 2021
    wrong_year = copy.change("links.csv", link("org:megvii", "LISTED_ON", "list:us-dod-1260h"), since="2023-01-31")
    found = {r: message for _, r, message in errors(copy.folder, "date")}
    assert sorted(found) == sorted([undated, later, wrong_year])
    assert "source:data-ndaa-889: dataset, undated" in found[undated]
    # a source can state a day of its own date
    copy.change("links.csv", link("org:sugon", "LISTED_ON", "list:us-entity-list"), since="2020-11-23")
    assert sorted(r for _, r, _ in errors(copy.folder, "date")) == sorted([undated, wrong_year])


def test_deals_with_an_unnamed_supplier_are_listed_apart_not_failed(copy):
    row = copy.add(
        "transfers.csv", id="transfer:cn-vendors-kenya", name="Chinese surveillance technology in Kenya",
        suppliers="org:chinese-vendors-unspecified", recipient="buyer:ke-nps", status="reported",
        sources="source:seed-senate-letter-2020",
    )  # fmt: skip
    listed = [f for f in audit(copy.folder) if f.rule == "unnamed supplier"]
    assert row in [f.row for f in listed] and not any(f.is_error for f in listed)
    result = CliRunner().invoke(main, ["audit", "--folder", str(copy.folder)])
    assert result.exit_code == 0 and f"transfers.csv, row {row}: [unnamed supplier]" in result.output


def test_a_source_cited_by_nothing_is_an_error(copy):
    row = copy.add("sources.csv", id="source:nobody-cites-me", title="A page", publisher="Somebody", kind="news")
    assert errors(copy.folder, "uncited source") == [("sources.csv", row, "source:nobody-cites-me is cited by no row")]


def test_two_deals_for_one_record_are_an_error(copy):
    original = next(r for r in copy.rows("transfers.csv") if r["id"] == "transfer:sii-pf-dea-2009")
    same_record = copy.add("transfers.csv", **{**original, "id": "transfer:sii-pf-dea-2009-again", "year": "2010"})
    same_deal = copy.add("transfers.csv", **{**original, "id": "transfer:sii-pf-dea-twice", "identifiers": ""})
    found = errors(copy.folder, "duplicate deal")
    assert [r for _, r, _ in found] == [same_record, same_deal]
    assert "shares sii:Packet_Forensics_United States of America_2009 with transfer:sii-pf-dea-2009" in found[0][2]
    assert "suppliers, recipient, items and year of transfer:sii-pf-dea-2009" in found[1][2]


def test_cli_prints_one_line_per_finding_and_exits_1(copy):
    row = copy.change("links.csv", link("org:megvii", "PARTNER_OF", "org:huawei"), status="confirmed")
    result = CliRunner().invoke(main, ["audit", "--folder", str(copy.folder)])
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith(f"links.csv, row {row}: [confirmed] org:megvii PARTNER_OF")
    assert "1 error(s) in" in result.output


def test_a_folder_that_breaks_the_schema_is_reported_not_crashed_on(copy):
    row = copy.change("transfers.csv", {"id": "transfer:sii-pf-dea-2009"}, recipient="buyer:nobody")
    result = CliRunner().invoke(main, ["audit", "--folder", str(copy.folder)])
    assert result.exit_code == 1 and f"transfers.csv, row {row}: [schema]" in result.output
