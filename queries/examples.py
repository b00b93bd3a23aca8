"""Each saved query's example call and the result it must give on the starter
dataset, checked by ``dualtrace queries test`` and by the test suite, so the
library documents itself with answers that are known to be right.

The header's ``example`` holds ``params`` and either ``rows`` (every row, in
order) or ``count`` with ``first`` (the number of rows and the first few).
"""

from __future__ import annotations

from typing import Any

import yaml

from dualtrace.queries.library import SavedQuery


def differences(query: SavedQuery, rows: list[dict[str, Any]]) -> list[str]:
    """What differs between the example's expected result and ``rows`` (empty: it matches)."""
    example = query.example
    if "rows" not in example and "count" not in example:
        return [f"{query.name}: the header's example gives no expected rows or count"]
    problems = []
    if "rows" in example:
        expected = example["rows"] or []
        if len(expected) != len(rows):
            problems.append(f"{query.name}: expected {len(expected)} rows, got {len(rows)}")
    else:
        expected = example.get("first") or []
        if example["count"] != len(rows):
            problems.append(f"{query.name}: expected {example['count']} rows, got {len(rows)}")
    for number, (want, got) in enumerate(zip(expected, rows, strict=False), start=1):
        if want != got:
            changed = sorted(k for k in {*want, *got} if want.get(k) != got.get(k))
            detail = "; ".join(f"{k}: expected {want.get(k)!r}, got {got.get(k)!r}" for k in changed)
            problems.append(f"{query.name}: row {number} differs: {detail}")
    return problems


class _Dumper(yaml.SafeDumper):
    """Writes repeated values out in full: a reader of the header should not meet YAML anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def example_yaml(query: SavedQuery, params: dict[str, Any], rows: list[dict[str, Any]], first: int = 3) -> str:
    """An ``example:`` block for the header (as ``//`` comment lines) holding this result."""
    shown_params = {k: v for k, v in params.items() if v != query.params[k].default}
    block: dict[str, Any] = {"params": shown_params}
    if len(rows) <= 6:
        block["rows"] = rows
    else:
        block["count"] = len(rows)
        block["first"] = rows[:first]
    text = yaml.dump(
        {"example": block}, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000, default_flow_style=None
    )
    return "\n".join(f"// {line}" for line in text.splitlines())
