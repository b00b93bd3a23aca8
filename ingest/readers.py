"""Read records out of CSV, XLSX, JSON and JSON-lines files, one at a time.

Real files are messy, and one bad record must not stop the others: every reader
yields :class:`Record` values and appends a :class:`RecordProblem` for each record
it cannot read (a truncated JSON array, a broken JSON line), then goes on. Files
are streamed, so a 200 MB export needs no more memory than its largest record.

Encodings: a byte-order mark decides (UTF-8, UTF-16 LE/BE); otherwise UTF-8 if
the first megabyte decodes as UTF-8, else Windows-1252 (what US government CSVs
such as OFAC's use). Bytes that still fail to decode become U+FFFD, and the
mapping rejects the record that holds them, naming the column.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from dualtrace.graph.errors import DualtraceError, RecordProblem

FORMATS = ("csv", "xlsx", "json", "jsonl")
SNIFF_BYTES = 1 << 20
CHUNK_CHARS = 1 << 20
EOF_MARKER = "\x1a"  # DOS end-of-file byte, found alone on the last line of OFAC's sdn.csv

csv.field_size_limit(2**31 - 1)  # long cells are judged by the mapping, with a clear message


class FileRejected(DualtraceError):
    """The whole file cannot be read: empty, unreadable, wrong format, missing columns."""


@dataclass(frozen=True)
class Record:
    """One row or JSON object. ``number`` is the spreadsheet row (header = 1) for tables,
    the line for JSON lines, the position (1-based) for JSON arrays."""

    number: int
    values: dict[str, Any]
    fields: int | None = None  # tables: the fields the row held ...
    expected: int | None = None  # ... and the columns it should have held


@dataclass(frozen=True)
class ReadOptions:
    format: str | None = None
    encoding: str = "auto"
    sheet: str | int | None = None
    header: tuple[str, ...] | None = None  # column names of a headerless CSV
    records: str | None = None  # JSON: dotted path to the list of records
    null_values: tuple[str, ...] = ()
    delimiter: str = ","
    header_row: int = 1  # csv, xlsx: the row (1-based, as a spreadsheet numbers it) holding the column names
    skip_after_header: int = 0  # csv, xlsx: rows after the header that are not records (units, notes)


def guess_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    aliases = {"tsv": "csv", "txt": "csv", "xlsm": "xlsx", "ndjson": "jsonl", "ftm": "jsonl"}
    found = aliases.get(suffix, suffix)
    if found == "json" and path.name.endswith(".ftm.json"):
        return "jsonl"
    if found not in FORMATS:
        raise FileRejected(f"{path}: cannot tell the format from the extension {path.suffix!r}; give one of {FORMATS}")
    return found


def detect_encoding(path: Path) -> str:
    """The encoding to read ``path`` with (see module docstring)."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        # A multi-byte character may be cut at the end of the sniffed block.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) < SNIFF_BYTES)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def open_text(path: Path, encoding: str = "auto") -> tuple[IO[str], str]:
    """Open ``path`` as text; returns the handle and the encoding used."""
    chosen = detect_encoding(path) if encoding == "auto" else encoding
    try:
        codecs.lookup(chosen)
    except LookupError as exc:
        raise FileRejected(f"{path}: unknown encoding {chosen!r}") from exc
    return path.open("r", encoding=chosen, errors="replace", newline=""), chosen


def read_records(path: Path, options: ReadOptions, problems: list[RecordProblem]) -> Iterator[Record]:
    """Every readable record of ``path``; unreadable ones are reported in ``problems``."""
    if not path.exists():
        raise FileRejected(f"{path}: no such file")
    if path.is_dir():
        raise FileRejected(f"{path}: is a folder, not a file")
    if path.stat().st_size == 0:
        raise FileRejected(f"{path}: the file is empty")
    fmt = options.format or guess_format(path)
    if fmt in ("json", "jsonl") and (options.header_row != 1 or options.skip_after_header):
        raise FileRejected(f"{path}: `read: header_row` and `skip_after_header` are for CSV and XLSX files, not {fmt}")
    if fmt == "csv":
        yield from _read_csv(path, options, problems)
    elif fmt == "xlsx":
        yield from _read_xlsx(path, options)
    elif fmt == "jsonl":
        yield from _read_jsonl(path, options, problems)
    elif fmt == "json":
        yield from _read_json(path, options, problems)
    else:
        raise FileRejected(f"{path}: unknown format {fmt!r}; expected one of {FORMATS}")


def _cell(value: Any, nulls: tuple[str, ...]) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if value == "" or value in nulls:
            return None
    return value


def _csv_values(columns: list[str], row: list[str], nulls: tuple[str, ...]) -> dict[str, Any]:
    """A CSV row's cells by column, as :func:`_cell` reads them (written out: a million
    rows of a dozen cells make a call per cell count)."""
    if nulls:
        return {column: (text if (text := cell.strip()) and text not in nulls else None)
                for column, cell in zip(columns, row, strict=False)}  # fmt: skip
    return {column: (cell.strip() or None) for column, cell in zip(columns, row, strict=False)}


def _without_eof_marker(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        if line.strip("\r\n") == EOF_MARKER:
            continue
        yield line


def _rows(reader: Any, where: str, first: int, problems: list[RecordProblem]) -> Iterator[tuple[int, list[str]]]:
    """Rows of a csv reader, numbered; a row the csv module cannot parse (a NUL byte,
    say) is reported and skipped instead of ending the import."""
    number = first - 1
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(RecordProblem(where, number, "(row)", f"cannot be read as CSV: {exc}"))
            continue
        yield number, row


def _read_csv(path: Path, options: ReadOptions, problems: list[RecordProblem]) -> Iterator[Record]:
    handle, _ = open_text(path, options.encoding)
    nulls = tuple(v.strip() for v in options.null_values)
    with handle:
        reader = csv.reader(_without_eof_marker(handle), delimiter=options.delimiter)
        if options.header:
            columns = list(options.header)
            first_row = 1
        else:
            try:
                for _ in range(options.header_row - 1):  # a title, notes: not read
                    next(reader)
                columns = [c.strip().lstrip("\ufeff") for c in next(reader)]
            except StopIteration:
                if options.header_row == 1:
                    raise FileRejected(f"{path}: the file is empty") from None
                raise FileRejected(_no_header_row(path, options.header_row)) from None
            except csv.Error as exc:
                raise FileRejected(
                    f"{path}: the header row (row {options.header_row}) cannot be read as CSV: {exc}"
                ) from None
            _check_header(path, options.header_row, columns)
            first_row = options.header_row + 1
        seen_any = False
        for number, row in _rows(reader, str(path), first_row, problems):
            if number < first_row + options.skip_after_header:
                continue
            if not "".join(row).strip():  # every cell blank (one string: faster than cell by cell)
                continue
            seen_any = True
            yield Record(number, _csv_values(columns, row, nulls), len(row), len(columns))
        if not seen_any:
            raise FileRejected(f"{path}: no rows after the header (columns: {', '.join(columns)})")


def _no_header_row(where: str | Path, header_row: int) -> str:
    return f"{where}: the header was expected on row {header_row} (`read: header_row`), but the file ends before it"


def _check_header(where: str | Path, header_row: int, columns: list[str]) -> None:
    """A header row with no column names is the wrong row, not a table."""
    if not any(columns):
        raise FileRejected(
            f"{where}: row {header_row}, where the header was expected, is empty; "
            "say which row holds the column names with `read: header_row`"
        )


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _read_xlsx(path: Path, options: ReadOptions) -> Iterator[Record]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise FileRejected(f"{path}: cannot open as an Excel workbook: {exc}") from exc
    try:
        sheet = _sheet(path, book, options.sheet)
        rows = sheet.iter_rows(values_only=True)
        nulls = tuple(options.null_values)
        if options.header:
            columns = list(options.header)
            first_row = 1
        else:
            where = f"{path}, sheet {sheet.title!r}"
            header = None
            for _ in range(options.header_row):  # rows above the header (a title, notes) are not read
                header = next(rows, None)
                if header is None:
                    break
            if header is None:
                if options.header_row == 1:
                    raise FileRejected(f"{where}: the sheet is empty")
                raise FileRejected(_no_header_row(where, options.header_row))
            columns = [str(c).strip() if c is not None else f"column {i + 1}" for i, c in enumerate(header)]
            _check_header(where, options.header_row, [str(c).strip() for c in header if c is not None])
            first_row = options.header_row + 1
        for number, row in enumerate(rows, start=first_row):
            if number < first_row + options.skip_after_header:
                continue
            if all(cell is None or str(cell).strip() == "" for cell in row):
                continue
            yield Record(number, {c: _cell(_xlsx_value(v), nulls) for c, v in zip(columns, row, strict=False)})
    finally:
        book.close()


def _sheet(path: Path, book: Any, wanted: str | int | None) -> Any:
    """The sheet to read: the first, or one named or numbered (from 0) by ``read: sheet``."""
    count = len(book.worksheets)
    listed = ", ".join(f"{index}: {sheet.title!r}" for index, sheet in enumerate(book.worksheets))
    if wanted is None:
        return book.worksheets[0]
    if isinstance(wanted, int):
        if 0 <= wanted < count:
            return book.worksheets[wanted]
        raise FileRejected(
            f"{path}: no sheet {wanted} (`read: sheet` counts from 0); the workbook has {count} sheet(s): {listed}"
        )
    if wanted in book.sheetnames:
        return book[wanted]
    raise FileRejected(f"{path}: no sheet named {wanted!r}; sheets: {', '.join(book.sheetnames)}")


def _read_jsonl(path: Path, options: ReadOptions, problems: list[RecordProblem]) -> Iterator[Record]:
    handle, _ = open_text(path, options.encoding)
    with handle:
        for number, line in enumerate(handle, start=1):
            text = line.strip()
            if not text or text == EOF_MARKER:
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                problems.append(
                    RecordProblem(str(path), number, "(line)", f"not valid JSON ({exc.msg} at character {exc.pos})")
                )
                continue
            if not isinstance(value, dict):
                problems.append(
                    RecordProblem(str(path), number, "(line)", f"expected a JSON object, got {type(value).__name__}")
                )
                continue
            yield Record(number, value)


def _read_json(path: Path, options: ReadOptions, problems: list[RecordProblem]) -> Iterator[Record]:
    if options.records:
        yield from _read_json_nested(path, options, problems)
        return
    handle, _ = open_text(path, options.encoding)
    with handle:
        stream = _JsonArrayStream(handle, str(path), problems)
        yield from stream


def _read_json_nested(path: Path, options: ReadOptions, problems: list[RecordProblem]) -> Iterator[Record]:
    """A document whose records sit at a dotted path (``data.items``): read whole."""
    handle, _ = open_text(path, options.encoding)
    with handle:
        try:
            document = json.load(handle)
        except json.JSONDecodeError as exc:
            raise FileRejected(
                f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
                "nothing read because the records sit inside a larger document"
            ) from exc
    found: Any = document
    for part in (options.records or "").split("."):
        if not isinstance(found, dict) or part not in found:
            raise FileRejected(f"{path}: no key {part!r} on the path {options.records!r} to the records")
        found = found[part]
    if not isinstance(found, list):
        raise FileRejected(f"{path}: {options.records!r} is a {type(found).__name__}, not a list of records")
    for number, value in enumerate(found, start=1):
        if isinstance(value, dict):
            yield Record(number, value)
        else:
            problems.append(RecordProblem(str(path), number, "(record)", "expected a JSON object"))


class _JsonArrayStream:
    """Decode a top-level JSON array one element at a time.

    A truncated file still yields every complete element before the break, then
    reports where the break is, instead of losing the whole file.
    """

    def __init__(self, handle: IO[str], where: str, problems: list[RecordProblem]):
        self.handle = handle
        self.where = where
        self.problems = problems
        self.decoder = json.JSONDecoder()
        self.buffer = ""
        self.pos = 0
        self.eof = False

    def _fill(self) -> bool:
        chunk = self.handle.read(CHUNK_CHARS)
        if not chunk:
            self.eof = True
            return False
        self.buffer = self.buffer[self.pos :] + chunk
        self.pos = 0
        return True

    def _skip(self, chars: str) -> str:
        """Skip ``chars`` (whitespace and the like); the next character, or '' at the end."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in chars:
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._fill():
                return ""

    def __iter__(self) -> Iterator[Record]:
        first = self._skip(" \t\r\n\ufeff")
        if first == "{":
            record = self._decode(1)
            if self._skip(" \t\r\n") not in ("", EOF_MARKER):
                raise FileRejected(
                    f"{self.where}: expected one JSON document (an array of records); found several "
                    "JSON values one after another (JSON lines? then the format reads .jsonl)"
                )
            if record is not None:
                yield Record(1, record)
            return
        if first != "[":
            raise FileRejected(f"{self.where}: expected a JSON array of records, found {first!r} at the start")
        self.pos += 1
        number = 0
        while True:
            nxt = self._skip(" \t\r\n,")
            if nxt == "]":
                return
            number += 1
            if nxt == "":
                self.problems.append(
                    RecordProblem(self.where, number, "(record)", "the file ends inside the array (truncated?)")
                )
                return
            value = self._decode(number)
            if value is None:
                return
            if isinstance(value, dict):
                yield Record(number, value)
            else:
                self.problems.append(
                    RecordProblem(self.where, number, "(record)", f"expected a JSON object, got {type(value).__name__}")
                )

    def _decode(self, number: int) -> Any:
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as exc:
                if not self.eof and self._fill():
                    continue
                self.problems.append(
                    RecordProblem(
                        self.where,
                        number,
                        "(record)",
                        f"invalid or truncated JSON ({exc.msg}); this record and any after it were not read",
                    )
                )
                return None
            self.pos = end
            return value
