"""Anki's deck option presets, read from a package's collection into our deck settings.

Both of Anki's shapes: the JSON of ``col.dconf`` (schema 11) and the ``deck_config`` table's
protobuf (schema 18); learning steps, limits, desired retention, maximum interval, bury options,
leech threshold and action, the new-card gather, sort and insertion orders (those the queue
cannot follow become Anki's defaults) and FSRS parameters (FSRS-6, or FSRS-5 completed), every
number checked and clamped. Each preset's own options are kept too, as Anki's legacy JSON
(:func:`legacy_config`), so that export gives back those we do not model.
"""

from __future__ import annotations

import json
import math
import sqlite3
import struct
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from flashcards.core import scheduling
from flashcards.core.errors import InputError
from flashcards.core.exchange.common import (
    INT64,
    MAX_DAYS,
    AnkiPreset,
    clamp_int,
    finite,
    json_object,
    protobuf_fields,
    stable_id,
)
from flashcards.core.models import ANKI_DEFAULT_PRESET_ID, DEFAULT_PRESET_ID
from flashcards.core.presets import DeckSettings, NewGather, NewSort, easy_days_of

#: Anki's leech action that only tags the note (``LeechAction.TAG_ONLY``; 0 suspends too).
LEECH_TAG_ONLY = 1

#: A preset's name longer than this is cut (Anki's are a few words).
MAX_PRESET_NAME = 200
#: The most learning steps we take from a preset (Anki's are a handful).
MAX_STEPS = 100
#: Daily limits beyond this are not limits (Anki's own maximum is 9999).
MAX_PER_DAY = 1_000_000


def _f32(value: float) -> float:
    """The shortest decimal that is the same 32-bit float (Anki keeps options as f32)."""
    try:
        exact = struct.pack("<f", value)
    except OverflowError:
        return value
    for digits in range(1, 10):
        candidate = float(f"{value:.{digits}g}")
        if struct.pack("<f", candidate) == exact:
            return candidate
    return value


def _floats(values: list[int | bytes]) -> list[float]:
    """A repeated protobuf float: packed (byte strings) or one fixed32 value at a time."""
    out: list[float] = []
    for value in values:
        if isinstance(value, bytes):
            count = len(value) // 4
            out += struct.unpack(f"<{count}f", value[: count * 4])
        else:
            out.append(struct.unpack("<f", (value & 0xFFFFFFFF).to_bytes(4, "little"))[0])
    return [_f32(v) for v in out]


def _number_list(value: object) -> list[float]:
    """A JSON list of numbers (anything else, or a non-finite member: an empty list)."""
    if not isinstance(value, list) or len(value) > 10 * MAX_STEPS:
        return []
    numbers = [finite(v) for v in value]
    return [float(n) for n in numbers if n is not None] if None not in numbers else []


def _steps_text(minutes: list[float]) -> str:
    """Anki's steps (minutes) written as ours (``"1m 10m"``, ``"30s"``, ``"1d"``)."""
    parts = []
    for step in minutes[:MAX_STEPS]:
        if not math.isfinite(step):
            continue
        seconds = min(max(round(step * 60), 1), MAX_DAYS * 86400)
        for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
            if seconds % size == 0:
                parts.append(f"{seconds // size}{unit}")
                break
    return " ".join(parts)


def _fsrs_params(six: list[float], five: list[float]) -> tuple[float, ...]:
    """FSRS-6 parameters from a preset's (FSRS-5 ones get FSRS-6's neutral last two)."""
    if six:
        params = tuple(six)
    elif len(five) == scheduling.PARAMETER_COUNT - 2:
        # FSRS-6 with no short-term stability exponent and FSRS-5's decay is FSRS-5.
        params = (*five, 0.0, 0.5)
    else:
        return ()
    return params if scheduling.valid_parameters(params) else ()


#: A kept preset's JSON larger than this is not kept (a real one is about a kilobyte).
MAX_CONFIG = 65536

#: Options of a current preset (protobuf field numbers of Anki's ``DeckConfig.Config``) that we
#: do not model, by the legacy JSON key Anki writes them under ("new.x": inside ``new``), and
#: their kind: a whole number, a flag (``"not"``: stored inverted), a float, a text, a list.
_UNMODELLED: dict[int, tuple[str, str]] = {
    3: ("fsrsWeights", "floats"),
    4: ("easyDaysPercentages", "floats"),
    5: ("fsrsParams5", "floats"),
    11: ("new.initialFactor", "ease"),
    12: ("rev.ease4", "float"),
    13: ("rev.hardFactor", "float"),
    14: ("lapse.mult", "float"),
    15: ("rev.ivlFct", "float"),
    17: ("lapse.minInt", "int"),
    23: ("autoplay", "not"),
    24: ("maxTaken", "int"),
    25: ("timer", "bool"),
    26: ("replayq", "not"),
    30: ("newMix", "int"),
    31: ("interdayLearningMix", "int"),
    33: ("reviewOrder", "int"),
    35: ("newPerDayMinimum", "int"),
    36: ("questionAction", "int"),
    38: ("stopTimerOnAnswer", "bool"),
    40: ("sm2Retention", "float"),
    41: ("secondsToShowQuestion", "float"),
    42: ("secondsToShowAnswer", "float"),
    43: ("answerAction", "int"),
    44: ("waitForAudio", "bool"),
    45: ("weightSearch", "text"),
    46: ("ignoreRevlogsBeforeDate", "text"),
}


def _proto_value(kind: str, values: list[int | bytes]) -> object:
    """One option's value as the legacy JSON has it (absent from the message: proto's zero)."""
    if kind == "floats":
        return _floats(values)
    last = values[-1] if values else 0
    if kind == "text":
        return last.decode("utf-8", "replace") if isinstance(last, bytes) else ""
    if isinstance(last, bytes):
        raise InputError("a number option is a byte string")
    if kind in ("float", "ease"):
        number = _floats([last])[0] if values else 0.0
        return round(number * 1000) if kind == "ease" else number
    if kind == "not":
        return not last
    if kind == "bool":
        return bool(last)
    return clamp_int(last, 0, 2**32 - 1, 0)


def _proto_config(fields: dict[int, list[int | bytes]]) -> dict[str, Any]:
    """The options we do not model of a current preset, as Anki's legacy JSON has them."""
    config: dict[str, Any] = {"new": {}, "rev": {}, "lapse": {}}
    other = fields.get(255, [b""])[-1]
    if isinstance(other, bytes) and other:
        # Keys Anki keeps without knowing them (an add-on's, a newer version's), as it does.
        try:
            extra = json.loads(other)
        except ValueError:
            extra = None
        if isinstance(extra, dict):
            for key, value in extra.items():
                if key in config and isinstance(value, dict):
                    config[key].update(value)
                else:
                    config[key] = value
    for number, (key, kind) in _UNMODELLED.items():
        value = _proto_value(kind, fields.get(number, []))
        if key == "timer":
            value = int(bool(value))  # the legacy JSON's timer is a number (0 or 1)
        group, _, name = key.rpartition(".")
        (config[group] if group else config)[name] = value
    if 18 in fields or 19 in fields:  # the graduating intervals (good, easy)
        good, easy = (_proto_value("int", fields.get(n, [])) for n in (18, 19))
        config["new"]["ints"] = [good, easy, 0]
    return config


def _kept(config: dict[str, Any]) -> str:
    """A preset's options as kept: JSON, or none when it is too large to be a real one."""
    text = json.dumps(config, sort_keys=True)
    return text if len(text) <= MAX_CONFIG else "{}"


@dataclass(frozen=True)
class _Raw:
    """A preset's values as read, before they are checked."""

    learn: list[float]
    relearn: list[float]
    new_per_day: object
    reviews_per_day: object
    max_ivl: object
    retention: float | None
    bury: tuple[object, object, object]
    fsrs: tuple[float, ...]
    leech: tuple[object, object]  # threshold, action
    orders: tuple[object, object, object]  # gather, sort, insertion


def _order(value: object, supported: tuple[int, ...]) -> int:
    """An order Anki numbers, if the queue can follow it; else Anki's default (0)."""
    number = clamp_int(value, 0, 100, 0)
    return number if number in supported else 0


def _preset_settings(raw: _Raw) -> DeckSettings:
    """Our options from an Anki preset's values, each clamped into the range we accept."""
    retention = raw.retention
    if retention is None or not math.isfinite(retention) or retention <= 0:
        retention = DeckSettings().desired_retention  # none set (0), or not a number
    max_ivl = raw.max_ivl
    return DeckSettings(
        desired_retention=round(min(max(retention, 0.7), 0.99), 4),
        new_per_day=clamp_int(raw.new_per_day, 0, MAX_PER_DAY, 0),
        reviews_per_day=clamp_int(raw.reviews_per_day, 0, MAX_PER_DAY, 0),
        learning_steps=_steps_text(raw.learn),
        relearning_steps=_steps_text(raw.relearn),
        maximum_interval=clamp_int(max_ivl, 1, MAX_DAYS, MAX_DAYS) if max_ivl else MAX_DAYS,
        bury_new=bool(raw.bury[0]),
        bury_reviews=bool(raw.bury[1]),
        bury_interday=bool(raw.bury[2]),
        leech_threshold=clamp_int(raw.leech[0], 0, MAX_PER_DAY, 0),
        leech_suspend=clamp_int(raw.leech[1], 0, 1, LEECH_TAG_ONLY) != LEECH_TAG_ONLY,
        new_gather_order=_order(raw.orders[0], tuple(range(NewGather.DECK_THEN_RANDOM_NOTES + 1))),
        new_sort_order=_order(raw.orders[1], tuple(range(NewSort.RANDOM_CARD + 1))),
        new_insert_order=_order(raw.orders[2], (0, 1)),
        fsrs_params=raw.fsrs,
    )


def anki_id_of(preset: Mapping[Any, Any]) -> int:
    """The id one of our presets (a ``preset`` row) has in Anki: what export writes, import knows.

    Anki's importer adds a preset whose id it does not have and never changes one it has. So:
    our Default with Anki's standard options is Anki's Default (1); a preset from Anki not
    changed here since goes back under its own id; any other gets an id derived from it and
    its options, so that Anki adds it as it is now (and re-importing it here finds it).
    """
    settings = DeckSettings.from_columns(preset)
    if preset["id"] == DEFAULT_PRESET_ID and settings == DeckSettings():
        return ANKI_DEFAULT_PRESET_ID
    anki_id = preset["anki_preset_id"]
    if anki_id not in (None, ANKI_DEFAULT_PRESET_ID) and preset["anki_modified"] is not None:
        return int(anki_id)
    key = [preset["uid"] or preset["id"], preset["name"], settings.columns()]
    if settings.easy_days:  # (only then: the ids of presets without easy days stay as they were)
        key.append(list(settings.easy_days))
    return stable_id("flashcards/preset/" + json.dumps(key, sort_keys=True))


def _when(seconds: object) -> datetime:
    """An Anki modification time (seconds) as a time; the epoch when there is none."""
    return datetime.fromtimestamp(clamp_int(seconds, 0, 4_102_444_800, 0), UTC)


def read_presets(db: sqlite3.Connection, tables: set[str]) -> dict[int, AnkiPreset]:
    """The option presets of the collection (Anki's deck configs), by id.

    A preset that cannot be read is left out (its decks get our defaults).
    """
    out: dict[int, AnkiPreset] = {}
    if "deck_config" in tables:
        # A real preset is under a kilobyte; a larger one is not read (it would cost time).
        for pid, name, mtime, config in db.execute(
            "SELECT id, name, mtime_secs, config FROM deck_config WHERE length(config) <= 65536"
        ):
            key = clamp_int(pid, -INT64 - 1, INT64, 0)
            try:
                fields = protobuf_fields(config if isinstance(config, bytes) else b"")
                first = {k: v[0] for k, v in fields.items() if v}
                retention = _floats(fields.get(37, []))
                # The field numbers of Anki's deck_config.proto (DeckConfig.Config).
                settings = _preset_settings(
                    _Raw(
                        learn=_floats(fields.get(1, [])),
                        relearn=_floats(fields.get(2, [])),
                        new_per_day=first.get(9, 0),
                        reviews_per_day=first.get(10, 0),
                        max_ivl=first.get(16, 0),
                        retention=retention[0] if retention else None,
                        bury=(first.get(27, 0), first.get(28, 0), first.get(29, 0)),
                        fsrs=_fsrs_params(_floats(fields.get(6, [])), _floats(fields.get(5, []))),
                        leech=(first.get(22, 0), first.get(21, 0)),
                        orders=(first.get(34, 0), first.get(32, 0), first.get(20, 0)),
                    )
                )
                config = _kept(_proto_config(fields))
            except (InputError, struct.error):
                continue
            settings = replace(settings, easy_days=easy_days_of(config))
            out[key] = AnkiPreset(key, str(name)[:MAX_PRESET_NAME], settings, _when(mtime), config)
        return out
    if "dconf" not in {c[1] for c in db.execute("PRAGMA table_info(col)")}:
        return out
    confs = json_object(db.execute("SELECT dconf FROM col").fetchone()[0])
    for pid, conf in confs.items():
        if not isinstance(conf, dict):
            continue
        new, rev, lapse = (conf.get(k) for k in ("new", "rev", "lapse"))
        new = new if isinstance(new, dict) else {}
        rev = rev if isinstance(rev, dict) else {}
        lapse = lapse if isinstance(lapse, dict) else {}
        # The legacy insertion order: new.order 0 is random, 1 in order of addition (due).
        insertion = 1 if new.get("order", 1) == 0 else 0
        settings = _preset_settings(
            _Raw(
                learn=_number_list(new.get("delays")),
                relearn=_number_list(lapse.get("delays")),
                new_per_day=new.get("perDay", 0),
                reviews_per_day=rev.get("perDay", 0),
                max_ivl=rev.get("maxIvl", 0),
                retention=finite(conf.get("desiredRetention")),
                bury=(new.get("bury"), rev.get("bury"), conf.get("buryInterdayLearning")),
                fsrs=_fsrs_params(
                    _number_list(conf.get("fsrsParams6")), _number_list(conf.get("fsrsParams5"))
                ),
                leech=(lapse.get("leechFails", 8), lapse.get("leechAction", LEECH_TAG_ONLY)),
                orders=(conf.get("newGatherPriority", 0), conf.get("newSortOrder", 0), insertion),
            )
        )
        try:
            key = int(pid)
        except ValueError:
            continue
        name = str(conf.get("name", ""))[:MAX_PRESET_NAME]
        kept = _kept(conf)
        settings = replace(settings, easy_days=easy_days_of(kept))
        out[key] = AnkiPreset(key, name, settings, _when(conf.get("mod", 0)), kept)
    return out
