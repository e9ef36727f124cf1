"""Work done on the collection between a sync's steps (the app answers cards while it syncs)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from flashcards.core.sync.client import SyncRun, sync
from flashcards.core.tables import LOG
from tests.sync.devices import T0, device


def test_an_answer_taking_the_row_of_one_undone_mid_sync_still_goes_up(
    tmp_path: Path, server_url: str
) -> None:
    # Reviews are marked sent by row id (in id order, for speed) and uid: an answer undone
    # after the sync read it leaves its row id to the next answer, which was never sent.
    a, b = device(tmp_path, "a"), device(tmp_path, "b")
    a.notes.add("Words", "basic", "front", "back", T0, uid="w1")
    sync(a, server_url, T0 + timedelta(minutes=1))
    card = a.notes.get(a.notes.ids()[0]).card_ids[0]
    t = T0 + timedelta(hours=1)
    with a.undo.answer():
        first = a.sched.answer(card, 3, t).value.review_id

    run = SyncRun(a, server_url, t + timedelta(minutes=1))
    steps = {step.name: step for step in run.steps()}
    try:
        for name in ("prepare", "schema", "media", "pull", "merge", "read"):
            run.run(steps[name])
        assert a.undo.undo().value is not None  # the answer read for the push is taken back
        second = a.sched.answer(card, 1, t + timedelta(minutes=2)).value.review_id
        assert second == first  # SQLite gave the new answer the freed row id
        for name in ("push", "record"):
            run.run(steps[name])
    finally:
        run.close()

    with a.engine.connect() as conn:
        uid, usn = conn.execute(select(LOG.c.uid, LOG.c.usn).where(LOG.c.id == second)).one()
    assert usn == -1  # not sent yet: the next sync sends it
    sync(a, server_url, t + timedelta(minutes=3))
    sync(b, server_url, t + timedelta(minutes=4))
    with b.engine.connect() as conn:
        found = conn.execute(select(LOG.c.rating).where(LOG.c.uid == uid)).scalars().all()
    assert found == [1]
    a.close()
    b.close()
