"""Our load balancer against the real Anki's (26.09, FSRS on, fuzz and load balancer on).

Anki's balancer draws from Rust's StdRng, which we do not reproduce, so its choice is made
deterministic by the workload instead: the same review card (stability 20, difficulty 5, last
seen 10 days ago, due today) with review cards due on every one of the next 60 days but one,
the last day of Good's fuzz range. The empty day weighs 1, each crowded one about 2e-6 (its
``(1/n)^2.15 * (1/days)^3``), so Anki takes the empty day with probability above 0.9999;
its seed is the card's id and review count, fixed, so the run is the same every time. We
build the same collection and must choose that day too, and Anki's Hard and Easy must lie
where the rule allows (their ranges hold only crowded days).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from flashcards.core.collection import open_collection
from flashcards.core.db import sqlite_url
from flashcards.core.scheduler import fuzz
from tests.core.scheduler.load_balance_helpers import crowd, target

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

_CHILD = r"""
import json, sys
from anki.collection import Collection
from anki.cards import FSRSMemoryState
from anki.scheduler.v3 import CardAnswer

args = json.loads(sys.argv[1])
col = Collection(args["path"])
col.set_config("fsrs", True)
deck_id = col.decks.id("D")
model = col.models.by_name("Basic")


def add(front):
    note = col.new_note(model)
    note["Front"] = front
    note["Back"] = "a"
    col.add_note(note, deck_id)
    return note.cards()[0].id


target = add("target")
for day, count in args["counts"]:
    col.sched.set_due_date([add(f"{day}-{i}") for i in range(count)], str(day))
card = col.get_card(target)
card.type = card.queue = 2
card.due = col.sched.today
card.ivl = 10
card.reps = 4
card.memory_state = FSRSMemoryState(stability=20.0, difficulty=5.0)
card.last_review_time = args["now"] - 10 * 86400
col.update_card(card)
col.decks.select(deck_id)
shown = col.sched.getCard()  # builds the queue, and with it the load balancer
assert shown.id == target, "the target is the only card due"
states = col._backend.get_scheduling_states(target)
result = {
    "days": [s.normal.review.scheduled_days for s in (states.hard, states.good, states.easy)],
    "stability": [
        s.normal.review.memory_state.stability for s in (states.hard, states.good, states.easy)
    ],
}
col.sched.answer_card(col.sched.build_answer(card=shown, states=states, rating=CardAnswer.GOOD))
result["good_due_in"] = col.get_card(target).due - col.sched.today
col.close()
print(json.dumps(result))
"""

_LIBFAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")


def _run_anki(tmp_path: Path, counts: dict[int, int]) -> dict[str, Any]:
    faketime = shutil.which("faketime")
    if faketime is None:
        message = "libfaketime is not installed"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    args = {
        "path": str(tmp_path / "anki.anki2"),
        "counts": sorted(counts.items()),
        "now": int(NOW.timestamp()),
    }
    # No ANKI_TEST_MODE: Anki fuzzes, and balances, only outside it.
    env = {k: v for k, v in os.environ.items() if k != "ANKI_TEST_MODE"} | {"TZ": "UTC"}
    stamp = NOW.strftime("%Y-%m-%d %H:%M:%S")
    done = subprocess.run(
        [faketime, stamp, sys.executable, "-c", _CHILD, json.dumps(args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_anki_and_we_take_the_one_empty_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLASHCARDS_NO_FUZZ", "")
    col = open_collection(sqlite_url(tmp_path / "ours.db"), tz=UTC)
    try:
        card_id = target(col, NOW)
        unbalanced = col.sched.card_for_review(card_id, NOW).outcomes
        good_raw = unbalanced[3].memory.stability
        assert good_raw is not None
        hole = fuzz.constrained_fuzz_bounds(good_raw, 11, 36500)[1]
        counts = {d: 2 + (d * 7) % 5 for d in range(1, 61) if d != hole}
        crowd(col, NOW, counts)
        shown = col.sched.card_for_review(card_id, NOW)
        ours = [shown.outcomes[r].interval.days for r in (2, 3, 4)]
        stabilities = [shown.outcomes[r].memory.stability for r in (2, 3, 4)]
        answered = col.sched.answer(card_id, 3, NOW, shown_at=NOW).value
    finally:
        col.close()
    anki = _run_anki(tmp_path, counts)
    print(f"\nempty day {hole}; Anki hard/good/easy {anki['days']}, ours {ours}")
    assert anki["stability"] == pytest.approx(stabilities, abs=1e-3)  # the same memory model
    assert anki["days"][1] == hole == ours[1]  # Good: both on the empty day
    assert anki["good_due_in"] == hole
    assert answered.interval == timedelta(days=hole)
    # Hard and Easy: inside the same ranges (crowded days only: the draws differ).
    previous = 10
    lowest = 1
    for i, stability in enumerate(stabilities):
        assert stability is not None
        least = previous + 1 if fuzz.round_interval(stability) > previous else previous
        lower, upper = fuzz.constrained_fuzz_bounds(stability, max(least, lowest), 36500)
        assert lower <= anki["days"][i] <= upper and lower <= ours[i] <= upper
        lowest = ours[i] + 1
