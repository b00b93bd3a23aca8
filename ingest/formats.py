"""The built-in import formats, by name: ``dualtrace import FILE --format NAME``.

Most are mappings shipped in ``ingest/formats/*.yaml`` (readable examples of the
mapping language); FollowTheMoney and the curated CSV folder need code.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from dualtrace.graph.errors import DualtraceError
from dualtrace.graph.store import EmbeddedStore
from dualtrace.ingest.ftm import FtmFormat
from dualtrace.ingest.importer import Format, MappingFormat
from dualtrace.ingest.mapping import load_mapping, parse_mapping
from dualtrace.ingest.staging import Entity, Rejected, Relation, Unit, record_digest

DESCRIPTIONS = {
    "sii": "Privacy International Surveillance Industry Index transfers (JSON array)",
    "ftm": "FollowTheMoney entities as OpenSanctions publishes them (JSON lines)",
    "ofac-sdn": "US Treasury OFAC SDN list, sdn.csv (headerless, cp1252, CRLF)",
    "us-fcc-covered": "FCC Covered List (OpenSanctions transcription, CSV)",
    "us-ndaa-889": "NDAA FY2019 section 889 companies (OpenSanctions transcription, CSV)",
    "us-bis-meu": "BIS Military End-User List (OpenSanctions transcription, CSV)",
    "us-dod-1260h": "DoD section 1260H Chinese military companies (OpenSanctions transcription, CSV)",
    "curated": "dualtrace's own curated CSV folder (the starter dataset's layout)",
}


def builtin_mapping_text(name: str) -> str | None:
    item = resources.files("dualtrace.ingest").joinpath("formats", f"{name}.yaml")
    return item.read_text(encoding="utf-8") if item.is_file() else None


def get_format(name: str, path: Path, store: EmbeddedStore) -> Format:
    """The built-in format called ``name``, ready to read ``path``."""
    if name == "ftm":
        return FtmFormat()
    if name == "curated":
        return CuratedFormat(path, store)
    text = builtin_mapping_text(name)
    if text is None:
        raise DualtraceError(f"Unknown format {name!r}; built-in formats: {', '.join(sorted(DESCRIPTIONS))}")
    return MappingFormat(parse_mapping(text, f"built-in format {name}", store.schema))


def mapping_format(path: Path, store: EmbeddedStore) -> Format:
    return MappingFormat(load_mapping(path, store.schema))


class CuratedFormat:
    """A folder laid out like ``ingest/starter/`` (any subset of its CSV files).
    Ids are given, links cite their own sources; rows that break the schema are
    rejected with file, row and column."""

    name = "curated"
    cross_record = True

    def __init__(self, folder: Path, store: EmbeddedStore):
        self.folder = folder
        self.store = store
        self.dataset: dict[str, Any] = {
            "id": f"source:dataset-curated-{folder.name.lower() or 'folder'}",
            "title": f"Curated dataset folder {folder.name}",
            "publisher": "dualtrace contributors",
            "kind": "dataset",
        }

    def units(self, path: Path, problems: list[Any], skipped: list[str]) -> Any:
        from dualtrace.ingest.starter import read_dataset, validate_dataset

        if not path.is_dir():
            raise DualtraceError(f"{path}: the curated format reads a folder of CSV files (sources.csv, links.csv ...)")
        data = read_dataset(path)
        known = {node.id: node.kind for node in self.store.nodes()}
        found = validate_dataset(data, self.store.schema, known)
        bad = {(p.where, p.row) for p in found}
        for problem in found:
            yield Rejected(problem.row or 0, problem.column, f"{problem.where}: {problem.message}", {})
        for node, where, row in data.nodes:
            if (where, row) not in bad:
                unit = Unit(row, f"{where}:{row}", entities=[Entity(node.id, node.kind, dict(node.props), node.id)])
                yield _keyed(unit, {"id": node.id, **node.props})
        for link, where, row in data.links:
            if (where, row) not in bad:
                unit = Unit(row, f"{where}:{row}", relations=[Relation(link.source, link.rel, link.target, link.props)])
                yield _keyed(unit, {"key": "|".join(link.key), **link.props})


def _keyed(unit: Unit, content: dict[str, Any]) -> Unit:
    """A curated row has no record id: it is known across versions by its content."""
    unit.digest = record_digest(content)
    unit.version_key = f"content:{unit.digest}"
    return unit
