"""Pages set in two columns (papers, newsletters, handouts) read column by column.

pypdf's layout mode places a two-column page's text side by side: each line holds a line of
the left column, a wide gap, and the line of the right column at the same height. Read as it
is, every sentence would be cut in two and glued to a stranger. This module finds the gutter
and puts each column's lines in order: first what runs across the page (a title, an
abstract), then the left column, then the right one; a line that runs across the page in the
middle of the columns (a wide figure or table, a section set across) closes the columns above
it, which are read before it.

Layout mode puts a character in one place of its grid, Japanese ones included (each counts
once, however wide it is drawn), so the gutter is found by character index: the place where
the right column's lines start. A page is taken as two columns only when many lines start
text there after a gap and both sides hold prose (long lines), which a table does not:
its cells are short, so tables keep their columns (:mod:`pdf_tables` reads them).
"""

from __future__ import annotations

import re
from collections import Counter
from statistics import median

from flashcards.core.generate.pdf_tables import display_width

#: What a paragraph's last line ends with.
_TERMINAL = ".!?。！？」』）)"
#: A gap between columns: three spaces or more.
_GAP = re.compile(r" {3,}")
#: The fewest lines with text on both sides of the gutter (the end of an article may leave
#: only a few lines in the right column).
MIN_PAIRS = 3
#: How long a column's lines are at the median: this share of the column's width, and at
#: least this wide (a Japanese character counting twice): prose fills its lines; table cells
#: and margin notes do not.
MIN_FILL = 0.6
MIN_WIDTH = 15
#: Lines between the first and the last pair that may run across the gutter (a wide figure
#: caption); a page of one column has its text run across it everywhere.
MAX_CROSSING = 0.1


def _right_starts(line: str) -> list[int]:
    """Where text starts after a gap in this line (a line indented to there included)."""
    return [m.end() for m in _GAP.finditer(line) if m.end() < len(line)]


#: Each line split at the gutter: (left, right), None for a line across it, ("", "") if blank.
_Splits = list[tuple[str, str] | None]


def find_gutter(lines: list[str]) -> int | None:
    """Where the right column's lines start (a character index), or None for one column."""
    found = _columns(lines)
    return None if found is None else found[0]


def _columns(lines: list[str]) -> tuple[int, _Splits] | None:
    """The gutter and the lines split at it, or None for a page of one column."""
    counts: Counter[int] = Counter()
    for line in lines:
        for start in set(_right_starts(line)):
            counts[start] += 1
    if not counts:
        return None
    # Neighbouring places count together: a glyph placed a little off shifts by one.
    best = max(counts, key=lambda c: (counts[c - 1] + counts[c] + counts[c + 1], counts[c]))
    splits: _Splits = [_split(line, best) if line.strip() else ("", "") for line in lines]
    pairs = {n: split for n, split in enumerate(splits) if split is not None and all(split)}
    if len(pairs) < MIN_PAIRS:
        return None
    for side in (0, 1):
        texts = [split[side] for split in pairs.values()]
        room = best - 3 if side == 0 else max(map(len, texts))
        short = median(map(len, texts)) < MIN_FILL * room
        if short or median(map(display_width, texts)) < MIN_WIDTH:
            return None  # short cells: a table, not two columns of prose
    region = splits[min(pairs) : max(pairs) + 1]
    if sum(split is None for split in region) > MAX_CROSSING * len(region):
        return None  # text runs across the gap between its rows: one column, with a table
    return best, splits


def _split(line: str, gutter: int) -> tuple[str, str] | None:
    """The line's left and right column text, or None when it runs across the gutter."""
    if len(line.rstrip()) <= gutter - 2:
        return line.rstrip(), ""  # ends before the gutter: left column only
    for m in _GAP.finditer(line):
        if abs(m.end() - gutter) <= 1:
            return line[: m.start()].rstrip(), line[m.end() :].rstrip()
    return None


def read_columns(lines: list[str]) -> list[str]:
    """A page's lines in reading order: column by column when it is set in two columns.

    A page of one column comes back unchanged. The lines above the first that has text in the
    right column (a title, an abstract, the top of the left column) are kept as they are.
    """
    found = _columns(lines)
    if found is None:
        return lines
    splits = found[1]
    first = next(n for n, split in enumerate(splits) if split is not None and split[1])
    fulls = tuple(_full([s[side] for s in splits[first:] if s is not None]) for side in (0, 1))
    out: list[str] = lines[:first]
    columns: tuple[list[str], list[str]] = ([], [])

    def close_columns() -> None:
        # The right column goes on where the left one stopped (a paragraph may run on).
        for column in columns:
            out.extend(column)
            column.clear()

    for line, split in zip(lines[first:], splits[first:], strict=True):
        if split is None:  # across the page: the columns above it are read first
            close_columns()
            out.extend(["", line, ""])
            continue
        blank_row = not split[0] and not split[1]
        for side, column in enumerate(columns):
            text = split[side]
            # A row blank in both columns is the gap of a paragraph that ended in one of them;
            # in a column whose last line is full and ends mid-sentence, it is not a gap.
            mid_paragraph = not _ended(column, fulls[side]) and not _closed(column)
            if not text and blank_row and mid_paragraph:
                continue
            if text or (column and column[-1]):  # (one blank line for a gap)
                column.append(text)
    close_columns()
    return out


def _full(texts: list[str]) -> int:
    """The length of a full line of a column (most lines of prose are about as long)."""
    lengths = sorted(len(text) for text in texts if text)
    return lengths[int(len(lengths) * 0.9)] if lengths else 0


def _ended(column: list[str], full: int) -> bool:
    """Whether the column's last line is short: the last line of a paragraph."""
    return bool(column and column[-1] and len(column[-1]) < 0.9 * full)


def _closed(column: list[str]) -> bool:
    """Whether the column's last line ends a sentence (a full last line of a paragraph)."""
    return bool(column and column[-1] and column[-1].rstrip()[-1:] in _TERMINAL)
