"""The mapping language: checking a mapping, and importing an unfamiliar spreadsheet with it."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from dualtrace.graph.store import EmbeddedStore
from dualtrace.ingest.importer import MappingFormat, run_import
from dualtrace.ingest.mapping import MappingError, check_mapping, load_mapping, parse_mapping
from dualtrace.ingest.readers import FileRejected

HERE = Path(__file__).parent
PURCHASES = HERE / "data" / "mappings" / "purchases.yaml"
HEADER = [
    "Contract ref", "Procuring entity", "Entity country", "Contractor", "Contractor HQ", "Also known as", "Goods",
    "Award date", "Amount", "Confidence", "Remarks", "Source title", "Source link", "Published by",
]  # fmt: skip
# Facts taken from the starter dataset's cited sources (see ingest/starter/transfers.csv).
ROWS = [
    ["UG-2019-01", "Uganda Police Force", "Uganda", "Huawei Technologies Co., Ltd.", "PRC", "Huawei",
     "CCTV cameras; command centre", "2019", "$126 million", "press report", None,
     "Uganda's cash-strapped cops spend $126 million on CCTV from Huawei", "https://network-securitas.com/security-news/ugandas-cash-strapped-cops-spend-126-million-on-cctv-from-huawei", "Network Securitas"],
    ["CN-2017-PS", "Pishan County", "China", "Hangzhou Hikvision Digital Technology Company", "China", "Hikvision",
     "facial recognition; CCTV cameras", "2017", "$53 million", "press report", "Tender included a re-education centre.",
     "Evidence Of Hikvision's Involvement With Xinjiang IJOP And Re-Education Camps", "https://ipvm.com/reports/hikvision-xinjiang", "IPVM"],
    ["MY-2018-AUX", "Royal Malaysia Police Auxiliary Force", "Malaysia", "Shanghai Yitu Network Technology Co., Ltd.", "China", None,
     "facial recognition", "13/08/2018", None, "official record", None,
     "Malaysian Police integrate face recognition in body-worn cameras", "https://www.planetbiometrics.com/article-details/i/7035/", "Planet Biometrics"],
    ["ZW-2018", "Government of Zimbabwe", "Zimbabwe", "CloudWalk Technology", "China", None,
     "facial recognition", "circa 2018", None, "press report", None, None, None, None],
]  # fmt: skip


def workbook(path: Path, rows: list[list[object]], sheet: str = "Contracts") -> Path:
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["This workbook lists contracts on the next sheet."])
    contracts = book.create_sheet(sheet)
    contracts.append(HEADER)
    for row in rows:
        contracts.append(row)
    book.save(path)
    return path


def test_the_shipped_and_test_mappings_check_clean():
    assert check_mapping(PURCHASES) == []
    for builtin in (HERE.parent / "ingest" / "formats").glob("*.yaml"):
        assert check_mapping(builtin) == [], builtin


def test_mapping_check_names_line_and_problem(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "mapping: 1\n"
        "dataset: {title: T}\n"
        "entities:\n"
        "  vendor:\n"
        "    kind: Organisation\n"
        "  buyer:\n"
        "    kind: GovernmentBuyer\n"
        "    properties:\n"
        "      name: Agency\n"
        "      colour: Colour\n"
        "links:\n"
        "  - {from: buyer, rel: SUPPLIER_OF, to: nowhere}\n",
        encoding="utf-8",
    )
    problems = "\n".join(check_mapping(bad))
    assert "dataset.publisher` is required" in problems
    assert "line 5, entities.vendor.kind: unknown or unmappable kind 'Organisation'" in problems
    assert "line 10, entities.buyer.properties.colour: GovernmentBuyer has no property 'colour'" in problems
    assert "GovernmentBuyer needs `country`" in problems
    assert "SUPPLIER_OF from must be Organization, not GovernmentBuyer" in problems
    assert "'nowhere' is not an entity of this mapping" in problems


def test_mapping_that_is_not_yaml():
    with pytest.raises(MappingError, match="not valid YAML"):
        parse_mapping("mapping: [1,\n")


def test_unfamiliar_spreadsheet_imports_with_a_hand_written_mapping(tmp_path, starter):
    store = EmbeddedStore()
    store.add(starter.nodes(), starter.links(), validate=False)
    path = workbook(tmp_path / "register.xlsx", ROWS)
    report = run_import(store, path, MappingFormat(load_mapping(PURCHASES)), file_date="2024-06-01")
    assert report.rejected == []
    assert report.records == 4
    # Existing vendors are found under their registered names, not duplicated
    huawei = store.get("org:huawei")
    assert huawei is not None and "source:data-purchase-register.2024-06-01" in huawei.props["sources"]
    transfer = store.get("transfer:data-purchase-register-ug-2019-01")
    assert transfer is not None and transfer.props["value"] == "$126 million"
    supplier = next(store.in_links(transfer.id, "SUPPLIER_OF"))
    assert supplier.source == "org:huawei"
    assert supplier.props["status"] == "reported" and supplier.props["since"] == "2019"
    assert supplier.props["records"] == ["source:data-purchase-register#UG-2019-01"]
    items = {link.source for link in store.in_links(transfer.id, "ITEM_OF")}
    assert {store.get(i).props["category"] for i in items} == {"video_surveillance_camera", "safe_city_platform"}
    # dd/mm/yyyy, official record -> confirmed, and a circa date kept with a note
    yitu = next(store.in_links("transfer:data-purchase-register-my-2018-aux", "SUPPLIER_OF"))
    assert yitu.source == "org:yitu" and yitu.props["since"] == "2018-08-13" and yitu.props["status"] == "confirmed"
    zimbabwe = next(store.in_links("transfer:data-purchase-register-zw-2018", "SUPPLIER_OF"))
    assert zimbabwe.source == "org:cloudwalk" and "approximate" in zimbabwe.props["note"]
    # the row's own citation became a Source with its URL
    cited = [store.get(s) for s in supplier.props["sources"]]
    assert any(s.props.get("url", "").startswith("https://network-securitas.com/") for s in cited)
    # every link the import made validates against the schema
    for link in store.links():
        assert store.schema.validate_link(link, {n.id: n.kind for n in store.nodes()}) == [], link


def test_missing_required_column_rejects_the_file(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Contracts"
    sheet.append(["Contract ref", "Procuring entity", "Entity country"])
    sheet.append(["X-1", "Uganda Police Force", "Uganda"])
    path = tmp_path / "short.xlsx"
    book.save(path)
    with pytest.raises(FileRejected, match=r"short.xlsx: required column\(s\) 'Contractor'.*found: Contract ref"):
        run_import(EmbeddedStore(), path, MappingFormat(load_mapping(PURCHASES)), file_date="2024-06-01")


def test_wrong_sheet_name_lists_the_sheets(tmp_path):
    path = workbook(tmp_path / "register.xlsx", ROWS, sheet="Sheet9")
    with pytest.raises(FileRejected, match="no sheet named 'Contracts'; sheets: Notes, Sheet9"):
        run_import(EmbeddedStore(), path, MappingFormat(load_mapping(PURCHASES)))


# -- a header below a title: `read: header_row` and `skip_after_header` --------------------------------------

GOV_LIST = """
mapping: 1
dataset: {title: List of restricted end users, publisher: Ministry of Trade}
read: {header_row: 4, skip_after_header: 1}
record_id: No.
entities:
  party:
    kind: Organization
    properties: {name: Name of entity, country: Country}
  register:
    kind: List
    id: {constant: "list:restricted-end-users"}
    properties: {name: {constant: List of restricted end users}, authority: {constant: Ministry of Trade}}
links:
  - {from: party, rel: LISTED_ON, to: register}
provenance:
  since: {column: Date of listing, type: date, formats: ["%d.%m.%Y"]}
"""
GOV_TITLE = ["List of restricted end users (consolidated version)"]
GOV_NOTES = ["Dates are given as DD.MM.YYYY. Entries in force on the date of publication."]
GOV_HEADER = ["No.", "Name of entity", "Country", "Date of listing"]
GOV_UNITS = ["", "(as published)", "(ISO or name)", "(DD.MM.YYYY)"]
GOV_ROWS = [
    ["1", "Zala Aero Group", "Russia", "23.02.2022"],
    ["2", "Beijing Zhongdun Security Technology Development Co., Ltd.", "China", "not stated"],
    ["3", "Semptian Technologies Ltd.", "China", "15.07.2023"],
]


def _gov_mapping(sheet: str | int | None = None):
    text = GOV_LIST if sheet is None else GOV_LIST.replace("read: {", f"read: {{sheet: {sheet!r}, ")
    return MappingFormat(parse_mapping(text))


def test_a_csv_with_a_title_and_notes_above_the_header(tmp_path):
    import csv

    path = tmp_path / "restricted.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerows([GOV_TITLE, GOV_NOTES, [], GOV_HEADER, GOV_UNITS, *GOV_ROWS])
    store = EmbeddedStore()
    report = run_import(store, path, _gov_mapping(), file_date="2024-06-01")
    assert report.records == 3
    assert {n.name for n in store.nodes("Organization")} == {"Zala Aero Group", "Semptian Technologies Ltd."}
    # row numbers are the spreadsheet's: title 1, notes 2, blank 3, header 4, units 5, records from 6
    [rejected] = report.rejected
    assert (rejected.row, rejected.column) == (7, "Date of listing")
    assert "cannot read 'not stated' as a date" in rejected.reason
    semptian = next(n for n in store.nodes("Organization") if n.name.startswith("Semptian"))
    assert next(store.out_links(semptian.id, "LISTED_ON")).props["records"] == [
        "source:data-list-of-restricted-end-users#3"
    ]


def test_an_xlsx_with_a_read_me_sheet_and_a_title_row(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Read me"
    book.active.append(["About this list"])
    book.active.append(["The entries are on the sheet 'List'."])
    sheet = book.create_sheet("List")
    for row in [GOV_TITLE, GOV_NOTES, [], GOV_HEADER, GOV_UNITS, *GOV_ROWS]:
        sheet.append(row)
    path = tmp_path / "restricted.xlsx"
    book.save(path)
    for chosen in ("List", 1):  # by name, or by number counted from 0
        store = EmbeddedStore()
        report = run_import(store, path, _gov_mapping(chosen), file_date="2024-06-01")
        assert report.records == 3, chosen
        assert [(r.row, r.column) for r in report.rejected] == [(7, "Date of listing")]
        assert len(list(store.nodes("Organization"))) == 2
    # Without `header_row`, the title is taken for the header, and the message says what to do
    plain = parse_mapping(GOV_LIST.replace("read: {header_row: 4, skip_after_header: 1}", "read: {sheet: List}"))
    with pytest.raises(FileRejected, match=r"not in the file; found: .*List of restricted.* if the column names are "
                       r"on another row, say so with `read: header_row`"):  # fmt: skip
        run_import(EmbeddedStore(), path, MappingFormat(plain), file_date="2024-06-01")


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_header_row_past_the_end_or_on_an_empty_row_is_a_message(tmp_path, suffix):
    rows = [GOV_TITLE, [], GOV_HEADER, *GOV_ROWS]
    path = tmp_path / f"restricted.{suffix}"
    if suffix == "csv":
        import csv

        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    else:
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        book.save(path)
    empty_row = MappingFormat(parse_mapping(GOV_LIST.replace("header_row: 4", "header_row: 2")))
    with pytest.raises(FileRejected, match=r"row 2, where the header was expected, is empty; .*`read: header_row`"):
        run_import(EmbeddedStore(), path, empty_row, file_date="2024-06-01")
    too_far = MappingFormat(parse_mapping(GOV_LIST.replace("header_row: 4", "header_row: 40")))
    with pytest.raises(FileRejected, match=r"the header was expected on row 40 .* the file ends before it"):
        run_import(EmbeddedStore(), path, too_far, file_date="2024-06-01")


LISTING = """
mapping: 1
dataset: {title: %s, publisher: dualtrace test suite}
read: {format: csv}
record_id: ref
entities:
  party: {kind: Organization, properties: {name: name}}
  register:
    kind: List
    id: {constant: "list:watch"}
    properties: {name: {constant: Watch list}, authority: {constant: dualtrace test suite}}
links:
  - {from: party, rel: LISTED_ON, to: register}
provenance: {since: since, until: until}
"""


def test_since_and_until_combine_as_the_readme_says(tmp_path):
    """README, "Writing a mapping", "Dates on a link that several records state"."""
    store = EmbeddedStore()

    def listed(title: str, rows: str, date: str) -> tuple[str | None, str | None]:
        path = tmp_path / f"{title}-{date}.csv"
        path.write_text("ref,name,since,until\n" + rows, encoding="utf-8")
        run_import(store, path, MappingFormat(parse_mapping(LISTING % title)), file_date=date)
        [link] = store.links("LISTED_ON")
        return link.props.get("since"), link.props.get("until")

    # two rows of one file: the earliest since; the until of the first row that states one
    rows = "1,Acme Widgets Ltd,2020-05,2021\n2,Acme Widgets Ltd,2019,2022\n"
    assert listed("Owner", rows, "2024-01-01") == ("2019", "2021")
    # another dataset: since only moves earlier, until is never changed
    assert listed("Other", "9,Acme Widgets Ltd,2018,2023\n", "2024-02-01") == ("2018", "2021")
    # a newer version of the link's own dataset sets since, and without an until lifts it
    assert listed("Owner", "1,Acme Widgets Ltd,2020,\n", "2024-03-01") == ("2020", None)
    assert listed("Owner", "1,Acme Widgets Ltd,2020,2024-02\n", "2024-04-01") == ("2020", "2024-02")
