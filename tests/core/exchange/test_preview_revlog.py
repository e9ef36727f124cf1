"""Preview answers go to Anki as its cramming entries (type 3, factor 0) and come back as such."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from anki.collection import Collection as AnkiCollection
from anki.collection import ExportAnkiPackageOptions
from exchange_helpers import anki_import
from sqlalchemy import select

from flashcards.core import exchange
from flashcards.core.collection import Collection, open_collection
from flashcards.core.db import sqlite_url
from flashcards.core.scheduler.custom_study import SESSION_NAME, Kind
from flashcards.core.tables import LOG

MINUTE = timedelta(minutes=1)


def _previewed(col: Collection, now: datetime) -> None:
    """A review card forgotten today, then previewed: Again, then Good (home)."""
    col.notes.add("P", "basic", "忘却", "forgetting", now - timedelta(days=20))
    card_id = col.notes.get(col.notes.ids("P")[0]).card_ids[0]
    col.sched.answer(card_id, 4, now - timedelta(days=20))
    col.sched.answer(card_id, 1, now - timedelta(hours=2))
    col.sched.answer(card_id, 4, now - timedelta(hours=1))
    col.sched.custom_study("P", Kind.FORGOT, now, days=1)
    assert col.sched.next_card(now, SESSION_NAME) is not None
    col.sched.answer(card_id, 1, now, duration_ms=3000)
    col.sched.answer(card_id, 3, now + 2 * MINUTE, duration_ms=2000)


def _log(col: Collection) -> list[tuple[int, bool]]:
    with col.engine.connect() as conn:
        rows = conn.execute(select(LOG.c.rating, LOG.c.preview).order_by(LOG.c.reviewed_at))
        return [(int(r[0]), bool(r[1])) for r in rows]


def test_preview_answers_go_to_anki_as_cramming_and_come_back_as_previews(
    col: Collection, anki: Callable[[], AnkiCollection], now: datetime, tmp_path: Path
) -> None:
    _previewed(col, now)
    ours = _log(col)
    assert ours == [(4, False), (1, False), (4, False), (1, True), (3, True)]
    card = col.cards.rows(col.notes.get(col.notes.ids("P")[0]).card_ids)[0]
    out = tmp_path / "preview.apkg"
    exchange.export_apkg(col, out, now + 3 * MINUTE, with_progress=True)
    acol = anki()
    anki_import(acol, out, scheduling=True)
    assert acol.db is not None
    rows = acol.db.all("select ease, ivl, factor, time, type from revlog order by id")
    # The three answers as Anki logs them; the previews as its cramming entries.
    assert [r[4] for r in rows] == [0, 1, 2, 3, 3]
    assert rows[3] == [1, -60, 0, 3000, 3] and rows[4] == [3, 0, 0, 2000, 3]
    assert all(r[2] > 0 for r in rows[1:3])
    # Anki's card is the one at home: the previews changed nothing of it.
    day = col.config.learner_day
    assert (
        acol.db.scalar("select ivl from cards")
        == (day(card["due"]) - day(card["last_review"])).days
    )
    # Back from Anki into another collection: the previews are previews again.
    back = tmp_path / "back.apkg"
    acol.export_anki_package(
        out_path=str(back),
        options=ExportAnkiPackageOptions(with_scheduling=True, legacy=False, with_media=False),
        limit=None,
    )
    other = open_collection(sqlite_url(tmp_path / "other.db"))
    try:
        exchange.import_file(other, back, now + 5 * MINUTE)
        assert _log(other) == ours
        # Imported again: nothing doubled.
        exchange.import_file(other, back, now + 6 * MINUTE)
        assert _log(other) == ours
    finally:
        other.close()
