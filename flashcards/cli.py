"""The command line: ``flashcards [--data-dir DIR] [--db URL] [COMMAND]``.

Without a command it opens the desktop app. Imports stay light at the top so that the window
can appear before the database layer is loaded.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flashcards.core.collection import Collection

RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


class UsageError(Exception):
    """A command-line usage error (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse prints usage and exits 2; we say one line
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``flashcards`` command."""
    parser = _Parser(
        prog="flashcards",
        description="Spaced-repetition flashcards from the articles you read.",
    )
    parser.add_argument(
        "--data-dir", type=Path, help="folder of the collection (default: user data dir)"
    )
    parser.add_argument(
        "--db", dest="db_url", help="SQLAlchemy database URL (overrides --data-dir)"
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    parser.add_argument("--now", help=argparse.SUPPRESS)  # fixed clock for scripted demos and tests
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("decks", help="list decks with what is due")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = sub.add_parser("import", help="import deck files (.toml), Anki packages (.apkg) or CSV")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--deck", help="deck for CSV files without a deck column")

    p = sub.add_parser("review", help="review due cards in the terminal")
    p.add_argument("--deck", help="deck to review (default: all decks)")

    p = sub.add_parser("stats", help="review statistics")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--deck", help="one deck (and its subdecks)")

    p = sub.add_parser("generate", help="make cards from an article's key terms")
    p.add_argument("article", type=Path)
    p.add_argument("-o", "--output", type=Path, help="deck file to write (default: <article>.toml)")
    p.add_argument("--deck", help="deck name (default: the article's title)")
    p.add_argument("--lang", choices=("auto", "ja", "en"), default="auto")
    p.add_argument("--max-cards", type=int, help="keep at most N notes")
    p.add_argument(
        "--import",
        dest="do_import",
        action="store_true",
        help="put the cards straight into the collection",
    )

    p = sub.add_parser("export", help="export to an Anki package (.apkg) or Anki text file")
    p.add_argument("-o", "--output", type=Path, required=True)
    p.add_argument("--deck", help="one deck (and its subdecks); default: all decks")
    p.add_argument("--with-progress", action="store_true", help="carry scheduling and review log")
    p.add_argument(
        "--format", choices=("apkg", "csv"), default=None, help="default: from the file name"
    )

    p = sub.add_parser("backup", help="back up the collection now (into backups/)")
    p.add_argument("--list", action="store_true", help="list the backups instead")

    p = sub.add_parser(
        "restore", help="replace the collection with a backup (the current file is kept aside)"
    )
    p.add_argument(
        "file", nargs="?", type=Path, metavar="FILE", help="backup to restore (default: newest)"
    )
    return parser


def _now(args: argparse.Namespace) -> datetime:
    if args.now:
        try:
            value = datetime.fromisoformat(args.now)
        except ValueError:
            raise UsageError(f"--now {args.now!r} is not an ISO date and time") from None
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.now(UTC)


#: Instance locks taken by this run of the command (released when ``main`` returns).
_LOCKS: list[Any] = []


def _locate(args: argparse.Namespace) -> tuple[str, Path | None]:
    """The database URL, and its SQLite file (None for a database server), locked for us."""
    from flashcards.core.db import sqlite_path
    from flashcards.core.instance import InstanceLock
    from flashcards.core.startup import resolve_url

    data_dir = args.data_dir
    if data_dir is None and os.environ.get("FLASHCARDS_DATA_DIR"):
        data_dir = Path(os.environ["FLASHCARDS_DATA_DIR"])
    url, _folder = resolve_url(data_dir, args.db_url)
    path = sqlite_path(url)
    if path is not None and not _LOCKS:
        # One writer per collection file: the desktop app or this command, not both.
        _LOCKS.append(InstanceLock(path.parent).acquire())
    return url, path


def _open(args: argparse.Namespace) -> Collection:
    from flashcards.core.db import DamagedCollectionError, NewerCollectionError
    from flashcards.core.errors import CollectionError
    from flashcards.core.startup import open_user_collection

    url, path = _locate(args)
    try:
        return open_user_collection(_now(args), db_url=url)
    except (DamagedCollectionError, NewerCollectionError) as exc:
        if path is None:
            raise
        from flashcards.core.backup import damaged_advice

        raise CollectionError(f"{str(exc).rstrip('.')}; {damaged_advice(path)}.") from None


# ---------------------------------------------------------------------------- commands


def cmd_decks(args: argparse.Namespace, out: IO[str]) -> int:
    """Print the deck list."""
    col = _open(args)
    counts = col.deck_counts(_now(args))
    if args.json:
        rows = [
            {"name": c.name, "new": c.new, "learn": c.learn, "review": c.review, "total": c.total}
            for c in counts
        ]
        out.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return 0
    if not counts:
        out.write("No decks yet. Import one with `flashcards import DECK.toml`.\n")
        return 0
    width = max(len("  " * c.depth + c.name.split("::")[-1]) for c in counts)
    out.write(f"{'Deck':<{width}}  {'New':>5} {'Learn':>5} {'Due':>5} {'Total':>6}\n")
    for c in counts:
        label = "  " * c.depth + c.name.split("::")[-1]
        out.write(f"{label:<{width}}  {c.new:>5} {c.learn:>5} {c.review:>5} {c.total:>6}\n")
    return 0


def cmd_import(args: argparse.Namespace, out: IO[str]) -> int:
    """Import deck files, Anki packages or Anki text files."""
    from flashcards.core.deckfile import read_deck_file

    col = _open(args)
    now = _now(args)
    for path in args.paths:
        if path.suffix.lower() == ".toml":
            report = col.import_deck_file(read_deck_file(path), now)
        else:
            from flashcards.core import exchange

            report = exchange.import_file(col, path, now, deck=args.deck)
        out.write(
            f"{path.name}: deck {report.deck!r}: {report.added} added, {report.updated} updated, "
            f"{report.unchanged} unchanged.\n"
        )
        if report.missing:
            shown = ", ".join(report.missing[:10]) + (" ..." if len(report.missing) > 10 else "")
            out.write(
                f"  {len(report.missing)} note(s) of the deck are not in the file "
                f"(kept, not deleted): {shown}\n"
            )
        for warning in report.warnings:
            out.write(f"  Note: {warning}\n")
    return 0


def _read_key(inp: IO[str], out: IO[str], prompt: str) -> str | None:
    out.write(prompt)
    out.flush()
    line = inp.readline()
    if not line:
        out.write("\n")
        return None
    return line.strip().lower()


def cmd_review(
    args: argparse.Namespace,
    out: IO[str],
    inp: IO[str],
    clock: Callable[[], datetime] | None = None,
) -> int:
    """Review in the terminal: Enter shows the answer, 1-4 answer, u undo, q quit."""
    col = _open(args)
    now = clock or (lambda: _now(args))
    if args.deck:
        col.deck_id(args.deck)
    reviewed = 0
    pending = None  # a card brought back by undo
    while True:
        card = pending or col.next_card(now(), args.deck)
        pending = None
        if card is None:
            out.write(f"Congratulations! Nothing more to review now ({reviewed} reviewed).\n")
            return 0
        counts = {c.name: c for c in col.deck_counts(now())}
        scope = counts.get(args.deck) if args.deck else None
        if scope is not None:
            out.write(
                f"\n[{card.deck_name}]  new {scope.new}  learn {scope.learn}  due {scope.review}\n"
            )
        else:
            out.write(f"\n[{card.deck_name}]\n")
        out.write(f"Q: {card.faces.question}\n")
        started = time.monotonic()
        key = _read_key(inp, out, "[Enter] show answer, u undo, q quit > ")
        if key is None or key == "q":
            break
        if key == "u":
            undone = col.undo()
            if undone is None:
                out.write("Nothing to undo.\n")
                pending = card
            else:
                out.write("Undone.\n")
                reviewed = max(0, reviewed - 1)
                pending = col.card_for_review(undone, now())
            continue
        out.write(f"A: {card.faces.answer}\n")
        if card.source.sentence:
            where = " / ".join(x for x in (card.source.title, card.source.section) if x)
            out.write(
                f"   Source: {card.source.sentence}" + (f" ({where})" if where else "") + "\n"
            )
        choices = "   ".join(f"{r} {RATING_NAMES[r]} {card.label(r)}" for r in (1, 2, 3, 4))
        out.write(choices + "\n")
        while True:
            key = _read_key(inp, out, "1-4 (Enter = Good), u undo, q quit > ")
            if key is None or key == "q":
                out.write(f"Stopped; {reviewed} reviewed.\n")
                return 0
            if key == "u":
                undone = col.undo()
                out.write("Undone.\n" if undone is not None else "Nothing to undo.\n")
                reviewed = max(0, reviewed - (undone is not None))
                pending = col.card_for_review(undone, now()) if undone is not None else card
                break
            rating = 3 if key == "" else int(key) if key in {"1", "2", "3", "4"} else None
            if rating is None:
                out.write("Please type 1, 2, 3 or 4.\n")
                continue
            duration = int((time.monotonic() - started) * 1000)
            result = col.answer(
                card.card_id, rating, now(), duration_ms=duration, shown_at=card.shown_at
            )
            from flashcards.core.scheduling import format_interval

            out.write(f"-> {RATING_NAMES[rating]}: next in {format_interval(result.interval)}\n")
            reviewed += 1
            break
    out.write(f"Stopped; {reviewed} reviewed.\n")
    return 0


def cmd_stats(args: argparse.Namespace, out: IO[str]) -> int:
    """Print review statistics."""
    col = _open(args)
    data = col.stats_summary(_now(args), args.deck)
    if args.json:
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return 0
    cards = data["cards"]
    assert isinstance(cards, dict)
    retention = data["retention_30d"]
    forecast = data["due_forecast"]
    assert isinstance(forecast, list)
    out.write(f"Reviews today: {data['reviews_today']} ({data['minutes_today']} min)\n")
    out.write(f"Streak: {data['streak_days']} day(s)\n")
    out.write(
        "Retention (30 days): "
        + (f"{retention:.1%}" if isinstance(retention, float) else "no reviews yet")
        + "\n"
    )
    out.write(
        f"Cards: {cards['new']} new, {cards['learning']} learning, {cards['review']} review, "
        f"{cards['suspended']} suspended\n"
    )
    out.write(
        f"Due today: {forecast[0]}, tomorrow: {forecast[1]}, next 7 days: {sum(forecast[:7])}\n"
    )
    return 0


def cmd_generate(args: argparse.Namespace, out: IO[str]) -> int:
    """Make cards from an article and write a deck file or import them."""
    from flashcards.core.deckfile import read_deck_file, write_deck_file
    from flashcards.core.generate import generate_deck, read_article

    if args.max_cards is not None and args.max_cards < 1:
        raise UsageError("--max-cards must be at least 1")
    article = read_article(args.article)
    output = args.output or args.article.with_suffix(".toml")
    existing = read_deck_file(output) if output.exists() else None
    deck = generate_deck(
        article, deck_name=args.deck, lang=args.lang, max_cards=args.max_cards, existing=existing
    )
    if not deck.notes:
        from flashcards.core.errors import InputError

        raise InputError(f"No key terms with definitions were found in {args.article.name}.")
    if args.do_import:
        col = _open(args)
        report = col.import_deck_file(deck, _now(args))
        out.write(
            f"Imported {len(deck.notes)} notes into {report.deck!r}: {report.added} added, "
            f"{report.updated} updated, {report.unchanged} unchanged.\n"
        )
        if args.output is None:
            return 0
    write_deck_file(deck, output)
    out.write(f"Wrote {len(deck.notes)} notes to {output} (deck {deck.name!r}).\n")
    return 0


def cmd_export(args: argparse.Namespace, out: IO[str]) -> int:
    """Export decks to an Anki package or an Anki text file."""
    from flashcards.core import exchange

    col = _open(args)
    fmt = args.format or (
        "csv" if args.output.suffix.lower() in {".txt", ".csv", ".tsv"} else "apkg"
    )
    if fmt == "csv":
        count = exchange.export_csv(col, args.output, deck=args.deck)
    else:
        count = exchange.export_apkg(
            col, args.output, _now(args), deck=args.deck, with_progress=args.with_progress
        )
    out.write(f"Exported {count} notes to {args.output}.\n")
    return 0


def cmd_backup(args: argparse.Namespace, out: IO[str]) -> int:
    """Back up the collection now, or list the backups."""
    from flashcards.core import backup
    from flashcards.core.collection import open_collection

    url, _path = _locate(args)
    path = backup.require_sqlite(url)
    if args.list:
        infos = backup.list_backups(path)
        if not infos:
            out.write(f"No backups yet in {backup.backup_dir(path)}.\n")
        for info in infos:
            taken = info.taken.strftime("%Y-%m-%d %H:%M:%S UTC")
            out.write(f"{info.path.name}  {taken}  {info.size / 1024:.0f} KiB\n")
        return 0
    col = open_collection(url)  # checks the file: a damaged collection is not backed up
    try:
        keep = backup.keep_setting(col.get_setting(backup.KEEP_SETTING, str(backup.DEFAULT_KEEP)))
    finally:
        col.close()
    made = backup.create_backup(path, _now(args), keep)
    out.write(f"Backed up the collection to {made} (keeping the newest {keep}).\n")
    return 0


def cmd_restore(args: argparse.Namespace, out: IO[str]) -> int:
    """Replace the collection with a backup; the current file is kept aside."""
    from flashcards.core import backup
    from flashcards.core.errors import CollectionError, InputError

    url, _path = _locate(args)
    path = backup.require_sqlite(url)
    if args.file is not None:
        chosen: Path = args.file
        if not chosen.is_file():
            raise InputError(f"There is no backup file {chosen}.")
    else:
        good = backup.newest_good_backup(path)
        if good is None:
            raise CollectionError(f"There is no good backup in {backup.backup_dir(path)}.")
        chosen = good.path
    aside = backup.restore_backup(path, chosen, _now(args))
    kept = f"; the previous collection is kept as {aside}" if aside else ""
    out.write(f"Restored {chosen.name}{kept}.\n")
    return 0


def run_gui(args: argparse.Namespace) -> int:
    """Open the desktop app."""
    from flashcards.gui.app import run_app

    return run_app(data_dir=args.data_dir, db_url=args.db_url)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``flashcards`` command; returns the exit status."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            return run_gui(args)
        commands: dict[str, Callable[[argparse.Namespace, IO[str]], int]] = {
            "decks": cmd_decks,
            "import": cmd_import,
            "stats": cmd_stats,
            "generate": cmd_generate,
            "export": cmd_export,
            "backup": cmd_backup,
            "restore": cmd_restore,
        }
        if args.command == "review":
            return cmd_review(args, sys.stdout, sys.stdin)
        return commands[args.command](args, sys.stdout)
    except UsageError as exc:
        sys.stderr.write(f"flashcards: usage error: {exc}. See `flashcards --help`.\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("flashcards: interrupted.\n")
        return 130
    except Exception as exc:
        from flashcards.core.errors import FlashcardsError

        if debug:
            raise
        if isinstance(exc, FlashcardsError):
            sys.stderr.write(f"flashcards: {exc}\n")
        else:
            sys.stderr.write(
                f"flashcards: unexpected error: {type(exc).__name__}: {exc} (run with --debug for "
                "details).\n"
            )
        return 1
    finally:
        while _LOCKS:
            _LOCKS.pop().release()
