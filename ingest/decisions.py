"""The reviewer's side of entity resolution: the decisions file (same / not same)
and the review file of candidate pairs.

Both are plain CSV kept beside the workspace so a reviewer can read and edit
them in a spreadsheet. Every import applies the decisions file; the review file
lists the pairs the importer would not join on its own, best score first.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from dualtrace.graph.errors import DualtraceError
from dualtrace.graph.store import remove_leftovers, write_atomically

DECISIONS = ("same", "not_same")
DECISION_COLUMNS = ("left", "right", "decision", "note", "decided_at")
REVIEW_COLUMNS = ("score", "left", "left_name", "right", "right_name", "reason")


@dataclass(frozen=True)
class Decision:
    left: str
    right: str
    decision: str
    note: str = ""
    decided_at: str = ""


class Decisions:
    """A reviewer's judgements, kept in a CSV beside the workspace and applied by every import."""

    def __init__(self, path: Path | None, items: Iterable[Decision] = ()):
        self.path = path
        self.items: list[Decision] = []
        self._latest: dict[frozenset[str], str] = {}  # the pair -> its latest decision
        for item in items:
            self._remember(item)

    def _remember(self, item: Decision) -> None:
        self.items.append(item)
        self._latest[frozenset((item.left, item.right))] = item.decision

    @classmethod
    def load(cls, path: Path | None) -> Decisions:
        if path is None or not path.exists():
            return cls(path)
        items = []
        with path.open(encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                decision = (row.get("decision") or "").strip()
                if decision not in DECISIONS or not row.get("left") or not row.get("right"):
                    raise DualtraceError(
                        f"{path}, row {number}: expected left, right and decision (same or not_same); got {row}"
                    )
                items.append(
                    Decision(
                        row["left"].strip(),
                        row["right"].strip(),
                        decision,
                        row.get("note") or "",
                        row.get("decided_at") or "",
                    )
                )
        return cls(path, items)

    def verdict(self, a: str, b: str) -> str | None:
        """The latest decision about the pair, in either order."""
        return self._latest.get(frozenset((a, b)))

    def record(self, decision: Decision) -> None:
        self._remember(decision)
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        new_file = not self.path.exists()
        with self.path.open("a", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            if new_file:
                writer.writerow(DECISION_COLUMNS)
            writer.writerow([decision.left, decision.right, decision.decision, decision.note, decision.decided_at])


@dataclass(frozen=True)
class Candidate:
    """Two entities that may be one, with the matcher's score (0-100)."""

    score: float
    left: str
    left_name: str
    right: str
    right_name: str
    reason: str


def write_review(path: Path, candidates: list[Candidate]) -> None:
    """The review file: one candidate pair per row, best score first. A reviewer
    copies rows into the decisions file with ``same`` or ``not_same``
    (or runs ``dualtrace resolve merge`` / ``resolve split``). Written atomically, like
    the workspace: an import killed while writing it leaves the previous review file,
    and the next import removes the temporary file it left."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(path)

    def write(handle: IO[str]) -> None:
        writer = csv.writer(handle)
        writer.writerow(REVIEW_COLUMNS)
        for c in candidates:
            writer.writerow([c.score, c.left, c.left_name, c.right, c.right_name, c.reason])

    write_atomically(path, write, newline="")


def read_review(path: Path) -> list[Candidate]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Candidate(float(r["score"]), r["left"], r["left_name"], r["right"], r["right_name"], r["reason"])
            for r in csv.DictReader(handle)
        ]
