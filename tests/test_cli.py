"""The dualtrace command end to end, through click's runner and a real subprocess."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from dualtrace.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.fixture
def run(workspace):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture
def loaded(run):
    assert run("load").exit_code == 0
    return run


def test_demo_builds_workspace_prints_citations_and_writes_map(run, workspace, tmp_path):
    result = run("demo", "--map", str(tmp_path / "demo.html"))
    assert result.exit_code == 0, result.output
    assert workspace.exists()
    assert "Government of Zimbabwe (ZW)" in result.output
    assert re.search(r"\[\d+\] \"Zimbabwe govt selects CloudWalk", result.output)
    assert (tmp_path / "demo.html").stat().st_size > 400_000
    assert "needs no network" in result.output


def test_trace_category_lists_end_users_with_a_citation_per_hop(loaded):
    result = loaded("trace", "--category", "facial_recognition")
    assert result.exit_code == 0
    text = " ".join(result.output.split())  # undo line wrapping
    hops = re.findall(r"--[A-Z_]+(?: \w+)? (\[[\d,]+\])-->", text)
    arrows = text.count("-->")
    assert arrows >= 8 * 3 and len(hops) == arrows  # every hop carries citation marks
    assert "Sources:" in result.output


def test_trace_csv_and_json_are_machine_readable(loaded):
    rows = list(csv.DictReader(io.StringIO(loaded("trace", "hikvision", "--format", "csv").output)))
    assert "buyer:xuar-psb" in {r["end_user"] for r in rows}
    assert all(r["sources"] for r in rows)
    records = json.loads(loaded("reach", "ZW", "--format", "json").output)
    assert "org:cloudwalk" in {r["entity"] for r in records}
    assert all(h["sources"] for r in records for h in r["hop_details"])


def test_misspelt_name_gets_suggestions_not_a_traceback(loaded):
    result = CliRunner().invoke(main, ["trace", "hikvison"])
    assert result.exit_code == 1
    assert "Did you mean" in result.output and "org:hikvision" in result.output
    assert "Traceback" not in result.output


def test_missing_workspace_is_explained(run):
    result = CliRunner().invoke(main, ["dossier", "dahua"])
    assert result.exit_code == 1 and "dualtrace load" in result.output


def test_dossier_and_map_commands(loaded, tmp_path):
    text = loaded("dossier", "megvii").output
    assert "Chinese military companies (section 1260H list): since 2024-01-31 until 2025-01-07" in text
    assert json.loads(loaded("dossier", "megvii", "--format", "json").output)["vendor"] == "org:megvii"
    out = tmp_path / "huawei.html"
    assert loaded("map", "--trace", "huawei", "-o", str(out)).exit_code == 0
    assert "National Police Service (Kenya)" in out.read_text(encoding="utf-8")


def test_output_option_writes_a_file(loaded, tmp_path):
    out = tmp_path / "zw.csv"
    assert loaded("reach", "ZW", "--format", "csv", "-o", str(out)).exit_code == 0
    assert "org:cloudwalk" in out.read_text(encoding="utf-8")


def test_every_command_has_help_and_is_documented_in_readme():
    readme = README.read_text(encoding="utf-8")
    for name, command in main.commands.items():
        assert CliRunner().invoke(main, [name, "--help"]).exit_code == 0
        assert f"dualtrace {name}" in readme, f"`dualtrace {name}` is not documented in README.md"
        assert command.help, name
    assert isinstance(main, click.Group)


def test_console_script_runs_as_a_real_process(workspace):
    result = subprocess.run(
        [sys.executable, "-m", "dualtrace.cli", "load"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "Loaded 1083 nodes" in result.stdout
