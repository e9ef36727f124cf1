"""Moving many rows between the collection and the server fast: COPY up, a cursor down.

Up, rows go by PostgreSQL's ``COPY`` into a temporary table (dropped at commit) and from there
into the learner's table in one statement (``INSERT … ON CONFLICT``, ``UPDATE … FROM``): one
round trip for a million reviews instead of a statement per batch. Down, the server's rows come
through a server-side cursor in batches. The review log, the bulk of a collection, goes both
ways as plain values: its times stay text in SQLite's storage format (``YYYY-MM-DD
HH:MM:SS.ffffff``, naive UTC, as :class:`~flashcards.core.models.UTCDateTime` writes them),
which PostgreSQL reads as timestamps and gives back by ``to_char``, so no row is turned into
Python objects it does not need.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection

from flashcards.core.db import begin_now
from flashcards.core.models import UTCDateTime
from flashcards.core.sync import dirty, server
from flashcards.core.tables import LOG

#: How many rows a server-side cursor hands over at a time.
FETCH = 20_000

#: Review-log columns that are local only (row ids, the siblings an answer buried).
_LOCAL_ONLY = ("id", "card_id", "deck_id", "buried_siblings")
#: The review-log columns that travel as they are (global ids and sync columns aside).
LOG_VALUES = [c.name for c in LOG.columns if c.name not in (*_LOCAL_ONLY, "uid", "usn")]
_LOG_TIMES = {c.name for c in LOG.columns if isinstance(c.type, UTCDateTime)}


def _q(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def copy_into_temp(
    conn: Connection, table: Table, name: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> str:
    """COPY ``rows`` into a new temporary table (dropped at commit); returns its quoted name.

    The table has ``columns``, typed as ``table``'s, and no constraints.
    """
    tmp = _q(conn, f"tmp_{name}")
    cols = ", ".join(_q(conn, c) for c in columns)
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.execute(f"DROP TABLE IF EXISTS {tmp}")
    raw.execute(
        f"CREATE TEMP TABLE {tmp} ON COMMIT DROP AS "
        f"SELECT {cols} FROM {_q(conn, table.name)} WITH NO DATA"
    )
    with raw.cursor() as cursor, cursor.copy(f"COPY {tmp} ({cols}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    return tmp


def execute(conn: Connection, sql: str, params: Sequence[Any] = ()) -> int:
    """Run one statement on the server connection's own transaction; returns its row count."""
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def naive_utc(value: Any) -> Any:
    """An aware time as the naive UTC one the server's ``timestamp`` columns hold."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


# ---------------------------------------------------------------------------- reviews


def pull_logs(conn: Connection, since: int) -> list[tuple[Any, ...]]:
    """The server's reviews after usn ``since``, read through a server-side cursor.

    Each is ``uid, card_uid, deck_uid, usn, device`` (the device that pushed it) and then
    :data:`LOG_VALUES`, times as SQLite's text.
    """
    picked = ["uid", "card_uid", "deck_uid", "usn", "device"]
    for name in LOG_VALUES:
        if name in _LOG_TIMES:
            picked.append(f"to_char({name}, 'YYYY-MM-DD HH24:MI:SS.US')")
        else:
            picked.append(name)
    raw = conn.connection.driver_connection
    assert raw is not None
    # The driver's own server-side cursor, rows as tuples: through SQLAlchemy's result each of
    # a million rows cost a Python call or three more.
    with raw.cursor(name="flashcards_pull_logs") as cursor:
        cursor.execute(
            f"SELECT {', '.join(picked)} FROM {_q(conn, server.LOGS.name)} "
            "WHERE owner = current_user AND usn > %s",
            (since,),
        )
        out: list[tuple[Any, ...]] = []
        while batch := cursor.fetchmany(FETCH):
            out.extend(batch)
    return out


def insert_logs(conn: Connection, rows: Sequence[Sequence[Any]]) -> int:
    """Insert reviews into the collection; returns how many were added.

    Each is ``uid, usn, card_id, deck_id`` and :data:`LOG_VALUES`; a review whose id is here
    already is left alone. When more come than the log holds (a first sync down), the log's
    secondary indexes are dropped and made again after the insert, in the same transaction
    (SQLite's DDL is transactional: a sync killed here leaves them as they were): building an
    index once is cheaper than updating it row by row in random order.
    """
    if not rows:
        return 0
    names = ["uid", "usn", "card_id", "deck_id", *LOG_VALUES, "buried_siblings"]
    marks = ", ".join("?" for _ in names)
    sql = (
        f"INSERT INTO reviewlog ({', '.join(names)}) VALUES ({marks}) ON CONFLICT (uid) DO NOTHING"
    )
    cursor = sqlite_cursor(conn, for_ddl=True)
    held = int(cursor.execute("SELECT coalesce(max(id), 0) FROM reviewlog").fetchone()[0])
    rebuild = [i for i in LOG.indexes if not i.unique] if len(rows) > max(held, 2000) else []
    for index in rebuild:
        index.drop(conn)
    cursor.executemany(sql, ((*row, "") for row in rows))
    added = int(cursor.rowcount)
    for index in rebuild:
        index.create(conn)
    return added


#: Below this share of the review log, unsent reviews are found through their partial index;
#: above it, by one pass over the table in row order. Fetched through the index, a million
#: unsent reviews (a first sync) come in card order, one random page read each: 17 s of the
#: read step at 1,000,000 reviews, against about 2 s for the pass.
SCAN_SHARE = 0.1


def pending_logs(conn: Connection) -> tuple[list[tuple[int, str]], list[tuple[Any, ...]]]:
    """This device's reviews not sent yet.

    Returns:
        Their local ids with their uids, in id order (what :func:`mark_sent` takes), and the
        reviews: ``uid, card_uid, deck_uid`` and :data:`LOG_VALUES` as stored (times as text).
    """
    cursor = sqlite_cursor(conn)
    unsent = cursor.execute("SELECT count(*) FROM reviewlog WHERE usn = -1").fetchone()[0]
    if not unsent:
        return [], []
    rows_in_log = cursor.execute("SELECT max(id) FROM reviewlog").fetchone()[0] or 0
    values = ", ".join(f"l.{name}" for name in LOG_VALUES)
    if unsent <= SCAN_SHARE * rows_in_log:  # a day's reviews: through the partial index
        sql = (
            f"SELECT l.id, l.uid, n.uid || '/' || c.ord, d.uid, {values} FROM reviewlog AS l "
            "JOIN card AS c ON c.id = l.card_id JOIN note AS n ON n.id = c.note_id "
            "LEFT JOIN deck AS d ON d.id = l.deck_id WHERE l.usn = -1"
        )
        rows = cursor.execute(sql).fetchall()
        keys = sorted((int(r[0]), str(r[1])) for r in rows)
        return keys, [r[1:] for r in rows]
    # Most of the log: one pass in row order, the cards' and decks' global ids from a table in
    # memory (joined per review in SQL, they took a quarter of the time more).
    cards = dict(
        cursor.execute(
            "SELECT c.id, n.uid || '/' || c.ord FROM card AS c JOIN note AS n ON n.id = c.note_id"
        ).fetchall()
    )
    decks = dict(cursor.execute("SELECT id, uid FROM deck").fetchall())
    sql = (
        f"SELECT l.id, l.uid, l.card_id, l.deck_id, {values} FROM reviewlog AS l NOT INDEXED "
        "WHERE l.usn = -1"
    )
    keys = []
    out = []
    for log_id, uid, card_id, deck_id, *rest in cursor.execute(sql).fetchall():
        card = cards.get(card_id)
        if card is not None:  # (as the join: a review of a card not here stays)
            keys.append((int(log_id), str(uid)))
            out.append((uid, card, decks.get(deck_id), *rest))
    keys.sort()
    return keys, out


def mark_sent(conn: Connection, keys: Sequence[tuple[int, str]], usn: int) -> None:
    """Give the reviews ``keys`` (local id, uid; as :func:`pending_logs` gives them) ``usn``.

    By id, in id order: each page of the log is written once. Updated by their uids in card
    order, a first sync's million reviews rewrote pages over and over (the WAL grew to gigabytes).
    The uid must still match: a review undone meanwhile may have left its id to a new one.
    Marking most of the log, the index of unsent reviews is made again after (in the same
    transaction) instead of losing its entries one by one (2 s of 5 at a million reviews).
    """
    cursor = sqlite_cursor(conn, for_ddl=True)
    rows_in_log = cursor.execute("SELECT coalesce(max(id), 0) FROM reviewlog").fetchone()[0]
    rebuild = len(keys) > SCAN_SHARE * rows_in_log
    if rebuild:
        cursor.execute("DROP INDEX IF EXISTS ix_reviewlog_unsent")
    cursor.executemany(
        "UPDATE reviewlog SET usn = ? WHERE id = ? AND uid = ?",
        ((usn, log_id, uid) for log_id, uid in keys),
    )
    if rebuild:
        cursor.execute(dirty.UNSENT_INDEX)


#: The collection's page cache while a sync step reads or writes much of it, in KiB (as a big
#: import's; SQLite's default is 2 MiB). Pages it reads more than once then stay in memory.
BIG_CACHE_KIB = 262_144


@contextmanager
def big_cache(conn: Connection) -> Iterator[None]:
    """A larger page cache on the collection connection ``conn`` while the block runs."""
    cursor = sqlite_cursor(conn)
    before = int(cursor.execute("PRAGMA cache_size").fetchone()[0])
    cursor.execute(f"PRAGMA cache_size = -{BIG_CACHE_KIB}")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA cache_size = {before}")


#: How many values one ``IN (...)`` list of :func:`rows_in` binds.
IN_CHUNK = 1000


def rows_in(
    conn: Connection, sql: str, values: Sequence[Any], params: Sequence[Any] = ()
) -> list[tuple[Any, ...]]:
    """The rows of ``sql``, which ends in ``IN``, for ``values`` (a list of them at a time).

    ``params`` fill the placeholders of ``sql`` before the list.

    Through the collection's own driver: a SQLAlchemy ``in_()`` compiled anew for every chunk
    was most of the time of looking up 100,000 cards.
    """
    cursor = sqlite_cursor(conn)
    out: list[tuple[Any, ...]] = []
    for start in range(0, len(values), IN_CHUNK):
        chunk = list(values[start : start + IN_CHUNK])
        marks = ", ".join("?" * len(chunk))
        out += cursor.execute(f"{sql} ({marks})", [*params, *chunk]).fetchall()
    return out


def sqlite_time(value: datetime | None) -> str | None:
    """An aware time as a collection column stores it (naive UTC text, as UTCDateTime does)."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def read_time(value: str | None) -> datetime | None:
    """A collection column's stored time as the aware UTC time UTCDateTime reads."""
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


def sqlite_cursor(conn: Connection, *, for_ddl: bool = False) -> Any:
    """A cursor of the collection connection's own SQLite connection (in its transaction).

    Rows as plain tuples, fetched all at once: SQLAlchemy's per-row fetch was a third of the
    time of reading a million reviews. ``for_ddl``: the transaction is opened now
    (:func:`~flashcards.core.db.begin_now`), so that dropping and remaking indexes is undone
    with it (found in review: a rolled-back step had lost the index of unsent reviews).
    """
    if for_ddl:
        begin_now(conn)
    raw = conn.connection.driver_connection
    assert raw is not None
    return raw.cursor()


def push_logs(conn: Connection, rows: Sequence[Sequence[Any]], usn: int, device: str) -> int:
    """Add reviews (as :func:`pending_logs` gives them) to the server; returns how many.

    A review the server has already (a push that was not recorded here) is left alone.
    """
    if not rows:
        return 0
    columns = ["uid", "card_uid", "deck_uid", *LOG_VALUES]
    tmp = copy_into_temp(conn, server.LOGS, "reviewlog", columns, rows)
    cols = ", ".join(_q(conn, c) for c in columns)
    return execute(
        conn,
        f"INSERT INTO {_q(conn, server.LOGS.name)} ({cols}, usn, device) "
        f"SELECT {cols}, %s, %s FROM {tmp} ON CONFLICT (owner, uid) DO NOTHING",
        (usn, device),
    )


# ---------------------------------------------------------------------------- objects


def upsert_objects(
    conn: Connection, table: Table, rows: Sequence[dict[str, Any]], always: Sequence[str] = ()
) -> None:
    """Write objects (dicts of every column but ``owner``) into ``table``.

    An object there already is replaced only by a newer version (``mtime``, then ``device``),
    but for the columns ``always``, which take the values sent either way (a card's derived
    state, sent with its content: one write of each card instead of two). The server's graves
    of the objects written are removed.
    """
    if not rows:
        return
    columns = [c.name for c in table.columns if c.name in rows[0]]
    values = ([naive_utc(row[c]) for c in columns] for row in rows)
    name = f"{table.name}_always" if always else table.name
    tmp = copy_into_temp(conn, table, name, columns, values)
    target = _q(conn, table.name)
    cols = ", ".join(_q(conn, c) for c in columns)
    newer = "(t.mtime, t.device) < (EXCLUDED.mtime, EXCLUDED.device)"
    if always:
        quoted = {c: _q(conn, c) for c in columns}
        sets = ", ".join(
            f"{q} = EXCLUDED.{q}"
            if c in always
            else f"{q} = CASE WHEN {newer} THEN EXCLUDED.{q} ELSE t.{q} END"
            for c, q in quoted.items()
            if c != "uid"
        )
        update = f"DO UPDATE SET {sets}"
    else:
        sets = ", ".join(f"{_q(conn, c)} = EXCLUDED.{_q(conn, c)}" for c in columns if c != "uid")
        update = f"DO UPDATE SET {sets} WHERE {newer}"
    execute(
        conn,
        f"INSERT INTO {target} AS t ({cols}) SELECT {cols} FROM {tmp} "
        f"ON CONFLICT (owner, uid) {update}",
    )
    execute(
        conn,
        f"DELETE FROM {_q(conn, server.GRAVES.name)} WHERE owner = current_user "
        f"AND kind = %s AND uid IN (SELECT uid FROM {tmp})",
        (_kind_of(table),),
    )


def _kind_of(table: Table) -> str:
    return next(kind for kind, t in server.OBJECTS.items() if t is table)


def push_derived(conn: Connection, rows: Sequence[Sequence[Any]], usn: int, device: str) -> int:
    """Set the derived state of cards on the server; returns how many cards were there.

    Each row is ``uid``, the :data:`server.DERIVED` values and the review digest.
    """
    if not rows:
        return 0
    columns = ["uid", *server.DERIVED, server.DERIVED_FROM]
    tmp = copy_into_temp(
        conn, server.CARDS, "derived", columns, ([naive_utc(v) for v in r] for r in rows)
    )
    sets = ", ".join(f"{_q(conn, c)} = d.{_q(conn, c)}" for c in columns if c != "uid")
    return execute(
        conn,
        f"UPDATE {_q(conn, server.CARDS.name)} AS t SET {sets}, usn = %s, device = %s "
        f"FROM {tmp} AS d WHERE t.owner = current_user AND t.uid = d.uid",
        (usn, device),
    )
