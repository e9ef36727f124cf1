"""Our study queue against the real Anki's v3 queue on the same collection, answers and clock.

Anki (26.09, FSRS on, ``ANKI_TEST_MODE=1``: no fuzz) runs in a child process whose clock
libfaketime reads from a file (as in test_anki_parity). The collection: decks ``P``, ``P::A``
and ``P::B``, each on its own preset with its own daily limits, 30 notes with two cards each
(Basic and reversed), studied through ``P`` in two sessions a day (just after the 4 a.m.
rollover, and in the evening) for twelve days, with seeded answers; once with Anki's default
bury options (off) and once with all three on. At the start of each session we compare the
deck list (each deck's new/learning/review) and the whole queue (its counts and its order);
at every card, the counts and the card shown. We replay Anki's answers at the same moments.

Anki orders reviews due the same day by a hash of the card's id and modification time, which
differ between the two collections: there, a review of ours that is not Anki's card but is
due the same day as Anki's counts as the same place in the order (and is reported), and our
queue then takes Anki's card in that place (the tie broken Anki's way, also when a limit cut
the day's reviews and Anki's hash kept another card than ours), so that the rest of the
session is compared place by place.
"""

from __future__ import annotations

import os
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from flashcards.core.collection import Collection, open_collection
from flashcards.core.decks import DeckSettings
from flashcards.core.tables import CARD
from tests.core.scheduler.anki_child import run_anki

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAYS = 12
NOTES = 30

#: Deck -> (new per day, reviews per day).
LIMITS = {"P": (8, 10), "P::A": (5, 4), "P::B": (20, 200)}


def _deck_of(i: int) -> str:
    return "P" if i % 5 == 0 else ("P::A" if i % 2 else "P::B")


_CHILD = r"""
import json, random, sys
from anki.collection import Collection
from anki.scheduler.v3 import CardAnswer

args = json.loads(sys.argv[1])


def set_clock(epoch):
    import time as _t
    with open(args["clock"], "w") as f:
        f.write(_t.strftime("%Y-%m-%d %H:%M:%S", _t.gmtime(epoch)) + "\n")


def deck_of(i):
    return "P" if i % 5 == 0 else ("P::A" if i % 2 else "P::B")


out = {}
for scenario in ("off", "on"):
    set_clock(args["start"])
    col = Collection(args["path"] + scenario + ".anki2")
    col.set_config("fsrs", True)
    bury = scenario == "on"
    for name, (new, rev) in args["limits"].items():
        did = col.decks.id(name)
        cid = col.decks.add_config_returning_id(name)
        conf = col.decks.get_config(cid)
        conf["new"]["perDay"] = new
        conf["rev"]["perDay"] = rev
        conf["new"]["bury"] = bury
        conf["rev"]["bury"] = bury
        conf["buryInterdayLearning"] = bury
        col.decks.update_config(conf)
        deck = col.decks.get(did)
        deck["conf"] = cid
        col.decks.save(deck)
    model = col.models.by_name("Basic (and reversed card)")
    for i in range(args["notes"]):
        note = col.new_note(model)
        note["Front"] = f"q{i}"
        note["Back"] = f"a{i}"
        col.add_note(note, col.decks.id(deck_of(i)))
    parent = col.decks.id("P")
    col.decks.select(parent)
    index = {cid: i for i, cid in enumerate(col.find_cards("deck:P", order="c.nid, c.ord"))}
    rng = random.Random(args["seed"])
    ratings = [CardAnswer.AGAIN, CardAnswer.HARD, CardAnswer.GOOD, CardAnswer.EASY]
    sessions = []
    for start in args["sessions"]:
        now = start
        set_clock(now)
        today = col.sched.today
        tree = col.sched.deck_due_tree()
        decks = {}
        def walk(node, prefix):
            for child in node.children:
                name = prefix + child.name
                decks[name] = [child.new_count, child.learn_count, child.review_count]
                walk(child, name + "::")
        walk(tree, "")
        queued = col._backend.get_queued_cards(fetch_limit=500, intraday_learning_only=False)
        kinds = {0: "new", 1: "learn", 2: "review"}
        order = [
            [index[q.card.id], kinds[q.queue], q.card.due - today if q.queue == 2 else 0]
            for q in queued.cards
        ]
        counts = [queued.new_count, queued.learning_count, queued.review_count]
        steps = []
        for _ in range(120):
            set_clock(now)
            card = col.sched.getCard()
            if card is None:
                break
            step_counts = list(col.sched.counts())
            rel = card.due - today if card.queue == 2 else 0
            rating = rng.choices([1, 2, 3, 4], weights=[15, 10, 60, 15])[0]
            steps.append({"t": now, "card": index[card.id], "queue": card.queue, "rel": rel,
                          "counts": step_counts, "rating": rating})
            states = col._backend.get_scheduling_states(card.id)
            col.sched.answer_card(col.sched.build_answer(
                card=card, states=states, rating=ratings[rating - 1]))
            now += rng.randint(15, 40)
        sessions.append({"t": start, "decks": {k: decks[k] for k in args["limits"]},
                         "order": order, "counts": counts, "steps": steps})
    col.close()
    out[scenario] = sessions
print(json.dumps(out))
"""


def _sessions(seed: int) -> list[int]:
    rng = random.Random(seed)
    out = []
    for d in range(DAYS):
        day = datetime(2026, 3, 3, tzinfo=UTC) + timedelta(days=d)
        out.append(int((day + timedelta(hours=4, minutes=rng.randint(1, 30))).timestamp()))
        out.append(int((day + timedelta(hours=19, minutes=rng.randint(0, 90))).timestamp()))
    return out


SEED = 20261130


@pytest.fixture(scope="module")
def anki_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    tmp = tmp_path_factory.mktemp("anki_queue")
    clock = tmp / "clock.txt"
    args = {
        "clock": str(clock),
        "start": int(T0.timestamp()),
        "path": str(tmp / "anki-"),
        "notes": NOTES,
        "limits": LIMITS,
        "sessions": _sessions(SEED),
        "seed": SEED,
    }
    result: dict[str, list[dict[str, Any]]] = run_anki(_CHILD, args, clock, T0)
    return result


_KIND = {"learn": "learn", "interday": "learn", "new": "new", "review": "review"}


def _replay(tmp_path: Path, scenario: str, sessions: list[dict[str, Any]]) -> dict[str, Any]:
    col: Collection = open_collection(f"sqlite:///{tmp_path / scenario}.db", tz=UTC)
    env_before = os.environ.get("FLASHCARDS_NO_FUZZ")
    os.environ["FLASHCARDS_NO_FUZZ"] = "1"
    bury = scenario == "on"
    tally: dict[str, Any] = {
        "deck rows": [0, 0],
        "queue counts": [0, 0],
        "queue order": [0, 0],
        "step counts": [0, 0],
        "step card": [0, 0],
        "same-day review ties": 0,
        "differences": [],
    }

    def check(name: str, ok: bool, detail: Any) -> None:
        tally[name][0] += ok
        tally[name][1] += 1
        if not ok and len(tally["differences"]) < 40:
            tally["differences"].append((name, detail))

    try:
        for i in range(NOTES):
            col.notes.add(_deck_of(i), "basic+reversed", f"q{i}", f"a{i}", T0)
        for name, (new, rev) in LIMITS.items():
            options = DeckSettings(
                new_per_day=new,
                reviews_per_day=rev,
                bury_new=bury,
                bury_reviews=bury,
                bury_interday=bury,
            )
            col.decks.set_settings(col.decks.id(name), options)
        with col.engine.connect() as conn:
            rows = conn.execute(select(CARD.c.id).order_by(CARD.c.note_id, CARD.c.ord))
            ids = [int(r[0]) for r in rows]
        index = {card_id: i for i, card_id in enumerate(ids)}
        day = col.config.learner_day

        def rel(card_id: int, kind: str, now: datetime) -> int:
            if kind != "review":
                return 0
            due = col.cards.rows([card_id])[0]["due"]
            return (day(due) - day(now)).days

        for session in sessions:
            start = datetime.fromtimestamp(session["t"], UTC)
            rows_now = {c.name: [c.new, c.learn, c.review] for c in col.sched.deck_counts(start)}
            for name in LIMITS:
                check("deck rows", rows_now[name] == session["decks"][name], (start, name))
            counts = list(col.sched.queue_counts(start, "P"))
            check("queue counts", counts == session["counts"], (start, counts, session["counts"]))
            ours = [
                [index[c], _KIND[k], rel(c, _KIND[k], start)]
                for c, k in col.sched.queue_order(start, "P")
            ]
            same = [o[1:] for o in ours] == [a[1:] for a in session["order"]]
            check("queue order", same, (start, ours[:6], session["order"][:6]))
            for step in session["steps"]:
                at = datetime.fromtimestamp(step["t"], UTC)
                shown = col.sched.next_card(at, "P")
                step_counts = list(col.sched.queue_counts(at, "P"))
                check("step counts", step_counts == step["counts"], (at, step_counts, step))
                anki_id = ids[step["card"]]
                ok = shown is not None and shown.card_id == anki_id
                if not ok and shown is not None and step["queue"] == 2:
                    kind = "review" if shown.state == 2 else "other"
                    if kind == "review" and rel(shown.card_id, "review", at) == step["rel"]:
                        ok = True
                        tally["same-day review ties"] += 1
                        # Take Anki's tie order: its card where ours was, so that the rest
                        # of the session is compared place by place.
                        _swap(col, shown.card_id, anki_id)
                check("step card", ok, (at, None if shown is None else index[shown.card_id], step))
                card = col.sched.card_for_review(anki_id, at)
                col.sched.answer(card.card_id, step["rating"], at, shown_at=at)
    finally:
        col.close()
        if env_before is None:
            del os.environ["FLASHCARDS_NO_FUZZ"]
        else:
            os.environ["FLASHCARDS_NO_FUZZ"] = env_before
    return tally


def _swap(col: Collection, ours: int, anki: int) -> None:
    queue = col.sched._queue  # noqa: SLF001 - the test aligns the order of equal reviews
    assert queue is not None
    main = [(card_id, kind) for card_id, kind in queue.order_of_main()]
    ids = [card_id for card_id, _ in main]
    if ours not in ids:
        return
    i = ids.index(ours)
    if anki in ids:  # both gathered: Anki's comes first
        j = ids.index(anki)
        main[i], main[j] = main[j], main[i]
    else:  # a limit cut the day's reviews: Anki gathered its card, we gathered ours
        main[i] = (anki, main[i][1])
    queue.set_main(main)


@pytest.mark.parametrize("scenario", ["off", "on"])
def test_queue_counts_and_order_equal_ankis(
    anki_run: dict[str, list[dict[str, Any]]], tmp_path: Path, scenario: str
) -> None:
    tally = _replay(tmp_path, scenario, anki_run[scenario])
    steps = sum(len(s["steps"]) for s in anki_run[scenario])
    print(f"\nbury {scenario}: {len(anki_run[scenario])} sessions, {steps} answers")
    for name in ("deck rows", "queue counts", "queue order", "step counts", "step card"):
        same, total = tally[name]
        print(f"  {name:13} {same}/{total} equal")
    print(f"  same-day review ties: {tally['same-day review ties']}")
    print("  differences:", tally["differences"])
    for name in ("deck rows", "queue counts", "queue order", "step counts", "step card"):
        same, total = tally[name]
        assert same == total, tally["differences"]
