"""FollowTheMoney entity streams, as OpenSanctions publishes them (JSON lines).

Each line is an entity: ``{"id", "schema", "properties": {name: [values]}}``.
Things (Company, Organization, LegalEntity, PublicBody, Person) become
entities; interval schemata (Ownership, Directorship, Sanction) become links
between them, pointing by FtM id. Because a relation may come before the
entities it names, relations are held back until every entity has been read.
Other schemata (Address, Family, Passport, ...) are counted as skipped, not
dropped silently. A relation whose end is missing from the file (a partial
export) is rejected with that reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dualtrace.graph.errors import RecordProblem
from dualtrace.graph.model import slugify
from dualtrace.graph.names import country_code, country_name
from dualtrace.ingest.fingerprint import Expect
from dualtrace.ingest.mapping import CONTROL_RE
from dualtrace.ingest.readers import ReadOptions, Record, read_records
from dualtrace.ingest.staging import Entity, Rejected, Relation, Unit, record_digest
from dualtrace.ingest.values import ValueProblem, parse_date

THING_KINDS = {
    "Company": "Organization",
    "Organization": "Organization",
    "LegalEntity": "Organization",
    "PublicBody": "GovernmentBuyer",
    "Person": "Person",
}
RELATION_SCHEMATA = ("Ownership", "Directorship", "Sanction")
NAME_PROPS = ("name", "alias", "weakAlias", "previousName")
EXPECT = Expect(keys=("id", "schema", "properties"), values=(("schema", r"^[A-Z][A-Za-z]+$"),))
COUNTRY_PROPS = ("country", "jurisdiction", "mainCountry", "nationality", "citizenship")


def _first(props: dict[str, list[Any]], *names: str) -> Any:
    for name in names:
        for value in props.get(name) or []:
            if value not in (None, ""):
                return value
    return None


def _date(value: Any) -> str | None:
    if not value:
        return None
    try:
        return parse_date(str(value)).start
    except ValueProblem:
        return None


class FtmFormat:
    """The built-in ``ftm`` format (see module docstring)."""

    name = "ftm"
    cross_record = True
    dataset: dict[str, Any] = {  # noqa: RUF012 - read-only description
        "id": "source:dataset-opensanctions-ftm",
        "title": "OpenSanctions entities in FollowTheMoney form (imported file)",
        "publisher": "OpenSanctions",
        "kind": "dataset",
        "url": "https://www.opensanctions.org/",
    }

    def units(self, path: Path, problems: list[RecordProblem], skipped: list[str]) -> Iterator[Unit | Rejected]:
        from dualtrace.ingest.importer import checked

        relations: list[Record] = []
        records = checked(path, self.name, EXPECT, read_records(path, ReadOptions(format="jsonl"), problems))
        for record in records:
            schema = record.values.get("schema")
            if schema in THING_KINDS:
                yield _versioned(self._thing(record), record)
            elif schema in RELATION_SCHEMATA:
                relations.append(record)
            else:
                skipped.append(f"schema {schema}")
        for record in relations:
            yield _versioned(self._relation(record), record)

    def _thing(self, record: Record) -> Unit | Rejected:
        data = record.values
        props: dict[str, list[Any]] = data.get("properties") or {}
        names: list[str] = []
        for prop in NAME_PROPS:
            names += [str(n).strip() for n in props.get(prop) or [] if str(n).strip()]
        name = str(data.get("caption") or "").strip() or (names[0] if names else "")
        if not name or not data.get("id"):
            return Rejected(record.number, "properties.name", "an entity needs an id and a name", data)
        if any(CONTROL_RE.search(n) for n in [name, *names]):
            return Rejected(record.number, "properties.name", "a name holds control characters: not text", data)
        kind = THING_KINDS[data["schema"]]
        countries = [country_code(str(c)) for prop in COUNTRY_PROPS for c in props.get(prop) or []]
        country = next((c for c in countries if c), None)
        if kind == "GovernmentBuyer" and country is None:
            kind = "Organization"  # a public body with no country cannot be placed; keep it as an organization
        entity_props: dict[str, Any] = {"name": name[:500], "identifiers": [f"ftm:{data['id']}"]}
        aliases = list(dict.fromkeys(n[:500] for n in names if n != name))[:50]
        if aliases:
            entity_props["aliases"] = aliases
        if country:
            entity_props["country"] = country
        unit = Unit(row=record.number, record_id=str(data["id"]))
        unit.entities.append(Entity(str(data["id"]), kind, entity_props))
        if country and kind in ("Organization", "GovernmentBuyer"):
            key = f"country:{country}"
            unit.entities.append(Entity(key, "Country", {"name": country_name(country), "iso2": country}, key))
            unit.relations.append(Relation(str(data["id"]), "LOCATED_IN", key, {"status": "reported"}))
        return unit

    def _relation(self, record: Record) -> Unit | Rejected:
        data = record.values
        props: dict[str, list[Any]] = data.get("properties") or {}
        schema = data["schema"]
        unit = Unit(row=record.number, record_id=str(data.get("id") or f"line-{record.number}"))
        link: dict[str, Any] = {"status": "confirmed" if schema == "Sanction" else "reported"}
        since, until = _date(_first(props, "startDate", "listingDate")), _date(_first(props, "endDate"))
        if since:
            link["since"] = since
        if until:
            link["until"] = until
        if schema == "Ownership":
            ends = (_first(props, "owner"), _first(props, "asset"))
            share = _first(props, "percentage")
            if share:
                link["percentage"] = str(share)
            rel = "OWNER_OF"
        elif schema == "Directorship":
            ends = (_first(props, "director"), _first(props, "organization"))
            role = _first(props, "role")
            if role:
                link["role"] = str(role)[:200]
            rel = "DIRECTOR_OF"
        else:
            ends = (_first(props, "entity"), self._sanction_list(props, unit))
            rel = "LISTED_ON"
            reason = _first(props, "reason", "summary")
            note = "; ".join(str(x) for x in (_first(props, "program"), reason) if x)
            if note:
                link["note"] = note[:2000]
            url = _first(props, "sourceUrl")
            if url and str(url).startswith(("http://", "https://")):
                title = (
                    f"{_first(props, 'authority') or 'Sanctions authority'}: {_first(props, 'program') or 'listing'}"
                )
                ident = f"source:dataset-opensanctions-ftm-{slugify(str(url))[:80]}"
                unit.citations.append(
                    Entity(
                        f"{record.number}.citation",
                        "Source",
                        {
                            "title": title[:500],
                            "publisher": str(_first(props, "authority") or "not stated"),
                            "url": str(url),
                            "kind": "government_record",
                        },
                        ident,
                    )
                )
        source, target = ends
        if not source or not target:
            return Rejected(
                record.number, "properties", f"{schema} without both ends (got {source!r}, {target!r})", data
            )
        unit.relations.append(Relation(str(source), rel, str(target), link))
        return unit

    @staticmethod
    def _sanction_list(props: dict[str, list[Any]], unit: Unit) -> str:
        """The List a sanction belongs to: one per programme (or authority), created as needed."""
        program = _first(props, "programId", "program")
        authority = str(_first(props, "authority") or "not stated")
        label = str(_first(props, "program") or program or authority)
        code = country_code(str(_first(props, "country") or ""))
        list_id = f"list:ftm-{slugify(str(program or authority))[:80]}"
        list_props: dict[str, Any] = {"name": label[:300], "authority": authority[:300], "kind": "sanctions"}
        if code:
            list_props["jurisdiction"] = code
        unit.entities.append(Entity(list_id, "List", list_props, list_id))
        return list_id


def _versioned(item: Unit | Rejected, record: Record) -> Unit | Rejected:
    """Identify the record across versions of the export by its FtM id."""
    key = str(record.values.get("id") or "") or None
    if isinstance(item, Unit):
        item.version_key = key
        item.digest = record_digest(record.values)
    else:
        item.version_key = key
    return item
