"""docker-compose.yml publishes Neo4j's ports on the loopback interface only: a team
opens them deliberately (see the comment in the file and README, "Neo4j for teams")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

COMPOSE = Path(__file__).parent.parent / "docker-compose.yml"


def _published(port: Any) -> tuple[str | None, str]:
    """(host address or None, the port as written) of a short ("127.0.0.1:7687:7687")
    or long ({host_ip, published, target}) port entry."""
    if isinstance(port, dict):
        return port.get("host_ip"), str(port)
    parts = str(port).rsplit(":", 2)  # [host_ip:]published:target; a bare target publishes on every interface
    return (parts[0] if len(parts) == 3 else None), str(port)


def test_every_published_port_is_bound_to_loopback():
    compose = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    ports = [port for service in compose["services"].values() for port in service.get("ports", [])]
    assert ports, "the compose file publishes no port: is Neo4j still reachable by dualtrace?"
    for host, written in map(_published, ports):
        assert host == "127.0.0.1", f"{written} is published on every interface of the host"


def test_the_compose_file_says_how_to_open_the_ports():
    text = COMPOSE.read_text(encoding="utf-8")
    assert "0.0.0.0" in text and "team" in text
