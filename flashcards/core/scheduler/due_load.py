"""The cards due on each of the next days, per preset, kept for the load balancer.

Counting them costs a range scan (62 ms over the 50,000 reviews of a 100,000-card
collection), so, as Anki's ``LoadBalancer`` is built with the queue and told of each answer,
the counts are read once per group of decks and day, and each answer moves its card from its
old day to its new one. The scheduler drops them with its queue (any change but its own
answers) and at the rollover.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.engine import Connection

from flashcards.core import queue
from flashcards.core.enums import CardState
from flashcards.core.scheduler import load_balance
from flashcards.core.scheduling import LearnerDay

_WITH_DUE_DAY = (CardState.LEARNING, CardState.RELEARNING, CardState.REVIEW)


class DueLoad:
    """Today's counts of cards due on each day ahead, per group of decks (a preset)."""

    def __init__(self, day: LearnerDay, now: datetime) -> None:
        self.day_start = day.bounds(now)[0]
        self.today: date = day.date_of(now)
        # One more start than days: the end of the last day.
        self._starts = [day.start_after(now, i) for i in range(load_balance.DAYS + 1)]
        self._counts: dict[tuple[int, ...], list[int]] = {}

    def _index(self, due: datetime) -> int | None:
        if not self._starts[0] <= due < self._starts[-1]:
            return None
        return bisect_right(self._starts, due) - 1

    def due_days(
        self, conn: Connection, decks: Sequence[int], note_id: int | None
    ) -> load_balance.DueDays:
        """What the balancer needs for a card of ``decks``' preset; siblings if ``note_id``."""
        key = tuple(decks)
        counts = self._counts.get(key)
        if counts is None:
            counts = self._counts[key] = list(queue.due_per_day(conn, decks, self._starts))
        siblings = (
            frozenset() if note_id is None else queue.note_due_days(conn, note_id, self._starts)
        )
        return load_balance.DueDays(self.today, tuple(counts), siblings)

    def moved(
        self,
        decks: Sequence[int],
        before: tuple[int, datetime] | None,
        after: tuple[int, datetime] | None,
    ) -> None:
        """An answer moved a card of ``decks`` from (state, due) ``before`` to ``after``.

        None: the card was not, or is no longer, counted there (it is in a filtered deck).
        """
        counts = self._counts.get(tuple(decks))
        if counts is None:
            return
        for change, point in ((-1, before), (1, after)):
            if point is None or point[0] not in _WITH_DUE_DAY:
                continue
            index = self._index(point[1])
            if index is not None:
                counts[index] = max(0, counts[index] + change)
