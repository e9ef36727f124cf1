"""Schema versions and the steps between them: a small versioned scheme instead of Alembic.

Why not Alembic: the collection is one user's file, opened by one process, upgraded in place
on open; Alembic's script directory, ``env.py`` and revision graph buy nothing here and would
add a dependency and startup time. What the scheme keeps from Alembic is the discipline: the
version lives in the database (the ``setting`` row ``schema_version``, mirrored in SQLite's
``PRAGMA user_version``), every version after the first has exactly one upgrade step, steps run
in order, and a test upgrades a collection made with the first schema.

Each step is idempotent (it checks before it adds) and the version is stamped after it, so a
step interrupted by a crash is simply run again on the next open. For a SQLite file the caller
also takes a backup before the first step (see :func:`flashcards.core.backup`).

Versions:
    1. The first schema (decks, options, notes, cards, review log, settings).
    2. ``reviewlog.reviewed_ms`` and ``reviewlog.prev_interval_days`` (derived columns for
       fast statistics), backfilled; SQLite files get the Flashcards ``application_id``.
    3. ``reviewday``: the review log summed per deck, day, kind and button (a cache for the
       statistics, filled on first use).
    4. ``ankinotetype``, ``note.anki_notetype_id``/``note.anki_fields`` and ``card.anki_id``:
       notes from Anki keep their note type, fields and card ids, to go back unchanged.
       Also removes the review-log rows that re-importing a package used to double (the
       importer compared microseconds with the package's milliseconds) and drops the
       statistics sums, so that they are rebuilt from the repaired log.
    5. What crosses with Anki's scheduling: ``card.flags`` (Anki's flag 0-7) and
       ``card.buried_by_user`` (Anki's manual bury, apart from a sibling's bury);
       ``deckoptions.bury_new``/``bury_reviews``/``bury_interday`` (Anki's bury options;
       existing decks keep what they did: new and review siblings buried), ``fsrs_params``,
       ``preset_name`` and ``anki_preset_id`` (the Anki preset the options came with).
    6. ``reviewlog.anki_factor`` (a review's revlog factor from Anki) and ``card.anki_data``
       (what an Anki card's data held besides its memory state): both go back to Anki as
       they came.
    7. ``deckoptions.leech_threshold`` and ``leech_suspend`` (Anki's leech options; every deck
       gets Anki's defaults: 8 lapses, tag only). The bury options of existing decks stay as
       they are; only new decks start with Anki's defaults (no burying).
    8. Sync: ``reviewlog.uid`` (a review's id on every device) and ``reviewlog.usn`` (the
       server's update sequence number; -1 until sent), ``deck.uid``; the tables
       ``syncgrave`` (deletions to send), ``syncshadow`` (what was last synced) and
       ``syncconflict`` (the losing side of an object changed on two devices). The ids are
       given by the next sync (and to new reviews on insert).
    9. ``card.original_deck_id``: a card in a filtered deck (custom study) remembers its home
       deck, as Anki's ``odid``; existing cards are all home (None).
    10. Option presets shared by decks, as Anki's deck configs: the table ``preset`` (the
        options of ``deckoptions``, Anki's new-card order options, a modified time and a sync
        uid) and ``deck.preset_id``. Each deck's options become a preset: decks with the same
        options from the same Anki preset share it (with its name and Anki id), decks with
        the default options share "Default" (id 1, always there), and every other deck gets a
        preset of its own named after it. ``deckoptions`` is dropped in the same transaction.
    11. ``reviewlog.preview``: an answer in custom study without rescheduling (Anki's revlog
        type 3 with factor 0), which left its card as it was; every earlier row is false.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, bindparam, column, delete, inspect, select, table, text, update
from sqlalchemy.engine import Connection

from flashcards.core.models import (
    ANKI_DEFAULT_PRESET_ID,
    DEFAULT_PRESET_ID,
    AnkiNoteType,
    Preset,
    ReviewDay,
    SyncConflict,
    SyncGrave,
    SyncShadow,
    UTCDateTime,
    epoch_ms,
    prev_interval_days,
    table_of,
)
from flashcards.core.review_match import duplicate_reviews
from flashcards.core.schema import APPLICATION_ID, SCHEMA_VERSION
from flashcards.core.tables import PRESET

_BATCH = 5000


def _columns(conn: Connection, table_name: str) -> set[str]:
    return {c["name"] for c in inspect(conn).get_columns(table_name)}


def _detect_version(conn: Connection) -> int:
    """The version of a collection whose version row is missing (a crash before the stamp)."""
    if "preview" in _columns(conn, "reviewlog"):
        return 12 if "anki_config" in _columns(conn, "preset") else 11
    if "preset" in inspect(conn).get_table_names():
        return 10
    if "original_deck_id" in _columns(conn, "card"):
        return 9
    if "syncgrave" in inspect(conn).get_table_names():
        return 8
    if "leech_suspend" in _columns(conn, "deckoptions"):
        return 7
    if "anki_data" in _columns(conn, "card"):
        return 6
    if "buried_by_user" in _columns(conn, "card"):
        return 5
    if "ankinotetype" in inspect(conn).get_table_names():
        return 4
    if "reviewday" in inspect(conn).get_table_names():
        return 3
    if "reviewed_ms" in _columns(conn, "reviewlog"):
        return 2
    return 1


def read_version(conn: Connection) -> int:
    """The schema version recorded in the collection."""
    row = conn.execute(text("SELECT value FROM setting WHERE key = 'schema_version'")).first()
    if row is None:
        return _detect_version(conn)
    try:
        return int(row[0])
    except ValueError:
        return _detect_version(conn)


def _stamp(conn: Connection, version: int) -> None:
    updated = conn.execute(
        text("UPDATE setting SET value = :v WHERE key = 'schema_version'"), {"v": str(version)}
    )
    if not updated.rowcount:
        conn.execute(
            text("INSERT INTO setting (key, value) VALUES ('schema_version', :v)"),
            {"v": str(version)},
        )
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.exec_driver_sql(f"PRAGMA user_version = {int(version)}")


def stamp_new(conn: Connection) -> None:
    """Record the current version in a collection whose tables were just created.

    Also gives it the Default preset, which every collection has.
    """
    ensure_default_preset(conn)
    _stamp(conn, SCHEMA_VERSION)


def ensure_default_preset(conn: Connection) -> None:
    """Add the Default preset (id 1, the default options) if it is missing."""
    if conn.execute(select(PRESET.c.id).where(PRESET.c.id == DEFAULT_PRESET_ID)).first() is None:
        # Modified at the epoch: never edited, so any Default edited elsewhere is newer.
        conn.execute(
            PRESET.insert().values(
                id=DEFAULT_PRESET_ID, name="Default", modified=_EPOCH, **_default_options()
            )
        )


# ---------------------------------------------------------------------------- steps


def _to_v2(engine: Engine) -> None:
    with engine.begin() as conn:
        have = _columns(conn, "reviewlog")
        if "reviewed_ms" not in have:
            conn.execute(
                text("ALTER TABLE reviewlog ADD COLUMN reviewed_ms BIGINT NOT NULL DEFAULT 0")
            )
        if "prev_interval_days" not in have:
            conn.execute(
                text("ALTER TABLE reviewlog ADD COLUMN prev_interval_days FLOAT NOT NULL DEFAULT 0")
            )
        conn.execute(
            text("CREATE INDEX IF NOT EXISTS ix_reviewlog_reviewed_ms ON reviewlog (reviewed_ms)")
        )
    log = table(
        "reviewlog",
        column("id"),
        column("reviewed_at", UTCDateTime()),
        column("state_before"),
        column("prev_due", UTCDateTime()),
        column("prev_last_review", UTCDateTime()),
        column("reviewed_ms"),
        column("prev_interval_days"),
    )
    query = (
        log.select()
        .with_only_columns(
            log.c.id, log.c.reviewed_at, log.c.state_before, log.c.prev_due, log.c.prev_last_review
        )
        .where(log.c.reviewed_ms == 0)
        .order_by(log.c.id)
        .limit(_BATCH)
    )
    fill = (
        update(log)
        .where(log.c.id == bindparam("b_id"))
        .values(reviewed_ms=bindparam("b_ms"), prev_interval_days=bindparam("b_iv"))
    )
    while True:
        with engine.begin() as conn:
            rows = conn.execute(query).all()
            if not rows:
                return
            values: list[dict[str, Any]] = []
            for row_id, reviewed, state_before, prev_due, prev_last in rows:
                interval = prev_interval_days(state_before, prev_due, prev_last)
                # max(1, ...) keeps a (theoretical) review at the epoch from being refilled.
                values.append(
                    {"b_id": row_id, "b_ms": max(1, epoch_ms(reviewed)), "b_iv": interval}
                )
            conn.execute(fill, values)


def _to_v3(engine: Engine) -> None:
    with engine.begin() as conn:
        table_of(ReviewDay).create(conn, checkfirst=True)


def _to_v4(engine: Engine) -> None:
    with engine.begin() as conn:
        have = _columns(conn, "note")
        if "anki_notetype_id" not in have:
            conn.execute(text("ALTER TABLE note ADD COLUMN anki_notetype_id BIGINT"))
        if "anki_fields" not in have:
            conn.execute(text("ALTER TABLE note ADD COLUMN anki_fields VARCHAR"))
        if "anki_id" not in _columns(conn, "card"):
            conn.execute(text("ALTER TABLE card ADD COLUMN anki_id BIGINT"))
    _remove_doubled_reviews(engine)
    # Last: its presence marks a finished step 4 (see _detect_version).
    with engine.begin() as conn:
        table_of(AnkiNoteType).create(conn, checkfirst=True)


#: Columns added by step 5: table -> (name, SQL type and default), in the order they are added.
_V5_COLUMNS = (
    ("deckoptions", "bury_new", "BOOLEAN NOT NULL DEFAULT 1"),
    ("deckoptions", "bury_reviews", "BOOLEAN NOT NULL DEFAULT 1"),
    ("deckoptions", "bury_interday", "BOOLEAN NOT NULL DEFAULT 0"),
    ("deckoptions", "fsrs_params", "VARCHAR NOT NULL DEFAULT ''"),
    ("deckoptions", "preset_name", "VARCHAR NOT NULL DEFAULT ''"),
    ("deckoptions", "anki_preset_id", "BIGINT"),
    ("card", "flags", "INTEGER NOT NULL DEFAULT 0"),
    # Last: its presence marks a finished step 5 (see _detect_version).
    ("card", "buried_by_user", "BOOLEAN NOT NULL DEFAULT 0"),
)


def _to_v5(engine: Engine) -> None:
    # One transaction (SQLite's DDL is transactional): the step is done entirely or not at all.
    with engine.begin() as conn:
        tables = set(inspect(conn).get_table_names())
        for table_name, name, definition in _V5_COLUMNS:
            # deckoptions is gone from a collection step 10 has seen (stamped older by hand).
            if table_name in tables and name not in _columns(conn, table_name):
                conn.execute(text(f"ALTER TABLE {table_name} ADD COLUMN {name} {definition}"))


def _to_v6(engine: Engine) -> None:
    with engine.begin() as conn:
        if "anki_factor" not in _columns(conn, "reviewlog"):
            conn.execute(text("ALTER TABLE reviewlog ADD COLUMN anki_factor INTEGER"))
        # Last: its presence marks a finished step 6 (see _detect_version).
        if "anki_data" not in _columns(conn, "card"):
            conn.execute(text("ALTER TABLE card ADD COLUMN anki_data VARCHAR"))


def _to_v7(engine: Engine) -> None:
    with engine.begin() as conn:
        if "deckoptions" not in inspect(conn).get_table_names():
            return  # its options are in presets (step 10), which have these columns
        have = _columns(conn, "deckoptions")
        if "leech_threshold" not in have:
            conn.execute(
                text(
                    "ALTER TABLE deckoptions ADD COLUMN leech_threshold INTEGER NOT NULL DEFAULT 8"
                )
            )
        # Last: its presence marks a finished step 7 (see _detect_version).
        if "leech_suspend" not in have:
            conn.execute(
                text("ALTER TABLE deckoptions ADD COLUMN leech_suspend BOOLEAN NOT NULL DEFAULT 0")
            )


def _to_v8(engine: Engine) -> None:
    # One transaction (SQLite's DDL is transactional): the step is done entirely or not at all.
    with engine.begin() as conn:
        have = _columns(conn, "reviewlog")
        if "uid" not in have:
            conn.execute(text("ALTER TABLE reviewlog ADD COLUMN uid VARCHAR"))
        if "usn" not in have:
            conn.execute(text("ALTER TABLE reviewlog ADD COLUMN usn INTEGER NOT NULL DEFAULT -1"))
        conn.execute(text("CREATE UNIQUE INDEX IF NOT EXISTS ix_reviewlog_uid ON reviewlog (uid)"))
        if "uid" not in _columns(conn, "deck"):
            conn.execute(text("ALTER TABLE deck ADD COLUMN uid VARCHAR"))
        conn.execute(text("CREATE UNIQUE INDEX IF NOT EXISTS ix_deck_uid ON deck (uid)"))
        table_of(SyncShadow).create(conn, checkfirst=True)
        table_of(SyncConflict).create(conn, checkfirst=True)
        # Last: its presence marks a finished step 8 (see _detect_version).
        table_of(SyncGrave).create(conn, checkfirst=True)


def _to_v9(engine: Engine) -> None:
    with engine.begin() as conn:
        # The step's only change: its presence marks a finished step 9 (see _detect_version).
        if "original_deck_id" not in _columns(conn, "card"):
            conn.execute(text("ALTER TABLE card ADD COLUMN original_deck_id BIGINT"))


#: The option columns that ``deckoptions`` had and ``preset`` keeps, with their defaults.
_OPTION_COLUMNS = (
    "desired_retention",
    "new_per_day",
    "reviews_per_day",
    "learning_steps",
    "relearning_steps",
    "maximum_interval",
    "bury_new",
    "bury_reviews",
    "bury_interday",
    "leech_threshold",
    "leech_suspend",
    "fsrs_params",
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _default_options() -> dict[str, Any]:
    return {name: Preset.model_fields[name].default for name in _OPTION_COLUMNS}


def _same_options(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Equal options (SQLite gives booleans back as integers)."""
    return all(
        (bool(a[n]) == bool(b[n])) if isinstance(b[n], bool) else a[n] == b[n]
        for n in _OPTION_COLUMNS
    )


def _to_v10(engine: Engine) -> None:
    with engine.begin() as conn:
        tables = set(inspect(conn).get_table_names())
        PRESET.create(conn, checkfirst=True)
        if "preset_id" not in _columns(conn, "deck"):
            conn.execute(text("ALTER TABLE deck ADD COLUMN preset_id INTEGER NOT NULL DEFAULT 1"))
        ensure_default_preset(conn)
        if "deckoptions" not in tables:
            return
        names = {int(r[0]): str(r[1]) for r in conn.execute(text("SELECT id, name FROM deck"))}
        rows = conn.execute(text("SELECT * FROM deckoptions ORDER BY deck_id")).mappings().all()
        defaults = _default_options()
        # (Anki preset id, options) -> our preset id: the decks of one Anki preset that still
        # have its options share it; an Anki id is given to one preset only.
        shared: dict[tuple[int, tuple[Any, ...]], int] = {}
        anki_ids_given: set[int] = set()
        for row in rows:
            deck_id = int(row["deck_id"])
            if deck_id not in names:
                continue  # options of a deck that is gone
            options = {n: row[n] for n in _OPTION_COLUMNS}
            key_values = tuple(
                bool(options[n]) if isinstance(defaults[n], bool) else options[n]
                for n in _OPTION_COLUMNS
            )
            anki_id = None if row["anki_preset_id"] is None else int(row["anki_preset_id"])
            preset_id: int | None = None
            if anki_id is not None:
                preset_id = shared.get((anki_id, key_values))
            if (
                preset_id is None
                and anki_id in (None, ANKI_DEFAULT_PRESET_ID)
                and _same_options(options, defaults)
            ):
                preset_id = DEFAULT_PRESET_ID
            if preset_id is None:
                # Anki's Default is our Default; its id goes to no other preset.
                keep_id = anki_id not in (None, ANKI_DEFAULT_PRESET_ID, *anki_ids_given)
                name = str(row["preset_name"] or "") if keep_id else ""
                inserted = conn.execute(
                    PRESET.insert().values(
                        name=name or names[deck_id],
                        anki_preset_id=anki_id if keep_id else None,
                        # Options from Anki not changed since (schema 9 dropped the Anki id of
                        # changed ones), and the time nothing edited them yet, as Default's.
                        anki_modified=_EPOCH if keep_id else None,
                        modified=_EPOCH,
                        **options,
                    )
                ).inserted_primary_key
                assert inserted is not None
                preset_id = int(inserted[0])
                if anki_id is not None:
                    shared[(anki_id, key_values)] = preset_id
                    anki_ids_given.add(anki_id)
            conn.execute(
                text("UPDATE deck SET preset_id = :p WHERE id = :d"), {"p": preset_id, "d": deck_id}
            )
        conn.execute(text("DROP TABLE deckoptions"))
        # Sync sent options with their deck; presets are objects of their own now.
        conn.execute(text("DELETE FROM syncshadow WHERE kind = 'options'"))
        if "syncdirty" in tables:
            conn.execute(text("DELETE FROM syncdirty WHERE kind = 'options'"))


def _remove_doubled_reviews(engine: Engine) -> None:
    log = table(
        "reviewlog",
        column("id"),
        column("card_id"),
        column("rating"),
        column("reviewed_ms"),
        column("stability_after"),
    )
    with engine.begin() as conn:
        # Only cards with imported rows can hold copies.
        suspects = (
            select(log.c.card_id).where(log.c.stability_after.is_(None)).distinct().subquery()
        )
        rows = conn.execute(
            select(
                log.c.id,
                log.c.card_id,
                log.c.rating,
                log.c.reviewed_ms,
                log.c.stability_after.is_(None),
            )
            .where(log.c.card_id.in_(select(suspects.c.card_id)))
            .order_by(log.c.card_id, log.c.id)
        ).all()
        doubles: list[int] = []
        for _card, group in itertools.groupby(rows, key=lambda r: r[1]):
            doubles += duplicate_reviews(
                [(int(r[0]), int(r[3]), int(r[2]), bool(r[4])) for r in group]
            )
        for start in range(0, len(doubles), _BATCH):
            conn.execute(delete(log).where(log.c.id.in_(doubles[start : start + _BATCH])))
        if doubles:  # the statistics sums counted the copies: rebuild them from the log
            conn.execute(text("DELETE FROM reviewday"))
            conn.execute(text("DELETE FROM setting WHERE key = 'stats_rollup'"))


def _to_v11(engine: Engine) -> None:
    # Preview answers (custom study without rescheduling, Anki's revlog type 3 with factor 0):
    # every earlier answer rescheduled its card, so every existing row is 0.
    with engine.begin() as conn:
        if "preview" not in _columns(conn, "reviewlog"):
            conn.execute(
                text("ALTER TABLE reviewlog ADD COLUMN preview BOOLEAN NOT NULL DEFAULT 0")
            )


def _to_v12(engine: Engine) -> None:
    # A preset's own Anki options (those we do not model): none known for existing presets, so
    # an export gives them Anki's defaults, as before.
    with engine.begin() as conn:
        if "anki_config" not in _columns(conn, "preset"):
            conn.execute(
                text("ALTER TABLE preset ADD COLUMN anki_config VARCHAR NOT NULL DEFAULT '{}'")
            )


#: ``STEPS[n]`` upgrades a collection from version ``n`` to ``n + 1``.
STEPS: dict[int, Callable[[Engine], None]] = {
    1: _to_v2,
    2: _to_v3,
    3: _to_v4,
    4: _to_v5,
    5: _to_v6,
    6: _to_v7,
    7: _to_v8,
    8: _to_v9,
    9: _to_v10,
    10: _to_v11,
    11: _to_v12,
}


def upgrade(
    engine: Engine,
    version: int,
    target: int = SCHEMA_VERSION,
    steps: dict[int, Callable[[Engine], None]] | None = None,
) -> int:
    """Run the steps from ``version`` up to ``target``, stamping each; returns the new version.

    Raises:
        ValueError: If a step is missing (a programming error).
    """
    steps = STEPS if steps is None else steps
    version = max(version, 1)  # 0: a first-schema collection without its version row
    while version < target:
        step = steps.get(version)
        if step is None:
            raise ValueError(f"no migration from schema {version}")
        step(engine)
        version += 1
        with engine.begin() as conn:
            _stamp(conn, version)
    return version
