"""Block shapes in Markdown text: table rows, definition-list items and label lines.

Readers write every format (web pages, PDFs, notes) into the same Markdown conventions
(docs/generation.md, "Reading web pages and PDFs"); this module reads the blocks that carry a
term and its explanation side by side, so that a glossary table or a definition list is read as
pairs rather than as prose.
"""

from __future__ import annotations

import re

_SEPARATOR_CELL = re.compile(r"^:?-{2,}:?$")
# A term line marked as such: "【赤道儀】", or a line that is only bold text ("**Chunking**").
_LABEL = re.compile(r"^【([^【】]{1,30})】$")
_BOLD_LINE = re.compile(r"^\*\*([^*]{1,60})\*\*[:：]?$")
# Header cells that name the explanation column, or the term column, of a glossary table.
_EXPLANATION_HEADER = re.compile(
    r"意味|説明|定義|内容|概要|解説|役割|はたらき|働き|機能|用途|特徴|"
    r"meaning|definition|description|explanation|what it|purpose|role|function|use",
    re.IGNORECASE,
)
_TERM_HEADER = re.compile(
    r"用語|単語|語句|名前|名称|キーワード|項目|概念|記号|コマンド|"
    r"term|word|name|keyword|concept|symbol|command",
    re.IGNORECASE,
)


def split_row(line: str) -> list[str] | None:
    """The cells of a Markdown table row (``| a | b |``), or None if the line is not one."""
    stripped = line.strip()
    if not stripped.startswith("|") or stripped.count("|") < 2:
        return None
    inner = stripped[1:-1] if stripped.endswith("|") else stripped[1:]
    return [cell.strip() for cell in inner.split("|")]


def is_separator(cells: list[str]) -> bool:
    """Whether a row is the ``| --- | --- |`` line under a table header."""
    return bool(cells) and all(_SEPARATOR_CELL.match(cell.replace(" ", "")) for cell in cells)


def is_header_cell(cell: str) -> bool:
    """Whether a table cell names a column (``用語``, ``意味``, ``Term``, ``Meaning`` ...)."""
    return len(cell) <= 30 and bool(_TERM_HEADER.search(cell) or _EXPLANATION_HEADER.search(cell))


def label_of(line: str) -> str | None:
    """The term of a label line (``【赤道儀】`` or ``**Chunking**`` on its own line), or None."""
    stripped = line.strip()
    match = _LABEL.match(stripped) or _BOLD_LINE.match(stripped)
    return match.group(1).strip() if match else None


def _columns(header: list[str] | None, body: list[list[str]]) -> tuple[int, int] | None:
    """(term column, explanation column) of a table, or None if it pairs nothing."""
    width = max((len(row) for row in body), default=0)
    if width < 2:
        return None
    term_col = 0
    explain_col = -1
    if header is not None:
        for n, cell in enumerate(header):
            if explain_col < 0 and _EXPLANATION_HEADER.search(cell):
                explain_col = n
        for n, cell in enumerate(header):
            if n != explain_col and _TERM_HEADER.search(cell):
                term_col = n
                break
    if explain_col < 0 or explain_col == term_col:
        # No header says which: the column with the most text explains the first one.
        totals = [0] * width
        for row in body:
            for n, cell in enumerate(row):
                totals[n] += len(cell)
        others = [n for n in range(width) if n != term_col]
        explain_col = max(others, key=lambda n: (totals[n], -n))
    return term_col, explain_col


def table_pairs(rows: list[list[str]]) -> list[tuple[str, str] | None]:
    """For each row of a table, its (term, explanation) pair, or None (headers, separators).

    Args:
        rows: The cells of consecutive table rows, as `split_row` gives them.

    Returns:
        One entry per row, in order.
    """
    header: list[str] | None = None
    if len(rows) >= 2 and is_separator(rows[1]):
        header = rows[0]
    body_start = 2 if header is not None else 0
    body = [row for row in rows[body_start:] if not is_separator(row)]
    columns = _columns(header, body)
    out: list[tuple[str, str] | None] = []
    for n, row in enumerate(rows):
        if n < body_start or is_separator(row) or columns is None:
            out.append(None)
            continue
        term_col, explain_col = columns
        term = row[term_col] if term_col < len(row) else ""
        explanation = row[explain_col] if explain_col < len(row) else ""
        out.append((term, explanation) if term and explanation else None)
    return out
