"""Plain-text and machine-readable layouts of query results.

Tables for people put a numbered citation on every hop, then list the
citations once at the end, the way a footnoted article does. CSV and JSON keep
the source ids and the full hop details for piping into other tools.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

import pandas as pd

from dualtrace.graph.protocol import Store
from dualtrace.queries.dossier import Dossier, citations
from dualtrace.queries.show import Shown

FORMATS = ("table", "csv", "json")


class Footnotes:
    """Numbers sources in order of first use."""

    def __init__(self) -> None:
        self.order: list[str] = []

    def number(self, source_id: str) -> int:
        if source_id not in self.order:
            self.order.append(source_id)
        return self.order.index(source_id) + 1

    def marks(self, source_ids: list[str]) -> str:
        return "[" + ",".join(str(self.number(s)) for s in source_ids) + "]"

    def render(self, store: Store) -> str:
        lines = ["Sources:"]
        for index, row in enumerate(citations(store, self.order).itertuples(index=False), start=1):
            parts = [f'"{row.title}"', row.publisher, row.date, row.url]
            lines.append(f"  [{index}] " + ", ".join(str(p) for p in parts if p))
        return "\n".join(lines)


def _hop_line(store: Store, hops: list[dict[str, Any]], notes: Footnotes) -> str:
    """A chain as text, each link with its direction, status, citation marks and note:
    ``A --SUPPLIER_OF reported [2]--> deal`` or, walked backwards, ``parent <--SUBSIDIARY_OF [1]-- child``."""
    if not hops:
        return ""
    first = hops[0]
    dated_view = getattr(store, "when", None) is not None  # asked as of a date: undated links are marked
    parts = [store.name_of(first["from"] if first.get("forward", True) else first["to"])]
    noted: set[str] = set()
    for hop in hops:
        status = "" if hop["status"] == "confirmed" else f" {hop['status']}"
        if dated_view and not hop.get("since"):
            status += " undated"
        label = f"{hop['rel']}{status} {notes.marks(hop['sources'])}"
        forward = hop.get("forward", True)
        parts.append(f"--{label}--> " if forward else f"<--{label}-- ")
        parts[-1] += store.name_of(hop["to"] if forward else hop["from"])
        if hop.get("note") and hop["note"] not in noted:  # a deal's note is on each of its links: show it once
            noted.add(hop["note"])
            parts[-1] += f" (note: {hop['note']})"
    return " ".join(parts)


def _wrap(text: str) -> str:
    return textwrap.fill(text, width=110, initial_indent="   ", subsequent_indent="     ")


def _year(year: Any) -> str:
    return f", {int(year)}" if year is not None and not pd.isna(year) else ""


def paths_table(store: Store, frame: pd.DataFrame, heading: str, number_from: int = 1) -> str:
    """A trace as a numbered list of deals (from ``number_from``), each with its chain of cited
    hops, then the sources."""
    if frame.empty:
        return f"{heading}\n(no deals found)"
    notes = Footnotes()
    lines = [heading, ""]
    for index, row in enumerate(frame.to_dict(orient="records"), start=number_from):
        country = f" ({row['country']})" if row.get("country") else ""
        via = f" — via subsidiary {row['via_name']}" if row.get("via") else ""
        lines.append(f"{index}. {row['end_user_name']}{country} — {row['transfer_name']}{_year(row['year'])} — "
                     f"status: {row['status']}{via}")  # fmt: skip
        lines.append(_wrap(_hop_line(store, row["hop_details"], notes)))
    lines += ["", notes.render(store)]
    return "\n".join(lines)


def reach_table(store: Store, frame: pd.DataFrame, heading: str, number_from: int = 1) -> str:
    """A reach as a numbered list of deals (from ``number_from``): the deal, its real suppliers,
    then each organization or product upstream of it with its role and chain of cited hops."""
    if frame.empty:
        return f"{heading}\n(no deals found)"
    notes = Footnotes()
    lines = [heading]
    deals = frame.groupby(["country", "end_user_name", "transfer"], sort=False, dropna=False)
    for index, (_key, rows) in enumerate(deals, start=number_from):
        first = rows.iloc[0]
        country = f" ({first['country']})" if first["country"] else ""
        suppliers = first["suppliers"] or "no supplier recorded"
        lines += ["", f"{index}. {first['transfer_name']}{_year(first['year'])} -> {first['end_user_name']}{country}",
                  f"   supplied by: {suppliers}"]  # fmt: skip
        for row in rows.to_dict(orient="records"):
            if not row["entity"]:
                continue
            lines.append(_wrap(f"- {row['role']}: {_hop_line(store, row['hop_details'], notes)}"))
    lines += ["", notes.render(store)]
    return "\n".join(lines)


def frame_output(frame: pd.DataFrame, fmt: str) -> str:
    """CSV or JSON of a result frame; list cells become ``;``-joined text in CSV."""
    if fmt == "json":
        return json.dumps(frame.to_dict(orient="records"), ensure_ascii=False, indent=2, default=str)
    flat = frame.copy()
    for column in flat.columns:
        if flat[column].map(lambda v: isinstance(v, list)).any():
            flat[column] = flat[column].map(
                lambda v: (
                    json.dumps(v, ensure_ascii=False)
                    if v and isinstance(v[0], dict)
                    else "; ".join(map(str, v))
                    if isinstance(v, list)
                    else v
                )
            )
    return str(flat.to_csv(index=False))


def _dates(since: str, until: str) -> str:
    return f"since {since or '?'}" + (f" until {until}" if until else "")


def dossier_table(store: Store, d: Dossier) -> str:
    """The dossier as sections of text with citation marks."""
    notes = Footnotes()
    s = d.summary
    lines = [f"{d.name}  ({d.vendor})"]
    if s["aliases"]:
        lines.append("Also known as: " + "; ".join(s["aliases"]))
    lines.append(f"Country: {s['country'] or 'unknown'}   Roles: {', '.join(s['roles']) or 'unknown'}")
    sections = [
        ("Products", d.products, lambda r: f"{r.name} [{r.category}] {r.status} {notes.marks(r.sources)}"),
        (
            "Transfers",
            d.transfers,
            lambda r: (
                f"{r.name} -> {r.recipient_name} ({r.country}){_year(r.year)} — {r.status} {notes.marks(r.sources)}"
            ),
        ),
        (
            "Listings",
            d.listings,
            lambda r: f"{r.list}: {_dates(r.since, r.until)} — {r.status} {notes.marks(r.sources)}",
        ),
        ("Corporate", d.corporate, lambda r: f"{r.relation}: {r.name} — {r.status} {notes.marks(r.sources)}"),
    ]
    for title, table, fmt in sections:
        lines += ["", f"{title} ({len(table)}):"]
        entries = []
        for row in table.itertuples(index=False):
            note = getattr(row, "note", "")  # a denial, a party's response: shown with its row
            entries.append(f"  - {fmt(row)}" + (f"\n      note: {note}" if isinstance(note, str) and note else ""))
        lines += entries or ["  (none recorded)"]
    if d.countries:
        lines += ["", "Countries reached: " + ", ".join(d.countries)]
    lines += ["", notes.render(store)]
    return "\n".join(lines)


def dossier_json(d: Dossier) -> str:
    tables = ("products", "transfers", "listings", "corporate", "sources")
    payload = {"vendor": d.vendor, "summary": d.summary, **{t: getattr(d, t).to_dict(orient="records") for t in tables}}
    return json.dumps(payload, ensure_ascii=False, indent=2, default=str)


def show_table(store: Store, shown: Shown) -> str:
    """A node as text: its properties, every link with status, dates, note and citation
    marks, a list's members, a source's facts, then the sources."""
    notes = Footnotes()
    node = shown.node
    lines = [f"{node.name}  ({node.id}, {node.kind})"]
    for key, value in node.props.items():
        if key in ("name", "sources", "records"):
            continue
        text = "; ".join(map(str, value)) if isinstance(value, list) else str(value)
        lines.append(f"  {key}: {text}")
    if node.props.get("sources"):
        lines.append(f"  attested by: {notes.marks(list(node.props['sources']))}")
    if shown.members:
        lines += ["", f"Members ({len(shown.members)}):"]
        for m in shown.members:
            lines.append(f"  - {m['name']} ({m['member']}): {_dates(m['since'] or '', m['until'] or '')} — "
                         f"{m['status']} {notes.marks(m['sources'])}")  # fmt: skip
    if shown.supports:
        lines += ["", f"Facts this source supports ({len(shown.supports)}):"]
        for f in shown.supports:
            fact = (
                f"{f['from_name']} {f['rel']} {f['to_name']}" if f["what"] == "link" else f"{f['from_name']} (entity)"
            )
            lines.append(f"  - {fact}" + (f" — {f['status']}" if f["status"] else ""))
    lines += ["", f"Links ({len(shown.links)}):"]
    for r in shown.links:
        arrow = f"--{r['rel']}-->" if r["direction"] == "out" else f"<--{r['rel']}--"
        dates = f", {_dates(r['since'] or '', r['until'] or '')}" if r["since"] or r["until"] else ""
        note = f"\n      note: {r['note']}" if r["note"] else ""
        lines.append(
            f"  {arrow} {r['other_name']} ({r['other']}) — {r['status']}{dates} {notes.marks(r['sources'])}{note}"
        )
    if not shown.links:
        lines.append("  (none)")
    lines += ["", notes.render(store)]
    return "\n".join(lines)
