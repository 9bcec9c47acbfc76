"""Reading prediction and truth CSV files: strict about the format, kind in what it says.

Files are UTF-8 CSV with a header line; a UTF-8 byte-order mark, CRLF line ends and gzip
compression (recognised by its magic bytes, since stored files have random names) are all fine.
Every value is read as a string, so ``007`` and ``7`` stay different ids, and an empty field is
the empty string, never a null. Parsing is done by pyarrow; when it fails, the file is scanned
again in Python only to find the line number to report.
"""

import codecs
import csv
import gzip
import io
import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from os import PathLike
from typing import BinaryIO

import pyarrow as pa
import pyarrow.csv as pa_csv

from .errors import InvalidSubmission, ScoringError, count, show

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
UTF8_BOM = codecs.BOM_UTF8
HEAD_BYTES = 64 * 1024
READ_CHUNK = 1024 * 1024

Path = str | PathLike


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as raw:
        return raw.read(2) == GZIP_MAGIC


def read_head(path: Path, error: type[ScoringError], limit: int = HEAD_BYTES) -> tuple[bytes, bool]:
    """The first ``limit`` bytes of the (decompressed) file, and whether that is all of it."""
    with open(path, "rb") as raw:
        start = raw.read(limit)
        if not start.startswith(GZIP_MAGIC):
            return start, len(start) < limit or raw.read(1) == b""
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out = b""
        chunk = start
        try:
            while chunk and len(out) < limit and not inflater.eof:
                out += inflater.decompress(chunk, limit - len(out))
                chunk = inflater.unconsumed_tail or raw.read(limit)
        except zlib.error as exc:
            raise error(
                f"The file starts like a gzip archive but could not be decompressed ({exc}). "
                "Upload a plain .csv file or a valid .csv.gz."
            ) from None
        if len(out) >= limit:
            return out[:limit], False
        # A further gzip member after the first one means there is more to read.
        more = inflater.eof and (inflater.unused_data or chunk or raw.read(1))
        return out, not more


def _header_hint(fields: list[str], expected: tuple[str, ...], line: str) -> str:
    cleaned = [f.strip().strip("\ufeff").lower() for f in fields]
    if cleaned == list(expected):
        return " Column names are case-sensitive and must not contain spaces."
    if len(fields) > len(expected) and fields[: len(expected)] == list(expected):
        extra = fields[len(expected) :]
        if not any(extra):
            return " Remove the trailing comma(s) from the header line."
        return f" Remove the extra column(s) {show(','.join(extra))}."
    if len(fields) == 1:
        for sep, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
            if sep in line:
                return f" Separate the columns with commas (this file seems to use {name})."
    if len(fields) == len(expected) and not set(cleaned) & set(expected):
        return " If this line is already data, add the header line above it."
    return ""


# Formats people upload by mistake, by their first bytes: what to call them in a message.
KNOWN_FORMATS = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls) or another Office file"),
    (b"PAR1", "a Parquet file"),
    (b"SQLite format 3", "an SQLite database"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ", "an xz archive"),
    (b"\x80\x04\x95", "a Python pickle"),
    (b"\x93NUMPY", "a NumPy array file"),
)
SEPARATORS = (",", ";", "\t", "|")


def _not_csv(head: bytes, line: str | None, expected: str) -> str | None:
    """Why the file is not CSV text at all (a known binary format; with the first ``line``
    known not to be the header, also any binary file, JSON, a web page, plain text), or None.
    A CSV with a wrong header gets the header message instead."""
    upload = f"Upload a .csv (or .csv.gz) file whose first line is the header {expected}."
    for magic, name in KNOWN_FORMATS:
        if head.startswith(magic):
            return f"This is {name}, not a CSV file. {upload}"
    if line is None:
        return None
    if b"\x00" in head[:4096]:
        return f"This is a binary file, not a CSV file. {upload}"
    text = head.lstrip()
    if text[:1] in (b"{", b"[") and (text[:2] in (b"{\"", b"[{", b"[\"", b"[]", b"{}")
                                    or text[1:2].isspace()):  # fmt: skip
        return (
            "This looks like JSON, not a CSV file. Write a CSV file instead (pandas: "
            f"df.to_csv('submission.csv', index=False)). {upload}"
        )
    if text[:1] == b"<":
        return f"This looks like a web page or an XML document, not a CSV file. {upload}"
    if line is not None and line.strip() and not any(sep in line for sep in SEPARATORS):
        return (
            f"This looks like plain text, not a CSV file: its first line, {show(line)}, has no "
            f"commas. {upload}"
        )
    return None


def check_header(
    path: Path, columns: tuple[str, ...], error: type[ScoringError] = InvalidSubmission
) -> None:
    """Cheap check of the first KBs: readable, UTF-8, the expected header, at least one row."""
    expected = ",".join(columns)
    head, complete = read_head(path, error)
    if head.startswith(ZIP_MAGIC):
        raise error(
            "This looks like a ZIP archive or an Excel workbook, not a CSV file. "
            f"Upload a .csv (or .csv.gz) file whose first line is the header {expected}."
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise error(
            f"The file is encoded as UTF-16; save it as UTF-8 CSV with the header {expected}."
        )
    if head.startswith(UTF8_BOM):
        head = head[len(UTF8_BOM) :]
    not_csv = _not_csv(head, None, expected)
    if not_csv:
        raise error(not_csv)
    if not head.strip():
        raise error(
            f"The file is empty: expected a CSV file whose first line is the header {expected}."
        )
    ends = [i for i in (head.find(b"\n"), head.find(b"\r")) if i >= 0]
    end = min(ends, default=-1)
    if end < 0 and not complete:
        raise error(f"The first line is too long: expected the header {expected}.")
    first = head if end < 0 else head[:end]
    try:
        line = first.decode("utf-8").rstrip("\r")
    except UnicodeDecodeError as exc:
        if b"\x00" in head[:4096]:
            raise error(_not_csv(head, "", expected)) from None
        raise error(
            f"The file is not UTF-8 text (byte 0x{first[exc.start]:02x} on line 1). "
            f"Save it as UTF-8 CSV with the header {expected}."
        ) from None
    try:
        fields = next(csv.reader([line]), [])
    except csv.Error:
        fields = [line]
    if tuple(fields) != columns:
        not_csv = len(columns) > 1 and _not_csv(head, line, expected)
        if not_csv:
            raise error(not_csv)
        hint = _header_hint(fields, columns, line)
        raise error(f"Wrong header: expected header {expected}, got {show(line)}.{hint}")
    if complete and (end < 0 or not head[end + 1 :].strip()):
        raise error(f"The file has the header {expected} but no data rows below it.")


@contextmanager
def open_text(path: Path) -> Iterator[io.TextIOBase]:
    """The decompressed file as text, for the slow re-scans that find line numbers."""
    raw = gzip.open(path, "rb") if _is_gzip(path) else open(path, "rb")  # noqa: SIM115
    with raw, io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="") as text:
        yield text


def _records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(first line, fields) of each non-blank data row, read again slowly with the csv module.

    Only used to describe an error: it stops quietly where the csv module gives up.
    """
    with open_text(path) as text:
        reader = csv.reader(text)
        try:
            next(reader, None)
            while True:
                start = reader.line_num + 1
                record = next(reader, None)
                if record is None:
                    return
                if record:
                    yield start, record
        except csv.Error:
            return


def data_lines(path: Path, rows: set[int]) -> dict[int, int]:
    """Map data-row indices (0-based, as parsed: header and blank lines skipped) to line numbers."""
    found: dict[int, int] = {}
    last = max(rows, default=-1)
    for index, (line, _) in enumerate(_records(path)):
        if index > last:
            break
        if index in rows:
            found[index] = line
    return found


def _ragged_lines(path: Path, width: int) -> tuple[int, list[str], int] | None:
    """The first line whose number of fields is not ``width``, its fields, and how many such."""
    first = None
    count = 0
    for line, record in _records(path):
        if len(record) != width:
            count += 1
            if first is None:
                first = line, record
    return (*first, count) if first else None


def _first_bad_utf8(path: Path) -> tuple[int, int]:
    opener = gzip.open if _is_gzip(path) else open
    with opener(path, "rb") as raw:
        for number, line in enumerate(raw, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                return number, line[exc.start]
    return 0, 0


def _diagnose(
    path: Path, columns: tuple[str, ...], error: type[ScoringError]
) -> ScoringError | None:
    """Find, by a slow scan, the first line that is not UTF-8 or has the wrong number of fields."""
    line, byte = _first_bad_utf8(path)
    if line:
        return error(
            f"The file is not UTF-8 text (byte 0x{byte:02x} on line {line}). Save it as UTF-8 CSV."
        )
    opened = _unclosed_quote_line(path)
    if opened is not None:
        return _unclosed_quote_error(opened, error)
    located = _ragged_lines(path, len(columns))
    if located is None:
        return None
    line, record, n_ragged = located
    more = f" ({n_ragged:,} such rows)" if n_ragged > 1 else ""
    if any("\n" in field or "\r" in field for field in record):
        more += "; a quote opened on that line seems never to be closed"
    return error(
        f"Line {line} has {count(len(record), 'column')}, expected {len(columns)} "
        f"({','.join(columns)}): {show(','.join(record))}{more}."
    )


def _mb(size: int) -> str:
    return f"{size / 1e6:,.0f} MB" if size >= 10**6 else f"{size:,} bytes"


def _too_big(limit: int, error: type[ScoringError]) -> ScoringError:
    return error(
        f"The file is larger than {_mb(limit)} once decompressed, the limit for a file here. "
        "Upload a smaller file (only the columns asked for, one row per id)."
    )


def check_size(
    source: Path | BinaryIO, limit: int, error: type[ScoringError] = InvalidSubmission
) -> None:
    """Refuse a file larger than ``limit`` bytes, once decompressed (gzip is read through,
    in chunks, and stopped at the limit; nothing of it is kept), or a truncated or corrupt
    gzip archive."""
    if not hasattr(source, "read"):
        with open(source, "rb") as raw:
            return check_size(raw, limit, error)
    start = source.read(2)
    if start != GZIP_MAGIC:
        if source.seekable():
            if source.seek(0, os.SEEK_END) > limit:
                raise _too_big(limit, error)
            return None
        size = len(start)
        while chunk := source.read(READ_CHUNK):
            size += len(chunk)
            if size > limit:
                raise _too_big(limit, error)
        return None
    counted = 0
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    chunk = start + source.read(READ_CHUNK)
    try:
        while chunk:
            counted += len(inflater.decompress(chunk, READ_CHUNK))
            if counted > limit:
                raise _too_big(limit, error)
            if inflater.eof and inflater.unused_data:
                chunk, inflater = inflater.unused_data, zlib.decompressobj(16 + zlib.MAX_WBITS)
                if not chunk.strip(b"\0"):
                    break
                continue
            chunk = inflater.unconsumed_tail or source.read(READ_CHUNK)
        if not inflater.eof:
            raise error("The gzip archive is truncated: upload the whole .csv.gz file again.")
    except zlib.error as exc:
        raise error(
            f"The file starts like a gzip archive but could not be decompressed ({exc}). "
            "Upload a plain .csv file or a valid .csv.gz."
        ) from None
    return None


def _unclosed_quote_line(path: Path) -> int | None:
    """The line where the file's last record starts, if that record opens a quoted field that
    the end of the file leaves open (the csv module in strict mode says "unexpected end")."""
    last = None
    for record in _records(path):
        last = record[0]
    if last is None:
        return None
    with open_text(path) as text:
        for _ in range(last - 1):
            text.readline()
        rest = text.read()
    try:
        for _ in csv.reader(io.StringIO(rest, newline=""), strict=True):
            pass
    except csv.Error as exc:
        if "unexpected end" in str(exc):
            return last
    return None


def _refuse_unclosed_quote(path: Path, table: pa.Table, error: type[ScoringError]) -> None:
    """A quote opened and never closed makes the rest of the file one value of the last row:
    pyarrow (like RFC 4180 readers) accepts it. Only a last row holding a line break needs the
    slow look at the file."""
    if table.num_rows == 0:
        return
    values = [table.column(i)[table.num_rows - 1].as_py() for i in range(table.num_columns)]
    if not any("\n" in v or "\r" in v for v in values if isinstance(v, str)):
        return
    line = _unclosed_quote_line(path)
    if line is not None:
        raise _unclosed_quote_error(line, error)


def _unclosed_quote_error(line: int, error: type[ScoringError]) -> ScoringError:
    return error(
        f'Line {line} opens a quoted field (") that is never closed, so everything after it '
        "to the end of the file would be one value. Close the quote (a quote inside a quoted "
        'value is written twice: "") or remove it.'
    )


def read_csv(
    path: Path,
    columns: tuple[str, ...],
    error: type[ScoringError] = InvalidSubmission,
    max_bytes: int | None = None,
) -> pa.Table:
    """The whole file as a table of string columns named ``columns``, or ``error``.

    ``max_bytes`` caps the size of the (decompressed) file: past it the file is refused before
    it is parsed, and a gzip file is never inflated beyond it.
    """
    check_header(path, columns, error)
    expected = ",".join(columns)
    if _is_gzip(path):
        # A first pass through zlib, keeping nothing: refuses a gzip bomb at the cap and names a
        # truncated or corrupt archive; then pyarrow streams it (memory: the table only).
        check_size(path, max_bytes if max_bytes is not None else 2**62, error)
        source = pa.input_stream(str(path), compression="gzip")
    else:
        if max_bytes is not None and os.path.getsize(path) > max_bytes:
            raise _too_big(max_bytes, error)
        source = pa.OSFile(str(path))
    try:
        with source:
            table = pa_csv.read_csv(
                source,
                read_options=pa_csv.ReadOptions(use_threads=True),
                convert_options=pa_csv.ConvertOptions(
                    column_types={name: pa.string() for name in columns},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
    except pa.ArrowInvalid as exc:
        raise _diagnose(path, columns, error) or error(
            f"The file could not be read as CSV ({exc})."
        ) from None
    except (OSError, EOFError, zlib.error) as exc:
        raise error(f"The file could not be read ({exc}).") from None
    if tuple(table.column_names) != columns:  # check_header read the same line; be safe
        raise error(
            f"Wrong header: expected header {expected}, got {','.join(table.column_names)}."
        )
    if table.num_rows == 0:
        raise error(f"The file has the header {expected} but no data rows below it.")
    _refuse_unclosed_quote(path, table, error)
    return table
