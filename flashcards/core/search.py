"""Browse search: a small query language compiled to one SQL query, and browse rows.

Queries are words separated by spaces (``"quoted phrases"`` stay together); every word must
match. A leading ``-`` negates a word. Words:

* free text: matches the front, back or tags (case-insensitive substring);
* ``deck:NAME``: the deck and its subdecks (``*`` is a wildcard);
* ``tag:NAME``: notes with the tag (or a ``NAME::child`` tag; ``*`` is a wildcard);
* ``is:new``, ``is:learn``, ``is:review``, ``is:due``, ``is:suspended``, ``is:buried``;
* ``flag:N``: cards with Anki's flag N (1 red .. 7 purple; ``flag:0`` no flag);
* ``note:NAME``: notes of the note type of this name, as Anki's own search (``*`` is a
  wildcard; a shipped type by the name Anki sees, ``note:"Flashcards Basic"``);
* ``nid:1,2,3``: the cards of these notes (as in Anki; Find Duplicates searches a group so).

Everything is portable SQLAlchemy (no SQLite-only SQL) and returns plain values, so the
desktop browser can list 100,000 cards by id and fetch rows lazily.
"""

from __future__ import annotations

import fnmatch
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, not_, or_, select, true

from flashcards.core import scheduling
from flashcards.core.collection import Collection
from flashcards.core.deck_names import subdeck_ids
from flashcards.core.enums import CardState
from flashcards.core.errors import InputError
from flashcards.core.models import utcnow_guard
from flashcards.core.queue import card_with_note
from flashcards.core.render import faces_of_row
from flashcards.core.tables import CARD, DECK, NOTE

STATES = ("new", "learn", "review", "due", "suspended", "buried")
FLAGS = tuple(str(n) for n in range(8))
_NIDS_RE = re.compile(r"\d{1,18}(,\d{1,18})*")


class SortKey(StrEnum):
    """What the browser can sort by."""

    CREATED = "created"
    FRONT = "front"
    DECK = "deck"
    DUE = "due"
    INTERVAL = "interval"
    STABILITY = "stability"
    DIFFICULTY = "difficulty"
    LAPSES = "lapses"


@dataclass(frozen=True)
class Term:
    """One word of a query."""

    field: str  # "text", "deck", "tag", "is", "flag", "nid" or "note"
    value: str
    negated: bool = False


@dataclass(frozen=True)
class BrowseRow:
    """One line of the browser: a card and what the columns show."""

    card_id: int
    note_id: int
    question: str
    deck: str
    state: int
    due: datetime
    interval_days: float | None
    stability: float | None
    difficulty: float | None
    retrievability: float | None
    lapses: int
    reps: int
    suspended: bool
    buried: bool
    flag: int = 0


def parse_query(text: str) -> list[Term]:
    """Split a query into terms.

    Raises:
        InputError: If quotes are unbalanced or an ``is:`` word is unknown.
    """
    try:
        words = shlex.split(text, posix=True)
    except ValueError:
        raise InputError("The search has an unbalanced quote.") from None
    terms = []
    for word in words:
        negated = word.startswith("-") and len(word) > 1
        if negated:
            word = word[1:]
        field, sep, value = word.partition(":")
        field = field.lower()
        if sep and field in {"deck", "tag", "is", "flag", "nid", "note"} and value:
            if field == "is" and value.lower() not in STATES:
                raise InputError(
                    f"Unknown search is:{value}; use one of " + ", ".join(STATES) + "."
                )
            if field == "flag" and value not in FLAGS:
                raise InputError(f"Unknown search flag:{value}; use flag:0 to flag:7.")
            if field == "nid" and not _NIDS_RE.fullmatch(value):
                raise InputError(f"Unknown search nid:{value}; use note ids, as in nid:1,2.")
            terms.append(Term(field, value.lower() if field == "is" else value, negated))
        else:
            terms.append(Term("text", word, negated))
    return terms


def _like_pattern(value: str, wildcard: bool = False) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    if wildcard:
        escaped = escaped.replace("*", "%")
    return escaped


def _deck_ids(col: Collection, pattern: str) -> list[int]:
    pattern = pattern.strip().lower()
    out = []
    for deck_id, name in col.decks.names().items():
        low = name.lower()
        parts = low.split("::")
        prefixes = ["::".join(parts[: i + 1]) for i in range(len(parts))]
        if any(fnmatch.fnmatchcase(p, pattern) for p in prefixes):
            out.append(deck_id)
    return out


def _condition(col: Collection, term: Term, now: datetime) -> ColumnElement[bool]:
    if term.field == "text":
        like = f"%{_like_pattern(term.value.lower())}%"
        return or_(
            func.lower(NOTE.c.front).like(like, escape="\\"),
            func.lower(NOTE.c.back).like(like, escape="\\"),
            func.lower(NOTE.c.tags).like(like, escape="\\"),
        )
    if term.field == "deck":
        ids = _deck_ids(col, term.value)
        return CARD.c.deck_id.in_(ids) if ids else false()
    if term.field == "tag":
        tag = _like_pattern(term.value.lower(), wildcard=True)
        padded = func.lower(" " + NOTE.c.tags + " ")
        return or_(padded.like(f"% {tag} %", escape="\\"), padded.like(f"% {tag}::%", escape="\\"))
    if term.field == "flag":
        return CARD.c.flags == int(term.value)
    if term.field == "nid":
        return CARD.c.note_id.in_(sorted({int(n) for n in term.value.split(",")}))
    if term.field == "note":
        return _notetype_condition(col, term.value)
    return _state_condition(col, term.value, now)


def _notetype_condition(col: Collection, pattern: str) -> ColumnElement[bool]:
    """Notes of the note types whose name matches: a shipped type's notes by their kind."""
    pattern = pattern.strip().lower()
    matched = [t for t in col.notes.notetypes() if fnmatch.fnmatchcase(t.name.lower(), pattern)]
    kinds = [t.kind for t in matched if t.kind is not None]
    ids = [t.id for t in matched if t.kind is None]
    return or_(
        and_(NOTE.c.anki_notetype_id.is_(None), NOTE.c.kind.in_(kinds)) if kinds else false(),
        NOTE.c.anki_notetype_id.in_(ids) if ids else false(),
    )


def _state_condition(col: Collection, state: str, now: datetime) -> ColumnElement[bool]:
    learning = CARD.c.state.in_((CardState.LEARNING, CardState.RELEARNING))
    buried = and_(CARD.c.buried_until.is_not(None), CARD.c.buried_until > now)
    if state == "new":
        return CARD.c.state == CardState.NEW
    if state == "learn":
        return learning
    if state == "review":
        return CARD.c.state == CardState.REVIEW
    if state == "suspended":
        return CARD.c.suspended == True  # noqa: E712 (SQL expression)
    if state == "buried":
        return buried
    _, day_end = col.config.day_bounds(now)
    return and_(
        CARD.c.suspended == False,  # noqa: E712
        not_(buried),
        or_(
            and_(learning, CARD.c.due <= now),
            and_(CARD.c.state == CardState.REVIEW, CARD.c.due < day_end),
        ),
    )


def _order(key: SortKey, descending: bool) -> list[Any]:
    interval = func.coalesce(func.julianday(CARD.c.due) - func.julianday(CARD.c.last_review), -1.0)
    columns: dict[SortKey, Any] = {
        SortKey.CREATED: CARD.c.note_id,
        SortKey.FRONT: NOTE.c.front,
        SortKey.DECK: DECK.c.name,
        SortKey.DUE: CARD.c.due,
        SortKey.INTERVAL: interval,
        SortKey.STABILITY: func.coalesce(CARD.c.stability, -1.0),
        SortKey.DIFFICULTY: func.coalesce(CARD.c.difficulty, -1.0),
        SortKey.LAPSES: CARD.c.lapses,
    }
    first = columns[key]
    first = first.desc() if descending else first.asc()
    return [first, CARD.c.note_id, CARD.c.ord]


def search_cards(
    col: Collection,
    query: str,
    now: datetime,
    *,
    sort: SortKey = SortKey.CREATED,
    descending: bool = False,
) -> list[int]:
    """Ids of the cards matching ``query``, in the order asked (creation order by default).

    Raises:
        InputError: If the query cannot be parsed.
    """
    now = utcnow_guard(now)
    terms = parse_query(query)
    conditions = []
    for term in terms:
        cond = _condition(col, term, now)
        conditions.append(not_(cond) if term.negated else cond)
    stmt = select(CARD.c.id)
    if sort == SortKey.FRONT or any(t.field in {"text", "tag", "note"} for t in terms):
        stmt = stmt.join(NOTE, NOTE.c.id == CARD.c.note_id)
    if sort == SortKey.DECK:
        stmt = stmt.join(DECK, DECK.c.id == CARD.c.deck_id)
    if sort == SortKey.INTERVAL and col.engine.dialect.name != "sqlite":
        sort = SortKey.DUE  # julianday() is SQLite's; elsewhere fall back to the due date
    stmt = stmt.where(and_(true(), *conditions)).order_by(*_order(sort, descending))
    with col.engine.connect() as conn:
        return list(conn.execute(stmt).scalars().all())


def browse_rows(col: Collection, card_ids: Sequence[int], now: datetime) -> list[BrowseRow]:
    """The browser's rows for ``card_ids``, in the order asked (missing ids are left out)."""
    now = utcnow_guard(now)
    decks = col.decks.names()
    stmt = card_with_note().where(CARD.c.id.in_(list(card_ids)))
    with col.engine.connect() as conn:
        rows = {int(r.id): r for r in conn.execute(stmt)}
    out = []
    for card_id in card_ids:
        r = rows.get(card_id)
        if r is None:
            continue
        memory = scheduling.Memory(
            int(r.state), r.step, r.stability, r.difficulty, r.due, r.last_review, r.reps, r.lapses
        )
        config = col.decks.settings(int(r.deck_id)).scheduler_config()
        interval = (
            (r.due - r.last_review).total_seconds() / 86400 if r.last_review is not None else None
        )
        deck = decks.get(int(r.deck_id), "")
        question = faces_of_row(r, deck).question
        out.append(
            BrowseRow(
                card_id=card_id,
                note_id=int(r.note_id),
                question=_one_line(question),
                deck=deck,
                state=int(r.state),
                due=r.due,
                interval_days=interval,
                stability=r.stability,
                difficulty=r.difficulty,
                retrievability=scheduling.retrievability(memory, config, now),
                lapses=int(r.lapses),
                reps=int(r.reps),
                suspended=bool(r.suspended),
                buried=r.buried_until is not None and r.buried_until > now,
                flag=int(r.flags),
            )
        )
    return out


def _one_line(text: str, limit: int = 200) -> str:
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@dataclass(frozen=True)
class Upcoming:
    """What comes next once today's cards are done."""

    next_due: datetime | None
    due_tomorrow: int
    new_available: int
    #: Cards buried now (siblings of answered cards, or by the learner); back tomorrow.
    buried: int = 0
    #: Learning and review cards due today that the daily limits hold back.
    held_back: int = 0


def upcoming(col: Collection, now: datetime, deck: str | None = None) -> Upcoming:
    """When the next card (of ``deck`` and its subdecks, or of all decks) becomes due.

    Args:
        col: The collection.
        now: The current time.
        deck: A deck name, or None for every deck.

    Returns:
        The earliest due time of a learning or review card after ``now``, how many such cards
        fall due during the next day, how many new cards are waiting, how many cards are
        buried, and how many due today are left by the limits (meaningful once nothing is
        left to study today).
    """
    now = utcnow_guard(now)
    _, day_end = col.config.day_bounds(now)
    scope: list[Any] = [CARD.c.suspended == False]  # noqa: E712
    if deck is not None:
        scope.append(CARD.c.deck_id.in_(subdeck_ids(col.decks.names(), deck)))
    not_new = CARD.c.state != CardState.NEW
    with col.engine.connect() as conn:
        next_due = conn.execute(
            select(func.min(CARD.c.due)).where(*scope, not_new, CARD.c.due > now)
        ).scalar()
        tomorrow = conn.execute(
            select(func.count())
            .select_from(CARD)
            .where(*scope, not_new, CARD.c.due >= day_end, CARD.c.due < day_end + timedelta(days=1))
        ).scalar_one()
        buried_now = CARD.c.buried_until.is_not(None) & (CARD.c.buried_until > now)
        new = conn.execute(
            select(func.count())
            .select_from(CARD)
            .where(*scope, CARD.c.state == CardState.NEW, ~buried_now)
        ).scalar_one()
        buried = conn.execute(
            select(func.count()).select_from(CARD).where(*scope, buried_now)
        ).scalar_one()
        # Due now and not buried, yet not shown: what the limits hold back (asked only when
        # nothing is left to study, so every such card is held).
        held = conn.execute(
            select(func.count())
            .select_from(CARD)
            .where(*scope, not_new, CARD.c.due <= now, ~buried_now)
        ).scalar_one()
    return Upcoming(next_due, int(tomorrow), int(new), int(buried), int(held))
