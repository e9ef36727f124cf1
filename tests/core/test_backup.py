"""Backups: consistent under WAL while writing, named by the given time, pruned, restored."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from flashcards.core import backup
from flashcards.core.collection import Collection, open_collection
from flashcards.core.db import sqlite_url
from flashcards.core.deckfile import parse_deck_toml
from flashcards.core.errors import CollectionError, InputError
from flashcards.core.exchange.deckfile_import import import_deck_file

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DECK = '[deck]\nname = "B"\n' + "".join(
    f'[[notes]]\nid = "b{i}"\nfront = "Q{i}"\nback = "A{i}"\n' for i in range(30)
)


@pytest.fixture
def filled(col: Collection, db_path: Path) -> Collection:
    import_deck_file(col, parse_deck_toml(DECK), NOW)
    return col


def review_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM reviewlog").fetchone()[0])
    finally:
        conn.close()


def answer_some(col: Collection, n: int, start: datetime) -> datetime:
    now = start
    for _ in range(n):
        now += timedelta(minutes=1)
        card = col.sched.next_card(now)
        assert card is not None
        col.sched.answer(card.card_id, 3, now)
    return now


def test_backup_is_a_standalone_consistent_file_named_by_the_given_time(
    filled: Collection, db_path: Path
) -> None:
    answer_some(filled, 5, NOW)  # these commits are still in the -wal file
    made = backup.create_backup(db_path, NOW)
    assert made.name == "collection-2026-03-02-090000.db"
    assert made.parent == db_path.parent / "backups"
    assert not Path(f"{made}-wal").exists()
    conn = sqlite3.connect(made)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    assert review_count(made) == 5
    assert backup.backup_problem(made) is None
    # Same second again: a second name, never an overwrite.
    assert backup.create_backup(db_path, NOW).name == "collection-2026-03-02-090000-2.db"


def test_backup_while_another_connection_writes_is_consistent(
    filled: Collection, db_path: Path
) -> None:
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        now = NOW
        try:
            while not stop.is_set():
                # As long as the backups take (machine load decides): when today's cards run
                # out, the next day brings more.
                now += timedelta(minutes=1)
                card = filled.sched.next_card(now)
                if card is None:
                    now += timedelta(days=1)
                    continue
                filled.sched.answer(card.card_id, 3, now)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        made = [
            backup.create_backup(db_path, NOW + timedelta(minutes=i), keep=None) for i in range(8)
        ]
    finally:
        stop.set()
        thread.join()
    assert not errors
    for path in made:
        assert backup.backup_problem(path) is None
        conn = sqlite3.connect(path)
        mismatched = conn.execute(
            "SELECT c.id FROM card c LEFT JOIN reviewlog r ON r.card_id = c.id"
            " GROUP BY c.id HAVING c.reps != COUNT(r.id)"
        ).fetchall()
        conn.close()
        assert not mismatched


def test_only_the_newest_n_are_kept_and_listed_newest_first(
    filled: Collection, db_path: Path
) -> None:
    for i in range(6):
        backup.create_backup(db_path, NOW + timedelta(hours=i), keep=3)
    infos = backup.list_backups(db_path)
    assert [i.taken for i in infos] == [NOW + timedelta(hours=h) for h in (5, 4, 3)]
    (db_path.parent / "backups" / "notes.txt").write_text("not a backup")
    assert len(backup.list_backups(db_path)) == 3


def test_restore_keeps_the_current_file_aside_and_drops_its_wal(
    filled: Collection, db_path: Path
) -> None:
    made = backup.create_backup(db_path, NOW)
    answer_some(filled, 4, NOW)
    filled.close()
    assert review_count(db_path) == 4
    # Leave a WAL behind, as a crashed app would: it must not be replayed into the backup.
    keep_open = sqlite3.connect(db_path)
    keep_open.execute("PRAGMA journal_mode=WAL")
    keep_open.execute("INSERT INTO setting (key, value) VALUES ('marker', 'in-wal')")
    keep_open.commit()
    assert Path(f"{db_path}-wal").stat().st_size > 0
    aside = backup.restore_backup(db_path, made, NOW + timedelta(hours=1))
    keep_open.close()
    assert aside is not None and aside.name == "collection.before-restore-2026-03-02-100000.db"
    assert review_count(db_path) == 0
    assert review_count(aside) == 4
    conn = sqlite3.connect(aside)
    assert conn.execute("SELECT value FROM setting WHERE key='marker'").fetchone() == ("in-wal",)
    conn.close()
    col = open_collection(sqlite_url(db_path), tz=UTC)
    assert col.config.get("marker") == ""
    col.close()


def test_restore_refuses_a_bad_backup_and_changes_nothing(
    filled: Collection, db_path: Path
) -> None:
    filled.close()
    bad = db_path.parent / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)
    other = db_path.parent / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE cards (id)")
    conn.close()
    before = db_path.read_bytes()
    for path in (bad, other):
        with pytest.raises(InputError) as info:
            backup.restore_backup(db_path, path, NOW)
        assert "\n" not in str(info.value)
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in db_path.parent.iterdir() if "before-restore" in p.name) == []


def test_newest_good_backup_skips_damaged_ones(filled: Collection, db_path: Path) -> None:
    good = backup.create_backup(db_path, NOW)
    newer = backup.create_backup(db_path, NOW + timedelta(hours=1))
    newer.write_bytes(newer.read_bytes()[:3000])
    info = backup.newest_good_backup(db_path)
    assert info is not None and info.path == good


def test_schedule_backs_up_every_30_minutes_of_use_and_on_close_only_after_changes(
    filled: Collection, db_path: Path
) -> None:
    schedule = backup.BackupSchedule(db_path, NOW, keep=5)
    filled.add_listener(schedule.mark_changed)
    assert schedule.tick(NOW + timedelta(minutes=45)) is None  # nothing changed yet
    answer_some(filled, 1, NOW)
    assert schedule.tick(NOW + timedelta(minutes=29)) is None
    assert schedule.tick(NOW + timedelta(minutes=30)) is not None
    assert schedule.tick(NOW + timedelta(minutes=61)) is None  # no change since
    assert schedule.on_close(NOW + timedelta(minutes=62)) is None
    answer_some(filled, 1, NOW + timedelta(minutes=62))
    closing = schedule.on_close(NOW + timedelta(minutes=63))
    assert closing is not None and review_count(closing) == 2


def test_backups_do_not_apply_to_a_database_server() -> None:
    with pytest.raises(CollectionError) as info:
        backup.require_sqlite("postgresql://u@host/flashcards")
    assert "only to a collection in a SQLite file" in str(info.value)
    assert backup.keep_setting("abc") == backup.DEFAULT_KEEP and backup.keep_setting("0") == 1


def _leftovers(db_path: Path) -> list[Path]:
    """What a backup and a restore killed half-way leave behind."""
    folder = backup.backup_dir(db_path)
    folder.mkdir(exist_ok=True)
    made = [
        folder / "collection-2026-03-02-090000.db.tmp",
        folder / "collection-2026-03-02-090000.db.tmp-journal",
        folder / "before-schema-3.db.tmp",
        db_path.with_name(db_path.name + ".restore-tmp"),
        db_path.with_name(db_path.name + ".restore-tmp-journal"),
    ]
    for path in made:
        path.write_bytes(b"\0" * 4096)
    return made


def test_temporaries_of_an_interrupted_backup_are_removed_on_the_next_start(
    filled: Collection, db_path: Path
) -> None:
    from flashcards.core.instance import InstanceLock
    from flashcards.core.startup import open_user_collection

    kept = backup.create_backup(db_path, NOW)
    other = backup.backup_dir(db_path) / "notes.txt"  # not ours: never touched
    other.write_text("mine")
    filled.close()
    leftovers = _leftovers(db_path)
    url = sqlite_url(db_path)

    # Without the data directory's lock another process may be writing them: left alone.
    open_user_collection(NOW, db_url=url).close()
    assert all(p.exists() for p in leftovers)

    with InstanceLock(db_path.parent):
        open_user_collection(NOW, db_url=url).close()
    assert not any(p.exists() for p in leftovers)
    assert kept.exists() and other.read_text() == "mine"
    assert [b.path for b in backup.list_backups(db_path)] == [kept]


def test_the_command_line_removes_them_too(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASHCARDS_")}
    cli = [sys.executable, "-m", "flashcards", "--data-dir", str(data), "--now", NOW.isoformat()]
    assert subprocess.run([*cli, "decks"], capture_output=True, env=env).returncode == 0
    leftovers = _leftovers(data / "collection.db")
    result = subprocess.run([*cli, "decks"], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert not any(p.exists() for p in leftovers)


def test_a_backup_that_cannot_be_read_is_not_good(
    filled: Collection, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    made = backup.create_backup(db_path, NOW)
    real_open = Path.open

    def deny(self: Path, *args: object, **kwargs: object) -> object:
        if self == made:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", deny)
    problem = backup.backup_problem(made)
    assert problem is not None and "permission denied" in problem
    assert backup.newest_good_backup(db_path) is None


def test_work_folders_left_by_a_killed_import_are_removed_after_a_day(tmp_path: Path) -> None:
    import os
    import time

    from flashcards.core.leftovers import remove_stale_work_dirs

    old = tmp_path / "flashcards-import-abc"
    (old / "sub").mkdir(parents=True)
    (old / "sub" / "collection.anki2").write_bytes(b"x" * 1000)
    fresh = tmp_path / "flashcards-export-def"
    fresh.mkdir()
    other = tmp_path / "someone-else-old"
    other.mkdir()
    now = time.time()
    for path in (old, other):
        os.utime(path, (now - 2 * 86400, now - 2 * 86400))
    assert remove_stale_work_dirs(now, tmp_path) == [old]
    assert not old.exists() and fresh.exists() and other.exists()
