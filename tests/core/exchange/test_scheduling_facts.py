"""Scheduling facts that cross both ways with the real Anki (issue 12).

Buried cards (by the learner and by a sibling), flags 1-7 and the ``marked`` tag, deck option
presets, cards reset with Forget, and the last review time Anki's Check Database checks. The
Anki side runs in a child process at the same fixed time as ours (see ``anki_clock``).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from anki_clock import run_anki
from exchange_helpers import snapshot
from sqlalchemy import select

from flashcards.core import exchange, scheduling
from flashcards.core.collection import Collection
from flashcards.core.decks import DeckSettings
from flashcards.core.enums import CardState
from flashcards.core.exchange.export import guid_of
from flashcards.core.search import search_cards
from flashcards.core.sync.derived import replay_cards
from flashcards.core.tables import CARD, LOG, NOTE

#: FSRS-6 parameters as an optimised Anki preset has them (each a 32-bit float's shortest form).
PARAMS = (0.2172, 1.1771, 3.2602, 16.1507, 7.0114, 0.57, 2.0966, 0.0069, 1.5261, 0.112, 1.0178)
PARAMS += (1.849, 0.1133, 0.3127, 2.2934, 0.2191, 3.0004, 0.7536, 0.3332, 0.1437, 0.2)

#: The Anki collection: a custom preset on Lang::JA (its parent on Default), a card buried by
#: the learner, one buried by its sibling, a card reset with Forget after three answers, a
#: review card, flags 1-7 (the first note marked) and a suspended new card; exported as
#: legacy and current packages with scheduling and presets.
BUILD = """
import time

col = Collection(args["path"])
did = col.decks.id("Lang::JA")
pid = col.decks.add_config_returning_id("Japanese")
conf = col.decks.get_config(pid)
conf["new"]["delays"] = [2, 15, 1440]
conf["lapse"]["delays"] = [5, 30]
conf["new"]["perDay"] = 7
conf["rev"]["perDay"] = 150
conf["rev"]["maxIvl"] = 1000
conf["desiredRetention"] = 0.85
conf["new"]["bury"] = True
conf["rev"]["bury"] = False
conf["buryInterdayLearning"] = True
conf["fsrsParams6"] = args["params"]
col.decks.update_config(conf)
deck = col.decks.get(did)
deck["conf"] = pid
col.decks.save(deck)


def add(model_name, front, tags=()):
    note = col.new_note(col.models.by_name(model_name))
    note.fields[0], note.fields[1] = front, "back of " + front
    note.tags = list(tags)
    col.add_note(note, did)
    return note.card_ids()


def answer(card_id, ease):
    time.sleep(0.05)  # answers apart, as a learner's are (the same millisecond is one answer)
    card = col.get_card(card_id)
    card.start_timer()
    col.sched.answerCard(card, ease)


col.sched.bury_cards([add("Basic (and reversed card)", "buried")[0]], manual=True)
answer(add("Basic (and reversed card)", "sibling")[0], 3)  # buries its new sibling
forgotten = add("Basic", "forgotten")
for ease in (3, 3, 4):
    answer(forgotten[0], ease)
col.sched.schedule_cards_as_new(forgotten, restore_position=True, reset_counts=False)
answer(add("Basic", "reviewed")[0], 4)
for flag in range(1, 8):
    col.set_user_flag_for_cards(flag, add("Basic", f"flag {flag}", ["marked"] if flag == 1 else []))
col.sched.suspend_cards(add("Basic", "suspended"))
for legacy, out in ((True, args["legacy"]), (False, args["current"])):
    options = ExportAnkiPackageOptions(
        with_scheduling=True, with_deck_configs=True, legacy=legacy, with_media=False
    )
    col.export_anki_package(out_path=out, options=options, limit=None)
result = {
    "cards": col.db.all(
        "select n.guid, c.ord, c.type, c.queue, c.flags, c.reps, c.id, n.sfld"
        " from cards c join notes n on n.id = c.nid"
    ),
    "revlog": col.db.all("select id, cid, ease, type, factor from revlog"),
    "preset": pid,
}
col.close()
"""

#: Import a package into an Anki collection (fresh or not) with scheduling and presets, then
#: report what Anki has and what its Check Database does.
IMPORT = """
col = Collection(args["path"])
presets_before = len(col.decks.all_config())
request = ImportAnkiPackageRequest(
    package_path=args["package"],
    options=ImportAnkiPackageOptions(
        with_scheduling=True, with_deck_configs=True, merge_notetypes=False
    ),
)
log = col.import_anki_package(request).log
col.db.execute("update col set ls = scm")  # as after a sync: a later schema change shows
decks = {}
for entry in col.decks.all_names_and_ids():
    conf = col.decks.config_dict_for_deck_id(entry.id)
    decks[entry.name] = {
        "id": conf["id"], "name": conf["name"], "learn": conf["new"]["delays"],
        "relearn": conf["lapse"]["delays"], "new": conf["new"]["perDay"],
        "reviews": conf["rev"]["perDay"], "max": conf["rev"]["maxIvl"],
        "retention": conf["desiredRetention"], "bury_new": conf["new"]["bury"],
        "bury_reviews": conf["rev"]["bury"], "bury_interday": conf["buryInterdayLearning"],
        "params": conf["fsrsParams6"],
    }
cards = col.db.all(
    "select n.guid, c.ord, c.type, c.queue, c.flags, c.data, c.id, c.reps"
    " from cards c join notes n on n.id = c.nid"
)
revlog = col.db.all("select id, cid, ease, type, factor from revlog order by id")
tags = dict(col.db.all("select guid, tags from notes"))
scm = col.db.scalar("select scm from col")
problems, ok = col.fix_integrity()
result = {
    "conflicts": len(log.conflicting), "new": len(log.new), "decks": decks,
    "presets_before": presets_before, "presets": len(col.decks.all_config()),
    "cards": cards, "revlog": revlog, "tags": tags, "problems": problems, "ok": ok,
    "schema_changed": col.db.scalar("select scm from col") != scm or col.schema_changed(),
    "data_after": col.db.all("select id, data from cards order by id"),
}
col.close()
"""

#: Open an Anki collection and show its deck list (Anki unburies there once its day is over).
NEXT_DAY = """
col = Collection(args["path"])
col.sched.deck_due_tree()
result = col.db.all("select c.id, c.queue from cards c")
col.close()
"""


def _ours(col: Collection) -> dict[tuple[str, int], dict[str, Any]]:
    """Our cards by (Anki GUID, ordinal), with their review count (answers: no resets)."""
    with col.engine.connect() as conn:
        rows = conn.execute(select(CARD, NOTE.c.uid).join(NOTE, NOTE.c.id == CARD.c.note_id))
        cards = {(guid_of(r.uid), int(r.ord)): dict(r._mapping) for r in rows}
        answered = select(LOG.c.card_id).where(LOG.c.rating > 0)
        logged = Counter(int(r[0]) for r in conn.execute(answered))
    for card in cards.values():
        card["reviews"] = logged[int(card["id"])]
    return cards


def _anki_packages(now: datetime, tmp_path: Path) -> tuple[dict[str, Any], Path, Path]:
    """The BUILD collection and its packages, made in Anki ten minutes before ``now``."""
    (tmp_path / "anki").mkdir()
    legacy, current = tmp_path / "legacy.apkg", tmp_path / "current.apkg"
    built = run_anki(
        BUILD,
        now - timedelta(minutes=10),  # Anki's clock runs on: all of it is over by ``now``
        path=str(tmp_path / "anki" / "collection.anki2"),
        legacy=str(legacy),
        current=str(current),
        params=list(PARAMS),
    )
    return built, legacy, current


def _anki_import(package: Path, at: datetime, folder: Path) -> dict[str, Any]:
    folder.mkdir(exist_ok=True)
    path = str(folder / "collection.anki2")
    result: dict[str, Any] = run_anki(IMPORT, at, path=path, package=str(package))
    return result


JAPANESE = DeckSettings(
    desired_retention=0.85,
    new_per_day=7,
    reviews_per_day=150,
    learning_steps="2m 15m 1d",
    relearning_steps="5m 30m",
    maximum_interval=1000,
    bury_new=True,
    bury_reviews=False,
    bury_interday=True,
    fsrs_params=PARAMS,
)


#: Anki's standard options (its Default preset): ours, but no sibling is buried.
ANKI_DEFAULT = DeckSettings(bury_new=False, bury_reviews=False, bury_interday=False)


@pytest.mark.parametrize("legacy", [True, False], ids=["legacy-anki21", "current-anki21b"])
def test_scheduling_facts_come_from_anki(
    col: Collection, now: datetime, tmp_path: Path, legacy: bool
) -> None:
    built, legacy_package, current_package = _anki_packages(now, tmp_path)
    package = legacy_package if legacy else current_package
    exchange.import_file(col, package, now)
    ours = _ours(col)
    rated = Counter(cid for _id, cid, ease, _kind, _factor in built["revlog"] if ease > 0)
    for guid, ord_, ctype, queue, flags, reps, cid, _front in built["cards"]:
        card = ours[(guid, ord_)]
        assert card["flags"] == flags
        assert card["suspended"] == (queue == -1)
        assert (card["buried_until"] is not None) == (queue in (-2, -3))
        assert card["buried_by_user"] == (queue == -3)
        assert card["reviews"] == rated[cid] and card["reps"] == reps
        if ctype == 0:
            assert card["state"] == CardState.NEW and card["stability"] is None
    # The sample holds every fact.
    assert {c[3] for c in built["cards"]} >= {-1, -2, -3}
    assert {c[4] for c in built["cards"]} == set(range(8))
    [forgotten] = [c for c in built["cards"] if c[7] == "forgotten"]
    assert forgotten[2] == 0 and forgotten[5] == 3  # Forget: new, three answers before
    assert ours[(forgotten[0], 0)]["reviews"] == 3 and ours[(forgotten[0], 0)]["due"] <= now
    # Anki's reset became a reset row of the log (at its time): a replay of the log, as sync
    # does, ends with the card new, not with the state of its three answers.
    [reset] = [r for r in built["revlog"] if r[3] == 4]
    card_id = int(ours[(forgotten[0], 0)]["id"])
    with col.engine.begin() as conn:
        rows = conn.execute(select(LOG.c.rating, LOG.c.reviewed_ms).where(LOG.c.card_id == card_id))
        assert sorted(rows, key=lambda r: r[1])[-1] == (0, reset[0])
        day = scheduling.LearnerDay(col.config.tz, col.config.day_start_hour)
        replay_cards(conn, [card_id], day)
    assert _ours(col)[(forgotten[0], 0)]["state"] == CardState.NEW
    # Buried until our next learner day starts, as Anki unburies them at its next day.
    _, day_end = col.config.day_bounds(now)
    assert len(search_cards(col, "is:buried", now)) == 2
    assert search_cards(col, "is:buried", day_end) == []
    # The preset: its options, name and id; the parent deck on Anki's Default is on ours,
    # whose options are Anki's standard ones.
    ja = col.decks.id("Lang::JA")
    assert col.decks.settings(ja) == JAPANESE
    preset = col.presets.get(col.presets.of_deck(ja))
    assert (preset.name, preset.anki_id) == ("Japanese", built["preset"])
    lang = col.decks.id("Lang")
    assert col.decks.settings(lang) == ANKI_DEFAULT
    assert col.presets.of_deck(lang) == 1
    # Again: nothing changes.
    before = snapshot(col)
    report = exchange.import_file(col, package, now + timedelta(hours=1)).value
    assert report.added == 0 and report.updated == 0
    assert snapshot(col) == before


def test_marked_note_keeps_its_tag(col: Collection, now: datetime, tmp_path: Path) -> None:
    built, _, current = _anki_packages(now, tmp_path)
    exchange.import_file(col, current, now)
    [marked] = [c[0] for c in built["cards"] if c[7] == "flag 1"]
    note = next(
        col.notes.get(i) for i in col.notes.ids() if col.notes.get(i).uid == "anki:" + marked
    )
    assert "marked" in note.tags
    out = tmp_path / "ours.apkg"
    exchange.export_apkg(col, out, now, with_progress=True)
    anki = _anki_import(out, now, tmp_path / "fresh")
    assert "marked" in anki["tags"][marked].split()


def _study(col: Collection, now: datetime) -> dict[str, list[int]]:
    """Our collection with every fact: presets, bury, flags, marked, a forgotten card."""
    shared = DeckSettings(
        desired_retention=0.88,
        new_per_day=9,
        reviews_per_day=99,
        learning_steps="2m 1h",
        relearning_steps="5m",
        maximum_interval=400,
        bury_new=True,
        bury_reviews=False,
        bury_interday=True,
        fsrs_params=PARAMS,
    )
    start = now - timedelta(days=20)
    preset = col.presets.add("Shared", start, shared).value
    for name in ("Ours::A", "Ours::B"):
        col.decks.add(name, start)
    col.presets.set_for_decks([col.decks.id("Ours::A"), col.decks.id("Ours::B")], preset, start)
    col.decks.add("Plain", start)

    def add(deck: str, kind: str, front: str, tags: tuple[str, ...] = ()) -> list[int]:
        note = col.notes.add(deck, kind, front, "back of " + front, start, tags=list(tags))
        return col.notes.get(note.value).card_ids

    cards = {
        "buried": add("Ours::A", "basic+reversed", "buried"),
        "sibling": add("Ours::A", "basic+reversed", "sibling"),
        "forgotten": add("Ours::A", "basic", "forgotten"),
        "reviewed": add("Ours::B", "basic", "reviewed"),
    }
    for flag in range(1, 8):
        tags = ("marked",) if flag == 1 else ()
        cards[f"flag {flag}"] = add("Plain", "basic", f"flag {flag}", tags)
        col.sched.set_flag(cards[f"flag {flag}"], flag)
    # Answers logged a few seconds after the card was shown (as in the app): the card's last
    # review is when it was shown, the log's time when it was answered.
    at = start
    for _ in range(4):
        for card_id in cards["reviewed"] + cards["forgotten"]:
            col.sched.answer(card_id, 3, at + timedelta(seconds=7), shown_at=at)
        at += timedelta(days=4)
    col.sched.forget(cards["forgotten"], now - timedelta(hours=1))
    col.sched.bury([cards["buried"][0]], now)
    col.sched.answer(cards["sibling"][0], 3, now)  # buries its new sibling (bury_new)
    return cards


def test_scheduling_facts_go_to_anki(col: Collection, now: datetime, tmp_path: Path) -> None:
    cards = _study(col, now)
    out = tmp_path / "ours.apkg"
    exchange.export_apkg(col, out, now, with_progress=True)
    anki = _anki_import(out, now, tmp_path / "fresh")
    assert anki["conflicts"] == 0
    theirs = {(c[0], c[1]): c for c in anki["cards"]}  # guid, ord, type, queue, flags, data, id
    by_id = {}
    for key, card in _ours(col).items():
        _guid, _ord, ctype, queue, flags, data, anki_id, _reps = theirs[key]
        by_id[card["id"]] = (card, anki_id)
        assert flags == card["flags"]
        if card["suspended"]:
            assert queue == -1
        elif card["buried_until"] is not None and card["buried_until"] > now:
            assert queue == (-3 if card["buried_by_user"] else -2)
        else:
            assert queue >= 0
        if card["state"] == CardState.NEW:
            assert ctype == 0 and '"s"' not in data
    assert {c[4] for c in anki["cards"]} == set(range(8))
    assert sorted(c[3] for c in anki["cards"] if c[3] < 0) == [-3, -2]
    # Forget: new in Anki, its answers kept and followed by Anki's record of the reset.
    forgotten, anki_id = by_id[cards["forgotten"][0]]
    entries = [
        (ease, kind, factor) for _id, cid, ease, kind, factor in anki["revlog"] if cid == anki_id
    ]
    assert len(entries) == forgotten["reviews"] + 1 == 5
    assert all(ease == 3 for ease, _kind, _factor in entries[:-1])
    assert entries[-1] == (0, 4, 0)  # as Anki's own Forget writes it (BUILD's, checked below)
    # It is the reset logged here (at the time of the Forget), not one made up at export.
    with col.engine.connect() as conn:
        [reset] = conn.execute(
            select(LOG.c.reviewed_ms).where(LOG.c.card_id == forgotten["id"], LOG.c.rating == 0)
        ).all()
    reset_id = max(i for i, cid, *_ in anki["revlog"] if cid == anki_id)
    assert reset_id == reset[0] == round((now - timedelta(hours=1)).timestamp() * 1000)
    # Presets: ours, each once, shared by the decks that share it here; Default is Anki's.
    decks = anki["decks"]
    assert decks["Ours::A"]["id"] == decks["Ours::B"]["id"] != 1
    assert decks["Plain"]["id"] == 1
    shared = decks["Ours::A"]
    assert shared["name"] == "Shared"
    assert (shared["learn"], shared["relearn"]) == ([2, 60], [5])
    assert (shared["new"], shared["reviews"], shared["max"]) == (9, 99, 400)
    assert (shared["bury_new"], shared["bury_reviews"], shared["bury_interday"]) == (
        True,
        False,
        True,
    )
    assert shared["retention"] == pytest.approx(0.88)
    assert shared["params"] == pytest.approx(PARAMS, rel=1e-6)
    # Last review time: Check Database finds nothing to fix and the schema stays unchanged.
    assert anki["ok"], anki["problems"]
    assert not anki["schema_changed"]


def test_buried_cards_come_back_on_ankis_next_day(
    col: Collection, now: datetime, tmp_path: Path
) -> None:
    _study(col, now)
    out = tmp_path / "ours.apkg"
    exchange.export_apkg(col, out, now, with_progress=True)
    anki = _anki_import(out, now, tmp_path / "fresh")
    buried = {c[6] for c in anki["cards"] if c[3] in (-2, -3)}
    assert len(buried) == 2
    # Anki's day starts when ours does (4 a.m., days in UTC in these tests).
    _, day_end = col.config.day_bounds(now)
    path = str(tmp_path / "fresh" / "collection.anki2")
    same_day = run_anki(NEXT_DAY, day_end - timedelta(minutes=1), path=path)
    assert {cid for cid, queue in same_day if queue in (-2, -3)} == buried
    next_day = run_anki(NEXT_DAY, day_end + timedelta(minutes=1), path=path)
    assert all(queue >= 0 for cid, queue in next_day if cid in buried)


def test_presets_and_forget_round_trip(col: Collection, now: datetime, tmp_path: Path) -> None:
    built, _, current = _anki_packages(now, tmp_path)
    exchange.import_file(col, current, now)
    out = tmp_path / "ours.apkg"
    exchange.export_apkg(col, out, now, with_progress=True)
    # Into a fresh Anki: the preset as it was (id, name, values), the reset where it was.
    fresh = _anki_import(out, now, tmp_path / "fresh")
    ja = fresh["decks"]["Lang::JA"]
    assert (ja["id"], ja["name"]) == (built["preset"], "Japanese")
    assert (ja["learn"], ja["relearn"], ja["new"], ja["reviews"], ja["max"]) == (
        [2, 15, 1440],
        [5, 30],
        7,
        150,
        1000,
    )
    assert (ja["bury_new"], ja["bury_reviews"], ja["bury_interday"]) == (True, False, True)
    assert ja["retention"] == pytest.approx(0.85) and ja["params"] == pytest.approx(PARAMS)
    # The reset (Forget) goes back at the same time, after the same answers.
    [reset] = [r for r in built["revlog"] if r[3] == 4]
    [back] = [r for r in fresh["revlog"] if r[3] == 4]
    assert back[0] == reset[0] and back[2:] == [0, 4, 0]
    answers = [r[0] for r in built["revlog"] if r[1] == reset[1] and r[2] > 0]
    assert [r[0] for r in fresh["revlog"] if r[1] == back[1] and r[2] > 0] == answers
    assert fresh["ok"], fresh["problems"]
    assert not fresh["schema_changed"]
    assert fresh["decks"]["Lang"]["id"] == 1  # back on Default
    # Into the Anki it came from: its own presets stay, none is added.
    home = _anki_import(out, now + timedelta(hours=1), tmp_path / "anki")
    assert home["presets"] == home["presets_before"]
    assert home["decks"]["Lang::JA"]["id"] == built["preset"]
    assert home["decks"]["Lang"]["id"] == 1


def test_a_simulated_learners_export_checks_clean_in_anki(
    col: Collection, now: datetime, tmp_path: Path
) -> None:
    # The case: weeks of reviews made as in the app (each logged when answered, a few
    # seconds after the card was shown), exported with progress; Anki's Check Database used
    # to add the last review time to most cards and mark the schema changed.
    from tools.simulate import add_demo_deck, simulate

    start = now - timedelta(days=21)
    add_demo_deck(col, 60, start)
    summary = simulate(col, start, 21, seed=5, minutes_per_day=8)
    # (Anki's day count gives longer intervals than 24-hour periods did: 294 reviews, not 300+.)
    assert summary.reviews > 250
    out = tmp_path / "simulated.apkg"
    exchange.export_apkg(col, out, now, with_progress=True)
    anki = _anki_import(out, now, tmp_path / "fresh")
    reviewed = [c for c in anki["cards"] if c[2] != 0]
    assert len(reviewed) > 50 and all('"lrt"' in c[5] for c in reviewed)
    assert anki["ok"], anki["problems"]
    assert not anki["schema_changed"]
    assert anki["data_after"] == [[c[6], c[5]] for c in sorted(anki["cards"], key=lambda c: c[6])]


#: In the Anki collection of BUILD, later: Forget the review card, flag a card, export again.
LATER = """
import time

col = Collection(args["path"])
[reviewed] = col.find_cards('"reviewed"')
[flagged] = col.find_cards('"sibling" card:2')  # the second template: ord 1
time.sleep(0.05)
col.sched.schedule_cards_as_new([reviewed], restore_position=True, reset_counts=False)
col.set_user_flag_for_cards(5, [flagged])
options = ExportAnkiPackageOptions(
    with_scheduling=True, with_deck_configs=True, legacy=False, with_media=False
)
col.export_anki_package(out_path=args["out"], options=options, limit=None)
result = [reviewed, flagged]
col.close()
"""


def test_forget_and_a_flag_in_anki_reach_cards_we_have(
    col: Collection, now: datetime, tmp_path: Path
) -> None:
    built, _, current = _anki_packages(now, tmp_path)
    exchange.import_file(col, current, now)
    before = _ours(col)
    later = now + timedelta(hours=2)
    again = tmp_path / "again.apkg"
    run_anki(LATER, later, path=str(tmp_path / "anki" / "collection.anki2"), out=str(again))
    exchange.import_file(col, again, later)
    after = _ours(col)
    by_front = {c[7]: (c[0], c[1]) for c in built["cards"] if c[1] == 0}
    reviewed = after[by_front["reviewed"]]
    assert before[by_front["reviewed"]]["state"] == CardState.REVIEW
    assert reviewed["state"] == CardState.NEW and reviewed["stability"] is None
    assert reviewed["reviews"] == 1  # its answer kept, not doubled
    sibling = after[(by_front["sibling"][0], 1)]
    assert sibling["flags"] == 5
    # Nothing else moved, and no review was lost or doubled.
    assert sum(c["reviews"] for c in after.values()) == sum(c["reviews"] for c in before.values())
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {by_front["reviewed"], (by_front["sibling"][0], 1)}
