"""Vendor and country reports: every row footnoted, every footnote listed, data escaped.

The Markdown of two reports on the starter dataset is kept as a snapshot in
tests/snapshots/. When the starter dataset changes on purpose, regenerate them with
``DUALTRACE_UPDATE_SNAPSHOTS=1 make test`` and review the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from dualtrace.cli import main
from dualtrace.graph.errors import NotFound
from dualtrace.graph.model import Link, Node
from dualtrace.graph.store import EmbeddedStore
from dualtrace.render.report import country_report, vendor_report

SNAPSHOTS = Path(__file__).parent / "snapshots"


def check_snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("DUALTRACE_UPDATE_SNAPSHOTS"):
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, f"{name} changed; see this module's docstring"


def footnotes_resolve(markdown: str) -> None:
    body, sources = markdown.split("## Sources", 1)
    listed = {int(n) for n in re.findall(r"^(\d+)\. ", sources, flags=re.M)}
    used = {int(n) for n in re.findall(r"\[(\d+)\]", body)}
    assert used and used == listed == set(range(1, len(listed) + 1))
    for line in body.splitlines():
        if line.startswith("| ") and not line.startswith("| ---") and "sources |" not in line:
            assert re.search(r"\[\d+\] \|$", line), f"row without a footnote: {line}"


def test_vendor_report(starter):
    report = vendor_report(starter, "hikvision")
    markdown = report.markdown(starter)
    footnotes_resolve(markdown)
    assert (
        "| Pishan County facial recognition project | supplier | Pishan County authorities, Xinjiang | CN | 2017 |"
        in markdown
    )
    assert "| Entity List | 2019-10-09 | confirmed |" in markdown
    check_snapshot("report-hikvision.md", markdown)


def test_country_report(starter):
    markdown = country_report(starter, "Zimbabwe").markdown(starter)
    footnotes_resolve(markdown)
    # the deal, its buyer, and CloudWalk named as the deal's supplier
    assert (
        "| CloudWalk mass facial recognition project for Zimbabwe | Government of Zimbabwe | "
        "CloudWalk Technology Co., Ltd. | supplier |"
    ) in markdown
    check_snapshot("report-zw.md", markdown)
    with pytest.raises(NotFound):
        country_report(starter, "Atlantis")


def test_reports_escape_names_and_load_nothing(starter):
    store = EmbeddedStore()
    store.add(starter.nodes(), starter.links(), validate=False)
    evil = "<img src=x onerror=alert(1)> | Vendor"
    store.add(
        [Node("org:evil", "Organization", {"name": evil, "country": "ZW"}),
         Node("product:evil", "Product", {"name": "<script>alert(2)</script>", "category": "other"})],
        [Link("org:evil", "MAKES", "product:evil", {"sources": ["source:seed-lawfare-2018"], "status": "reported"})],
        validate=False,
    )  # fmt: skip
    report = vendor_report(store, "org:evil")
    page = report.html(store)
    assert "<img src=x" not in page and "<script>alert" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert not re.search(r"""(src|href)=["']?https?:""", page) and "<script" not in page
    markdown = report.markdown(store)
    assert "<img" not in markdown and "\\| Vendor" in markdown


def test_report_commands(workspace, tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["load"]).exit_code == 0
    result = runner.invoke(main, ["report", "vendor", "dahua", "-o", str(tmp_path / "dahua")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "dahua.md").read_text(encoding="utf-8").startswith("# Vendor report: Zhejiang Dahua")
    assert "<h1>Vendor report: Zhejiang Dahua" in (tmp_path / "dahua.html").read_text(encoding="utf-8")
    result = runner.invoke(main, ["report", "country", "PRC", "-o", str(tmp_path / "cn")])
    assert result.exit_code == 0 and (tmp_path / "cn.html").exists()
    result = runner.invoke(main, ["report", "vendor", "hikvison"])
    assert result.exit_code == 1 and "Did you mean" in result.output
