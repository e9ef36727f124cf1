"""A damaged collection is reported in one sentence, never written to, and a backup is offered."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashcards.core import backup
from flashcards.core.collection import open_collection
from flashcards.core.db import (
    DamagedCollectionError,
    NotACollectionError,
    check_sqlite_file,
    make_engine,
    sqlite_url,
)
from flashcards.core.deckfile import parse_deck_toml
from flashcards.core.errors import CollectionError
from flashcards.core.exchange.deckfile_import import import_deck_file

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DECK = '[deck]\nname = "D"\n' + "".join(
    f'[[notes]]\nid = "d{i}"\nfront = "Question {i} {"x" * 200}"\nback = "A{i}"\n'
    for i in range(60)
)


def healthy(path: Path) -> Path:
    col = open_collection(sqlite_url(path), tz=UTC)
    import_deck_file(col, parse_deck_toml(DECK), NOW)
    col.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return healthy(tmp_path_factory.mktemp("pristine") / "collection.db").read_bytes()


def damage(kind: str, data: bytes) -> bytes:
    if kind == "truncated":
        return data[: len(data) // 2]
    if kind == "truncated-header":
        return data[:60]
    if kind == "garbage-pages":
        page = 4096
        return data[: 2 * page] + os.urandom(3 * page) + data[5 * page :]
    if kind == "not-a-database":
        return b"# my shopping list\nmilk\neggs\n" * 50
    if kind == "empty":
        return b""
    raise AssertionError(kind)


KINDS = ["truncated", "truncated-header", "garbage-pages", "not-a-database", "empty"]


@pytest.mark.parametrize("kind", KINDS)
def test_damaged_file_is_reported_and_left_untouched(
    tmp_path: Path, pristine: bytes, kind: str
) -> None:
    db = tmp_path / "collection.db"
    db.write_bytes(pristine)
    backup.create_backup(db, NOW)  # so that even an empty file counts as damage
    bad = damage(kind, pristine)
    db.write_bytes(bad)
    with pytest.raises(DamagedCollectionError) as info:
        make_engine(sqlite_url(db))
    message = str(info.value)
    assert message.startswith(f"The collection {db} is damaged (") and "\n" not in message
    assert db.read_bytes() == bad
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0


def test_cheap_check_of_a_large_file_still_sees_truncation(tmp_path: Path, pristine: bytes) -> None:
    db = tmp_path / "collection.db"
    db.write_bytes(pristine[: len(pristine) - 4096])
    assert check_sqlite_file(db, full=False) == "the file is truncated"
    db.write_bytes(pristine)
    assert check_sqlite_file(db, full=False) is None


def test_an_empty_file_without_backups_is_a_fresh_start(tmp_path: Path) -> None:
    db = tmp_path / "collection.db"
    db.write_bytes(b"")  # a crash while the very first run created the file
    make_engine(sqlite_url(db)).dispose()
    assert db.stat().st_size > 0


def test_another_programs_database_is_refused_untouched(tmp_path: Path) -> None:
    db = tmp_path / "collection.anki2"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE cards (id INTEGER PRIMARY KEY, nid INTEGER)")
    conn.execute("INSERT INTO cards VALUES (1, 2)")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    with pytest.raises(NotACollectionError) as info:
        make_engine(sqlite_url(db))
    assert "not a Flashcards collection" in str(info.value)
    assert db.read_bytes() == before


@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=40),
    cut=st.one_of(st.none(), st.integers(0, 10**6)),
)
def test_random_byte_damage_never_crashes_or_writes(
    tmp_path: Path, pristine: bytes, flips: list[tuple[int, int]], cut: int | None
) -> None:
    data = bytearray(pristine)
    for offset, value in flips:
        data[offset % len(data)] = value
    if cut is not None:
        del data[cut % len(data) :]
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    db = folder / "collection.db"
    db.write_bytes(bytes(data))
    try:
        col = open_collection(sqlite_url(db), tz=UTC)
    except CollectionError as exc:
        assert "\n" not in str(exc)
        assert db.read_bytes() == bytes(data)  # reported, never written to
    else:
        # Damage SQLite cannot see (inside a stored value) may open; using it must then either
        # work or fail with one readable error.
        try:
            col.sched.deck_counts(NOW)
            col.sched.next_card(NOW)
        except CollectionError as exc:
            assert "\n" not in str(exc)
        finally:
            col.close()
    shutil.rmtree(folder)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("due", "\x002026-03-02 09:00:00"),
        ("due", ""),
        ("due", 12),
        ("last_review", "9999-99-99"),
        ("last_review", "2026-0\x002-20"),
    ],
)
def test_a_damaged_date_inside_a_value_is_one_sentence(
    tmp_path: Path, column: str, value: object
) -> None:
    # Bytes changed inside a stored value pass SQLite's checks: reading the date must report
    # the damage in one sentence (it was a ValueError about the bytes), writing nothing.
    db = healthy(tmp_path / "collection.db")
    conn = sqlite3.connect(db)
    conn.execute(
        "UPDATE card SET state = 2, due = '2026-03-01 09:00:00.000000',"
        " last_review = '2026-02-20 09:00:00.000000', stability = 10, difficulty = 5"
    )
    conn.execute(f"UPDATE card SET {column} = ?", (value,))
    conn.commit()
    conn.close()
    before = db.read_bytes()
    col = open_collection(sqlite_url(db), tz=UTC)
    try:
        with pytest.raises(CollectionError) as info:
            col.sched.deck_counts(NOW)
            card = col.sched.next_card(NOW)
            assert card is not None
            col.sched.answer(card.card_id, 3, NOW)
    finally:
        col.close()
    assert "damaged date" in str(info.value) and "\n" not in str(info.value)
    assert db.read_bytes() == before


def test_a_text_that_is_not_utf8_is_one_sentence(tmp_path: Path) -> None:
    db = healthy(tmp_path / "collection.db")
    conn = sqlite3.connect(db)
    conn.execute("UPDATE note SET uid = CAST(X'ff30' AS TEXT) WHERE id = 1")
    conn.commit()
    conn.close()
    col = open_collection(sqlite_url(db), tz=UTC)
    try:
        with pytest.raises(CollectionError) as info:
            col.sched.next_card(NOW)
    finally:
        col.close()
    assert "not UTF-8" in str(info.value) and "\n" not in str(info.value)


def run_cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASHCARDS_")}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "flashcards",
            "--data-dir",
            str(data),
            "--now",
            NOW.isoformat(),
            *args,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_cli_says_so_in_one_sentence_offers_the_backup_and_restores_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run_cli(data, "decks").returncode == 0
    made = run_cli(data, "backup")
    assert made.returncode == 0 and "collection-2026-03-02-090000.db" in made.stdout
    db = data / "collection.db"
    bad = db.read_bytes()[:5000]
    db.write_bytes(bad)

    result = run_cli(data, "decks")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "is damaged" in lines[0] and "collection-2026-03-02-090000.db" in lines[0]
    assert "flashcards restore" in lines[0]
    assert db.read_bytes() == bad

    restored = run_cli(data, "restore")
    assert restored.returncode == 0, restored.stderr
    aside = data / "collection.before-restore-2026-03-02-090000.db"
    assert str(aside) in restored.stdout
    assert aside.read_bytes() == bad  # the damaged file is kept, byte for byte
    assert run_cli(data, "decks").returncode == 0


def test_cli_without_any_backup_says_so(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "collection.db").write_bytes(b"not a database at all" * 10)
    result = run_cli(data, "stats")
    assert result.returncode == 1
    assert "no good backup was found" in result.stderr and len(result.stderr.splitlines()) == 1
    nothing = run_cli(data, "restore")
    assert nothing.returncode == 1 and "There is no good backup" in nothing.stderr


def test_cli_backup_of_a_database_server_url_says_it_does_not_apply(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--db", "postgresql://nobody@localhost:1/x", "backup")
    assert result.returncode == 1
    assert "only to a collection in a SQLite file" in result.stderr


# ---------------------------------------------------------------------------- not damage

# Permission denied is not damage: restoring a backup would replace a healthy, newer file.


def test_a_file_this_user_cannot_read_is_not_called_damaged(
    tmp_path: Path, pristine: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from flashcards.core.db import UnreadableCollectionError

    db = tmp_path / "collection.db"
    db.write_bytes(pristine)
    backup.create_backup(db, NOW)
    real_open = Path.open

    def deny(self: Path, *args: object, **kwargs: object) -> object:
        if self == db:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", deny)
    with pytest.raises(UnreadableCollectionError) as info:
        check_sqlite_file(db)
    with pytest.raises(CollectionError) as opened:
        make_engine(sqlite_url(db))
    for error in (info.value, opened.value):
        message = str(error)
        assert not isinstance(error, DamagedCollectionError)
        assert message == (
            f"The collection {db} cannot be read: permission denied; check the owner and "
            "permissions of the file and its folder."
        )
    monkeypatch.undo()
    assert db.read_bytes() == pristine


def test_a_folder_in_place_of_the_file_is_not_called_damaged(tmp_path: Path) -> None:
    db = tmp_path / "collection.db"
    db.mkdir()
    with pytest.raises(CollectionError) as info:
        make_engine(sqlite_url(db))
    assert not isinstance(info.value, DamagedCollectionError)
    assert "is a folder, not a file" in str(info.value) and "damaged" not in str(info.value)
    data = tmp_path / "data"
    (data / "collection.db").mkdir(parents=True)
    result = run_cli(data, "decks")
    assert result.returncode == 1 and len(result.stderr.splitlines()) == 1
    assert "is a folder" in result.stderr and "restore" not in result.stderr


def test_cli_as_another_user_says_permission_denied_and_offers_no_restore(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The collection was made by `sudo flashcards` (root's, mode 600) in the user's folder.
    # Tests run as root, for whom no permission is ever denied: the command runs in this
    # process with its effective user switched to `nobody` (everything it needs is already
    # imported, since the interpreter lives where `nobody` cannot read).
    from flashcards import cli

    if not hasattr(os, "seteuid") or os.geteuid() != 0:
        pytest.skip("needs root to act as another user (as a normal user, chmod 000 suffices)")
    base = Path(tempfile.mkdtemp())  # outside pytest's root-only temp folder
    try:
        os.chmod(base, 0o755)
        data = base / "data"
        assert cli.main(["--data-dir", str(data), "--now", NOW.isoformat(), "decks"]) == 0
        assert cli.main(["--data-dir", str(data), "--now", NOW.isoformat(), "backup"]) == 0
        assert cli.main(["--data-dir", str(data), "--now", NOW.isoformat(), "stats"]) == 0
        capsys.readouterr()
        db = data / "collection.db"
        os.chmod(db, 0o600)
        before = db.read_bytes()
        nobody = 65534
        for path in [data, *data.iterdir(), *(data / "backups").iterdir()]:
            if path != db:
                os.chown(path, nobody, nobody)
        for command in (["decks"], ["stats"], ["review"]):
            os.seteuid(nobody)
            try:
                status = cli.main(["--data-dir", str(data), "--now", NOW.isoformat(), *command])
            finally:
                os.seteuid(0)
            err = capsys.readouterr().err
            assert status == 1, err
            assert err == (
                f"flashcards: The collection {db} cannot be read: permission denied; check the "
                "owner and permissions of the file and its folder.\n"
            )
        assert db.read_bytes() == before
    finally:
        shutil.rmtree(base)
