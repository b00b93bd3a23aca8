"""Named parsers a mapping may apply to a cell: ``{column: Remarks, parse: ofac_aliases}``.

Some public formats pack several facts into one free-text cell. OFAC's sdn.csv
puts aliases, nationality, identifiers and "Linked To:" relations in Remarks,
separated by semicolons, with apostrophes inside quoted aliases ("a.k.a. 'AL-HAQ,
'Abd'") and its own country names ("Congo, Democratic Republic of the").
Regular expressions in YAML get this wrong in quiet ways (an alias cut at its
first apostrophe), so such cells are read by small, tested functions here.

A parser returns the values it found and, for each piece it recognised but could
not read (a truncated alias, an unknown nationality), a warning. The mapping
drops that piece and reports the warning; the record itself is never lost for
an optional attribute.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from dualtrace.graph.names import country_code


@dataclass
class Parsed:
    values: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# OFAC's country names that pycountry does not know, and the ISO code each stands
# for. "Region: Gaza" and "Palestinian" (a nationality) are the State of Palestine
# (ISO 3166 PS, which covers Gaza and the West Bank).
OFAC_COUNTRIES = {
    "palestinian": "PS",
    "region: gaza": "PS",
    "region: west bank": "PS",
    "congo, democratic republic of the": "CD",
    "north macedonia, the republic of": "MK",
    "man, isle of": "IM",
}

_ALIAS_RE = re.compile(r"^(?:a|f|n)\.k\.a\.\s+'(.*)'\s*\.?$", re.DOTALL)
_ALIAS_START_RE = re.compile(r"^(?:a|f|n)\.k\.a\.", re.IGNORECASE)
_COUNTRY_RE = re.compile(r"^(?:alt\.\s+)?(?:nationality|citizen)\s+(.+?)\.?$")
_LINKED_RE = re.compile(r"^Linked To:\s*(.+?)\s*$")


def remark_pieces(text: str) -> list[str]:
    """OFAC Remarks split into its attributes (separated by ';'). No alias in the
    published list holds a ';'; an alias cut off by the cell's length limit has no
    closing quote and is reported by :func:`ofac_aliases`."""
    return [piece.strip() for piece in text.split(";") if piece.strip()]


def ofac_aliases(text: str) -> Parsed:
    """Aliases (a.k.a., f.k.a., n.k.a.) from OFAC Remarks, whole: ``Abu Sa'id`` stays ``Abu Sa'id``."""
    found = Parsed()
    for piece in remark_pieces(text):
        if not _ALIAS_START_RE.match(piece):
            continue
        match = _ALIAS_RE.match(piece)
        alias = match.group(1).strip() if match else ""
        if alias:
            found.values.append(alias)
        else:
            found.warnings.append(f"alias {piece[:60]!r} is cut off or unquoted; dropped")
    return found


def ofac_countries(text: str) -> Parsed:
    """Nationality and citizenship from OFAC Remarks, as ISO codes, in the order given."""
    found = Parsed()
    for piece in remark_pieces(text):
        match = _COUNTRY_RE.match(piece)
        if not match:
            continue
        value = match.group(1).strip()
        code = OFAC_COUNTRIES.get(value.lower()) or country_code(value)
        if code:
            if code not in found.values:
                found.values.append(code)
        else:
            found.warnings.append(f"nationality or citizenship {value!r} is not a country dualtrace knows; dropped")
    return found


def ofac_linked_to(text: str) -> Parsed:
    """The names of the parties a record is "Linked To:" (matched against the SDN names of the file)."""
    found = Parsed()
    for piece in remark_pieces(text):
        match = _LINKED_RE.match(piece)
        if match:
            found.values.append(match.group(1).rstrip("."))
    return found


PARSERS: dict[str, Callable[[str], Parsed]] = {
    "ofac_aliases": ofac_aliases,
    "ofac_countries": ofac_countries,
    "ofac_linked_to": ofac_linked_to,
}
