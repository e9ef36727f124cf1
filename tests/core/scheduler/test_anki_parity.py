"""Our scheduler against the real Anki (FSRS on, default options) over six simulated weeks.

Anki runs once, in a child process whose clock libfaketime reads from a file the child
rewrites before each step (``FAKETIME_NO_CACHE``), with ``ANKI_TEST_MODE=1`` (no fuzz). It
studies 100 new notes with a seeded answer pattern in sessions at varying clock times (just
before and just after the 4 a.m. rollover, midday, late evening), its own queue choosing the
cards, and records for every card shown its four next intervals as its buttons count them
(a step past the rollover in days). We replay the same answers at the same moments and compare
our four previewed intervals: fuzz off, and fuzz on against Anki's fuzz ranges.
"""

from __future__ import annotations

import math
import os
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from flashcards.core import scheduling
from flashcards.core.collection import Collection, open_collection
from flashcards.core.enums import CardState
from flashcards.core.tables import CARD
from tests.core.scheduler.anki_child import run_anki

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NOTES = 100
DAYS = 42
DAY = 86_400


_CHILD = r"""
import json, random, sys
from anki.collection import Collection
from anki.scheduler.v3 import CardAnswer

args = json.loads(sys.argv[1])
clock_file = args["clock"]


def set_clock(epoch):
    import time as _t
    stamp = _t.strftime("%Y-%m-%d %H:%M:%S", _t.gmtime(epoch))
    with open(clock_file, "w") as f:
        f.write(stamp + "\n")


set_clock(args["start"])
col = Collection(args["path"])
col.set_config("fsrs", True)
deck_id = col.decks.id("D")
model = col.models.by_name("Basic")
for i in range(args["notes"]):
    note = col.new_note(model)
    note["Front"] = f"q{i}"
    note["Back"] = "a"
    col.add_note(note, deck_id)
col.decks.select(deck_id)
index = {}
for i, cid in enumerate(col.find_cards("deck:D", order="c.nid, c.ord")):
    index[cid] = i

rng = random.Random(args["seed"])
ratings = [CardAnswer.AGAIN, CardAnswer.HARD, CardAnswer.GOOD, CardAnswer.EASY]
events = []
for start in args["sessions"]:
    now = start
    for _ in range(400):
        set_clock(now)
        card = col.sched.getCard()
        if card is None:
            break
        states = col._backend.get_scheduling_states(card.id)
        until = col.sched.day_cutoff - now
        ivls, kinds, stabs = [], [], []
        for state in (states.again, states.hard, states.good, states.easy):
            kind = state.normal.WhichOneof("kind")
            secs = col.sched._interval_for_state(state)
            if kind in ("learning", "relearning") and secs >= until:
                secs = ((secs - until) // 86400 + 1) * 86400
            ivls.append(secs)
            kinds.append(kind)
            inner = getattr(state.normal, kind)
            mem = inner.learning.memory_state if kind == "relearning" else inner.memory_state
            stabs.append(mem.stability)
        rating = rng.choices([1, 2, 3, 4], weights=[12, 13, 60, 15])[0]
        events.append({
            "card": index[card.id], "t": now, "rating": rating, "type": card.type,
            "ivl": card.ivl, "anki": ivls, "kinds": kinds, "stability": stabs,
        })
        col.sched.answer_card(col.sched.build_answer(
            card=card, states=states, rating=ratings[rating - 1]))
        now += rng.randint(4, 40)
col.close()
result = events
"""


def _sessions(seed: int) -> list[int]:
    """Study sessions over six weeks: around the 4 a.m. rollover, midday, late evening."""
    rng = random.Random(seed)
    day0 = datetime(2026, 3, 2, tzinfo=UTC)
    out = []
    for d in range(DAYS):
        day = day0 + timedelta(days=d)
        choices = [
            day + timedelta(hours=3, minutes=rng.randint(40, 59)),  # just before the rollover
            day + timedelta(hours=4, seconds=rng.randint(5, 1800)),  # just after it
            day + timedelta(hours=rng.randint(9, 17), minutes=rng.randint(0, 59)),
            day + timedelta(hours=22, minutes=rng.randint(0, 119)),  # late evening
        ]
        picked = rng.sample(choices, rng.choice((1, 2, 2, 3)))
        if rng.random() < 0.12:  # a day off now and then
            picked = []
        out += sorted(int(p.timestamp()) for p in picked)
    return [s for s in out if s >= int(T0.timestamp())]


def _run_anki(tmp_path: Path, sessions: list[int], seed: int) -> list[dict[str, Any]]:
    clock = tmp_path / "clock.txt"
    args = {
        "clock": str(clock),
        "start": int(T0.timestamp()),
        "path": str(tmp_path / "anki.anki2"),
        "notes": NOTES,
        "sessions": sessions,
        "seed": seed,
    }
    script = _CHILD + "\nprint(json.dumps(result))\n"
    events: list[dict[str, Any]] = run_anki(script, args, clock, T0)
    return events


@dataclass
class Replay:
    """Our previews at each of Anki's reviews: (event, our four outcomes, card before)."""

    steps: list[tuple[dict[str, Any], dict[int, scheduling.Outcome], scheduling.Memory]]


def _replay(tmp_path: Path, name: str, events: list[dict[str, Any]], fuzzed: bool) -> Replay:
    col: Collection = open_collection(f"sqlite:///{tmp_path / name}.db", tz=UTC)
    try:
        for i in range(NOTES):
            col.notes.add("D", "basic", f"q{i}", "a", T0)
        with col.engine.connect() as conn:
            ids = [int(r[0]) for r in conn.execute(select(CARD.c.id).order_by(CARD.c.id))]
        steps = []
        env_before = os.environ.get("FLASHCARDS_NO_FUZZ")
        os.environ["FLASHCARDS_NO_FUZZ"] = "" if fuzzed else "1"
        try:
            for event in events:
                at = datetime.fromtimestamp(event["t"], UTC)
                shown = col.sched.card_for_review(ids[event["card"]], at)
                outcomes = shown.outcomes
                steps.append((event, outcomes, shown.memory))
                col.sched.answer(shown.card_id, event["rating"], at, shown_at=at)
        finally:
            if env_before is None:
                del os.environ["FLASHCARDS_NO_FUZZ"]
            else:
                os.environ["FLASHCARDS_NO_FUZZ"] = env_before
        return Replay(steps)
    finally:
        col.close()


SEED = 20261130


@pytest.fixture(scope="module")
def anki_events(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("anki_parity")
    return _run_anki(tmp, _sessions(SEED), SEED)


def _seconds(outcome: scheduling.Outcome) -> int:
    return round(outcome.interval.total_seconds())


def test_fuzz_off_intervals_equal_ankis(anki_events: list[dict[str, Any]], tmp_path: Path) -> None:
    replay = _replay(tmp_path, "ours", anki_events, fuzzed=False)
    names = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
    groups = {"all": lambda e: True, "review": lambda e: e["type"] == 2}
    lines = []
    worst = 1.0
    for group, keep in groups.items():
        for rating in (1, 2, 3, 4):
            pairs = [
                (e["anki"][rating - 1], _seconds(o[rating])) for e, o, _ in replay.steps if keep(e)
            ]
            same = sum(a == b for a, b in pairs)
            share = same / len(pairs)
            if group == "all":
                worst = min(worst, share)
            lines.append(f"{group:6} {names[rating]:5} {same}/{len(pairs)} = {share:.2%}")
    differ = [
        (e["card"], e["type"], e["anki"], [_seconds(o[r]) for r in (1, 2, 3, 4)])
        for e, o, _ in replay.steps
        if [_seconds(o[r]) for r in (1, 2, 3, 4)] != e["anki"]
    ]
    print(f"\n{len(replay.steps)} answers to {NOTES} cards over {DAYS} days; equal to Anki's:")
    print("\n".join(lines))
    print("first differences (card, type, anki, ours):", differ[:8])
    assert worst >= 0.99, "\n".join(lines)


# -- Anki's fuzz ranges, written from its rules (rslib/src/scheduler/states/fuzz.rs) ----------


def _round(x: float) -> int:
    return math.floor(x + 0.5)


def _anki_bounds(interval: float, minimum: int, maximum: int) -> tuple[int, int]:
    minimum = min(minimum, maximum)
    interval = min(max(interval, minimum), maximum)
    delta = 0.0
    if interval >= 2.5:
        delta = 1.0 + sum(
            share * max(min(interval, end) - start, 0.0)
            for start, end, share in ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, 1e9, 0.05))
        )
    lower = min(max(_round(interval - delta), minimum), maximum)
    upper = min(max(_round(interval + delta), minimum), maximum)
    if upper == lower and 2 < upper < maximum:
        upper += 1
    return lower, upper


def _learner_date(moment: datetime) -> Any:
    return (moment - timedelta(hours=4)).date()


def _anki_interval(stability: float) -> float:
    decay = -0.1542
    factor = 0.9 ** (1 / decay) - 1
    return stability / factor * (0.9 ** (1 / decay) - 1)


def test_fuzz_on_stays_in_ankis_ranges(anki_events: list[dict[str, Any]], tmp_path: Path) -> None:
    replay = _replay(tmp_path, "fuzzed", anki_events, fuzzed=True)
    maximum = 36500
    checked = inside = 0
    bad = []
    for event, outcomes, memory in replay.steps:
        days = {r: outcomes[r].interval / timedelta(days=1) for r in (1, 2, 3, 4)}
        raw = {r: _anki_interval(event["stability"][r - 1]) for r in (1, 2, 3, 4)}
        ranges: dict[int, tuple[int, int]] = {}
        if memory.state == CardState.REVIEW:
            # Ours: its previous interval (its own, fuzzed history) and its Hard/Good draws.
            last = memory.last_review or memory.due
            previous = (_learner_date(memory.due) - _learner_date(last)).days
            lowest = 1
            for r in (2, 3, 4):
                _, upper = _anki_bounds(raw[r], 1, maximum)
                if _round(raw[r]) > previous:
                    least = previous + 1
                elif previous <= upper:
                    least = previous
                else:
                    least = 0
                ranges[r] = _anki_bounds(raw[r], max(least, lowest, 1), maximum)
                lowest = int(days[r]) + 1
            ivals = [outcomes[r].interval for r in (1, 2, 3, 4)]
            assert ivals[0] < ivals[1] < ivals[2] < ivals[3], (event, ivals)
        else:
            for r in (2, 3):
                if event["kinds"][r - 1] == "review":
                    ranges[r] = _anki_bounds(max(_round(raw[r]), 1), 1, maximum)
            good_low, good_high = _anki_bounds(raw[3], 1, maximum)
            low, _ = _anki_bounds(max(_round(raw[4]), 1), good_low + 1, maximum)
            _, high = _anki_bounds(max(_round(raw[4]), 1), good_high + 1, maximum)
            ranges[4] = (low, high)
            for r in (1, 2, 3):
                outcome = outcomes[r]
                step = _seconds(outcome)
                if outcome.memory.state != CardState.REVIEW and step < DAY:
                    at = datetime.fromtimestamp(event["t"], UTC)
                    waited = round((outcome.memory.due - at).total_seconds())
                    checked += 1
                    ok = step <= waited < step + max(1, min(step // 4, 300))
                    inside += ok
                    if not ok:
                        bad.append((event["card"], r, step, waited))
        for r, (low, high) in ranges.items():
            checked += 1
            ok = low <= days[r] <= high
            inside += ok
            if not ok:
                bad.append((event["card"], r, days[r], (low, high)))
    print(f"\nfuzz on: {inside}/{checked} intervals inside Anki's fuzz range; outside: {bad[:8]}")
    assert inside == checked
