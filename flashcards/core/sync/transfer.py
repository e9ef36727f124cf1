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

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection

from flashcards.core.models import UTCDateTime
from flashcards.core.sync import server
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
    logs = server.LOGS
    picked: list[Any] = [logs.c.uid, logs.c.card_uid, logs.c.deck_uid, logs.c.usn, logs.c.device]
    for name in LOG_VALUES:
        column = logs.c[name]
        if name in _LOG_TIMES:
            picked.append(func.to_char(column, "YYYY-MM-DD HH24:MI:SS.US").label(name))
        else:
            picked.append(column)
    query = select(*picked).where(server.mine(logs), logs.c.usn > since)
    result = conn.execution_options(yield_per=FETCH).execute(query)
    return [tuple(row) for row in result]


def insert_logs(conn: Connection, rows: Sequence[Sequence[Any]]) -> int:
    """Insert reviews into the collection; returns how many were added.

    Each is ``uid, usn, card_id, deck_id`` and :data:`LOG_VALUES`; a review whose id is here
    already is left alone.
    """
    if not rows:
        return 0
    names = ["uid", "usn", "card_id", "deck_id", *LOG_VALUES, "buried_siblings"]
    marks = ", ".join("?" for _ in names)
    sql = (
        f"INSERT INTO reviewlog ({', '.join(names)}) VALUES ({marks}) ON CONFLICT (uid) DO NOTHING"
    )
    before = int(conn.exec_driver_sql("SELECT total_changes()").scalar_one())
    conn.exec_driver_sql(sql, [(*row, "") for row in rows])
    return int(conn.exec_driver_sql("SELECT total_changes()").scalar_one()) - before


def pending_logs(conn: Connection) -> list[tuple[Any, ...]]:
    """This device's reviews not sent yet.

    Each is ``uid, card_uid, deck_uid`` and :data:`LOG_VALUES` as stored (times as text).
    """
    values = ", ".join(f"l.{name}" for name in LOG_VALUES)
    sql = (
        f"SELECT l.uid, n.uid || '/' || c.ord, d.uid, {values} FROM reviewlog AS l "
        "JOIN card AS c ON c.id = l.card_id JOIN note AS n ON n.id = c.note_id "
        "LEFT JOIN deck AS d ON d.id = l.deck_id WHERE l.usn = -1"
    )
    return [tuple(r) for r in conn.exec_driver_sql(sql)]


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


def upsert_objects(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Write objects (dicts of every column but ``owner``) into ``table``.

    An object there already is replaced only by a newer version (``mtime``, then ``device``);
    the server's graves of the objects written are removed.
    """
    if not rows:
        return
    columns = [c.name for c in table.columns if c.name in rows[0]]
    values = ([naive_utc(row[c]) for c in columns] for row in rows)
    tmp = copy_into_temp(conn, table, table.name, columns, values)
    target = _q(conn, table.name)
    cols = ", ".join(_q(conn, c) for c in columns)
    sets = ", ".join(f"{_q(conn, c)} = EXCLUDED.{_q(conn, c)}" for c in columns if c != "uid")
    execute(
        conn,
        f"INSERT INTO {target} AS t ({cols}) SELECT {cols} FROM {tmp} "
        f"ON CONFLICT (owner, uid) DO UPDATE SET {sets} "
        "WHERE (t.mtime, t.device) < (EXCLUDED.mtime, EXCLUDED.device)",
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
