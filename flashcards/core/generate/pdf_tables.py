"""Tables in a PDF's text layer, found in pypdf's layout text and written as Markdown rows.

pypdf's layout mode keeps a table's columns apart with runs of spaces, and a cell that wraps
goes on on the next line at its column's position. Without this module those rows were read
as prose (`Tidal volume the amount of air … about 0.5 litres`), so a glossary table in a PDF
taught nothing. Here a run of lines is a table when segments (text between gaps of two or more
spaces) start at the same columns on most of its rows and each row begins with a short,
term-like cell; wrapped lines are put back into their cells. The rows come out as the Markdown
rows the web reader writes (`| term | explanation |`), so one rule reads tables of every format.

Column positions are counted in characters. Layout mode places a Japanese line's characters
only roughly (a glyph whose width the font misreports leaves a gap inside a sentence), so
columns are matched with a tolerance and a gap that recurs on too few rows is no column.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from flashcards.core.generate.blocks import is_header_cell

_GAP = re.compile(r" {2,}")
#: Japanese characters (and their punctuation), as a character-class body.
CJK = "\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60"
#: Spaces that layout mode puts between two Japanese characters (glyph runs placed apart).
CJK_GAP = re.compile(rf"(?<=[{CJK}]) +(?=[{CJK}])")
_CJK_EDGE = re.compile(rf"[{CJK}]")
_TOLERANCE = 3  # characters a column's start may wander between rows
_MAX_ROW_INDENT = 2  # a row's first cell starts at the margin
_MIN_CONTINUATION_INDENT = 4  # a wrapped cell's next line is indented to its column
# A first cell that reads as prose: sentence punctuation, or a clause ending in a particle.
_PROSE_CELL = re.compile(r"[。、，,;；]|\. |[のをにがはでと]$")
_BRACKETED = re.compile(r"^[（(][^（）()]{1,40}[)）]$")


@dataclass(frozen=True)
class Segment:
    """Text between gaps on one line, and the column (in characters) where it starts."""

    start: int
    text: str


@dataclass
class _Row:
    """A table row being read: one cell text per column."""

    cells: list[str] = field(default_factory=list)


def display_width(text: str) -> int:
    """Display width: a Japanese character counts twice."""
    return len(text) + len(_CJK_EDGE.findall(text))


def segments(line: str) -> list[Segment]:
    """The segments of a layout line: text separated by runs of two or more spaces."""
    out: list[Segment] = []
    position = 0
    for piece in _GAP.split(line):
        if piece:
            start = line.index(piece, position)
            out.append(Segment(start, piece.strip()))
            position = start + len(piece)
    return [s for s in out if s.text]


def _term_like(text: str) -> bool:
    """Whether a first cell could name a term (short, not a clause of a sentence)."""
    return len(text) <= 30 and len(text.split()) <= 5 and not _PROSE_CELL.search(text)


def _row_line(parts: list[Segment]) -> bool:
    return (
        len(parts) >= 2
        and parts[0].start <= _MAX_ROW_INDENT
        and _term_like(parts[0].text)
        and not _BRACKETED.match(parts[0].text)
    )


def _header_line(parts: list[Segment]) -> bool:
    """A header row (``用語  意味``, ``Term  Meaning``): short cells, one naming its column.

    Header cells are often centred, so the line may start anywhere.
    """
    return (
        len(parts) >= 2
        and all(len(p.text) <= 20 for p in parts)
        and any(is_header_cell(p.text) for p in parts)
    )


def _continuation(parts: list[Segment]) -> bool:
    if not parts:
        return False
    return parts[0].start >= _MIN_CONTINUATION_INDENT or bool(_BRACKETED.match(parts[0].text))


def _columns(rows: list[list[Segment]]) -> list[int]:
    """Column starts: positions where segments start, within the tolerance, on most rows."""
    starts = sorted((s.start, n) for n, parts in enumerate(rows) for s in parts)
    clusters: list[list[tuple[int, int]]] = []
    for start, row in starts:
        if clusters and start - clusters[-1][-1][0] <= _TOLERANCE:
            clusters[-1].append((start, row))
        else:
            clusters.append([(start, row)])
    needed = max(2, math.ceil(0.75 * len(rows)))
    return [c[0][0] for c in clusters if len({row for _, row in c}) >= needed]


def _column_of(start: int, columns: list[int]) -> int:
    """The column a segment starting at ``start`` belongs to (the last one it is not before)."""
    index = 0
    for n, column in enumerate(columns):
        if start >= column - _TOLERANCE:
            index = n
    return index


def _glue(left: str, right: str) -> str:
    if not left:
        return right
    if _CJK_EDGE.match(left[-1]) and _CJK_EDGE.match(right[:1]):
        return left + right
    return left + " " + right


def _fill(row: _Row, parts: list[Segment], columns: list[int]) -> None:
    for part in parts:
        n = _column_of(part.start, columns)
        row.cells[n] = _glue(row.cells[n], CJK_GAP.sub("", " ".join(part.text.split())))


def _region(lines: list[str], start: int) -> int:
    """The end (exclusive) of the run of table-shaped lines from ``start`` (a row line)."""
    end = start + 1
    index = start + 1
    while index < len(lines):
        parts = segments(lines[index])
        if not parts:
            index += 1  # blank lines separate rows (and stand where a page broke)
            continue
        if not (_row_line(parts) or _continuation(parts)):
            break
        index += 1
        end = index
    return end


def _markdown(header: _Row | None, rows: list[_Row]) -> str:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    out = []
    if header is not None:
        out = [line(header.cells), line(["---"] * len(header.cells))]
    out.extend(line(row.cells) for row in rows)
    return "\n".join(out)


def find_tables(lines: list[str]) -> dict[int, tuple[int, str]]:
    """Every table in the layout lines: first line -> (end index, Markdown rows).

    A run of table-shaped lines that is no table is skipped whole, so the search stays linear
    in the number of lines.
    """
    tables: dict[int, tuple[int, str]] = {}
    index = 0
    while index < len(lines):
        found = table_at(lines, index)
        if found is not None:
            tables[index] = found
            index = found[0]
        elif _row_line(segments(lines[index])):
            index = max(index + 1, _region(lines, index))
        else:
            index += 1
    return tables


def table_at(lines: list[str], start: int) -> tuple[int, str] | None:
    """A table starting at ``lines[start]``: (end index, its Markdown rows), or None.

    Args:
        lines: Layout lines (spaces kept, tabs as spaces), page furniture already removed.
        start: The index of the line that may be a table's first row (or its header).

    Returns:
        The index after the table's last line and the rows as ``| a | b |`` lines (a header
        row, when the first row names its columns, followed by ``| --- | --- |``), or None if
        no table starts there.
    """
    first = segments(lines[start])
    head = _header_line(first)
    body = start + 1 if head else start
    while head and body < len(lines) and not segments(lines[body]):
        body += 1
    if body >= len(lines) or not _row_line(segments(lines[body])):
        return None
    end = _region(lines, body)
    row_parts = [p for p in (segments(line) for line in lines[body:end]) if _row_line(p)]
    if len(row_parts) < 2:
        return None
    columns = _columns(row_parts)
    if len(columns) < 2 or columns[0] > _MAX_ROW_INDENT:
        return None
    header = None
    if head:
        header = _Row([""] * len(columns))
        _fill(header, first, columns)
    rows: list[_Row] = []
    for line in lines[body:end]:
        parts = segments(line)
        if not parts:
            continue
        if _row_line(parts):
            rows.append(_Row([""] * len(columns)))
        _fill(rows[-1], parts, columns)
    if sum(all(row.cells[:2]) for row in rows) < 2:
        return None  # most "rows" have an empty cell: not a table of two columns or more
    return end, _markdown(header, rows)


# A table of contents' entry: a title, then dotted leaders, a wide gap or nothing, then a page
# number at the end of the line ("第2章 用語 ……… 3", "2. Addresses    3", "Addresses and names3").
_CONTENTS_ENTRY = re.compile(
    r"^\s*(?P<title>\S.{0,100}?)(?P<lead>\s*(?:[.．·・…‥_]\s?){3,}\s*| {2,}| ?)"
    r"(?<![\d.,])(?P<page>\d{1,4})$"  # "0.5" is a value, not page 5
)
_MIN_CONTENTS = 3  # entries in a row that make a table of contents


def contents_lines(lines: list[str]) -> set[int]:
    """The lines of a table of contents: navigation, not text to learn from.

    A run of at least three consecutive lines, each a title ending in a page number, the page
    numbers never decreasing and two of them at least set off by dotted leaders or a wide gap
    (a table laid out by a word processor may glue the number to the title: ``names3``). Read as
    prose or as a two-column table they made junk notes (``Introduction 1 → Addresses and
    names 3 …``).
    """
    found: set[int] = set()
    run: list[tuple[int, int, bool]] = []  # (line index, page, set off by a leader or a gap)

    def close() -> None:
        pages = [page for _, page, _ in run]
        set_off = sum(lead for _, _, lead in run)
        if len(run) >= _MIN_CONTENTS and pages == sorted(pages) and set_off >= 2:
            found.update(index for index, _, _ in run)
        run.clear()

    for index, line in enumerate(lines):
        match = _CONTENTS_ENTRY.match(line) if line.strip() else None
        if match is None or not re.search(r"[^\W\d_]", match.group("title")):
            close()
            continue
        run.append(
            (
                index,
                int(match.group("page")),
                bool(match.group("lead").strip(" ")) or len(match.group("lead")) >= 2,
            )
        )
    close()
    return found
