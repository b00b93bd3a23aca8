"""Errors a user can cause and fix; the CLI prints them without a traceback."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class DualtraceError(Exception):
    """Base class for errors that carry a message meant for the user."""


@dataclass(frozen=True)
class RecordProblem:
    """What is wrong with one record, and where: file, row (1-based, header is row 1), column."""

    where: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        row = f", row {self.row}" if self.row is not None else ""
        return f"{self.where}{row}, column {self.column!r}: {self.message}"


class ValidationFailed(DualtraceError):
    """One or more records break the schema; ``problems`` lists every one of them."""

    def __init__(self, problems: Sequence[RecordProblem]):
        self.problems = list(problems)
        shown = "\n  ".join(str(p) for p in self.problems[:50])
        more = f"\n  ... and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(f"{len(self.problems)} problem(s):\n  {shown}{more}")


class WorkspaceError(DualtraceError):
    """The workspace file cannot be read or written."""


class NotFound(DualtraceError):
    """A name or id the user gave matches nothing; ``suggestions`` holds the closest matches."""

    def __init__(self, what: str, query: str, suggestions: Sequence[tuple[str, str]]):
        self.query = query
        self.suggestions = list(suggestions)
        hint = ""
        if self.suggestions:
            hint = "\nDid you mean:\n" + "\n".join(f"  {name}  ({node_id})" for node_id, name in self.suggestions)
        super().__init__(f"No {what} matches {query!r}.{hint}")
