"""Start-up: `import dualtrace.cli` loads none of the heavy libraries, so `dualtrace --help`
and commands that need little start quickly (the times are measured in benchmarks/)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "networkx", "neo4j", "pyvis", "grandcypher", "rapidfuzz")


def test_importing_the_cli_loads_no_heavy_library():
    code = f"import sys, dualtrace.cli; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "", f"importing dualtrace.cli loaded {loaded}"


def test_the_help_of_every_command_loads_no_heavy_library():
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom dualtrace.cli import main\n"
        "names = list(main.commands)\n"
        "for name in names:\n    assert CliRunner().invoke(main, [name, '--help']).exit_code == 0, name\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "", f"--help of a command loaded {loaded}"


def test_the_startup_benchmark_runs():
    from benchmarks.bench_startup import measure

    result = measure(runs=1)
    assert result["dualtrace --help"]["median_s"] > 0 and result["python -c pass"]["vs_python"] == 1.0
