"""Schema versioning: a collection made with the first schema is upgraded in place, safely."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from flashcards.core import migrations
from flashcards.core.backup import backup_before_upgrade
from flashcards.core.collection import open_collection
from flashcards.core.db import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    NewerCollectionError,
    make_engine,
    sqlite_url,
)

SCHEMA1 = Path(__file__).with_name("data") / "collection_schema1.sql"


def schema1_collection(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA1.read_text(encoding="utf-8"))
    conn.close()
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def shape(path: Path) -> dict[str, object]:
    """Tables, columns (name, type, not null, pk) and indexes: what a schema is, minus defaults."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        out: dict[str, object] = {}
        for t in sorted(tables):
            cols = {
                (r[1], r[2].upper(), r[3], r[5]) for r in conn.execute(f"PRAGMA table_info({t})")
            }
            idx = {(r[1], r[2]) for r in conn.execute(f"PRAGMA index_list({t})")}
            out[t] = (cols, idx)
        return out
    finally:
        conn.close()


def expected_ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


def test_first_schema_collection_is_upgraded_with_backup_and_nothing_lost(tmp_path: Path) -> None:
    db = schema1_collection(tmp_path / "collection.db")
    before = sqlite3.connect(db)
    logs = before.execute(
        "SELECT id, reviewed_at, state_before, prev_due, prev_last_review FROM reviewlog"
    ).fetchall()
    counts = [before.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("note", "card")]
    before.close()
    assert len(logs) == 155
    original = digest(db)

    col = open_collection(sqlite_url(db), tz=UTC)
    # A backup of the first-schema file was taken before the upgrade, byte-for-byte the data.
    saved = tmp_path / "backups" / "before-schema-2.db"
    assert saved.exists()
    check = sqlite3.connect(saved)
    assert check.execute("SELECT value FROM setting WHERE key='schema_version'").fetchone() == (
        "1",
    )
    assert check.execute("SELECT COUNT(*) FROM reviewlog").fetchone() == (155,)
    check.close()
    assert digest(db) != original

    conn = sqlite3.connect(db)
    assert conn.execute("SELECT value FROM setting WHERE key='schema_version'").fetchone() == (
        str(SCHEMA_VERSION),
    )
    assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    assert conn.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
    assert [conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("note", "card")] == (
        counts
    )
    filled = {
        r[0]: r[1:]
        for r in conn.execute("SELECT id, reviewed_ms, prev_interval_days FROM reviewlog")
    }
    conn.close()
    for row_id, reviewed_at, state_before, prev_due, prev_last in logs:
        ms, interval = filled[row_id]
        assert ms == expected_ms(reviewed_at)
        if state_before == 2:
            assert interval == pytest.approx(
                (expected_ms(prev_due) - expected_ms(prev_last)) / 86_400_000
            )
        else:
            assert interval == 0.0

    # The upgraded collection works: counts, stats and a new answer.
    now = datetime(2025, 7, 1, 9, 0, tzinfo=UTC)
    assert any(c.name == "Old::Sub" for c in col.sched.deck_counts(now))
    card = col.sched.next_card(now + timedelta(days=30))
    assert card is not None
    col.sched.answer(card.card_id, 3, now + timedelta(days=30))
    col.stats.summary(now + timedelta(days=30))
    col.close()

    # Same shape as a collection created fresh by this version.
    fresh = tmp_path / "fresh.db"
    open_collection(sqlite_url(fresh)).close()
    assert shape(db) == shape(fresh)


def test_opening_an_upgraded_collection_again_changes_nothing(tmp_path: Path) -> None:
    db = schema1_collection(tmp_path / "collection.db")
    make_engine(sqlite_url(db), before_upgrade=backup_before_upgrade).dispose()
    upgraded = shape(db)
    make_engine(sqlite_url(db), before_upgrade=backup_before_upgrade).dispose()
    assert shape(db) == upgraded
    assert len(list((tmp_path / "backups").iterdir())) == 1  # no second pre-upgrade backup


def test_a_step_interrupted_by_a_crash_is_redone(tmp_path: Path) -> None:
    db = schema1_collection(tmp_path / "collection.db")
    engine = create_engine(sqlite_url(db))
    migrations.STEPS[1](engine)  # the step ran, the process died before the version stamp
    conn = sqlite3.connect(db)
    conn.execute("UPDATE reviewlog SET reviewed_ms = 0 WHERE id % 2 = 0")  # half-way backfill
    conn.commit()
    conn.close()
    engine.dispose()
    make_engine(sqlite_url(db)).dispose()
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM reviewlog WHERE reviewed_ms = 0").fetchone() == (0,)
    assert conn.execute("SELECT value FROM setting WHERE key='schema_version'").fetchone() == (
        str(SCHEMA_VERSION),
    )
    conn.close()


def test_a_failing_step_leaves_the_version_unchanged(tmp_path: Path) -> None:
    db = schema1_collection(tmp_path / "collection.db")
    engine = create_engine(sqlite_url(db))

    def boom(_engine: object) -> None:
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        migrations.upgrade(engine, 1, target=2, steps={1: boom})
    with engine.connect() as conn:
        assert migrations.read_version(conn) == 1
    engine.dispose()


def test_a_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    db = tmp_path / "collection.db"
    open_collection(sqlite_url(db)).close()
    conn = sqlite3.connect(db)
    conn.execute("UPDATE setting SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    original = digest(db)
    with pytest.raises(NewerCollectionError) as info:
        open_collection(sqlite_url(db))
    assert "newer version" in str(info.value) and "\n" not in str(info.value)
    assert digest(db) == original


def v4_collection(path: Path) -> Path:
    """A collection as version 4 left it: the first schema upgraded by steps 1-3."""
    schema1_collection(path)
    engine = create_engine(sqlite_url(path))
    assert migrations.upgrade(engine, 1, target=4) == 4
    engine.dispose()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE deckoptions SET new_per_day = 7, learning_steps = '2m' WHERE deck_id = 2")
    conn.commit()
    conn.close()
    return path


def test_version_4_gets_flags_bury_kinds_and_preset_options(tmp_path: Path) -> None:
    db = v4_collection(tmp_path / "collection.db")
    col = open_collection(sqlite_url(db), tz=UTC)
    try:
        assert (tmp_path / "backups" / "before-schema-5.db").exists()
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        cards = conn.execute("SELECT DISTINCT flags, buried_by_user FROM card").fetchall()
        assert cards == [(0, 0)]
        conn.close()
        # The options a deck had are kept; the new ones bury as the app always did (so they
        # are not Default's: each deck has a preset of its own, named after it).
        for deck_id, new, steps in ((1, 20, "1m 10m"), (2, 7, "2m")):
            settings = col.decks.settings(deck_id)
            assert (settings.new_per_day, settings.learning_steps) == (new, steps)
            assert (settings.bury_new, settings.bury_reviews, settings.bury_interday) == (
                True,
                True,
                False,
            )
            preset = col.presets.get(col.presets.of_deck(deck_id))
            assert (preset.name, preset.anki_id) == (col.decks.names()[deck_id], None)
            assert settings.fsrs_params == ()
        # Flags and a manual bury work on the upgraded rows.
        now = datetime(2025, 7, 1, 9, 0, tzinfo=UTC)
        col.sched.set_flag([1, 2], 4)
        col.sched.bury([3], now)
        rows = col.cards.rows([1, 2, 3])
        assert [r["flags"] for r in rows] == [4, 4, 0]
        assert rows[2]["buried_by_user"] and rows[2]["buried_until"] is not None
    finally:
        col.close()
    fresh = tmp_path / "fresh.db"
    open_collection(sqlite_url(fresh)).close()
    assert shape(db) == shape(fresh)


def test_step_5_interrupted_half_way_is_finished(tmp_path: Path) -> None:
    db = v4_collection(tmp_path / "collection.db")
    conn = sqlite3.connect(db)
    # A crash after some of the columns were added, before the version was stamped: the version
    # row says 4 and the step runs again, adding only what is missing.
    conn.execute("ALTER TABLE deckoptions ADD COLUMN bury_new BOOLEAN NOT NULL DEFAULT 1")
    conn.execute("ALTER TABLE card ADD COLUMN flags INTEGER NOT NULL DEFAULT 0")
    conn.commit()
    conn.close()
    make_engine(sqlite_url(db)).dispose()
    fresh = tmp_path / "fresh.db"
    open_collection(sqlite_url(fresh)).close()
    assert shape(db) == shape(fresh)


def test_the_newest_version_is_recognised_without_its_version_row(tmp_path: Path) -> None:
    db = tmp_path / "collection.db"
    open_collection(sqlite_url(db)).close()
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM setting WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    engine = create_engine(sqlite_url(db))
    with engine.connect() as connection:
        assert migrations.read_version(connection) == SCHEMA_VERSION == 12
    engine.dispose()


def test_version_5_keeps_its_rows_and_gains_anki_factor_and_anki_data(tmp_path: Path) -> None:
    db = v4_collection(tmp_path / "collection.db")
    engine = create_engine(sqlite_url(db))
    assert migrations.upgrade(engine, 4, target=5) == 5
    engine.dispose()
    before = sqlite3.connect(db)
    cards = before.execute("SELECT * FROM card ORDER BY id").fetchall()
    before.close()
    col = open_collection(sqlite_url(db), tz=UTC)
    col.close()
    assert (tmp_path / "backups" / "before-schema-6.db").exists()  # backed up first
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    after = conn.execute("SELECT * FROM card ORDER BY id").fetchall()
    # anki_data (step 6) and original_deck_id (step 9) come after the columns step 5 had.
    assert [row[:-2] for row in after] == cards and {row[-2:] for row in after} == {(None, None)}
    assert "anki_factor" in {r[1] for r in conn.execute("PRAGMA table_info(reviewlog)")}
    conn.close()
    fresh = tmp_path / "fresh.db"
    open_collection(sqlite_url(fresh)).close()
    assert shape(db) == shape(fresh)


def test_version_7_adds_leech_options_and_keeps_the_bury_options(tmp_path: Path) -> None:
    db = v4_collection(tmp_path / "collection.db")
    engine = create_engine(sqlite_url(db))
    assert migrations.upgrade(engine, 4, target=6) == 6
    engine.dispose()
    conn = sqlite3.connect(db)
    before = conn.execute(
        "SELECT deck_id, bury_new, bury_reviews, bury_interday FROM deckoptions ORDER BY deck_id"
    ).fetchall()
    conn.close()
    assert before and all(row[1:] == (1, 1, 0) for row in before)  # what step 5 gave them
    col = open_collection(sqlite_url(db), tz=UTC)
    try:
        for deck_id, *_ in before:  # existing decks keep burying as they did
            settings = col.decks.settings(deck_id)
            assert (settings.bury_new, settings.bury_reviews, settings.bury_interday) == (
                True,
                True,
                False,
            )
            assert (settings.leech_threshold, settings.leech_suspend) == (8, False)
        # A new deck gets Anki's defaults.
        new_deck = col.decks.add("Brand new", datetime(2026, 11, 30, tzinfo=UTC)).value
        settings = col.decks.settings(new_deck)
        assert (settings.bury_new, settings.bury_reviews, settings.bury_interday) == (
            False,
            False,
            False,
        )
    finally:
        col.close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    conn.close()


def test_version_8_gives_reviews_sync_ids_and_is_redone_after_a_crash(tmp_path: Path) -> None:
    db = v4_collection(tmp_path / "collection.db")
    engine = create_engine(sqlite_url(db))
    assert migrations.upgrade(engine, 4, target=7) == 7
    engine.dispose()
    conn = sqlite3.connect(db)
    logs = conn.execute("SELECT * FROM reviewlog ORDER BY id").fetchall()
    # A crash half-way through step 8 (SQLite's DDL is transactional, but a collection on
    # another engine may not be): one column there, the version still 7.
    conn.execute("ALTER TABLE reviewlog ADD COLUMN uid VARCHAR")
    conn.commit()
    conn.close()
    engine = create_engine(sqlite_url(db))
    with engine.connect() as connection:
        assert migrations.read_version(connection) == 7
    engine.dispose()
    col = open_collection(sqlite_url(db), tz=UTC)
    col.close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    after = conn.execute("SELECT * FROM reviewlog ORDER BY id").fetchall()
    # Every review kept, not yet sent (usn -1), its global id given by the first sync.
    # (The last column, schema 11's preview mark, is false on every one.)
    assert [row[:-3] for row in after] == logs and {row[-3:] for row in after} == {(None, -1, 0)}
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"syncgrave", "syncshadow", "syncconflict"} <= tables
    conn.close()
    fresh = tmp_path / "fresh.db"
    open_collection(sqlite_url(fresh)).close()
    assert shape(db) == shape(fresh)
    # Without its version row, a finished step 8 is recognised by its last table.
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM setting WHERE key = 'schema_version'")
    conn.execute("ALTER TABLE card DROP COLUMN original_deck_id")  # back to step 8's shape
    conn.execute("DROP TABLE preset")
    conn.execute("ALTER TABLE reviewlog DROP COLUMN preview")
    conn.commit()
    conn.close()
    engine = create_engine(sqlite_url(db))
    with engine.connect() as connection:
        assert migrations.read_version(connection) == 8
    engine.dispose()


def test_version_9_gives_cards_a_home_deck_column_and_is_idempotent(tmp_path: Path) -> None:
    db = v4_collection(tmp_path / "collection.db")
    engine = create_engine(sqlite_url(db))
    assert migrations.upgrade(engine, 4, target=8) == 8
    engine.dispose()
    conn = sqlite3.connect(db)
    cards = conn.execute("SELECT * FROM card ORDER BY id").fetchall()
    conn.close()
    assert cards
    col = open_collection(sqlite_url(db), tz=UTC)
    col.close()
    assert (tmp_path / "backups" / "before-schema-9.db").exists()  # backed up first
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    after = conn.execute("SELECT * FROM card ORDER BY id").fetchall()
    # Every card kept, every one at home.
    assert [row[:-1] for row in after] == cards and {row[-1] for row in after} == {None}
    conn.close()
    # Run again (a crash before the stamp): nothing changes; recognised without its row.
    engine = create_engine(sqlite_url(db))
    migrations.STEPS[8](engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM setting WHERE key = 'schema_version'")
    with engine.connect() as connection:
        assert migrations.read_version(connection) == SCHEMA_VERSION
    engine.dispose()
    fresh = tmp_path / "fresh.db"
    open_collection(sqlite_url(fresh)).close()
    assert shape(db) == shape(fresh)


#: Decks of a schema-9 collection and their ``deckoptions`` rows, as the old code wrote them:
#: name -> (new per day, bury new, leech threshold, FSRS parameters, preset name, Anki id).
V9_DECKS = {
    "Anki::A": (30, 0, 8, "0.5 1.5", "Japanese", 77),  # A and B: one Anki preset, same options
    "Anki::B": (30, 0, 8, "0.5 1.5", "Japanese", 77),
    "Anki::C": (45, 0, 8, "0.5 1.5", "Japanese", 77),  # the same preset with other options
    "Plain": (20, 0, 8, "", "", None),  # the defaults: Default
    "FromDefault": (20, 0, 8, "", "Default", 1),  # Anki's Default with the defaults: Default
    "Mine": (5, 1, 3, "", "", None),  # options set here: a preset of its own
    "Mine too": (5, 1, 3, "", "", None),  # the same values, but not one Anki preset: its own
}


def v9_collection(path: Path) -> Path:
    """A collection as schema 9 left it, with decks whose options came from Anki and here."""
    db = v4_collection(path)
    engine = create_engine(sqlite_url(db))
    assert migrations.upgrade(engine, 4, target=9) == 9
    engine.dispose()
    conn = sqlite3.connect(db)
    # The first-schema decks (with the bury options steps 5 and 7 gave them) are kept as they
    # are; these are added as the schema-9 deck manager and importer wrote them.
    for name, (new, bury, leech, params, preset, anki_id) in V9_DECKS.items():
        deck_id = conn.execute(
            "INSERT INTO deck (name, description, created, modified) VALUES"
            " (?, '', '2025-06-01 08:00:00', '2025-06-01 08:00:00')",
            (name,),
        ).lastrowid
        conn.execute(
            "INSERT INTO deckoptions (deck_id, desired_retention, new_per_day, reviews_per_day,"
            " learning_steps, relearning_steps, maximum_interval, bury_new, bury_reviews,"
            " bury_interday, fsrs_params, preset_name, anki_preset_id, leech_threshold,"
            " leech_suspend) VALUES (?, 0.9, ?, 200, '1m 10m', '10m', 36500, ?, 0, 0, ?, ?, ?,"
            " ?, 0)",
            (deck_id, new, bury, params, preset, anki_id, leech),
        )
    conn.commit()
    conn.close()
    return db


def test_version_10_makes_presets_and_loses_no_option(tmp_path: Path) -> None:
    db = v9_collection(tmp_path / "collection.db")
    conn = sqlite3.connect(db)
    before = {
        name: row
        for name, *row in conn.execute(
            "SELECT deck.name, o.desired_retention, o.new_per_day, o.reviews_per_day,"
            " o.learning_steps, o.relearning_steps, o.maximum_interval, o.bury_new,"
            " o.bury_reviews, o.bury_interday, o.leech_threshold, o.leech_suspend,"
            " o.fsrs_params FROM deck JOIN deckoptions o ON o.deck_id = deck.id"
        )
    }
    cards = conn.execute("SELECT * FROM card ORDER BY id").fetchall()
    logs = conn.execute("SELECT * FROM reviewlog ORDER BY id").fetchall()
    conn.close()
    col = open_collection(sqlite_url(db), tz=UTC)
    try:
        assert (tmp_path / "backups" / "before-schema-10.db").exists()
        names = {name: deck_id for deck_id, name in col.decks.names().items()}
        assert set(names) == set(before)
        conn = sqlite3.connect(db)
        # Every deck reads exactly the options it had.
        after = {
            name: row
            for name, *row in conn.execute(
                "SELECT deck.name, p.desired_retention, p.new_per_day, p.reviews_per_day,"
                " p.learning_steps, p.relearning_steps, p.maximum_interval, p.bury_new,"
                " p.bury_reviews, p.bury_interday, p.leech_threshold, p.leech_suspend,"
                " p.fsrs_params FROM deck JOIN preset p ON p.id = deck.preset_id"
            )
        }
        assert after == before
        assert conn.execute("SELECT * FROM card ORDER BY id").fetchall() == cards
        # Every review kept (with schema 11's preview mark, false, last).
        reviews = conn.execute("SELECT * FROM reviewlog ORDER BY id").fetchall()
        assert [row[:-1] for row in reviews] == logs
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        conn.close()
        assert "deckoptions" not in tables
        assert col.decks.settings(names["Anki::A"]).fsrs_params == (0.5, 1.5)

        def preset(name: str) -> tuple[int, str, int | None]:
            found = col.presets.get(col.presets.of_deck(names[name]))
            return found.id, found.name, found.anki_id

        # One Anki preset with the same options: one preset, its name and Anki id.
        shared = preset("Anki::A")
        assert shared == preset("Anki::B") and shared[1:] == ("Japanese", 77)
        # Its options changed for one deck: that deck's own preset (the Anki id stays once).
        assert preset("Anki::C")[1:] == ("Anki::C", None)
        assert preset("Plain") == preset("FromDefault") == (1, "Default", None)
        assert preset("Mine")[1:] == ("Mine", None)
        assert preset("Mine too")[1:] == ("Mine too", None)
        assert preset("Old")[1:] == ("Old", None)  # buries as the app did: not the defaults
        counts = {p.name: p.deck_count for p in col.presets.all()}
        assert counts["Japanese"] == 2 and counts["Default"] == 2
    finally:
        col.close()
    # Run again (a crash before the stamp): nothing changes.
    engine = create_engine(sqlite_url(db))
    with engine.connect() as connection:
        presets_before = connection.exec_driver_sql("SELECT * FROM preset").fetchall()
    migrations.STEPS[9](engine)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT * FROM preset").fetchall() == presets_before
    engine.dispose()
    fresh = tmp_path / "fresh.db"
    open_collection(sqlite_url(fresh)).close()
    assert shape(db) == shape(fresh)


def test_version_11_marks_every_earlier_review_as_no_preview(tmp_path: Path) -> None:
    db = v9_collection(tmp_path / "collection.db")
    engine = create_engine(sqlite_url(db))
    assert migrations.upgrade(engine, 9, target=10) == 10
    engine.dispose()
    conn = sqlite3.connect(db)
    reviews = conn.execute("SELECT * FROM reviewlog ORDER BY id").fetchall()
    conn.close()
    assert reviews  # the first-schema collection's reviews
    open_collection(sqlite_url(db), tz=UTC).close()
    assert (tmp_path / "backups" / "before-schema-11.db").exists()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    after = conn.execute("SELECT * FROM reviewlog ORDER BY id").fetchall()
    # Every review kept as it was, none a preview (every earlier answer rescheduled).
    assert [row[:-1] for row in after] == reviews and {row[-1] for row in after} == {0}
    conn.close()
    # Run again (a crash before the stamp): nothing changes; recognised without its row.
    engine = create_engine(sqlite_url(db))
    migrations.STEPS[10](engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM setting WHERE key = 'schema_version'")
    with engine.connect() as connection:
        assert migrations.read_version(connection) == SCHEMA_VERSION
        rows = connection.exec_driver_sql("SELECT * FROM reviewlog ORDER BY id").fetchall()
        assert rows == after
    engine.dispose()
    fresh = tmp_path / "fresh.db"
    open_collection(sqlite_url(fresh)).close()
    assert shape(db) == shape(fresh)


def test_version_12_keeps_every_preset_and_gives_it_no_anki_options(tmp_path: Path) -> None:
    db = v9_collection(tmp_path / "collection.db")
    engine = create_engine(sqlite_url(db))
    assert migrations.upgrade(engine, 9, target=11) == 11
    # A schema-11 preset table, as schema 11 made it: without the column.
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE preset DROP COLUMN anki_config")
        before = connection.exec_driver_sql("SELECT * FROM preset ORDER BY id").fetchall()
    engine.dispose()
    assert before
    open_collection(sqlite_url(db), tz=UTC).close()
    assert (tmp_path / "backups" / "before-schema-12.db").exists()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,) == (12,)
    columns = [r[1] for r in conn.execute("PRAGMA table_info(preset)")]
    rows = conn.execute("SELECT * FROM preset ORDER BY id").fetchall()
    conn.close()
    # Every preset as it was, with no Anki options of its own (export gives Anki's defaults).
    kept = columns.index("anki_config")
    assert [row[:kept] + row[kept + 1 :] for row in rows] == before
    assert {row[kept] for row in rows} == {"{}"}
    # Run again (a crash before the stamp): nothing changes; recognised without its row.
    engine = create_engine(sqlite_url(db))
    migrations.STEPS[11](engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM setting WHERE key = 'schema_version'")
    with engine.connect() as connection:
        assert migrations.read_version(connection) == 12
        assert connection.exec_driver_sql("SELECT * FROM preset ORDER BY id").fetchall() == rows
    engine.dispose()
    fresh = tmp_path / "fresh.db"
    open_collection(sqlite_url(fresh)).close()
    assert shape(db) == shape(fresh)
