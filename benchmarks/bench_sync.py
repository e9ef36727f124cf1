"""Sync benchmark (issue 15): 100,000 cards and 1,000,000 review rows through a real PostgreSQL.

A throwaway cluster is started as the sync tests start theirs (:mod:`tools.pg_cluster`: a Unix
socket in a temporary folder, fsync off), on this machine, and the collection syncs as a learner
would: an ordinary role in the learners' group, under row-level security. The collection is the
stats benchmark's (built through the core API, the review log by bulk inserts), its reviews
given their global ids as the app gives them on insert. Measured:

* first sync up: the whole collection into an empty server (target 60 s);
* first sync down: into an empty collection on a second device (target 60 s);
* incremental sync after a day of 200 answers and 20 edits on the first device (target 1 s),
  and the second device's sync that brings them down.

A first sync up replays nothing: every card's reviews are this device's, so its state goes up
as it is, with the digest of its reviews. See the README's Performance section for figures.

Run: ``python benchmarks/bench_sync.py [cards reviews]`` (or ``python benchmarks/run.py sync``).
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tools/, run as a script

from bench_stats import NOW, build  # noqa: E402

from flashcards.core.collection import Collection, open_collection  # noqa: E402
from flashcards.core.db import sqlite_url  # noqa: E402
from flashcards.core.sync import client, server  # noqa: E402
from flashcards.core.sync.client import sync  # noqa: E402
from tools import pg_cluster  # noqa: E402

CARDS = 100_000
LOG_ROWS = 1_000_000
TARGET_FIRST = 60.0
#: The role the benchmark syncs as (made for it; the cluster is thrown away after).
LEARNER = "bench_learner"
TARGET_INCREMENTAL = 1.0


def _give_uids(path: Path) -> None:
    import sqlite3

    con = sqlite3.connect(path)
    con.execute("UPDATE reviewlog SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL")
    con.commit()
    con.close()


def a_day(col: Collection, answers: int = 200, edits: int = 20) -> None:
    """A day of study a day after ``NOW``: ``answers`` answers, ``edits`` edited notes."""
    t = NOW + timedelta(days=1)
    for i in range(answers):
        card = col.sched.next_card(t)
        assert card is not None
        col.sched.answer(card.card_id, 3 if i % 5 else 1, t, shown_at=card.shown_at)
        t += timedelta(seconds=8)
    for note_id in col.notes.ids()[:edits]:
        col.notes.update(note_id, t, back=f"edited at {t:%H:%M:%S}")
        t += timedelta(seconds=30)


def _timed_sync(col: Collection, url: str, minutes: int) -> tuple[float, str]:
    started = time.perf_counter()
    report = sync(col, url, NOW + timedelta(days=1, hours=1, minutes=minutes))
    replays = f" (cards replayed: {report.replayed}, of them from a kept state: {report.resumed})"
    return time.perf_counter() - started, report.summary() + replays


def _as_admin(cluster: pg_cluster.PgCluster, *statements: str) -> None:
    """Run statements as the cluster's superuser (roles and databases are the cluster's)."""
    import psycopg

    with psycopg.connect(
        host=str(cluster.socket_dir),
        user=pg_cluster.ADMIN,
        password=pg_cluster.PASSWORD,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        for statement in statements:
            conn.execute(statement)  # type: ignore[arg-type]


def run(cards: int = CARDS, log_rows: int = LOG_ROWS) -> list[tuple[str, str, str]]:
    """Measure and return (name, figure, target) rows."""
    rows: list[tuple[str, str, str]] = []
    cluster = pg_cluster.start("fc-bench-pg-")
    try:
        _as_admin(cluster, "CREATE DATABASE bench")
        # As a learner syncs: an ordinary role in the learners' group, under row-level security
        # (the superuser would bypass the policies and measure less than a learner waits).
        client.init_server(cluster.url("bench"))
        _as_admin(
            cluster,
            f"CREATE ROLE {LEARNER} LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '{LEARNER}-pw'",
            f'GRANT "{server.LEARNERS}" TO {LEARNER}',
        )
        url = cluster.url("bench", LEARNER, f"{LEARNER}-pw")
        with tempfile.TemporaryDirectory() as tmp:
            path_a = Path(tmp) / "a.db"
            took = build(path_a, cards, log_rows)
            _give_uids(path_a)
            label = f"{cards:,} cards, {log_rows:,} reviews"
            rows.append((f"build the collection ({label})", f"{took:.1f} s", "-"))
            a = open_collection(sqlite_url(path_a), tz=UTC)
            b = open_collection(sqlite_url(Path(tmp) / "b.db"), tz=UTC)
            try:
                up, said = _timed_sync(a, url, 0)
                print(f"  up: {said}", file=sys.stderr)
                rows.append((f"first sync up ({label})", f"{up:.1f} s", "<= 60 s"))
                down, said = _timed_sync(b, url, 1)
                print(f"  down: {said}", file=sys.stderr)
                rows.append((f"first sync down ({label})", f"{down:.1f} s", "<= 60 s"))
                a_day(a)
                inc, said = _timed_sync(a, url, 2)
                print(f"  incremental: {said}", file=sys.stderr)
                rows.append(
                    ("incremental sync up (200 answers, 20 edits)", f"{inc:.2f} s", "<= 1 s")
                )
                inc_b, said = _timed_sync(b, url, 3)
                print(f"  incremental down: {said}", file=sys.stderr)
                rows.append(("incremental sync down (the same day)", f"{inc_b:.2f} s", "<= 1 s"))
            finally:
                a.close()
                b.close()
    finally:
        cluster.remove()
    return rows


if __name__ == "__main__":
    from run import print_rows

    sizes = [int(x) for x in sys.argv[1:3]]
    print_rows(run(*sizes))
