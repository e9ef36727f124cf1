"""Crash safety: a process reviewing through the core is killed with SIGKILL, many times.

After every kill the file passes ``PRAGMA integrity_check``, holds every answer the process had
reported as saved, and each card's repetition count matches its review log (an answer's card
update and log row are one transaction). Two collections are hammered in parallel to fit the
time budget. ``KILL_ROUNDS`` (per collection) raises the count for a longer local run.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from flashcards.core.collection import open_collection
from flashcards.core.db import sqlite_url
from flashcards.core.deckfile import parse_deck_toml
from flashcards.core.exchange.deckfile_import import import_deck_file

WORKER = Path(__file__).with_name("kill_worker.py")
ROUNDS = int(os.environ.get("KILL_ROUNDS", "20"))
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


@dataclass
class Lane:
    db: Path
    seed: int
    saved: set[int] = field(default_factory=set)
    maybe_undone: set[int] = field(default_factory=set)
    kills: int = 0
    kills_while_reviewing: int = 0
    answers: int = 0


def make_collection(db: Path, notes: int = 150) -> None:
    body = ['[deck]\nname = "Kill"\n']
    for i in range(notes):
        kind = "basic+reversed" if i % 5 == 0 else "basic"
        body.append(f'[[notes]]\nid = "k{i}"\nkind = "{kind}"\nfront = "Q{i}"\nback = "A{i}"\n')
    col = open_collection(sqlite_url(db), tz=UTC)
    import_deck_file(col, parse_deck_toml("".join(body)), START)
    col.close()


def check(lane: Lane) -> None:
    conn = sqlite3.connect(lane.db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        ids = {r[0] for r in conn.execute("SELECT id FROM reviewlog")}
        lost = lane.saved - lane.maybe_undone - ids
        assert not lost, f"answers reported as saved are missing: {sorted(lost)[:10]}"
        mismatched = conn.execute(
            "SELECT c.id, c.reps, COUNT(r.id) FROM card c LEFT JOIN reviewlog r ON r.card_id = c.id"
            " GROUP BY c.id HAVING c.reps != COUNT(r.id)"
        ).fetchall()
        assert not mismatched, f"card and review log disagree: {mismatched[:5]}"
    finally:
        conn.close()


def one_kill(lane: Lane, rng: random.Random, round_: int) -> None:
    start = (START + timedelta(days=7 * round_)).isoformat()
    proc = subprocess.Popen(
        [sys.executable, str(WORKER), str(lane.db), str(lane.seed * 1000 + round_), str(start)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    if rng.random() < 0.2:
        # While it imports, opens and checks the collection.
        time.sleep(rng.uniform(0.05, 1.0))
    else:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        lines.append(first.rstrip("\n"))
        # Mid-review: after a few answers up to a few hundred.
        time.sleep(rng.uniform(0.0, 0.5))
    proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL, f"the worker ended by itself: {err[-2000:]}"
    lane.kills += 1
    lines += out.split("\n")[:-1]  # the last piece may be a line cut by the kill
    if "ready" in lines:
        lane.kills_while_reviewing += 1
    for line in lines:
        parts = line.split()
        if len(parts) == 3 and parts[0] == "saved":
            lane.saved.add(int(parts[1]))
            lane.answers += 1
        elif len(parts) == 2 and parts[0] == "undoing":
            lane.maybe_undone.add(int(parts[1]))
    check(lane)


def run_lane(lane: Lane) -> Lane:
    rng = random.Random(lane.seed)
    for round_ in range(ROUNDS):
        one_kill(lane, rng, round_)
    return lane


def test_sigkill_at_random_moments_loses_no_saved_answer(tmp_path: Path) -> None:
    lanes = [Lane(tmp_path / f"lane{i}.db", seed=i + 1) for i in range(2)]
    for lane in lanes:
        make_collection(lane.db)
    with ThreadPoolExecutor(len(lanes)) as pool:
        done = list(pool.map(run_lane, lanes))
    kills = sum(lane.kills for lane in done)
    reviewing = sum(lane.kills_while_reviewing for lane in done)
    answers = sum(lane.answers for lane in done)
    print(f"\nkills survived: {kills} ({reviewing} while reviewing); answers saved: {answers}")
    assert kills == 2 * ROUNDS
    assert reviewing >= ROUNDS // 2  # most kills land mid-review, not only during start-up
    assert answers > 0
