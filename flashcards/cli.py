r"""The command line: ``flashcards [--data-dir DIR] [--db URL] [COMMAND]``.

Without a command it opens the desktop app. Imports stay light at the top so that the window
can appear before the database layer is loaded.

Everything printed passes through :func:`terminal_text`: deck names and card text come from
imported files, and a control character in them (an escape sequence that sets the window
title, writes the clipboard or clears the screen) is shown as ``\x1b``, never sent to the
terminal. Errors are one line on stderr (:func:`error_line`).
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import re
import sqlite3
import sys
import time
import unicodedata
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

from flashcards import __version__
from flashcards.core.enums import Rating

if TYPE_CHECKING:
    from flashcards.core.collection import Collection
    from flashcards.core.overview import DeckCounts

#: Commands that only read the collection: they also work in a folder we may not write.
READ_ONLY_COMMANDS = frozenset({"decks", "stats", "export"})
#: The longest error line for errors the app did not word itself (OS, database, bugs).
MAX_ERROR = 200
#: The longest error line for the app's own sentences (they may name long paths).
MAX_MESSAGE = 320
#: The exit status after the reader of our output went away (as if killed by SIGPIPE).
EXIT_BROKEN_PIPE = 141


class Output(Protocol):
    """Where a command writes (a text stream)."""

    def write(self, text: str, /) -> object:
        """Write ``text``."""

    def flush(self) -> object:
        """Flush what was written."""


# Control characters: C0 (but tab and newline), DEL, C1; and lone surrogates (undecodable
# file names), which cannot be encoded for the terminal at all.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_UNSAFE_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# What json.dumps(ensure_ascii=False) leaves raw: DEL, C1 and lone surrogates.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def terminal_text(text: str, *, one_line: bool = False) -> str:
    r"""``text`` safe to print: control characters shown as escapes (ESC as ``\x1b``).

    Tab and newline are kept unless ``one_line``.
    """
    return (_UNSAFE_IN_LINE if one_line else _UNSAFE).sub(_escape, text)


def json_text(data: object) -> str:
    """``data`` as indented JSON (UTF-8 text kept) with no control character left raw."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes: wide (East Asian) characters two, combining none."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


class TerminalWriter:
    """A text stream that escapes control characters on the way (see :func:`terminal_text`)."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def write(self, text: str, /) -> int:
        """Write ``text`` with its control characters escaped."""
        return self.stream.write(terminal_text(text))

    def flush(self) -> None:
        """Flush the stream."""
        self.stream.flush()


def one_line(text: str, limit: int) -> str:
    """``text`` as one line of at most ``limit`` characters, controls escaped.

    A longer text keeps its start and its end (where the advice is) around an ellipsis.
    """
    line = terminal_text(" ".join(text.split()), one_line=True)
    if len(line) <= limit:
        return line
    head = limit * 3 // 5
    return line[:head] + " … " + line[len(line) - (limit - head - 3) :]


class UsageError(Exception):
    """A command-line usage error (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse prints usage and exits 2; we say one line
        raise UsageError(message)


def _add_common_options(parser: argparse.ArgumentParser, *, in_command: bool) -> None:
    """The options accepted before the command and, the same, after it.

    After the command they default to "not given" (SUPPRESS), so that they do not overwrite a
    value given before it.
    """
    unset: Any = argparse.SUPPRESS if in_command else None
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=unset,
        help="folder of the collection (default: user data dir)",
    )
    parser.add_argument(
        "--db",
        dest="db_url",
        default=unset,
        help="SQLAlchemy database URL (overrides --data-dir)",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS if in_command else False,
        help="show tracebacks on errors",
    )
    # A fixed clock for scripted demos and tests.
    parser.add_argument("--now", default=unset, help=argparse.SUPPRESS)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``flashcards`` command."""
    parser = _Parser(
        prog="flashcards",
        description="Spaced-repetition flashcards from the articles you read.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_common_options(parser, in_command=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    common = _Parser(add_help=False)
    _add_common_options(common, in_command=True)

    def command(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        made: argparse.ArgumentParser = sub.add_parser(name, parents=[common], **kwargs)
        return made

    p = command("decks", help="list decks with what is due")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = command("import", help="import deck files (.toml), Anki packages (.apkg) or CSV")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--deck", help="deck for CSV files without a deck column")

    p = command("review", help="review due cards in the terminal")
    p.add_argument("--deck", help="deck to review (default: all decks)")

    p = command("stats", help="review statistics")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--deck", help="one deck (and its subdecks)")

    p = command("generate", help="make cards from an article's key terms")
    p.add_argument(
        "article",
        metavar="SOURCE",
        help="the article: a file (.txt, .md, .html, .pdf) or a web address (https://...)",
    )
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        help="deck file to write (default: <article>.toml; for an address, <page name>.toml here)",
    )
    p.add_argument("--deck", help="deck name (default: the article's title)")
    p.add_argument("--lang", choices=("auto", "ja", "en"), default="auto")
    p.add_argument("--max-cards", type=int, help="keep at most N notes")
    p.add_argument(
        "--import",
        dest="do_import",
        action="store_true",
        help="put the cards straight into the collection",
    )

    p = command("export", help="export to an Anki package (.apkg) or Anki text file")
    p.add_argument("-o", "--output", type=Path, required=True)
    p.add_argument("--deck", help="one deck (and its subdecks); default: all decks")
    p.add_argument("--with-progress", action="store_true", help="carry scheduling and review log")
    p.add_argument(
        "--format", choices=("apkg", "csv"), default=None, help="default: from the file name"
    )

    p = command(
        "check-media", help="list media files the notes use that are missing, and unused ones"
    )
    p.add_argument(
        "--trash-unused",
        action="store_true",
        help="move the unused files to the trash folder beside the media folder",
    )

    p = command(
        "optimize",
        help="fit the FSRS parameters to your review history (Anki's Optimize) and store them",
    )
    p.add_argument("--deck", help="one deck (and its subdecks); default: all decks")
    p.add_argument("--preset", help="one options preset (by name): the decks that use it")
    p.add_argument(
        "--reschedule",
        action="store_true",
        help="recompute the cards' memory states and due days with the new parameters",
    )

    p = command(
        "sync", help="sync with a PostgreSQL server (merges both ways; never loses a review)"
    )
    p.add_argument(
        "--server",
        metavar="URL",
        help="the server's SQLAlchemy URL (postgresql://user:password@host/db); default: "
        "FLASHCARDS_SYNC_URL",
    )
    p.add_argument(
        "--conflicts",
        action="store_true",
        help="list the note versions that lost a merge (changed on two devices) instead",
    )
    p.add_argument(
        "--init-server",
        action="store_true",
        help="set the server up for several learners instead (run as the database's owner or a "
        "superuser): the tables, their row-level security and the flashcards_learners role",
    )
    p.add_argument(
        "--save-password",
        action="store_true",
        help="keep the password of the URL's user in the system keyring instead (asked, or "
        "FLASHCARDS_SYNC_PASSWORD); a URL without a password then takes it from there",
    )

    p = command("backup", help="back up the collection now (into backups/)")
    p.add_argument("--list", action="store_true", help="list the backups instead")

    p = command(
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
#: Collections opened by this run of the command (closed when ``main`` returns).
_OPENED: list[Collection] = []


def _locate(args: argparse.Namespace, *, read_only: bool = False) -> tuple[str, Path | None]:
    """The database URL, and its SQLite file (None for a database server), locked for us.

    ``read_only``: the command only reads, so a folder we may not write is no obstacle.
    """
    from flashcards.core.instance import InstanceLock
    from flashcards.core.paths import resolve_url, sqlite_path

    data_dir = args.data_dir
    if data_dir is None and os.environ.get("FLASHCARDS_DATA_DIR"):
        data_dir = Path(os.environ["FLASHCARDS_DATA_DIR"])
    url, _folder = resolve_url(data_dir, args.db_url)
    path = sqlite_path(url)
    if path is not None and not _LOCKS:
        # One writer per collection file: the desktop app or this command, not both.
        _LOCKS.append(InstanceLock(path.parent).acquire(read_only=read_only))
    return url, path


def _open(args: argparse.Namespace) -> Collection:
    """The collection, opened for this command and closed when the command ends.

    A read-only command on a collection in a folder we may not write (a read-only mount,
    another user's folder) reads an in-memory copy: nothing is written there.
    """
    from flashcards.core.db import DamagedCollectionError, NewerCollectionError, writable
    from flashcards.core.errors import CollectionError
    from flashcards.core.startup import open_read_only_collection, open_user_collection

    read_only = args.command in READ_ONLY_COMMANDS
    url, path = _locate(args, read_only=read_only)
    if read_only and path is not None and path.exists() and not writable(path):
        col = open_read_only_collection(path)
    else:
        try:
            col = open_user_collection(_now(args), db_url=url)
        except (DamagedCollectionError, NewerCollectionError) as exc:
            if path is None:
                raise
            from flashcards.core.backup import damaged_advice

            raise CollectionError(f"{str(exc).rstrip('.')}; {damaged_advice(path)}.") from None
    _OPENED.append(col)
    return col


def _check_output(path: Path) -> None:
    """Refuse, in one sentence, an output path whose folder is missing or that is a folder."""
    from flashcards.core.errors import InputError

    folder = path.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise InputError(f"Cannot write {path.name}: the folder {folder} {what}.")
    if path.is_dir():
        raise InputError(f"Cannot write {path}: it is a folder; give a file name.")


# ---------------------------------------------------------------------------- commands


def cmd_decks(args: argparse.Namespace, out: Output) -> int:
    """Print the deck list."""
    counts = _quick_deck_list(args)
    if counts is None:
        counts = _open(args).sched.deck_counts(_now(args))
    if args.json:
        rows = [
            {"name": c.name, "new": c.new, "learn": c.learn, "review": c.review, "total": c.total}
            for c in counts
        ]
        out.write(json_text(rows) + "\n")
        return 0
    if not counts:
        out.write("No decks yet. Import one with `flashcards import DECK.toml`.\n")
        return 0
    labels = [terminal_text("  " * c.depth + c.name.split("::")[-1], one_line=True) for c in counts]
    width = max(display_width(label) for label in [*labels, "Deck"])
    out.write(f"{_pad('Deck', width)}  {'New':>5} {'Learn':>5} {'Due':>5} {'Total':>6}\n")
    for label, c in zip(labels, counts, strict=True):
        out.write(f"{_pad(label, width)}  {c.new:>5} {c.learn:>5} {c.review:>5} {c.total:>6}\n")
    return 0


def _quick_deck_list(args: argparse.Namespace) -> list[DeckCounts] | None:
    """The deck list read with ``sqlite3`` alone, when the collection is exactly current.

    The same SQL and counting functions as the collection service (:mod:`overview`), without
    loading SQLAlchemy: the whole command then takes about as long as Anki's own process
    opening the collection. None (use the service) for anything else: a missing, older,
    damaged or foreign file, shipped decks not loaded yet, a database server.
    """
    from flashcards.core import overview
    from flashcards.core.instance import holds_lock
    from flashcards.core.leftovers import remove_stale_temporaries
    from flashcards.core.paths import shipped_deck_digests, shipped_decks_dir
    from flashcards.core.schema import APPLICATION_ID, SCHEMA_VERSION

    _url, path = _locate(args, read_only=True)
    if path is None:
        return None
    if holds_lock(path.parent):  # as opening the collection does
        remove_stale_temporaries(path)
    shipped = shipped_deck_digests(shipped_decks_dir())
    current = (APPLICATION_ID, SCHEMA_VERSION, shipped)
    found = overview.read_sqlite(path, _now(args), current=current)
    return None if found is None else found.counts


def cmd_import(args: argparse.Namespace, out: Output) -> int:
    """Import deck files, Anki packages or Anki text files."""
    from flashcards.core.deckfile import read_deck_file
    from flashcards.core.exchange.deckfile_import import import_deck_file

    col = _open(args)
    now = _now(args)
    for path in args.paths:
        if path.suffix.lower() == ".toml":
            report = import_deck_file(col, read_deck_file(path), now).value
        else:
            from flashcards.core import exchange

            report = exchange.import_file(col, path, now, deck=args.deck).value
        media = f", {report.media_added} media file(s) added" if report.media_added else ""
        out.write(
            f"{path.name}: deck {report.deck!r}: {report.added} added, {report.updated} updated, "
            f"{report.unchanged} unchanged{media}.\n"
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


def _read_key(inp: IO[str], out: Output, prompt: str) -> str | None:
    out.write(prompt)
    out.flush()
    line = inp.readline()
    if not line:
        out.write("\n")
        return None
    return line.strip().lower()


def cmd_review(
    args: argparse.Namespace,
    out: Output,
    inp: IO[str],
    clock: Callable[[], datetime] | None = None,
) -> int:
    """Review in the terminal: Enter shows the answer, 1-4 answer, u undo, q quit."""
    col = _open(args)
    now = clock or (lambda: _now(args))
    if args.deck:
        col.decks.id(args.deck)
    reviewed = 0
    pending = None  # a card brought back by undo
    credited: set[str] = set()  # the source titles (with their licence) already printed
    while True:
        card = pending or col.sched.next_card(now(), args.deck)
        pending = None
        if card is None:
            out.write(f"Congratulations! Nothing more to review now ({reviewed} reviewed).\n")
            return 0
        counts = {c.name: c for c in col.sched.deck_counts(now())}
        scope = counts.get(args.deck) if args.deck else None
        deck = terminal_text(card.deck_name, one_line=True)
        if scope is not None:
            out.write(f"\n[{deck}]  new {scope.new}  learn {scope.learn}  due {scope.review}\n")
        else:
            out.write(f"\n[{deck}]\n")
        out.write(f"Q: {card.faces.question}\n")
        started = time.monotonic()
        key = _read_key(inp, out, "[Enter] show answer, u undo, q quit > ")
        if key is None or key == "q":
            break
        if key == "u":
            undone = col.sched.undo().value
            if undone is None:
                out.write("Nothing to undo.\n")
                pending = card
            else:
                out.write("Undone.\n")
                reviewed = max(0, reviewed - 1)
                pending = col.sched.card_for_review(undone, now())
            continue
        out.write(f"A: {card.faces.answer}\n")
        if card.source.sentence:
            # The article and its licence once per session; each card names its section.
            title = card.source.title
            if title and title not in credited:
                credited.add(title)
                out.write(f"   From {title}\n")
            where = card.source.section
            out.write(
                f"   Source: {card.source.sentence}" + (f" ({where})" if where else "") + "\n"
            )
        choices = "   ".join(f"{r} {Rating(r).label} {card.label(r)}" for r in (1, 2, 3, 4))
        out.write(choices + "\n")
        while True:
            key = _read_key(inp, out, "1-4 (Enter = Good), u undo, q quit > ")
            if key is None or key == "q":
                out.write(f"Stopped; {reviewed} reviewed.\n")
                return 0
            if key == "u":
                undone = col.sched.undo().value
                out.write("Undone.\n" if undone is not None else "Nothing to undo.\n")
                reviewed = max(0, reviewed - (undone is not None))
                pending = col.sched.card_for_review(undone, now()) if undone is not None else card
                break
            rating = 3 if key == "" else int(key) if key in {"1", "2", "3", "4"} else None
            if rating is None:
                out.write("Please type 1, 2, 3 or 4.\n")
                continue
            duration = int((time.monotonic() - started) * 1000)
            result = col.sched.answer(
                card.card_id, rating, now(), duration_ms=duration, shown_at=card.shown_at
            ).value
            from flashcards.core.scheduling import format_interval

            out.write(f"-> {Rating(rating).label}: next in {format_interval(result.interval)}\n")
            reviewed += 1
            break
    out.write(f"Stopped; {reviewed} reviewed.\n")
    return 0


def cmd_stats(args: argparse.Namespace, out: Output) -> int:
    """Print review statistics."""
    col = _open(args)
    data = col.stats.summary(_now(args), args.deck)
    if args.json:
        out.write(json_text(data) + "\n")
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


def cmd_generate(args: argparse.Namespace, out: Output) -> int:
    """Make cards from an article (a file or a web address) and write a deck file or import."""
    from flashcards.core.deckfile import read_deck_file, write_deck_file
    from flashcards.core.errors import InputError
    from flashcards.core.exchange.deckfile_import import import_deck_file
    from flashcards.core.generate import generate_deck, load_article
    from flashcards.core.generate.fetch import is_url

    if args.max_cards is not None and args.max_cards < 1:
        raise UsageError("--max-cards must be at least 1")
    source: str = args.article
    web = is_url(source)
    output = args.output or (_page_file(source) if web else Path(source).with_suffix(".toml"))
    # Downloading takes a while: say how far it is, on a terminal only (stdout stays clean).
    progress = _download_progress(sys.stderr) if web and sys.stderr.isatty() else None
    article = load_article(source, progress=progress)
    if args.output is not None or not args.do_import:
        _check_output(output)
    existing = read_deck_file(output) if output.exists() else None
    deck = generate_deck(
        article, deck_name=args.deck, lang=args.lang, max_cards=args.max_cards, existing=existing
    )
    if not deck.notes:
        name = source if web else Path(source).name
        raise InputError(f"No key terms with definitions were found in {name}.")
    if args.do_import:
        col = _open(args)
        report = import_deck_file(col, deck, _now(args)).value
        out.write(
            f"Imported {len(deck.notes)} notes into {report.deck!r}: {report.added} added, "
            f"{report.updated} updated, {report.unchanged} unchanged.\n"
        )
        if args.output is None:
            return 0
    write_deck_file(deck, output)
    out.write(f"Wrote {len(deck.notes)} notes to {output} (deck {deck.name!r}).\n")
    return 0


def _page_file(url: str) -> Path:
    """``<last part of the address>.toml`` in the current folder (the host's name if none)."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    last = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])
    stem = Path(last).stem if last else ""
    stem = re.sub(r"[^\w.-]+", "-", stem or (parts.hostname or "page")).strip(".-") or "page"
    return Path(stem[:80] + ".toml")


def _download_progress(stream: IO[str]) -> Callable[[float, str], None]:
    """Show a download's progress on one terminal line, rewritten in place."""

    def show(fraction: float, message: str) -> None:
        percent = f" {fraction:.0%}" if 0 < fraction < 1 else ""
        stream.write(f"\r\x1b[K{message}{percent}")
        if fraction >= 1:
            stream.write("\n")
        stream.flush()

    return show


def cmd_export(args: argparse.Namespace, out: Output) -> int:
    """Export decks to an Anki package or an Anki text file."""
    from flashcards.core import exchange

    _check_output(args.output)
    col = _open(args)
    fmt = args.format or (
        "csv" if args.output.suffix.lower() in {".txt", ".csv", ".tsv"} else "apkg"
    )
    if fmt == "csv":
        count = exchange.export_csv(col, args.output, deck=args.deck)
        out.write(f"Exported {count} notes to {args.output}.\n")
        return 0
    from flashcards.core.media import missing_media_sentence

    done = exchange.export_apkg(
        col, args.output, _now(args), deck=args.deck, with_progress=args.with_progress
    )
    media = f" with {done.media} media file(s)" if done.media else ""
    out.write(f"Exported {done.notes} notes{media} to {args.output}.\n")
    if done.missing_media:
        out.write(f"  Note: {missing_media_sentence(done.missing_media)}\n")
    return 0


def cmd_check_media(args: argparse.Namespace, out: Output) -> int:
    """Check Media, as Anki's: missing and unused files; optionally trash the unused ones."""
    from flashcards.core.media_check import check_media, trash_unused

    col = _open(args)
    if col.media.folder is None:
        out.write("This collection is not a file, so it has no media folder.\n")
        return 0
    found = check_media(col)
    out.write(
        f"Media folder {col.media.folder}: {len(col.media.names())} file(s),"
        f" {found.referenced} used by notes or note types.\n"
    )
    for name, notes in sorted(found.missing.items()):
        out.write(f"Missing: {name} (used by {len(notes)} note(s))\n")
    for name in found.unused:
        out.write(f"Unused: {name}\n")
    if args.trash_unused and found.unused:
        moved = trash_unused(col, found.unused)
        out.write(f"Moved {len(moved)} unused file(s) to {col.media.trash}.\n")
    if not found.missing and not found.unused:
        out.write("Nothing is missing and nothing is unused.\n")
    return 1 if found.missing else 0


def cmd_optimize(args: argparse.Namespace, out: Output) -> int:
    """Fit FSRS parameters to the review history of a deck, a preset or all decks."""
    from flashcards.core.scheduler import optimize

    if args.deck is not None and args.preset is not None:
        raise UsageError("give --deck or --preset, not both")
    col = _open(args)
    scope = optimize.find_scope(col, args.deck, args.preset)
    done = optimize.optimize(col, scope, reschedule=args.reschedule, now=_now(args)).value
    before, after = done.before[1], done.after[1]
    out.write(f"Reviews used: {done.reviews}\n")
    out.write(f"Log loss before: {before.log_loss:.4f}\n")
    out.write(f"Log loss after: {after.log_loss:.4f}\n")
    out.write(f"RMSE (bins) before: {before.rmse:.2%}\n")
    out.write(f"RMSE (bins) after: {after.rmse:.2%}\n")
    if done.changed:
        out.write(f"Parameters: {' '.join(f'{p:.4f}' for p in done.after[0])}\n")
        out.write(f"Stored in the preset(s) of {scope.label} ({len(scope.deck_ids)} deck(s)).\n")
    else:
        out.write("The current parameters are already optimal; nothing was changed.\n")
    if args.reschedule:
        out.write(f"Rescheduled {done.rescheduled} card(s).\n")
    return 0


def cmd_sync(args: argparse.Namespace, out: Output) -> int:
    """Sync with a PostgreSQL server (or list conflicts, set a server up, keep the password)."""
    from flashcards.core.sync import client

    if args.conflicts:
        kept = client.conflicts(_open(args))
        if not kept:
            out.write("No conflicts: no note was changed on two devices between syncs.\n")
        for item in kept:
            fields = item["fields"]
            out.write(
                f"{item['found_at']:%Y-%m-%d %H:%M} note {item['uid']}: the version of device "
                f"{str(item['device'])[:8]} (modified {fields.get('modified', '?')}): "
                f"{fields.get('front', '')!r} / {fields.get('back', '')!r}\n"
            )
        return 0
    url = args.server or os.environ.get("FLASHCARDS_SYNC_URL")
    if not url:
        raise UsageError("give the server with --server URL or FLASHCARDS_SYNC_URL")
    if args.init_server:
        out.write(client.init_server(url) + "\n")
        return 0
    if args.save_password:
        password = os.environ.get("FLASHCARDS_SYNC_PASSWORD")
        if password is None:
            import getpass

            password = getpass.getpass(f"Password of {client.url_user(url)} on the sync server: ")
        out.write(client.save_password(url, password) + "\n")
        return 0
    report = client.sync(_open(args), url, _now(args))
    out.write(report.summary() + "\n")
    return 0


def cmd_backup(args: argparse.Namespace, out: Output) -> int:
    """Back up the collection now, or list the backups."""
    from flashcards.core import backup
    from flashcards.core.collection import open_collection

    url, _path = _locate(args, read_only=args.list)
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
        keep = col.config.backup_keep
    finally:
        col.close()
    made = backup.create_backup(path, _now(args), keep)
    out.write(f"Backed up the collection to {made} (keeping the newest {keep}).\n")
    return 0


def cmd_restore(args: argparse.Namespace, out: Output) -> int:
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


def _os_error_sentence(exc: OSError) -> str:
    name = exc.filename
    if isinstance(exc, FileNotFoundError):
        return f"There is no file or folder {name}." if name else "A file or folder is missing."
    if isinstance(exc, IsADirectoryError):
        return f"{name} is a folder, not a file." if name else "A folder was given for a file."
    where = f" ({name})" if name else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"The disk is full{where}; free some space and try again."
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return f"Permission denied{where}; check the owner and permissions of the file and folder."
    if exc.errno == errno.EROFS:
        return f"The file system is read-only{where}."
    return f"{exc.strerror or type(exc).__name__}{where}."


def _database_error(exc: BaseException) -> sqlite3.Error | None:
    """The SQLite error behind ``exc`` (SQLAlchemy wraps it as ``exc.orig``), if any."""
    if isinstance(exc, sqlite3.Error):
        return exc
    orig = getattr(exc, "orig", None)
    return orig if isinstance(orig, sqlite3.Error) else None


def error_line(exc: BaseException) -> str:
    """The one line (after ``flashcards: ``) that reports ``exc``.

    The app's own errors are its sentence; the environment's (full disk, permissions, a
    missing folder, input nested too deeply) get one; anything else is named as unexpected.
    Never a traceback or a statement's SQL, never longer than :data:`MAX_MESSAGE`.
    """
    from flashcards.core.errors import FlashcardsError

    if isinstance(exc, FlashcardsError):
        return one_line(str(exc), MAX_MESSAGE)
    if isinstance(exc, RecursionError):
        text = "The input is nested too deeply to be read."
    elif isinstance(exc, MemoryError):
        text = "There is not enough memory to finish."
    elif isinstance(exc, OSError):
        text = _os_error_sentence(exc)
    elif (database := _database_error(exc)) is not None:
        from flashcards.core.db import describe_sqlite_error

        reason = describe_sqlite_error(database)
        first = (str(database).splitlines() or [""])[0]
        text = (
            f"The collection could not be used because {reason}."
            if reason
            else f"Database error: {first} (run with --debug for details)."
        )
    else:
        first = (str(exc).split("[SQL:")[0].splitlines() or [""])[0]
        text = f"unexpected error: {type(exc).__name__}: {first} (run with --debug for details)."
    return one_line(text, MAX_ERROR)


def _quiet_stdout() -> None:
    """The reader of our output went away: send what is left to /dev/null, quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (captured in a test): nothing will be flushed at exit


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``flashcards`` command; returns the exit status."""
    arguments = list(argv if argv is not None else sys.argv[1:])
    debug = "--debug" in arguments
    out = TerminalWriter(sys.stdout)
    try:
        args = build_parser().parse_args(arguments)
        if args.command is None:
            return run_gui(args)
        commands: dict[str, Callable[[argparse.Namespace, Output], int]] = {
            "decks": cmd_decks,
            "import": cmd_import,
            "stats": cmd_stats,
            "generate": cmd_generate,
            "export": cmd_export,
            "backup": cmd_backup,
            "restore": cmd_restore,
            "check-media": cmd_check_media,
            "optimize": cmd_optimize,
            "sync": cmd_sync,
        }
        if args.command == "review":
            status = cmd_review(args, out, sys.stdin)
        else:
            status = commands[args.command](args, out)
        out.flush()  # a closed pipe shows here, not as a traceback at exit
        return status
    except UsageError as exc:
        message = one_line(str(exc), MAX_ERROR)
        sys.stderr.write(f"flashcards: usage error: {message}. See `flashcards --help`.\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("flashcards: interrupted.\n")
        return 130
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_BROKEN_PIPE
    except Exception as exc:
        if debug:
            raise
        sys.stderr.write(f"flashcards: {error_line(exc)}\n")
        return 1
    finally:
        while _OPENED:
            col = _OPENED.pop()
            try:
                col.close()
            except Exception:  # closing is best effort: the data is committed already
                if debug:
                    raise
        while _LOCKS:
            _LOCKS.pop().release()
