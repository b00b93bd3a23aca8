"""`dualtrace import`, `imports`, `formats`, `mapping check` and `resolve` end to end,
including an import killed half-way."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from dualtrace.cli import main

HERE = Path(__file__).parent
SHARED = HERE / "data" / "shared"
LISTINGS = HERE / "data" / "mappings" / "listings.yaml"


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_import_with_a_builtin_format_then_list_imports(workspace):
    sample = SHARED / "ofac_sdn_sample" / "sdn_sample.csv"
    result = invoke("import", str(sample), "--format", "ofac-sdn", "--date", "2024-05-03")
    assert result.exit_code == 0, result.output
    assert "records read: 126; skipped by rule: 3; rejected: 0" in result.output
    result = invoke("import", str(sample), "--format", "ofac-sdn", "--date", "2024-05-03")
    assert "entities added: 0, updated: 0; links added: 0, updated: 0" in result.output
    listed = invoke("imports")
    assert listed.exit_code == 0
    assert listed.output.count("ofac-sdn") == 2 and "file date 2024-05-03" in listed.output


def test_rejected_rows_give_a_rejects_file_and_a_non_zero_exit(workspace, tmp_path):
    data = tmp_path / "listings.csv"
    data.write_text("ref,name,country,listed,remarks\n1,Good Ltd,Germany,2020,\n2,Bad Ltd,Atlantis,2020,\n")
    result = invoke("import", str(data), "--mapping", str(LISTINGS))
    assert result.exit_code == 2
    assert f"{data}, row 3, column 'country': unknown country 'Atlantis'" in result.output
    rejects = workspace.parent / "rejects" / "listings.csv.rejects.csv"
    rows = list(csv.DictReader(rejects.open(encoding="utf-8")))
    assert [(r["row"], r["column"]) for r in rows] == [("3", "country")]
    assert invoke("trace", "Good Ltd").exit_code in (0, 1)  # the valid row is in the workspace
    assert '"Good Ltd"' in workspace.read_text(encoding="utf-8")


def test_user_errors_are_messages_not_tracebacks(workspace, tmp_path):
    for args, message in [
        (["import", "nope.csv", "--format", "sii"], "nope.csv: no such file"),
        (["import", str(LISTINGS)], "Give exactly one of --mapping"),
        (["import", str(LISTINGS), "--format", "nonsense"], "Unknown format 'nonsense'"),
        (["import", str(LISTINGS), "--format", "sii", "--date", "soon"], "--date: cannot read 'soon'"),
        (["resolve", "split", "org:a", "org:b"], "No workspace"),
    ]:
        result = invoke(*args)
        assert result.exit_code == 1, (args, result.output)
        assert message in result.output and "Traceback" not in result.output


def test_mapping_check_command(tmp_path):
    assert invoke("mapping", "check", str(LISTINGS)).output.strip().endswith("OK")
    bad = tmp_path / "bad.yaml"
    bad.write_text("mapping: 1\ndataset: {title: T, publisher: P}\nentities:\n  x: {kind: Vendor}\n")
    result = invoke("mapping", "check", str(bad))
    assert result.exit_code == 1 and "line 4, entities.x.kind: unknown or unmappable kind 'Vendor'" in result.output


def test_formats_lists_every_builtin():
    output = invoke("formats").output
    for name in ("sii", "ftm", "ofac-sdn", "us-fcc-covered", "us-ndaa-889", "us-bis-meu", "us-dod-1260h", "curated"):
        assert name in output


def test_resolve_list_merge_split(workspace):
    dod = SHARED / "us_restricted_lists" / "dod_1260h_chinese_military_companies.csv"
    assert invoke("import", str(dod), "-f", "us-dod-1260h").exit_code == 0
    listed = invoke("resolve", "list").output
    assert "org:14th-research-institute-of-cetc" in listed and "Merges (0)" in listed
    keep, drop = "org:avic-xian-aircraft-industry-group-company-ltd", "org:xi-an-aircraft-industry-group-co-ltd"
    result = invoke("resolve", "merge", keep, drop, "--note", "renamed")
    assert result.exit_code == 0, result.output
    decisions = (workspace.parent / "workspace.decisions.csv").read_text(encoding="utf-8")
    assert f"{keep},{drop},same,renamed" in decisions
    assert f"{drop} -> {keep}" in invoke("resolve", "list").output
    # a later import of the same file keeps them one
    assert invoke("import", str(dod), "-f", "us-dod-1260h").exit_code == 0
    assert f'"{drop}"' not in workspace.read_text(encoding="utf-8").split('"meta"')[0]
    assert invoke("resolve", "split", keep, drop).exit_code == 0
    assert f"{keep},{drop},not_same" in (workspace.parent / "workspace.decisions.csv").read_text(encoding="utf-8")
    assert "Merges (0)" in invoke("resolve", "list").output


def big_transfers_csv(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ref", "name", "country", "listed", "remarks"])
        for i in range(rows):
            writer.writerow([i, f"Company {i % 5000} Ltd", "Germany", "2020", ""])
    return path


def test_an_import_killed_half_way_leaves_the_workspace_exactly_as_it_was(workspace, tmp_path):
    sample = SHARED / "us_restricted_lists" / "ndaa_section_889.csv"
    assert invoke("import", str(sample), "-f", "us-ndaa-889").exit_code == 0
    before = workspace.read_bytes()
    review = workspace.with_name("workspace.review.csv")
    review_before = review.read_bytes() if review.exists() else None
    data = big_transfers_csv(tmp_path / "big.csv", 400_000)
    env = {**os.environ, "DUALTRACE_WORKSPACE": str(workspace)}
    process = subprocess.Popen(
        [sys.executable, "-m", "dualtrace.cli", "import", str(data), "--mapping", str(LISTINGS)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(2.0)
    assert process.poll() is None, "the import finished before it could be killed; make the file bigger"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert workspace.read_bytes() == before
    assert not [p for p in workspace.parent.iterdir() if p.name.endswith(".tmp")]
    # the review file still speaks only of entities that landed
    assert (review.read_bytes() if review.exists() else None) == review_before


def test_progress_bar_only_when_asked_or_on_a_terminal(tmp_path, capsys, monkeypatch):
    from dualtrace.graph.store import EmbeddedStore
    from dualtrace.ingest import importer
    from dualtrace.ingest.mapping import load_mapping

    data = big_transfers_csv(tmp_path / "medium.csv", 2_000)
    mapping = importer.MappingFormat(load_mapping(LISTINGS))
    importer.run_import(EmbeddedStore(), data, mapping, progress=True)  # under a second: quiet
    assert "Importing" not in capsys.readouterr().err
    monkeypatch.setattr(importer, "PROGRESS_DELAY", 0.0)  # as if the import took long
    importer.run_import(EmbeddedStore(), data, mapping, progress=None)  # pytest's stderr is not a terminal
    assert "Importing" not in capsys.readouterr().err
    importer.run_import(EmbeddedStore(), data, mapping, progress=True)
    assert "Importing medium.csv" in capsys.readouterr().err


def test_an_unwritable_rejects_file_is_a_message_and_the_workspace_is_untouched(workspace, tmp_path):
    data = tmp_path / "listings.csv"
    data.write_text("ref,name,country,listed,remarks\n1,Good Ltd,Atlantis,2020,\n")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    result = invoke("import", str(data), "--mapping", str(LISTINGS), "--rejects", str(blocker / "r.csv"))
    assert result.exit_code == 1 and "not-a-folder: File exists" in result.output and "Traceback" not in result.output
    assert not workspace.exists()


def _start_import(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "dualtrace.cli", "import", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_lock_holder(workspace: Path, process: subprocess.Popen) -> None:
    holder = workspace.with_name(workspace.name + ".lock.holder")
    deadline = time.monotonic() + 30
    while not holder.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the first import never took the lock"
        time.sleep(0.02)


def test_two_imports_started_together_both_land(workspace):
    """Two real processes import different files into one workspace at once: the
    second waits for the first (saying who holds the lock), and both are there after."""
    env = {**os.environ, "DUALTRACE_WORKSPACE": str(workspace)}
    big = _start_import(env, str(SHARED / "ofac_sdn_full" / "sdn.csv"), "--format", "ofac-sdn", "--date", "2024-05-02")
    _wait_for_lock_holder(workspace, big)
    small = _start_import(env, str(SHARED / "us_restricted_lists" / "bis_military_end_user_list.csv"),
                          "--format", "us-bis-meu", "--date", "2024-05-03")  # fmt: skip
    _, small_err = small.communicate(timeout=120)
    _, big_err = big.communicate(timeout=120)
    assert big.returncode == 0, big_err
    assert small.returncode == 0, small_err
    assert "Waiting for process" in small_err and "dualtrace import" in small_err
    log = json.loads(workspace.read_text(encoding="utf-8"))["meta"]["imports"]
    assert [entry["format"] for entry in log] == ["ofac-sdn", "us-bis-meu"]
    text = workspace.read_text(encoding="utf-8")
    assert '"INTELLEXA S.A."' in text and '"Directorate of Military Intelligence"' in text


def test_a_writer_with_no_wait_is_refused_while_another_writes(workspace):
    env = {**os.environ, "DUALTRACE_WORKSPACE": str(workspace)}
    big = _start_import(env, str(SHARED / "ofac_sdn_full" / "sdn.csv"), "--format", "ofac-sdn", "--date", "2024-05-02")
    _wait_for_lock_holder(workspace, big)
    small = _start_import(env, str(SHARED / "us_restricted_lists" / "bis_military_end_user_list.csv"),
                          "--format", "us-bis-meu", "--no-wait")  # fmt: skip
    _, small_err = small.communicate(timeout=60)
    big.communicate(timeout=120)
    assert small.returncode == 1 and "is being written by process" in small_err and "nothing was done" in small_err
    log = json.loads(workspace.read_text(encoding="utf-8"))["meta"]["imports"]
    assert [entry["format"] for entry in log] == ["ofac-sdn"]  # the refused import left no trace


REGISTER = """
mapping: 1
dataset: {title: %s, publisher: dualtrace test suite}
read: {format: csv}
record_id: ref
entities:
  organization:
    kind: Organization
    properties: {name: name, country: country, aliases: {column: aliases, split: "|"}}
"""


def _register(tmp_path: Path, title: str, rows: str) -> tuple[Path, Path]:
    """A small register (its own dataset) and its mapping."""
    stem = title.lower().replace(" ", "-")
    mapping = tmp_path / f"{stem}.yaml"
    mapping.write_text(REGISTER % title, encoding="utf-8")
    data = tmp_path / f"{stem}.csv"
    data.write_text("ref,name,country,aliases\n" + rows, encoding="utf-8")
    return data, mapping


def _review(workspace: Path) -> list[dict[str, str]]:
    review = workspace.with_name("workspace.review.csv")
    return list(csv.DictReader(review.open(encoding="utf-8"))) if review.exists() else []


MSU = "Lomonosov Moscow State University"


def test_a_failed_import_writes_no_review_file(workspace, tmp_path, monkeypatch):
    """The review file names entities of the workspace: an import that does not land
    (here the workspace cannot be saved) must not write one about its entities."""
    from dualtrace.graph.store import EmbeddedStore

    universities = _register(tmp_path, "Universities", f"U1,{MSU},Russia,\n")
    partners = _register(tmp_path, "Partners", f"P7,Moscow State University,Russia,{MSU}|MSU\n")
    assert invoke("import", str(universities[0]), "-m", str(universities[1]), "--date", "2024-01-01").exit_code == 0
    review = workspace.with_name("workspace.review.csv")
    assert not review.exists()
    before = workspace.read_bytes()

    def refuse(self, path=None):
        raise OSError(28, "No space left on device", str(path or self.path))

    with monkeypatch.context() as patched:
        patched.setattr(EmbeddedStore, "save", refuse)
        result = invoke("import", str(partners[0]), "-m", str(partners[1]), "--date", "2024-02-01")
    assert result.exit_code == 1 and "No space left on device" in result.output and "Traceback" not in result.output
    assert not review.exists() and workspace.read_bytes() == before
    # the same import, landing, writes the pair
    result = invoke("import", str(partners[0]), "-m", str(partners[1]), "--date", "2024-02-01")
    assert result.exit_code == 0, result.output
    assert [row["right_name"] for row in _review(workspace)] == ["Moscow State University"]


def test_an_alias_equal_to_another_entity_s_name_is_a_pair_to_review(workspace, tmp_path):
    """One register names Lomonosov Moscow State University; another names Moscow State
    University with that alias. Never joined (an alias is not enough), always proposed."""
    universities = _register(tmp_path, "Universities", f"U1,{MSU},Russia,\n")
    partners = _register(tmp_path, "Partners", f"P7,Moscow State University,Russia,{MSU}|MSU\n")
    for data, mapping in (universities, partners):
        assert invoke("import", str(data), "-m", str(mapping), "--date", "2024-01-01").exit_code == 0
    [pair] = _review(workspace)
    assert (pair["left_name"], pair["right_name"]) == (MSU, "Moscow State University")
    assert pair["score"] == "95.0" and pair["reason"].startswith("the name of one is an alias of the other")
    assert "org:lomonosov-moscow-state-university" in workspace.read_text(encoding="utf-8")  # two entities
    assert "org:moscow-state-university" in workspace.read_text(encoding="utf-8")


def test_an_alias_gained_by_an_existing_entity_is_a_pair_to_review(workspace, tmp_path):
    """The alias arrives on an entity the workspace already holds (a third register names
    Moscow State University again, now with the alias): the pair is proposed all the same."""
    universities = _register(tmp_path, "Universities", f"U1,{MSU},Russia,\n")
    partners = _register(tmp_path, "Partners", "P7,Moscow State University,Russia,\n")
    grants = _register(tmp_path, "Grants", f"G3,Moscow State University,Russia,{MSU}\n")
    for data, mapping in (universities, partners):
        assert invoke("import", str(data), "-m", str(mapping), "--date", "2024-01-01").exit_code == 0
    assert _review(workspace) == []
    result = invoke("import", str(grants[0]), "-m", str(grants[1]), "--date", "2024-01-01")
    assert result.exit_code == 0 and "entities added: 1, updated: 1" in result.output, result.output
    [pair] = _review(workspace)
    assert (pair["left_name"], pair["right_name"]) == (MSU, "Moscow State University")
    assert pair["reason"].startswith("the name of one is an alias of the other")


def test_an_interrupted_save_is_cleaned_up_and_reported_by_the_next_command(workspace):
    assert (
        invoke("import", str(SHARED / "us_restricted_lists" / "ndaa_section_889.csv"), "-f", "us-ndaa-889").exit_code
        == 0
    )
    leftover = workspace.with_name(".workspace.json.x1y2z3w4.tmp")
    leftover.write_text('{"format": "dualtrace-wor', encoding="utf-8")  # a save killed half-way
    result = invoke("imports")
    assert result.exit_code == 0 and not leftover.exists()
    assert f"Removed what an interrupted save left beside {workspace}: .workspace.json.x1y2z3w4.tmp" in result.output
