"""The card manager: raw card rows for views that list cards."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, select

from flashcards.core.tables import CARD


class CardManager:
    """Reading cards (scheduling changes go through the scheduler).

    Args:
        engine: The collection's engine.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def rows(self, card_ids: Sequence[int]) -> list[dict[str, Any]]:
        """Raw card columns (as dicts) for the given ids, in the order asked."""
        by_id: dict[int, dict[str, Any]] = {}
        with self._engine.connect() as conn:
            for start in range(0, len(card_ids), 500):
                chunk = list(card_ids[start : start + 500])
                for r in conn.execute(select(CARD).where(CARD.c.id.in_(chunk))).mappings():
                    by_id[int(r["id"])] = dict(r)
        return [by_id[i] for i in card_ids if i in by_id]
