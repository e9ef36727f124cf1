"""Full disk and read-only data directory: a clear message, nothing corrupted, nothing lost.

Uses a small tmpfs (``mount -t tmpfs -o size=...``) because the tests run as root, for whom a
chmod'ed directory is still writable. Skipped, saying why, where mounting is not permitted.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from flashcards.core import backup
from flashcards.core.collection import open_collection
from flashcards.core.db import sqlite_url
from flashcards.core.deckfile import parse_deck_toml
from flashcards.core.errors import CollectionError, FlashcardsError
from flashcards.core.exchange.deckfile_import import import_deck_file

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def deck(name: str, count: int, size: int) -> str:
    return f'[deck]\nname = "{name}"\n' + "".join(
        f'[[notes]]\nid = "{name}{i}"\nfront = "Q{i} {"x" * size}"\nback = "A{i}"\n'
        for i in range(count)
    )


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir()
    if sys.platform != "linux":
        pytest.skip("tmpfs mounts are Linux-only")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(
            f"cannot mount a tmpfs here (needs root/CAP_SYS_ADMIN): {mounted.stderr.strip()}"
        )
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(folder: Path) -> Path:
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as handle:
        chunk = b"\0" * 4096
        try:
            while True:
                handle.write(chunk)
                handle.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def test_full_disk_gives_a_clear_message_and_loses_nothing(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "mnt", "3m") as mnt:
        db = mnt / "collection.db"
        col = open_collection(sqlite_url(db), tz=UTC)
        import_deck_file(col, parse_deck_toml(deck("Disk", 200, 50)), NOW)
        backup.create_backup(db, NOW)
        filler = fill(mnt)

        # Keep answering: each answer is either saved or refused with one clear sentence.
        saved: list[int] = []
        refused: list[str] = []
        now = NOW
        for _ in range(400):
            now += timedelta(minutes=1)
            card = col.sched.next_card(now)
            assert card is not None
            try:
                saved.append(col.sched.answer(card.card_id, 3, now).value.review_id)
            except CollectionError as exc:
                refused.append(str(exc))
                break
        assert refused, "the disk never filled up"
        assert "the disk is full" in refused[0] and "\n" not in refused[0]

        # An import on the full disk is refused whole.
        with pytest.raises(CollectionError) as info:
            import_deck_file(col, parse_deck_toml(deck("Big", 300, 400)), now)
        assert "disk is full" in str(info.value)
        assert "Big" not in col.decks.names().values()

        # A backup on the full disk is refused and leaves no half-written file.
        with pytest.raises(CollectionError) as binfo:
            backup.create_backup(db, now + timedelta(hours=1))
        assert "could not be written" in str(binfo.value)
        assert len(backup.list_backups(db)) == 1
        assert not list((mnt / "backups").glob("*.tmp"))
        col.close()

        filler.unlink()
        assert integrity(db) == "ok"
        conn = sqlite3.connect(db)
        ids = {r[0] for r in conn.execute("SELECT id FROM reviewlog")}
        conn.close()
        assert set(saved) <= ids
        col = open_collection(sqlite_url(db), tz=UTC)  # and work goes on once there is room
        card = col.sched.next_card(now + timedelta(days=1))
        assert card is not None
        col.sched.answer(card.card_id, 3, now + timedelta(days=1))
        col.close()


def test_full_disk_cli_import_says_so_in_one_line(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "mnt", "2m") as mnt:
        data = mnt / "data"
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLASHCARDS_")}
        cli = [
            sys.executable,
            "-m",
            "flashcards",
            "--data-dir",
            str(data),
            "--now",
            NOW.isoformat(),
        ]
        assert subprocess.run([*cli, "decks"], capture_output=True, env=env).returncode == 0
        source = tmp_path / "big.toml"
        source.write_text(deck("Big", 400, 2000), encoding="utf-8")
        filler = fill(mnt)
        result = subprocess.run(
            [*cli, "import", str(source)], capture_output=True, text=True, env=env, timeout=120
        )
        assert result.returncode == 1
        assert result.stderr.count("\n") == 1 and "disk is full" in result.stderr, result.stderr
        filler.unlink()
        assert integrity(data / "collection.db") == "ok"


def cli_run(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASHCARDS_")}
    return subprocess.run(
        [sys.executable, "-m", "flashcards", "--data-dir", str(data), "--now", NOW.isoformat()]
        + list(args),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_read_only_data_directory_reads_and_refuses_writes_clearly(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "mnt", "4m") as mnt:
        data = mnt / "data"
        assert cli_run(data, "decks").returncode == 0  # creates it, lock file and all
        col = open_collection(sqlite_url(data / "collection.db"), tz=UTC)
        import_deck_file(col, parse_deck_toml(deck("RO", 20, 10)), NOW)
        card = col.sched.next_card(NOW)
        assert card is not None
        col.sched.answer(card.card_id, 3, NOW)
        col.close()
        backup.create_backup(data / "collection.db", NOW)
        expected = {a: cli_run(data, *a).stdout for a in (("decks", "--json"), ("stats",))}
        before = (data / "collection.db").read_bytes()
        remount = subprocess.run(
            ["mount", "-o", "remount,ro", str(mnt)], capture_output=True, text=True
        )
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only: {remount.stderr.strip()}")
        try:
            with pytest.raises(FlashcardsError) as info:
                open_collection(sqlite_url(data / "collection.db"))
            message = str(info.value)
            assert "read-only" in message and "damaged" not in message and "\n" not in message

            # Commands that only read work as usual...
            for args, output in expected.items():
                result = cli_run(data, *args)
                assert result.returncode == 0, result.stderr
                assert result.stdout == output
            assert "RO" in cli_run(data, "decks").stdout
            listed = cli_run(data, "backup", "--list")
            assert listed.returncode == 0 and "collection-2026-03-02-090000.db" in listed.stdout
            out = tmp_path / "out.apkg"
            exported = cli_run(data, "export", "-o", str(out))
            assert exported.returncode == 0, exported.stderr
            assert out.stat().st_size > 0

            # ... and those that write say why they cannot, in one line.
            for args in (("review",), ("backup",), ("import", str(out))):
                result = cli_run(data, *args)
                assert result.returncode == 1
                assert "Read-only file system" in result.stderr, result.stderr
                assert result.stderr.count("\n") == 1
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(mnt)], check=False)
        assert (data / "collection.db").read_bytes() == before


def test_read_only_copy_reads_like_the_file_and_never_writes_it(tmp_path: Path) -> None:
    from flashcards.core.startup import open_read_only_collection

    db = tmp_path / "collection.db"
    col = open_collection(sqlite_url(db), tz=UTC)
    import_deck_file(col, parse_deck_toml(deck("Copy", 30, 10)), NOW)
    for _ in range(5):
        card = col.sched.next_card(NOW)
        assert card is not None
        col.sched.answer(card.card_id, 3, NOW)
    counts, summary = col.sched.deck_counts(NOW), col.stats.summary(NOW, None)
    col.close()
    before = db.read_bytes()
    snapshot = open_read_only_collection(db, tz=UTC)
    try:
        assert snapshot.sched.deck_counts(NOW) == counts
        assert snapshot.stats.summary(NOW, None) == summary
        snapshot.notes.add("Copy", "basic", "only in memory", "a", NOW)
    finally:
        snapshot.close()
    assert db.read_bytes() == before
    # (SQLite's own -wal/-shm, empty, where the folder is writable; no copy on disk)
    others = {p.name: p.stat().st_size for p in tmp_path.iterdir() if p != db}
    assert set(others) <= {"collection.db-wal", "collection.db-shm"}
    assert others.get("collection.db-wal", 0) == 0


def test_full_disk_export_says_so_in_one_line(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "mnt", "1m") as mnt:
        data = tmp_path / "data"
        assert cli_run(data, "decks").returncode == 0
        filler = fill(mnt)
        result = cli_run(data, "export", "-o", str(mnt / "out.apkg"))
        assert result.returncode == 1
        assert result.stderr.count("\n") == 1 and "disk is full" in result.stderr, result.stderr
        assert "unexpected" not in result.stderr
        assert sorted(p.name for p in mnt.iterdir()) == [filler.name]  # no half-written file
        filler.unlink()
