"""Undo the last action, as Anki's Edit → Undo, each named ("Undo Suspend").

An answer, a bury, a suspend, a flag, an edit or a deletion can be taken back.

Each undoable action is recorded around the mutation that does it: the rows it may change are
read before (the cards' rows for a bury or a suspend; the notes with their cards and review
history for an edit or a deletion), and undoing writes them back exactly, in one transaction.
An answer is undone by the scheduler, which keeps what each answer changed in its log row
(:meth:`flashcards.core.scheduler.Scheduler.undo`). Steps are undone last first; the stack lives
as long as the collection is open (as Anki's), and an action that cannot be undone (an import,
a sync) clears it, so that no step is undone over changes it did not see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from flashcards.core.changes import Change, OpResult, announce
from flashcards.core.tables import CARD, LOG, NOTE

if TYPE_CHECKING:
    from flashcards.core.collection import Collection

#: Steps kept (Anki keeps 30).
MAX_STEPS = 30
_CHUNK = 500


@dataclass(frozen=True)
class Undone:
    """What an undo did: the action's name, and the card to show again (an answer's)."""

    name: str
    card_id: int | None = None


@dataclass
class _Step:
    name: str
    restore: Callable[[Connection], None] | None  # None: an answer (the scheduler's undo)
    changes: Change


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield list(ids[start : start + _CHUNK])


def _rows(conn: Connection, table: Any, column: Any, ids: Sequence[int]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for chunk in _chunks(ids):
        out += [dict(r) for r in conn.execute(select(table).where(column.in_(chunk))).mappings()]
    return out


class UndoStack:
    """The collection's undo steps (``col.undo``).

    Args:
        col: The collection whose actions are recorded.
    """

    def __init__(self, col: Collection) -> None:
        self._col = col
        self._steps: list[_Step] = []
        self._recording = 0  # inside a recorded action (or an undo): its changes are ours
        col.add_listener(self._on_change)

    def _on_change(self, change: Change) -> None:
        """Any change not recorded here (an import, an edit elsewhere) ends what can be undone.

        A step restores the rows as they were before it; undoing it over a later change it
        did not see would take that change back too (an import's reviews, say).
        """
        if not self._recording and change:
            self._steps.clear()

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        self._recording += 1
        try:
            yield
        finally:
            self._recording -= 1

    @property
    def name(self) -> str | None:
        """The name of the action Undo would take back ("Suspend"), or None."""
        return self._steps[-1].name if self._steps else None

    def clear(self) -> None:
        """Forget every step (after an action that cannot be undone)."""
        self._steps.clear()

    def _push(self, step: _Step) -> None:
        self._steps.append(step)
        del self._steps[:-MAX_STEPS]

    @contextmanager
    def answer(self) -> Iterator[None]:
        """Record an answer given inside the block.

        The scheduler undoes it: it keeps what each answer changed in its log row.
        """
        with self._quiet():
            yield
        self._push(_Step("Answer", None, Change.REVIEWS | Change.CARDS))

    @contextmanager
    def cards(self, name: str, card_ids: Sequence[int]) -> Iterator[None]:
        """Record an action that changes only these cards' rows (bury, suspend, flag...).

        The rows are read before the action runs inside the ``with`` block; the step is kept
        only when the block ends without an error.
        """
        ids = list(dict.fromkeys(card_ids))
        with self._col.engine.connect() as conn:
            before = _rows(conn, CARD, CARD.c.id, ids)
        with self._quiet():
            yield

        def restore(conn: Connection) -> None:
            for row in before:
                values = {k: v for k, v in row.items() if k != "id"}
                conn.execute(update(CARD).where(CARD.c.id == row["id"]).values(**values))

        self._push(_Step(name, restore, Change.CARDS))

    @contextmanager
    def notes(self, name: str, note_ids: Sequence[int]) -> Iterator[None]:
        """Record an action on whole notes (an edit, a deletion): notes, cards and history.

        Undo puts back exactly the rows these notes had: a card the action added goes, a
        card or review it deleted comes back with its id.
        """
        ids = list(dict.fromkeys(note_ids))
        with self._col.engine.connect() as conn:
            notes = _rows(conn, NOTE, NOTE.c.id, ids)
            cards = _rows(conn, CARD, CARD.c.note_id, ids)
            logs = _rows(conn, LOG, LOG.c.card_id, [int(c["id"]) for c in cards])
        with self._quiet():
            yield

        def restore(conn: Connection) -> None:
            for chunk in _chunks(ids):
                now_cards = select(CARD.c.id).where(CARD.c.note_id.in_(chunk))
                conn.execute(delete(LOG).where(LOG.c.card_id.in_(now_cards)))
                conn.execute(delete(CARD).where(CARD.c.note_id.in_(chunk)))
                conn.execute(delete(NOTE).where(NOTE.c.id.in_(chunk)))
            for table, rows in ((NOTE, notes), (CARD, cards), (LOG, logs)):
                if rows:
                    conn.execute(insert(table), rows)

        self._push(
            _Step(name, restore, Change.NOTES | Change.CARDS | Change.REVIEWS | Change.DECKS)
        )

    def undo(self) -> OpResult[Undone | None]:
        """Take back the last action; None when there is nothing to undo.

        Returns:
            The action's name and, for an answer, the card answered; the changes the action
            made (taken back).
        """
        if not self._steps:
            return OpResult(None, Change(0))
        step = self._steps.pop()
        with self._quiet():
            if step.restore is None:
                card_id = self._col.sched.undo().value
                if card_id is None:  # its review was deleted meanwhile: nothing came back
                    return OpResult(None, Change(0))
                return OpResult(Undone(step.name, card_id), step.changes)
            with self._col.engine.begin() as conn:
                step.restore(conn)
            return announce(self._col.notify, Undone(step.name), step.changes)


__all__ = ["MAX_STEPS", "UndoStack", "Undone"]
