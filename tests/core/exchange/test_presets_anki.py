"""Option presets both ways with the real Anki: shared presets stay shared, every option goes.

Anki runs in a child process at the same fixed time as ours (see ``anki_clock``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from anki_clock import run_anki
from exchange_helpers import snapshot

from flashcards.core import exchange, scheduling
from flashcards.core.collection import Collection
from flashcards.core.presets import DeckSettings, NewGather, NewInsert, NewSort

#: FSRS-6 parameters (each a 32-bit float's shortest form, as Anki keeps them).
PARAMS = (0.2172, 1.1771, 3.2602, 16.1507, 7.0114, 0.57, 2.0966, 0.0069, 1.5261, 0.112, 1.0178)
PARAMS += (1.849, 0.1133, 0.3127, 2.2934, 0.2191, 3.0004, 0.7536, 0.3332, 0.1437, 0.2)

#: Two presets with every option away from Anki's defaults (and from each other).
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
    leech_threshold=5,
    leech_suspend=True,
    new_gather_order=NewGather.LOWEST_POSITION,
    new_sort_order=NewSort.NO_SORT,
    new_insert_order=NewInsert.RANDOM,
    fsrs_params=PARAMS,
    easy_days=(1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.0),
)
SLOW = DeckSettings(
    desired_retention=0.8,
    new_per_day=3,
    reviews_per_day=40,
    learning_steps="10m",
    relearning_steps="",
    maximum_interval=90,
    bury_new=False,
    bury_reviews=True,
    bury_interday=False,
    leech_threshold=12,
    leech_suspend=False,
    new_gather_order=NewGather.HIGHEST_POSITION,
    new_sort_order=NewSort.RANDOM_NOTE_THEN_TEMPLATE,
)
#: Deck -> preset (None: Anki's Default): two presets shared by three decks.
DECKS = {"JA": None, "JA::Vocab": "Japanese", "JA::Kanji": "Japanese", "Other": "Slow"}


def _anki_values(settings: DeckSettings) -> dict[str, Any]:
    """Our options as an Anki preset (legacy JSON) has them."""

    def minutes(steps: str) -> list[float]:
        return [step.total_seconds() / 60 for step in scheduling.parse_steps(steps)]

    return {
        "learn": minutes(settings.learning_steps),
        "relearn": minutes(settings.relearning_steps),
        "new": settings.new_per_day,
        "reviews": settings.reviews_per_day,
        "max": settings.maximum_interval,
        "retention": settings.desired_retention,
        "bury_new": settings.bury_new,
        "bury_reviews": settings.bury_reviews,
        "bury_interday": settings.bury_interday,
        "leech": settings.leech_threshold,
        "leech_action": 0 if settings.leech_suspend else 1,  # Anki: 0 suspend, 1 tag only
        "gather": settings.new_gather_order,
        "sort": settings.new_sort_order,
        "insert": 0 if settings.new_insert_order == NewInsert.RANDOM else 1,  # 0 random
        "params": list(settings.fsrs_params),
        "easy": list(settings.easy_days or (1.0,) * 7),
    }


#: The preset keys of Anki's legacy JSON, by the names of ``_anki_values``.
_READ = """
def values(conf):
    return {
        "id": conf["id"], "name": conf["name"], "learn": conf["new"]["delays"],
        "relearn": conf["lapse"]["delays"], "new": conf["new"]["perDay"],
        "reviews": conf["rev"]["perDay"], "max": conf["rev"]["maxIvl"],
        "retention": conf["desiredRetention"], "bury_new": conf["new"]["bury"],
        "bury_reviews": conf["rev"]["bury"], "bury_interday": conf["buryInterdayLearning"],
        "leech": conf["lapse"]["leechFails"], "leech_action": conf["lapse"]["leechAction"],
        "gather": conf.get("newGatherPriority", 0), "sort": conf.get("newSortOrder", 0),
        "insert": conf["new"]["order"], "params": conf["fsrsParams6"],
        "easy": conf.get("easyDaysPercentages") or [1.0] * 7,  # (none: every day normal)
    }
"""

BUILD = (
    _READ
    + """
col = Collection(args["path"])
ids = {}
for name, v in args["presets"].items():
    pid = col.decks.add_config_returning_id(name)
    conf = col.decks.get_config(pid)
    conf["new"]["delays"], conf["lapse"]["delays"] = v["learn"], v["relearn"]
    conf["new"]["perDay"], conf["rev"]["perDay"], conf["rev"]["maxIvl"] = (
        v["new"], v["reviews"], v["max"]
    )
    conf["desiredRetention"] = v["retention"]
    conf["new"]["bury"], conf["rev"]["bury"] = v["bury_new"], v["bury_reviews"]
    conf["buryInterdayLearning"] = v["bury_interday"]
    conf["lapse"]["leechFails"], conf["lapse"]["leechAction"] = v["leech"], v["leech_action"]
    conf["newGatherPriority"], conf["newSortOrder"] = v["gather"], v["sort"]
    conf["new"]["order"] = v["insert"]
    conf["fsrsParams6"] = v["params"]
    conf["easyDaysPercentages"] = v["easy"]
    for key, value in args.get("unmodelled", {}).get(name, {}).items():
        group, _, inner = key.rpartition(".")
        (conf[group] if group else conf)[inner] = value
    col.decks.update_config(conf)
    ids[name] = pid
for deck, preset in args["decks"].items():
    did = col.decks.id(deck)
    if preset is not None:
        d = col.decks.get(did)
        d["conf"] = ids[preset]
        col.decks.save(d)
    note = col.new_note(col.models.by_name("Basic"))
    note.fields[0], note.fields[1] = "front of " + deck, "back"
    col.add_note(note, did)
for legacy, out in ((True, args["legacy"]), (False, args["current"])):
    options = ExportAnkiPackageOptions(
        with_scheduling=True, with_deck_configs=True, legacy=legacy, with_media=False
    )
    col.export_anki_package(out_path=out, options=options, limit=None)
result = {"ids": ids, "presets": {name: values(col.decks.get_config(i)) for name, i in ids.items()}}
result["configs"] = {name: col.decks.get_config(i) for name, i in ids.items()}
col.close()
"""
)

IMPORT = (
    _READ
    + """
col = Collection(args["path"])
request = ImportAnkiPackageRequest(
    package_path=args["package"],
    options=ImportAnkiPackageOptions(
        with_scheduling=True, with_deck_configs=True, merge_notetypes=False
    ),
)
col.import_anki_package(request)
result = {
    entry.name: values(col.decks.config_dict_for_deck_id(entry.id))
    for entry in col.decks.all_names_and_ids()
}
col.close()
"""
)


#: Options of the Japanese preset we do not model, away from Anki's defaults ("new.x": in new).
UNMODELLED = {
    "reviewOrder": 3,
    "newMix": 1,
    "interdayLearningMix": 2,
    "maxTaken": 120,
    "timer": 1,
    "autoplay": False,
    "replayq": False,
    "sm2Retention": 0.85,
    "new.initialFactor": 2300,
    "new.ints": [2, 5, 0],
    "rev.ease4": 1.5,
    "rev.hardFactor": 1.1,
    "lapse.minInt": 3,
    "lapse.mult": 0.2,
}

#: Every deck's Anki preset, whole (legacy JSON).
IMPORT_WHOLE = """
col = Collection(args["path"])
request = ImportAnkiPackageRequest(
    package_path=args["package"],
    options=ImportAnkiPackageOptions(
        with_scheduling=True, with_deck_configs=True, merge_notetypes=False
    ),
)
col.import_anki_package(request)
result = {
    entry.name: col.decks.config_dict_for_deck_id(entry.id)
    for entry in col.decks.all_names_and_ids()
}
col.close()
"""


def _option(conf: dict[str, Any], key: str) -> Any:
    group, _, inner = key.rpartition(".")
    return (conf[group] if group else conf)[inner]


def _built(now: datetime, tmp_path: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    (tmp_path / "anki").mkdir()
    packages = {"legacy": tmp_path / "legacy.apkg", "current": tmp_path / "current.apkg"}
    built = run_anki(
        BUILD,
        now - timedelta(minutes=10),
        path=str(tmp_path / "anki" / "collection.anki2"),
        presets={"Japanese": _anki_values(JAPANESE), "Slow": _anki_values(SLOW)},
        decks=DECKS,
        unmodelled={"Japanese": UNMODELLED},
        legacy=str(packages["legacy"]),
        current=str(packages["current"]),
    )
    return built, packages


def _check_values(theirs: dict[str, Any], ours: DeckSettings) -> None:
    expected = _anki_values(ours)
    for key in ("retention", "params"):
        assert theirs[key] == pytest.approx(expected.pop(key), rel=1e-6), key
    assert {k: theirs[k] for k in expected} == expected


@pytest.mark.parametrize("flavour", ["legacy", "current"])
def test_two_anki_presets_shared_by_three_decks_come_as_two_presets(
    col: Collection, now: datetime, tmp_path: Path, flavour: str
) -> None:
    built, packages = _built(now, tmp_path)
    _check_values(built["presets"]["Japanese"], JAPANESE)  # Anki holds what we asked for
    exchange.import_file(col, packages[flavour], now)
    names = {name: deck_id for deck_id, name in col.decks.names().items()}
    japanese = col.presets.of_deck(names["JA::Vocab"])
    assert col.presets.of_deck(names["JA::Kanji"]) == japanese
    assert col.presets.of_deck(names["JA"]) == 1
    presets = {p.name: p for p in col.presets.all()}
    assert set(presets) == {"Default", "Japanese", "Slow"}
    assert presets["Japanese"].id == japanese and presets["Japanese"].deck_count == 2
    assert presets["Japanese"].anki_id == built["ids"]["Japanese"]
    assert presets["Japanese"].settings == JAPANESE
    assert presets["Slow"].settings == SLOW and presets["Slow"].deck_count == 1
    assert presets["Default"].settings == DeckSettings()
    # Again (and the other flavour of the same collection): no new preset, nothing changes.
    before = snapshot(col)
    for package in packages.values():
        exchange.import_file(col, package, now + timedelta(hours=1))
        assert snapshot(col) == before


def test_every_deck_gets_its_preset_in_anki_with_every_option(
    col: Collection, now: datetime, tmp_path: Path
) -> None:
    start = now - timedelta(days=3)
    japanese = col.presets.add("Japanese", start, JAPANESE).value
    slow = col.presets.add("Slow", start, SLOW).value
    edited_default = DeckSettings(new_per_day=12, leech_threshold=6)
    col.presets.update(1, edited_default, start)
    for deck in DECKS:
        col.notes.add(deck, "basic", "front of " + deck, "back", start)
    col.presets.set_for_decks(
        [col.decks.id("JA::Vocab"), col.decks.id("JA::Kanji")], japanese, start
    )
    col.presets.set_for_decks([col.decks.id("Other")], slow, start)
    out = tmp_path / "ours.apkg"
    exchange.export_apkg(col, out, now)
    (tmp_path / "fresh").mkdir()
    anki = run_anki(
        IMPORT, now, path=str(tmp_path / "fresh" / "collection.anki2"), package=str(out)
    )
    # Every deck's Anki preset holds exactly what the deck has here, under the preset's name.
    for deck_id, name in col.decks.names().items():
        preset = col.presets.get(col.presets.of_deck(deck_id))
        assert anki[name]["name"] == preset.name
        _check_values(anki[name], col.decks.settings(deck_id))
    # Decks that share a preset here share one in Anki. Our Default, changed here, is not
    # Anki's (which an import never changes): a preset of its own, under our Default's name.
    assert anki["JA::Vocab"]["id"] == anki["JA::Kanji"]["id"] not in (1, anki["Other"]["id"])
    assert anki["JA"]["id"] != 1 and anki["JA"]["name"] == "Default"
    # Back here: the same presets, each once, nothing changed.
    before = snapshot(col)
    exchange.import_file(col, out, now + timedelta(hours=1))
    assert snapshot(col) == before
    # With Anki's standard options our Default is Anki's Default.
    col.presets.update(1, DeckSettings(), now)
    exchange.export_apkg(col, out, now)
    (tmp_path / "second").mkdir()
    second = str(tmp_path / "second" / "collection.anki2")
    assert run_anki(IMPORT, now, path=second, package=str(out))["JA"]["id"] == 1


def test_a_preset_changed_here_reaches_the_anki_it_came_from(
    col: Collection, now: datetime, tmp_path: Path
) -> None:
    built, packages = _built(now, tmp_path)
    exchange.import_file(col, packages["current"], now)
    japanese = col.presets.find("Japanese")
    changed = DeckSettings(new_per_day=33, leech_threshold=3, fsrs_params=PARAMS)
    col.presets.update(japanese, changed, now)
    out = tmp_path / "ours.apkg"
    exchange.export_apkg(col, out, now + timedelta(minutes=1))
    home = str(tmp_path / "anki" / "collection.anki2")
    anki = run_anki(IMPORT, now + timedelta(minutes=2), path=home, package=str(out))
    # Anki never changes a preset it has on import: the changed one arrives as a new preset
    # (same name) for its decks; the unchanged one is Anki's own, under its own id.
    vocab = anki["JA::Vocab"]
    assert vocab["id"] not in built["ids"].values() and vocab["name"] == "Japanese"
    assert anki["JA::Kanji"]["id"] == vocab["id"]
    _check_values(vocab, changed)
    assert anki["Other"]["id"] == built["ids"]["Slow"]
    _check_values(anki["Other"], SLOW)


@pytest.mark.parametrize("flavour", ["legacy", "current"])
def test_options_we_do_not_model_go_back_to_a_fresh_anki_as_they_came(
    col: Collection, now: datetime, tmp_path: Path, flavour: str
) -> None:
    built, packages = _built(now, tmp_path)
    original = built["configs"]["Japanese"]
    for key, value in UNMODELLED.items():  # Anki holds what we asked for
        assert _option(original, key) == pytest.approx(value), key
    exchange.import_file(col, packages[flavour], now)
    out = tmp_path / "ours.apkg"
    exchange.export_apkg(col, out, now + timedelta(minutes=1))
    (tmp_path / "fresh").mkdir()
    fresh = str(tmp_path / "fresh" / "collection.anki2")
    anki = run_anki(IMPORT_WHOLE, now + timedelta(minutes=2), path=fresh, package=str(out))
    arrived = anki["JA::Vocab"]
    assert arrived["id"] == original["id"] and anki["JA::Kanji"]["id"] == original["id"]
    # Every option but the preset's bookkeeping equals the original's, modelled or not.
    skip = {"mod", "usn"}
    assert {k: v for k, v in arrived.items() if k not in skip} == {
        k: v for k, v in original.items() if k not in skip
    }
    # The other preset kept Anki's defaults for them.
    assert anki["Other"]["reviewOrder"] == 0 and anki["Other"]["maxTaken"] == 60


def test_a_clone_keeps_the_options_we_do_not_model_and_damaged_ones_are_left_out(
    col: Collection, now: datetime, tmp_path: Path
) -> None:
    built, packages = _built(now, tmp_path)
    exchange.import_file(col, packages["current"], now)
    clone = col.presets.clone(col.presets.find("Japanese"), "Japanese copy", now).value
    col.presets.set_for_decks([col.decks.id("Other")], clone, now)
    # A preset whose kept options are damaged (a package not from Anki): the ones Anki could
    # not read are left out, the rest go, and Anki imports the package.
    damaged = '{"reviewOrder": "x", "maxTaken": 90, "rev": {"ease4": [1]}, "lapse": 3}'
    with col.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE preset SET anki_config = ? WHERE id = 1", (damaged,))
    col.presets.update(1, DeckSettings(new_per_day=9), now)
    out = tmp_path / "ours.apkg"
    exchange.export_apkg(col, out, now + timedelta(minutes=1))
    (tmp_path / "fresh").mkdir()
    fresh = str(tmp_path / "fresh" / "collection.anki2")
    anki = run_anki(IMPORT_WHOLE, now + timedelta(minutes=2), path=fresh, package=str(out))
    copied = anki["Other"]
    assert copied["name"] == "Japanese copy" and copied["id"] != built["ids"]["Japanese"]
    for key, value in UNMODELLED.items():
        assert _option(copied, key) == pytest.approx(value), key
    default = anki["JA"]
    assert default["new"]["perDay"] == 9 and default["maxTaken"] == 90
    assert default["reviewOrder"] == 0 and default["rev"]["ease4"] == pytest.approx(1.3)
    assert default["lapse"]["leechFails"] == 8
