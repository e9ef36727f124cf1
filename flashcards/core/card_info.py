"""What the browser shows about cards besides its search rows: Card Info, answers, tags.

* :func:`card_info`: everything Anki's Card Info shows of one card, with its review log;
* :func:`browse_extras`: each card's answer (as text), card type, tags and whether the note
  is marked (Anki's ``marked`` tag), for the browser's columns and row colours;
* :func:`all_tags`: every tag in use, for the browser's sidebar.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from flashcards.core import anki_types, scheduling
from flashcards.core.collection import Collection
from flashcards.core.enums import RESET_RATING, CardState, NoteKind
from flashcards.core.errors import NotFoundError
from flashcards.core.models import utcnow_guard
from flashcards.core.queue import card_with_note
from flashcards.core.render import faces_of_row
from flashcards.core.shipped_notetypes import NAMES
from flashcards.core.tables import CARD, LOG, NOTE, NOTETYPE

#: Anki's tag for a marked note.
MARKED_TAG = "marked"

STATE_NAMES = {
    CardState.NEW: "New",
    CardState.LEARNING: "Learning",
    CardState.REVIEW: "Review",
    CardState.RELEARNING: "Relearning",
}


@dataclass(frozen=True)
class ReviewEntry:
    """One answer of a card's review log, as Card Info lists it."""

    reviewed_at: datetime
    rating: int
    #: The card's state before the answer (its kind: learn, review, relearn).
    state_before: int
    interval_days: float
    stability: float | None
    difficulty: float | None
    duration_ms: int


@dataclass(frozen=True)
class CardInfo:
    """One card as Anki's Card Info shows it (times are UTC)."""

    card_id: int
    note_id: int
    added: datetime
    first_review: datetime | None
    last_review: datetime | None
    due: datetime
    state: int
    suspended: bool
    buried: bool
    interval_days: float | None
    stability: float | None
    difficulty: float | None
    retrievability: float | None
    reviews: int
    lapses: int
    average_ms: int | None
    total_ms: int
    card_type: str
    note_type: str
    deck: str
    question: str
    log: tuple[ReviewEntry, ...]


@dataclass(frozen=True)
class BrowseExtra:
    """What the browser shows of a card besides its :class:`~flashcards.core.search.BrowseRow`."""

    answer: str
    card_type: str
    tags: tuple[str, ...]
    marked: bool


def _notetype_name(config: str | None, kind: str) -> str:
    if config is not None:
        notetype = anki_types.notetype_of(config)
        if notetype is not None:
            return notetype.name
    return NAMES.get(kind, kind)  # the shipped type's name, as the catalog gives it


def card_type_name(kind: str, ord_: int, notetype_config: str | None = None) -> str:
    """The name of a card's template: an Anki note type's own, else Card 1/Card 2/Cloze N."""
    if notetype_config is not None:
        notetype = anki_types.notetype_of(notetype_config)
        if notetype is not None:
            if notetype.kind == "cloze":
                return f"Cloze {ord_ + 1}"
            if 0 <= ord_ < len(notetype.templates):
                return notetype.templates[ord_].name
    if kind == NoteKind.CLOZE.value:
        return f"Cloze {ord_ + 1}"
    return f"Card {ord_ + 1}"


def _tags(text: str) -> tuple[str, ...]:
    return tuple(t for t in str(text).split() if t)


def _one_line(text: str, limit: int = 200) -> str:
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def browse_extras(col: Collection, card_ids: Sequence[int]) -> dict[int, BrowseExtra]:
    """Each card's answer as one line of text, card type, tags and whether it is marked."""
    decks = col.decks.names()
    out: dict[int, BrowseExtra] = {}
    with col.engine.connect() as conn:
        for start in range(0, len(card_ids), 500):
            chunk = list(card_ids[start : start + 500])
            for r in conn.execute(card_with_note().where(CARD.c.id.in_(chunk))):
                tags = _tags(r.tags)
                faces = faces_of_row(r, decks.get(int(r.deck_id), ""))
                out[int(r.id)] = BrowseExtra(
                    answer=_one_line(faces.answer),
                    card_type=card_type_name(r.kind, int(r.ord), r.anki_config),
                    tags=tags,
                    marked=any(t.lower() == MARKED_TAG for t in tags),
                )
    return out


def all_tags(col: Collection) -> list[str]:
    """Every tag of every note, once, sorted case-insensitively."""
    seen: dict[str, str] = {}
    with col.engine.connect() as conn:
        for (text,) in conn.execute(select(NOTE.c.tags).where(NOTE.c.tags != "").distinct()):
            for tag in _tags(text):
                seen.setdefault(tag.lower(), tag)
    return sorted(seen.values(), key=str.lower)


def card_info(col: Collection, card_id: int, now: datetime) -> CardInfo:
    """Everything Card Info shows of one card, its review log newest first.

    Raises:
        NotFoundError: If there is no such card.
    """
    now = utcnow_guard(now)
    with col.engine.connect() as conn:
        r = conn.execute(card_with_note().where(CARD.c.id == card_id)).first()
        if r is None:
            raise NotFoundError(f"There is no card with id {card_id}.")
        created = conn.execute(select(NOTE.c.created).where(NOTE.c.id == r.note_id)).scalar_one()
        logs = conn.execute(
            select(LOG).where(LOG.c.card_id == card_id).order_by(LOG.c.reviewed_at.desc())
        ).all()
        notetype_name = None
        if r.anki_config is not None:
            notetype_name = conn.execute(
                select(NOTETYPE.c.name).join(NOTE, NOTE.c.anki_notetype_id == NOTETYPE.c.id)
                .where(NOTE.c.id == r.note_id)
            ).scalar_one_or_none()  # fmt: skip
    deck = col.decks.names().get(int(r.deck_id), "")
    memory = scheduling.Memory(
        int(r.state), r.step, r.stability, r.difficulty, r.due, r.last_review, r.reps, r.lapses
    )
    config = col.decks.settings(int(r.deck_id)).scheduler_config()
    entries = tuple(
        ReviewEntry(
            reviewed_at=log.reviewed_at,
            rating=int(log.rating),
            state_before=int(log.state_before),
            interval_days=float(log.interval_days),
            stability=log.stability_after,
            difficulty=log.difficulty_after,
            duration_ms=int(log.duration_ms),
        )
        for log in logs
    )
    # A reset (Forget) is in the log, as in Anki's card info, but it is no answer.
    answers = [e for e in entries if e.rating != RESET_RATING]
    total = sum(e.duration_ms for e in answers)
    state = int(r.state)
    interval = None
    if state == CardState.REVIEW and r.last_review is not None:
        interval = (r.due - r.last_review).total_seconds() / 86400
    return CardInfo(
        card_id=card_id,
        note_id=int(r.note_id),
        added=created,
        first_review=answers[-1].reviewed_at if answers else None,
        last_review=r.last_review if r.last_review is not None else None,
        due=r.due,
        state=state,
        suspended=bool(r.suspended),
        buried=r.buried_until is not None and r.buried_until > now,
        interval_days=interval,
        stability=r.stability,
        difficulty=r.difficulty,
        retrievability=scheduling.retrievability(memory, config, now),
        reviews=int(r.reps),
        lapses=int(r.lapses),
        average_ms=total // len(answers) if answers else None,
        total_ms=total,
        card_type=card_type_name(r.kind, int(r.ord), r.anki_config),
        note_type=notetype_name or _notetype_name(r.anki_config, r.kind),
        deck=deck,
        question=_one_line(faces_of_row(r, deck).question),
        log=entries,
    )
