"""Documentation generated from the schema, so that it cannot drift from it.

``python -m dualtrace.docs`` prints the table of the properties each entity kind
and each link takes (README, "Writing a mapping"), read from ``graph/schema.yaml``;
``python -m dualtrace.docs --write README.md`` puts it in place between its
markers, and the tests fail when the README's copy differs from what the schema
gives.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dualtrace.graph.schema import PropertySpec, Schema, load_schema

BEGIN = "<!-- properties table: generated from graph/schema.yaml by `python -m dualtrace.docs --write README.md` -->"
END = "<!-- end of the generated properties table -->"
# Provenance every import fills in itself; a mapping gives the others.
SET_BY_IMPORT = ("sources", "records", "first_seen", "last_seen", "origin")
TYPES = {
    "string": "text",
    "text": "text",
    "list": "list",
    "date": "date",
    "year": "year",
    "number": "number",
    "country": "country",
    "enum": "one of",
    "url": "URL",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def _row(owner: str, spec: PropertySpec) -> str:
    values = ", ".join(f"`{v}`" for v in spec.values)
    meaning = "; ".join(part for part in (values, _cell(spec.doc)) if part)
    required = "yes" if spec.required else ""
    return f"| {owner} | `{spec.name}` | {TYPES.get(spec.type, spec.type)} | {required} | {meaning} |"


def properties_table(schema: Schema | None = None) -> str:
    """The Markdown table of every entity kind's and link's properties, with its markers."""
    schema = schema or load_schema()
    lines = [
        BEGIN,
        "| entity or link | property | type | required | values; meaning |",
        "|---|---|---|---|---|",
    ]
    for kind in schema.nodes.values():
        owner = f"{kind.name} (`{kind.prefix}:`)"
        if kind.name == "Source":
            owner = "Source (`source:`), in `dataset:` and `citation:`"
        for spec in kind.properties.values():
            lines.append(_row(owner, spec))
            owner = ""
    owner = "every entity"
    for spec in schema.node_common.values():
        if spec.name not in SET_BY_IMPORT:
            lines.append(_row(owner, spec))
            owner = ""
    owner = "every link (`provenance:`)"
    for spec in schema.provenance.values():
        if spec.name not in SET_BY_IMPORT:
            lines.append(_row(owner, spec))
            owner = ""
    for rel in schema.relationships.values():
        owner = f"{rel.name} link"
        for spec in rel.properties.values():
            lines.append(_row(owner, spec))
            owner = ""
    lines += [
        "",
        "Every import sets " + ", ".join(f"`{name}`" for name in SET_BY_IMPORT) + " itself, on entities and links.",
        END,
    ]
    return "\n".join(lines)


def replace_table(text: str, table: str) -> str:
    """``text`` (the README) with the generated table between its markers replaced by ``table``."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"the markers of the generated table are missing:\n{BEGIN}\n...\n{END}")
    return text[:start] + table + text[end + len(END) :]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print(properties_table())
        return 0
    if len(args) == 2 and args[0] == "--write":
        path = Path(args[1])
        path.write_text(replace_table(path.read_text(encoding="utf-8"), properties_table()), encoding="utf-8")
        print(f"{path}: properties table written")
        return 0
    print("usage: python -m dualtrace.docs [--write README.md]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
