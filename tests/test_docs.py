"""The README says what a newcomer would otherwise guess, and stays true: the table of
properties is the schema's, the sections the CLI's help points to exist, every link
inside the README lands on a heading, and every option of the mapping language is
documented."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import click

from dualtrace.cli import main
from dualtrace.docs import BEGIN, END, properties_table, replace_table
from dualtrace.graph.schema import load_schema, parse_schema
from dualtrace.ingest import mapping as language

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
HEADINGS = [line.lstrip("#").strip() for line in README.splitlines() if re.match(r"#{1,6} ", line)]
# `README, 'Writing a mapping'`, `README: "Writing a mapping"`, `README, "Adding facts"` ...
SECTION_REF = re.compile(r"README(?:\.md)?(?:, section|,|:)?\s+['\"]([^'\"]+)['\"]")


def _readme_table() -> str:
    return README[README.index(BEGIN) : README.index(END) + len(END)]


def test_the_readme_properties_table_is_the_one_the_schema_generates():
    assert _readme_table() == properties_table(), (
        "README.md's properties table differs from graph/schema.yaml: run `python -m dualtrace.docs --write README.md`"
    )


def test_the_table_follows_the_schema():
    schema = load_schema()
    table = properties_table(schema)
    for kind in schema.nodes.values():
        assert f"| {kind.name} (`{kind.prefix}:`)" in table or kind.name == "Source"
        for name in kind.properties:
            assert f"`{name}`" in table
    assert "`export_control`, `sanctions`" in table  # a List's kinds, with their values
    # a change to the schema changes the table, so the README check above catches drift
    text = resources.files("dualtrace.graph").joinpath("schema.yaml").read_text(encoding="utf-8")
    changed = parse_schema(text.replace("telecom_ban, designation]", "telecom_ban, designation, embargo]"))
    assert properties_table(changed) != properties_table(schema)
    assert "`embargo`" in replace_table(README, properties_table(changed))


def _help_texts(command: click.Command, path: tuple[str, ...] = ()) -> dict[str, str]:
    with click.Context(command, info_name=" ".join(("dualtrace", *path))) as ctx:
        texts = {" ".join(path) or "dualtrace": command.get_help(ctx)}
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            texts.update(_help_texts(sub, (*path, name)))
    return texts


def test_the_sections_the_help_and_the_code_point_to_exist():
    texts = {where: " ".join(text.split()) for where, text in _help_texts(main).items()}
    assert "README.md, section 'Writing a mapping'" in texts["import"]  # `dualtrace import --help` points to it
    for folder in ("dualtrace", "graph", "ingest", "queries"):
        for path in (ROOT / folder).rglob("*.py"):
            texts[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    found = {(where, title) for where, text in texts.items() for title in SECTION_REF.findall(" ".join(text.split()))}
    assert ("import", "Writing a mapping") in found
    missing = sorted((where, title) for where, title in found if title not in HEADINGS)
    assert missing == [], f"README has no section titled: {missing}"


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def test_every_link_inside_the_readme_lands_on_a_heading():
    anchors = {_slug(h) for h in HEADINGS}
    links = set(re.findall(r"\]\(#([^)]+)\)", README))
    assert links and sorted(links - anchors) == []
    for path, anchor in re.findall(r"\]\(([\w/]+README\.md)#([^)]+)\)", README):
        other = (ROOT / path).read_text(encoding="utf-8")
        assert anchor in {_slug(line.lstrip("#").strip()) for line in other.splitlines() if line.startswith("#")}


def test_every_option_of_the_mapping_language_is_documented():
    section = README[README.index("### Writing a mapping") : README.index("## Library use")]
    options = (
        language.TOP_KEYS + language.DATASET_KEYS + language.READ_KEYS + language.EXPECT_KEYS + language.SKIP_KEYS
        + language.ENTITY_KEYS + language.SOURCE_KEYS + language.MODIFIER_KEYS + language.LINK_KEYS
        + language.PROVENANCE_KEYS + language.CITATION_KEYS
    )  # fmt: skip
    # in a code span (`header_row`, `when:`), or a key of the example (`  each: ...`, `{from: ...}`)
    undocumented = sorted(
        {key for key in options if not re.search(rf"(`|^\s*|[{{,]\s*){re.escape(key)}[`:]", section, re.MULTILINE)}
    )
    assert undocumented == []
    # what a newcomer had to guess
    for said in ("counting from 0", "`header_row`", "`skip_after_header`", "record_id: {template:", "`empty: true`",
                 "Dates on a link that several records state"):  # fmt: skip
        assert said in section, said
