"""Preview mode: custom study that does not reschedule, as Anki's filtered decks without it.

Read from Anki's ``rslib/src/scheduler/states/preview_filter.rs`` and ``answering/preview.rs``.

Anki builds "review forgotten cards", "preview new cards" and "all cards in random order (don't
reschedule)" as such decks. An answer there leaves the card's schedule (state, memory, due,
counts) as it was at home; it only decides when the card is shown again in the session: after
the deck's preview delays, which custom study leaves at Anki's defaults (Again 1 minute, Hard 10
minutes, Good 0: back home, as Easy always is). The answer is logged as a preview row
(``reviewlog.preview``, Anki's revlog type 3 with factor 0), which FSRS, sync's replay and the
optimiser pass over.

The card's row is never written while it waits: the time it is shown again is the last
preview answer's time plus its delay, read back from the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select, true
from sqlalchemy.engine import Connection

from flashcards.core.scheduler import custom_study as custom
from flashcards.core.tables import LOG

#: Anki's preview delays of a filtered deck (its defaults, which custom study keeps), by
#: rating; 0 sends the card home.
DELAYS = {1: timedelta(minutes=1), 2: timedelta(minutes=10), 3: timedelta(0), 4: timedelta(0)}
#: The custom study kinds that Anki builds without rescheduling.
KINDS = frozenset({custom.Kind.FORGOT, custom.Kind.PREVIEW_NEW, custom.Kind.TAG_ALL})


def is_preview(session: custom.Session | None) -> bool:
    """Whether answers in this custom study session are previews."""
    return session is not None and session.kind in KINDS


def label(rating: int) -> str:
    """A preview button's label, as Anki's (``1m``-style delays; ``(end)``: back home)."""
    delay = DELAYS[rating]
    return f"{int(delay.total_seconds() // 60)}m" if delay else "(end)"


def waiting(conn: Connection, deck_id: int, card_ids: Sequence[int]) -> dict[int, datetime]:
    """When each card previewed in the filtered deck ``deck_id`` is to be shown again.

    Only cards whose last preview answer there set a delay (Again, Hard) are listed.
    """
    last = (
        select(LOG.c.card_id, func.max(LOG.c.id).label("id"))
        .where(LOG.c.deck_id == deck_id, LOG.c.preview == true())
        .where(LOG.c.card_id.in_(list(card_ids)))
        .group_by(LOG.c.card_id)
        .subquery()
    )
    rows = conn.execute(
        select(LOG.c.card_id, LOG.c.rating, LOG.c.reviewed_at).join(last, last.c.id == LOG.c.id)
    ).all()
    return {
        int(card_id): at + DELAYS[int(rating)]
        for card_id, rating, at in rows
        if DELAYS.get(int(rating))
    }
