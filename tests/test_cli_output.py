"""What the command line prints is safe for a terminal, and every error is one short line.

Deck names and card text come from imported files: a control character in them (OSC 52
clipboard writes, window titles, clearing the screen, moving the cursor) must reach the
terminal as visible text, never as a control sequence. Errors the app did not word itself
(the operating system's, the database's, bugs) are one readable line, never SQL.
"""

from __future__ import annotations

import errno
import io
import json
import os
import sqlite3
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from flashcards import cli
from flashcards.core.errors import CollectionError
from flashcards.core.scheduler import Scheduler

NOW = "2026-03-02T09:00:00+00:00"
# Every kind of control character a hostile file could carry.
HOSTILE = (
    "\x1b]52;c;SGVsbG8=\x07"  # OSC 52: write the clipboard
    "\x1b]0;owned\x07"  # set the window title
    "\x1b[2J\x1b[H"  # clear the screen, cursor home
    "\x9b31m"  # C1 CSI
    "\x7f\x08\r\x00\x85"  # DEL, backspace, carriage return, NUL, C1 NEL
)
RAW = [chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]]


def run(data: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASHCARDS_")}
    return subprocess.run(
        [sys.executable, "-m", "flashcards", "--data-dir", str(data), "--now", NOW, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def toml_string(text: str) -> str:
    return json.dumps(text)  # a JSON string with \\u escapes is a valid TOML basic string


def test_terminal_text_escapes_every_control_character() -> None:
    text = "ok\tline\n" + HOSTILE + "日本語 \ud800"
    safe = cli.terminal_text(text)
    assert not any(c in safe for c in RAW) and "\ud800" not in safe
    assert safe.startswith("ok\tline\n")
    assert "\\x1b]52;c;SGVsbG8=\\x07" in safe and "\\x9b31m" in safe and "\\ud800" in safe
    assert "日本語" in safe
    line = cli.terminal_text("a\nb\tc", one_line=True)
    assert line == "a\\x0ab\\x09c"


def test_json_output_is_valid_and_has_no_raw_control_character() -> None:
    data = [{"name": "X" + HOSTILE + "日本", "new": 1}]
    text = cli.json_text(data)
    assert not any(c in text for c in RAW)
    assert json.loads(text) == data
    assert "日本" in text  # UTF-8 kept readable


def test_display_width_counts_wide_and_combining_characters() -> None:
    assert cli.display_width("日本語") == 6
    assert cli.display_width("ｱｲｳ") == 3  # half-width katakana
    assert cli.display_width("e\u0301") == 1
    assert cli.display_width("abc") == 3


def test_cli_never_sends_control_characters_to_the_terminal(tmp_path: Path) -> None:
    data = tmp_path / "data"
    name = "Evil" + HOSTILE.replace("\x00", "") + "デッキ"  # (a NUL cannot be an argument)
    deck = tmp_path / "evil.toml"
    deck.write_text(
        f'[deck]\nname = {toml_string(name)}\n[[notes]]\nid = "e1"\n'
        f"front = {toml_string('Q' + HOSTILE)}\nback = {toml_string('A' + HOSTILE)}\n"
        f"source = {{ title = {toml_string('T' + HOSTILE)}, "
        f"sentence = {toml_string('S' + HOSTILE)} }}\n",
        encoding="utf-8",
    )
    imported = run(data, "import", str(deck))
    assert imported.returncode == 0, imported.stderr
    listing = run(data, "decks")
    as_json = run(data, "decks", "--json")
    names = [row["name"] for row in json.loads(as_json.stdout)]
    review = run(data, "review", "--deck", name, stdin="\n3\nq\n")
    stats = run(data, "stats")
    for result in (imported, listing, as_json, review, stats):
        assert result.returncode == 0, result.stderr
        assert not any(c in result.stdout + result.stderr for c in RAW), result.stdout
    assert name in names  # JSON gives the name back exactly
    assert "\\x1b]52;c;SGVsbG8=\\x07" in listing.stdout
    assert "Q\\x1b]52;c;SGVsbG8=\\x07" in review.stdout and "A\\x1b" in review.stdout
    assert "Source: S\\x1b" in review.stdout
    missing = run(data, "review", "--deck", name + "?")
    assert missing.returncode == 1 and not any(c in missing.stderr for c in RAW)
    assert len(missing.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (OSError(errno.ENOSPC, "No space left on device", "/x/out.apkg"), "The disk is full"),
        (PermissionError(errno.EACCES, "Permission denied", "/x/out.apkg"), "Permission denied"),
        (OSError(errno.EROFS, "Read-only file system", "/x/y"), "read-only"),
        (FileNotFoundError(errno.ENOENT, "No such file", "/x/none"), "no file or folder /x/none"),
        (IsADirectoryError(errno.EISDIR, "Is a directory", "/x"), "/x is a folder"),
        (RecursionError("maximum recursion depth exceeded"), "nested too deeply"),
        (sqlite3.OperationalError("database or disk is full"), "Database error"),
        (ValueError("x" * 100_000), "unexpected error: ValueError: xxx"),
    ],
)
def test_errors_of_the_environment_are_one_sentence(error: Exception, expected: str) -> None:
    line = cli.error_line(error)
    assert expected in line
    assert "\n" not in line and len(line) <= cli.MAX_ERROR
    assert "unexpected" not in line or isinstance(error, ValueError)


def test_a_database_error_never_prints_its_sql() -> None:
    # The shape of the 500-deck failure: SQLite refuses a 250 KB statement.
    statement = " UNION ALL ".join(f"SELECT {i}, (SELECT count(*) FROM card)" for i in range(6000))
    error = OperationalError(
        statement, {}, sqlite3.OperationalError("too many terms in compound SELECT")
    )
    line = cli.error_line(error)
    assert "too many terms in compound SELECT" in line
    assert "SELECT 1" not in line and "[SQL" not in line and len(line) <= cli.MAX_ERROR


def test_a_database_error_is_one_line_from_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    statement = " UNION ALL ".join(f"SELECT {i}" for i in range(30_000))
    error = OperationalError(
        statement, {}, sqlite3.OperationalError("too many terms in compound SELECT")
    )

    def fail(self: Scheduler, now: object) -> None:
        raise error

    monkeypatch.setattr(Scheduler, "deck_counts", fail)
    err, out = io.StringIO(), io.StringIO()
    with redirect_stderr(err), redirect_stdout(out):
        status = cli.main(["--data-dir", str(tmp_path / "data"), "--now", NOW, "decks"])
    assert status == 1
    lines = err.getvalue().splitlines()
    assert len(lines) == 1 and len(lines[0]) <= len("flashcards: ") + cli.MAX_ERROR
    assert "too many terms" in lines[0] and "UNION" not in lines[0]


def test_long_sentences_keep_their_start_and_end() -> None:
    long_path = "/very" * 200
    line = cli.error_line(CollectionError(f"The collection {long_path} is damaged; restore it."))
    assert len(line) <= cli.MAX_MESSAGE
    assert line.startswith("The collection /very") and line.endswith("; restore it.")
    assert " … " in line
