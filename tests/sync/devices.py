"""Helpers for the sync tests: devices (collections) and what must be equal after a sync."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from flashcards.core import scheduling
from flashcards.core.collection import Collection, open_collection
from flashcards.core.db import sqlite_url
from flashcards.core.presets import OPTION_COLUMNS
from flashcards.core.sync import derived
from flashcards.core.tables import CARD, DECK, LOG, NOTE, PRESET

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def device(tmp_path: Path, name: str) -> Collection:
    folder = tmp_path / name
    folder.mkdir(parents=True, exist_ok=True)
    return open_collection(sqlite_url(folder / "collection.db"), tz=UTC)


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def state(col: Collection) -> dict[str, Any]:
    """Everything sync must make equal, keyed by global ids (no local row ids)."""
    with col.engine.connect() as conn:
        # Each deck with the uid of its preset; each preset with its name and every option.
        decks = {
            r.uid: (r.name, r.description, r.preset_uid)
            for r in conn.execute(
                select(
                    DECK.c.uid, DECK.c.name, DECK.c.description, PRESET.c.uid.label("preset_uid")
                ).join(PRESET, PRESET.c.id == DECK.c.preset_id)
            )
        }
        options = {
            r.uid: (r.name, _iso(r.modified), *(r._mapping[c] for c in OPTION_COLUMNS))
            for r in conn.execute(select(PRESET))
        }
        notes = {
            r.uid: (r.name, r.kind, r.front, r.back, r.tags, _iso(r.modified))
            for r in conn.execute(
                select(
                    NOTE.c.uid,
                    DECK.c.name,
                    NOTE.c.kind,
                    NOTE.c.front,
                    NOTE.c.back,
                    NOTE.c.tags,
                    NOTE.c.modified,
                ).join(DECK, DECK.c.id == NOTE.c.deck_id)
            )
        }
        cards = {
            f"{r.uid}/{r.ord}": (
                r.name,
                r.state,
                r.step,
                r.stability,
                r.difficulty,
                _iso(r.due),
                _iso(r.last_review),
                r.reps,
                r.lapses,
                r.suspended,
                r.flags,
            )
            for r in conn.execute(
                select(NOTE.c.uid, CARD, DECK.c.name)
                .select_from(CARD)
                .join(NOTE, NOTE.c.id == CARD.c.note_id)
                .join(DECK, DECK.c.id == CARD.c.deck_id)
            )
        }
        logs = {
            r.uid: (f"{r.note_uid}/{r.ord}", r.rating, _iso(r.reviewed_at), r.duration_ms)
            for r in conn.execute(
                select(
                    LOG.c.uid,
                    NOTE.c.uid.label("note_uid"),
                    CARD.c.ord,
                    LOG.c.rating,
                    LOG.c.reviewed_at,
                    LOG.c.duration_ms,
                )
                .select_from(LOG)
                .join(CARD, CARD.c.id == LOG.c.card_id)
                .join(NOTE, NOTE.c.id == CARD.c.note_id)
            )
        }
    return {"decks": decks, "options": options, "notes": notes, "cards": cards, "logs": logs}


def full_replay_differences(col: Collection) -> dict[int, tuple[Any, Any]]:
    """Cards whose state is not that of replaying their whole review log: id -> (has, replay).

    Every card with a rated review is replayed from scratch (``derived.replay_cards``) in a
    transaction that is then rolled back, so the collection is left as it was.
    """
    day = scheduling.LearnerDay(col.config.tz, col.config.day_start_hour)
    with col.engine.connect() as conn:
        trans = conn.begin()
        try:
            ids = [
                int(r[0])
                for r in conn.execute(
                    select(LOG.c.card_id).where(LOG.c.rating.between(1, 4)).distinct()
                )
            ]
            before = derived.card_memories(conn, ids)
            replayed = derived.replay_cards(conn, ids, day)
        finally:
            trans.rollback()
    return {i: (before[i], replayed[i][0]) for i in ids if before[i] != replayed[i][0]}


def answer_due(col: Collection, now: datetime, ratings: list[int]) -> list[str]:
    """Answer the cards due now with ``ratings`` in turn; returns the review uids logged."""
    done = []
    for rating in ratings:
        card = col.sched.next_card(now)
        if card is None:
            break
        result = col.sched.answer(card.card_id, rating, now).value
        with col.engine.connect() as conn:
            uid = conn.execute(select(LOG.c.uid).where(LOG.c.id == result.review_id)).scalar_one()
        done.append(str(uid))
    return done


def killed_mid_sync(
    tmp_path: Path, col: Collection, name: str, server_url: str, now: datetime, step: str
) -> Collection:
    """Close ``col``, sync it in a child killed with SIGKILL at ``step``, and open it again.

    The child (:mod:`tests.sync.kill_sync`) syncs at ``now`` and kills itself once ``step`` is
    done; the device ``name`` is opened again as it was left.
    """
    path = col.engine.url.database
    col.close()
    child = subprocess.run(
        [sys.executable, "-m", "tests.sync.kill_sync", str(path), server_url]
        + [now.isoformat(), step],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == -9, child.stderr  # SIGKILL
    return device(tmp_path, name)
