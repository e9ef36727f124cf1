"""Score the generator on evaluation sets of articles in every format (issue 10).

For each article of the chosen sets (``tests/data/evaluation.py``), a deck is generated and
scored against the article's gold list with `tools.quality.score_deck`; the table gives each
article's recall, precision, junk and note count, then macro averages per format
(html/md/txt/pdf) and per set.

Articles are read with ``flashcards.core.generate.load_article`` when the package has it (it
reads saved web pages and PDFs too), else with ``read_article``, which reads text and Markdown
only: HTML and PDF articles are then reported as "unreadable format". An article that cannot
be read or generated counts as recall 0 in the averages and has no precision.

Usage: ``python -m tools.score_sets [--sets dev,blind3] [--show-missing] [--backs]``;
``--backs`` lists the bad backs the gold phrases cannot see (fragments, anaphors, glosses,
duplicates: ``tools.quality.back_shapes``) and counts them per set.

A blind set is scored once, at the end of a round, and never tuned on: ``blind3`` still is;
``blind2`` and ``blind4`` were scored once each and are development sets since.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import flashcards.core.generate as generate
from flashcards.core.deckfile import DeckFile
from flashcards.core.generate import Article, generate_deck
from flashcards.core.generate.textutil import detect_language
from tests.data.evaluation import SETS, articles
from tools.quality import Quality, back_shapes, load_gold, score_deck

#: Formats in the order the table lists them.
FORMATS = ("html", "md", "txt", "pdf")
_NEEDS_LOADER = ("html", "pdf")


@dataclass(frozen=True)
class Row:
    """One article's result: a quality, or why there is none."""

    name: str
    set_name: str
    fmt: str
    quality: Quality | None
    seconds: float
    error: str = ""
    shapes: tuple[tuple[str, str, str], ...] = ()  # (front, back, label) of bad backs


def article_format(path: Path) -> str:
    """The format label of an article file: html, md, txt or pdf."""
    suffix = path.suffix.lower().lstrip(".")
    return "html" if suffix == "htm" else suffix


def loader() -> tuple[Callable[[Path], Article], bool]:
    """The article reader to use, and whether it reads every format (``load_article``)."""
    load = getattr(generate, "load_article", None)
    if callable(load):
        return load, True
    return generate.read_article, False


def score_article(
    path: Path, gold: Path, set_name: str, read: Callable[[Path], Article], reads_all: bool
) -> Row:
    """Generate a deck from one article and score it (errors become the row's note)."""
    fmt = article_format(path)
    name = path.name
    if fmt in _NEEDS_LOADER and not reads_all:
        return Row(name, set_name, fmt, None, 0.0, "unreadable format (no load_article)")
    start = time.perf_counter()
    try:
        deck = generate_deck(read(path))
    except Exception as exc:  # noqa: BLE001 - one bad article must not stop the table
        message = " ".join(str(exc).split())[:70]
        return Row(name, set_name, fmt, None, time.perf_counter() - start, message)
    seconds = time.perf_counter() - start
    shapes = tuple(
        (note.front, note.back, label)
        for note, label in back_shapes(deck, detect_language(deck_text(deck)))
    )
    return Row(name, set_name, fmt, score_deck(deck, load_gold(gold)), seconds, "", shapes)


def deck_text(deck: DeckFile) -> str:
    """The deck's fronts and backs, to tell its language by."""
    return "\n".join(f"{n.front} {n.back}" for n in deck.notes)


def shape_counts(rows: list[Row]) -> list[str]:
    """Bad-back counts by shape and set (``tools.quality.back_shapes``)."""
    lines = ["Bad backs by shape (tools.quality.back_shapes)"]
    for set_name in dict.fromkeys(r.set_name for r in rows):
        group = [r for r in rows if r.set_name == set_name]
        counts = Counter(label.split(":")[0] for r in group for _f, _b, label in r.shapes)
        notes = sum(r.quality.cards for r in group if r.quality is not None)
        total = sum(counts.values())
        detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        lines.append(f"  {set_name:<12} {total:>3}/{notes} notes  {detail}")
    return lines


def _mean(values: Iterable[float]) -> float | None:
    items = list(values)
    return sum(items) / len(items) if items else None


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:5.2f}"


def summary(label: str, rows: list[Row]) -> str:
    """A macro-average line over some rows (unreadable articles count as recall 0)."""
    scored = [r.quality for r in rows if r.quality is not None]
    recall = _mean(q.recall if q is not None else 0.0 for q in (r.quality for r in rows))
    precision = _mean(q.precision for q in scored)
    junk = sum(q.junk for q in scored)
    notes = sum(q.cards for q in scored)
    failed = len(rows) - len(scored)
    tail = f"  ({failed} unreadable/failed)" if failed else ""
    return (
        f"{label:<34} {len(rows):>3} art.  recall {_fmt(recall)}  precision {_fmt(precision)}"
        f"  junk {junk:>3}/{notes}{tail}"
    )


def table(rows: list[Row], show_missing: bool, show_backs: bool = False) -> list[str]:
    """The report's lines: one per article, then averages per format and per set."""
    lines = [
        f"{'article':<34} {'set':<8} {'fmt':<4} {'recall':>6} {'prec':>6} "
        f"{'junk':>5} {'notes':>5} {'sec':>5}  error"
    ]
    lines.append("-" * len(lines[0]))
    for row in rows:
        q = row.quality
        if q is None:
            cells = f"{'-':>6} {'-':>6} {'-':>5} {'-':>5}"
        else:
            cells = f"{q.recall:6.2f} {q.precision:6.2f} {q.junk:>5} {q.cards:>5}"
        lines.append(
            f"{row.name:<34} {row.set_name:<8} {row.fmt:<4} {cells} {row.seconds:5.2f}  "
            f"{row.error}".rstrip()
        )
        if show_backs:
            lines.extend(f"    [{label}] {front} -> {back}" for front, back, label in row.shapes)
        if show_missing and q is not None:
            if q.missing:
                lines.append(f"    missing: {', '.join(q.missing)}")
            if q.wrong:
                lines.append(f"    wrong:   {', '.join(q.wrong)}")
    lines.append("")
    lines.append("Macro averages by format")
    for fmt in FORMATS:
        group = [r for r in rows if r.fmt == fmt]
        if group:
            lines.append(summary(f"  {fmt}", group))
    lines.append("Macro averages by set")
    for set_name in dict.fromkeys(r.set_name for r in rows):
        group = [r for r in rows if r.set_name == set_name]
        lines.append(summary(f"  {set_name}{SETS.get(set_name, '')}", group))
    if len({r.set_name for r in rows}) > 1:
        lines.append(summary("  all", rows))
    if show_backs:
        lines.extend(shape_counts(rows))
    return lines


def main(argv: list[str] | None = None) -> int:
    """Command line: print the table for the chosen sets."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--sets", default="dev", help="comma-separated set folders (default: dev); see SETS"
    )
    parser.add_argument(
        "--show-missing", action="store_true", help="list missing gold terms and wrong notes"
    )
    parser.add_argument(
        "--backs", action="store_true", help="list the bad backs (tools.quality.back_shapes)"
    )
    args = parser.parse_args(argv)
    names = tuple(s.strip() for s in args.sets.split(",") if s.strip())
    unknown = [s for s in names if s not in SETS]
    if unknown or not names:
        parser.error(f"unknown set(s): {', '.join(unknown) or '(none)'}; known: {', '.join(SETS)}")
    read, reads_all = loader()
    print(f"reader: {'load_article' if reads_all else 'read_article (text and Markdown only)'}")
    rows = [
        score_article(path, gold, name, read, reads_all)
        for name in names
        for path, gold, _label in articles((name,))
    ]
    print("\n".join(table(rows, args.show_missing, args.backs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
