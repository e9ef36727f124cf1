"""Deletions to send to the sync server, written by the managers that delete."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from flashcards.core.models import SyncGrave, SyncShadow, table_of
from flashcards.core.tables import DECK, NOTE, PRESET

GRAVE = table_of(SyncGrave)
SHADOW = table_of(SyncShadow)


def record_graves(conn: Connection, kind: str, ids: Sequence[int]) -> None:
    """Record the deletion of decks, notes or presets (by local id) that were synced, before it.

    Objects never synced (or in a collection that never syncs) leave nothing behind.
    """
    source = {"deck": DECK, "note": NOTE, "preset": PRESET}[kind]
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        uids = select(source.c.uid).where(source.c.id.in_(chunk), source.c.uid.is_not(None))
        synced = {
            str(r[0])
            for r in conn.execute(
                select(SHADOW.c.uid).where(SHADOW.c.kind == kind, SHADOW.c.uid.in_(uids))
            )
        }
        have = {
            str(r[0])
            for r in conn.execute(
                select(GRAVE.c.uid).where(GRAVE.c.kind == kind, GRAVE.c.uid.in_(synced))
            )
        }
        if synced - have:
            conn.execute(insert(GRAVE), [{"kind": kind, "uid": u} for u in sorted(synced - have)])
