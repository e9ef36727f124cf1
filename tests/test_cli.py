"""The command line as a user runs it: a real subprocess, a real data directory."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stdout
from datetime import datetime
from pathlib import Path

import pytest

from flashcards.cli import main

DECK = """
[deck]
name = "CLI"
[[notes]]
id = "c1"
kind = "basic+reversed"
front = "LLM"
back = "Large Language Model"
source = { title = "Article", section = "1.LLMとは", sentence = "LLMとは大規模言語モデルです。" }
[[notes]]
id = "c2"
front = "GPT"
back = "Generative Pretraining Transformer"
"""
NOW = "2026-03-02T09:00:00+00:00"


def run(
    data: Path, *args: str, stdin: str = "", now: str | None = NOW
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASHCARDS_")}
    cmd = [sys.executable, "-m", "flashcards", "--data-dir", str(data)]
    if now:
        cmd += ["--now", now]
    return subprocess.run(
        cmd + list(args), input=stdin, capture_output=True, text=True, env=env, timeout=120
    )


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def deck_file(tmp_path: Path) -> Path:
    path = tmp_path / "cli.toml"
    path.write_text(DECK, encoding="utf-8")
    return path


def _cli_deck(data: Path) -> dict[str, int]:
    rows = json.loads(run(data, "decks", "--json").stdout)
    return next(r for r in rows if r["name"] == "CLI")


def test_first_run_creates_the_collection_with_the_shipped_decks(data: Path) -> None:
    result = run(data, "decks", "--json")
    assert result.returncode == 0, result.stderr
    assert (data / "collection.db").exists()
    rows = json.loads(result.stdout)
    assert all(set(r) == {"name", "new", "learn", "review", "total"} for r in rows)
    assert run(data, "decks", "--json").stdout == result.stdout  # not loaded twice


def test_import_and_decks(data: Path, deck_file: Path) -> None:
    first = run(data, "import", str(deck_file))
    assert first.returncode == 0 and "2 added" in first.stdout
    again = run(data, "import", str(deck_file))
    assert "0 added, 0 updated, 2 unchanged" in again.stdout
    assert _cli_deck(data) == {"name": "CLI", "new": 3, "learn": 0, "review": 0, "total": 3}


def test_review_with_piped_input_then_undo_and_eof(data: Path, deck_file: Path) -> None:
    run(data, "import", str(deck_file))
    # card 1: reveal, Good; card 2: reveal, Again; undo; card 2 again: reveal, Easy; then EOF
    result = run(data, "review", "--deck", "CLI", stdin="\n3\n\n1\nu\n\n4\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Q: LLM" in out and "A: Large Language Model" in out
    assert "Source: LLMとは大規模言語モデルです。" in out
    assert "1 Again <1m   2 Hard <6m   3 Good <10m   4 Easy" in out
    assert "Undone." in out
    assert out.rstrip().endswith("2 reviewed.")
    stats = json.loads(run(data, "stats", "--json").stdout)
    assert stats["reviews_today"] == 2
    assert stats["cards"]["learning"] >= 1
    assert len(stats["due_forecast"]) == 30 and stats["streak_days"] == 1
    counts = _cli_deck(data)
    # As Anki: LLM's learning step (10 min) is within the 20-minute learn-ahead, so it counts;
    # its reversed sibling is new and not buried (Anki buries nothing by default).
    assert counts["learn"] == 1 and counts["new"] == 1


def test_review_quits_on_q_and_ends_cleanly_when_empty(data: Path, deck_file: Path) -> None:
    run(data, "import", str(deck_file))
    assert run(data, "review", "--deck", "CLI", stdin="q\n").returncode == 0
    # Three cards (the reversed sibling is not buried, as in Anki), each Easy: then none left.
    done = run(data, "review", "--deck", "CLI", stdin="\n4\n\n4\n\n4\n")
    assert "Nothing more to review" in done.stdout


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (("import", "/does/not/exist.toml"), 1, "Cannot read"),
        (("review", "--deck", "Nope"), 1, "no deck called"),
        (("frobnicate",), 2, "usage error"),
        (("stats", "--deck"), 2, "usage error"),
    ],
)
def test_errors_are_one_line_without_traceback(
    data: Path, args: tuple[str, ...], code: int, needle: str
) -> None:
    result = run(data, *args)
    assert result.returncode == code
    assert needle in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_bad_deck_file_changes_nothing(data: Path, tmp_path: Path, deck_file: Path) -> None:
    run(data, "import", str(deck_file))
    before = run(data, "decks", "--json").stdout
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"\x00\xff\xfe garbage")
    result = run(data, "import", str(bad))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert run(data, "decks", "--json").stdout == before


def test_damaged_database_is_one_sentence(data: Path) -> None:
    data.mkdir()
    (data / "collection.db").write_bytes(b"this is not a database" * 100)
    result = run(data, "decks")
    assert result.returncode == 1
    assert "damaged" in result.stderr and "Traceback" not in result.stderr


def test_db_url_and_env_var(tmp_path: Path, deck_file: Path) -> None:
    url = f"sqlite:///{tmp_path / 'other.db'}"
    result = run(tmp_path / "unused", "--db", url, "import", str(deck_file))
    assert result.returncode == 0
    assert (tmp_path / "other.db").exists() and not (tmp_path / "unused").exists()


@pytest.mark.parametrize("entry", [["-m", "flashcards"], ["main.py"]])
def test_entry_points_agree(entry: list[str]) -> None:
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, *entry, "--help"], capture_output=True, text=True, cwd=root, timeout=60
    )
    assert result.returncode == 0 and "generate" in result.stdout


def test_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flashcards", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout.strip() == "flashcards 0.1.0"


def test_options_after_the_command(data: Path, deck_file: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASHCARDS_")}
    before = run(data, "import", str(deck_file))
    assert before.returncode == 0
    after = subprocess.run(
        [sys.executable, "-m", "flashcards", "decks", "--json", "--data-dir", str(data)]
        + ["--now", NOW],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert after.returncode == 0, after.stderr
    assert after.stdout == run(data, "decks", "--json").stdout
    # given on both sides, the one after the command wins
    other = data.parent / "other"
    both = run(data, "decks", "--json", "--data-dir", str(other))
    assert both.returncode == 0 and (other / "collection.db").exists()
    assert "CLI" not in both.stdout


def test_wide_deck_names_align(data: Path, tmp_path: Path) -> None:
    for i, name in enumerate(["日本語のデッキ", "English", "Ünïcödé e\u0301"]):
        deck = tmp_path / f"d{i}.toml"
        deck.write_text(
            f'[deck]\nname = "{name}"\n[[notes]]\nid = "w{i}"\nfront = "q"\nback = "a"\n',
            encoding="utf-8",
        )
        assert run(data, "import", str(deck)).returncode == 0
    from flashcards.cli import display_width

    lines = run(data, "decks").stdout.splitlines()
    assert any(line.startswith("日本語のデッキ ") for line in lines), lines
    # Every row takes the same terminal width, and its counts (a fixed 26 ASCII characters)
    # start at the same column: the names are padded by their width, not their length.
    assert len({display_width(line) for line in lines}) == 1, lines
    assert len({display_width(line[:-26]) for line in lines}) == 1, lines
    assert len({len(line) for line in lines}) > 1  # (which a padding by length would not give)


def test_closed_pipe_ends_quietly(data: Path, tmp_path: Path) -> None:
    # Enough decks that the list overflows a pipe's buffer, read by a reader that stops at once.
    import sqlite3

    assert run(data, "decks").returncode == 0
    conn = sqlite3.connect(data / "collection.db")
    conn.executemany(
        "INSERT INTO deck (name, description, created, modified) VALUES (?, '', '', '')",
        [(f"Deck number {i:05}",) for i in range(4000)],
    )
    conn.commit()
    conn.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASHCARDS_")}
    for args in (["decks"], ["decks", "--json"]):
        proc = subprocess.Popen(
            [sys.executable, "-m", "flashcards", "--data-dir", str(data), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.readline()
        proc.stdout.close()
        err = proc.stderr.read().decode()
        proc.stderr.close()
        assert proc.wait(timeout=120) in (0, 141)
        assert err == "", err


def test_export_into_a_missing_folder_says_so(data: Path, tmp_path: Path) -> None:
    result = run(data, "export", "-o", str(tmp_path / "missing" / "out.apkg"))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"flashcards: Cannot write out.apkg: the folder {tmp_path / 'missing'} does not exist."
    )
    folder = run(data, "export", "-o", str(tmp_path))
    assert folder.returncode == 1 and "it is a folder" in folder.stderr


def test_decks_quick_path_equals_the_service_and_steps_aside_when_not_current(
    tmp_path: Path,
) -> None:
    """`decks` reads a current collection with sqlite3 alone; anything else opens it."""
    import sqlite3

    from flashcards.core.collection import open_collection
    from flashcards.core.db import sqlite_url
    from flashcards.core.overview import read_sqlite
    from flashcards.core.paths import shipped_deck_digests, shipped_decks_dir
    from flashcards.core.schema import APPLICATION_ID, SCHEMA_VERSION

    data = tmp_path / "data"
    now = "2026-03-02T09:00:00+00:00"
    assert main(["--data-dir", str(data), "--now", now, "decks", "--json"]) == 0  # first run
    path = data / "collection.db"
    when = datetime.fromisoformat(now)
    with open_collection(sqlite_url(path)) as col:
        col.notes.add("Extra::Sub", "basic", "q", "a", when)
        card = col.sched.next_card(when)
        assert card is not None
        col.sched.answer(card.card_id, 3, when)
        expected = [
            {"name": c.name, "new": c.new, "learn": c.learn, "review": c.review, "total": c.total}
            for c in col.sched.deck_counts(when)
        ]
    current = (APPLICATION_ID, SCHEMA_VERSION, shipped_deck_digests(shipped_decks_dir()))
    assert read_sqlite(path, when, current=current) is not None  # the quick path applies
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--data-dir", str(data), "--now", now, "decks", "--json"]) == 0
    assert json.loads(out.getvalue()) == expected
    # A shipped deck file changed since it was loaded: the quick path must not answer.
    conn = sqlite3.connect(path)
    conn.execute("UPDATE setting SET value = 'old' WHERE key LIKE 'shipped:%'")
    conn.commit()
    conn.close()
    assert read_sqlite(path, when, current=current) is None
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--data-dir", str(data), "--now", now, "decks", "--json"]) == 0
    assert json.loads(out.getvalue()) == expected


def test_review_credits_the_article_once_per_session(data: Path) -> None:
    # The shipped deck: every card's source is the article, with its author and licence.
    result = run(data, "review", stdin="\n3\n\n3\n\n3\nq\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("Source: ") == 3
    assert out.count("CC BY-NC-SA 4.0") == 1
    assert "   From 「今更聞けないLLM解説まとめ①LLMって何ぞ」 by それなニキ, CC BY-NC-SA 4.0" in out
