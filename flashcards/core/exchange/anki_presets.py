"""Anki's deck option presets, read from a package's collection into our deck settings.

Both of Anki's shapes: the JSON of ``col.dconf`` (schema 11) and the ``deck_config`` table's
protobuf (schema 18); learning steps, limits, desired retention, maximum interval, bury options
and FSRS parameters (FSRS-6, or FSRS-5 completed), every number checked and clamped.
"""

from __future__ import annotations

import math
import sqlite3
import struct

from flashcards.core import scheduling
from flashcards.core.decks import DeckSettings
from flashcards.core.errors import InputError
from flashcards.core.exchange.common import (
    INT64,
    MAX_DAYS,
    clamp_int,
    finite,
    json_object,
    protobuf_fields,
)

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


def _preset_settings(
    learn: list[float],
    relearn: list[float],
    new_per_day: object,
    reviews_per_day: object,
    max_ivl: object,
    retention: float | None,
    bury: tuple[object, object, object],
    fsrs: tuple[float, ...],
) -> DeckSettings:
    """Our options from an Anki preset's values, each clamped into the range we accept."""
    if retention is None or not math.isfinite(retention) or retention <= 0:
        retention = DeckSettings().desired_retention  # none set (0), or not a number
    return DeckSettings(
        desired_retention=round(min(max(retention, 0.7), 0.99), 4),
        new_per_day=clamp_int(new_per_day, 0, MAX_PER_DAY, 0),
        reviews_per_day=clamp_int(reviews_per_day, 0, MAX_PER_DAY, 0),
        learning_steps=_steps_text(learn),
        relearning_steps=_steps_text(relearn),
        maximum_interval=clamp_int(max_ivl, 1, MAX_DAYS, MAX_DAYS) if max_ivl else MAX_DAYS,
        bury_new=bool(bury[0]),
        bury_reviews=bool(bury[1]),
        bury_interday=bool(bury[2]),
        fsrs_params=fsrs,
    )


def read_presets(db: sqlite3.Connection, tables: set[str]) -> dict[int, tuple[str, DeckSettings]]:
    """The option presets of the collection (Anki's deck configs), by id: name and options.

    A preset that cannot be read is left out (its decks get our defaults).
    """
    out: dict[int, tuple[str, DeckSettings]] = {}
    if "deck_config" in tables:
        # A real preset is under a kilobyte; a larger one is not read (it would cost time).
        for pid, name, config in db.execute(
            "SELECT id, name, config FROM deck_config WHERE length(config) <= 65536"
        ):
            key = clamp_int(pid, -INT64 - 1, INT64, 0)
            try:
                fields = protobuf_fields(config if isinstance(config, bytes) else b"")
                first = {k: v[0] for k, v in fields.items() if v}
                retention = _floats(fields.get(37, []))
                settings = _preset_settings(
                    _floats(fields.get(1, [])),
                    _floats(fields.get(2, [])),
                    first.get(9, 0),
                    first.get(10, 0),
                    first.get(16, 0),
                    retention[0] if retention else None,
                    (first.get(27, 0), first.get(28, 0), first.get(29, 0)),
                    _fsrs_params(_floats(fields.get(6, [])), _floats(fields.get(5, []))),
                )
            except (InputError, struct.error):
                continue
            out[key] = (str(name)[:MAX_PRESET_NAME], settings)
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
        settings = _preset_settings(
            _number_list(new.get("delays")),
            _number_list(lapse.get("delays")),
            new.get("perDay", 0),
            rev.get("perDay", 0),
            rev.get("maxIvl", 0),
            finite(conf.get("desiredRetention")),
            (new.get("bury"), rev.get("bury"), conf.get("buryInterdayLearning")),
            _fsrs_params(
                _number_list(conf.get("fsrsParams6")), _number_list(conf.get("fsrsParams5"))
            ),
        )
        try:
            key = int(pid)
        except ValueError:
            continue
        out[key] = (str(conf.get("name", ""))[:MAX_PRESET_NAME], settings)
    return out
