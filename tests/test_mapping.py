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
