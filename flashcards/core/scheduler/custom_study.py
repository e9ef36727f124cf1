"""Custom study, as Anki's (``rslib/src/scheduler/filtered``): extended limits and a filtered deck.

Two kinds of custom study:

* **More new cards / more reviews today** raise the deck's own limits for today only (Anki's
  ``extend_limits``): a setting row ``extend_limits.<deck id>`` holds the learner day and the
  extra new and review cards; :func:`flashcards.core.overview.remaining` lowers the deck's
  "studied today" counts by them, and a row of another day is ignored (it expires at the
  rollover). Extending twice the same day adds up, as in Anki.
* **Review ahead, review forgotten cards, study by tag** move the chosen cards into one
  filtered deck, "Custom Study Session" (made if missing, reused otherwise: a new session
  returns the cards of the last one home first). Each card remembers its home deck in
  ``card.original_deck_id``; it goes home when answered outside (re)learning, and all go home
  when the deck is emptied, rebuilt, deleted or replaced. The session's search is kept in the
  setting ``custom_study_session`` (JSON) to rebuild it and to order its queue.

Which cards, as Anki's searches (always of the deck and its subdecks, never suspended, buried
or already in a filtered deck):

* ahead ``N`` days: ``prop:due<=N``: review and interday learning cards due by the end of the
  day ``N`` days from today, intraday learning cards due within ``N + 1`` days of the next
  rollover; ordered by due.
* forgotten in the last ``N`` days: ``rated:N:1``: answered Again since the rollover ``N`` days
  before the next one (today is day 1); random order.
* new cards added in the last ``N`` days: ``is:new added:N`` (the note added since the rollover
  ``N`` days before the next one); in the order added.
* by tag (``include``: any of them, none of ``exclude``), at most ``limit`` cards: new cards
  (in the order added), due cards (by due), all review cards or all cards (random order).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, delete, false, or_, select, update
from sqlalchemy.engine import Connection

from flashcards.core import overview
from flashcards.core.enums import CardState
from flashcards.core.tables import CARD, LOG, NOTE, SETTING

#: The filtered deck's name (Anki's "Custom Study Session").
SESSION_NAME = "Custom Study Session"
#: The setting holding the session's search.
SESSION_KEY = "custom_study_session"
#: Anki's limit of a filtered deck's search when none is given.
NO_LIMIT = 99_999


class Kind(StrEnum):
    """What a custom study session gathers."""

    AHEAD = "ahead"  # review ahead N days
    FORGOT = "forgot"  # answered Again in the last N days
    PREVIEW_NEW = "preview_new"  # new cards added in the last N days
    TAG_NEW = "tag_new"  # new cards with the tags
    TAG_DUE = "tag_due"  # due cards with the tags
    TAG_REVIEW = "tag_review"  # all review cards (not new) with the tags
    TAG_ALL = "tag_all"  # all cards with the tags


@dataclass(frozen=True)
class Session:
    """A custom study session's search: what it gathered from which deck."""

    deck_id: int  # the filtered deck
    home: int  # the deck studied (with its subdecks)
    kind: Kind
    days: int = 1
    limit: int = NO_LIMIT
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def dumps(self) -> str:
        """As stored."""
        values = asdict(self) | {"kind": self.kind.value}
        values["include"], values["exclude"] = list(self.include), list(self.exclude)
        return json.dumps(values)

    @classmethod
    def loads(cls, text: str) -> Session | None:
        """The stored session, or None when the row is damaged."""
        try:
            v = json.loads(text)
            return cls(
                int(v["deck_id"]),
                int(v["home"]),
                Kind(v["kind"]),
                int(v.get("days", 1)),
                int(v.get("limit", NO_LIMIT)),
                tuple(str(t) for t in v.get("include", ())),
                tuple(str(t) for t in v.get("exclude", ())),
            )
        except (ValueError, KeyError, TypeError):
            return None


@dataclass(frozen=True)
class Defaults:
    """What the custom study dialog shows for a deck."""

    tags: list[str] = field(default_factory=list)
    available_new: int = 0  # new cards not shown today (beyond the limits)
    available_review: int = 0
    extend_new: int = 0  # today's extension so far
    extend_review: int = 0


# ---------------------------------------------------------------------------- settings


def _get(conn: Connection, key: str) -> str | None:
    value = conn.execute(select(SETTING.c.value).where(SETTING.c.key == key)).scalar()
    return None if value is None else str(value)


def _put(conn: Connection, key: str, value: str) -> None:
    if conn.execute(update(SETTING).where(SETTING.c.key == key).values(value=value)).rowcount:
        return
    conn.execute(SETTING.insert().values(key=key, value=value))


def session(conn: Connection) -> Session | None:
    """The custom study session, if any."""
    text = _get(conn, SESSION_KEY)
    return None if text is None else Session.loads(text)


def save_session(conn: Connection, value: Session) -> None:
    """Keep the session's search."""
    _put(conn, SESSION_KEY, value.dumps())


def forget_decks(conn: Connection, deck_ids: Iterable[int]) -> None:
    """Drop what custom study kept about decks being deleted (extensions, the session)."""
    ids = set(deck_ids)
    keys = [f"{overview.EXTEND_PREFIX}{d}" for d in ids]
    if keys:
        conn.execute(delete(SETTING).where(SETTING.c.key.in_(keys)))
    current = session(conn)
    if current is not None and current.deck_id in ids:
        conn.execute(delete(SETTING).where(SETTING.c.key == SESSION_KEY))


def extension(conn: Connection, deck_id: int, today: date) -> tuple[int, int]:
    """Today's extra (new, review) limits of a deck."""
    text = _get(conn, f"{overview.EXTEND_PREFIX}{deck_id}")
    if text is None:
        return 0, 0
    try:
        day, new, review = text.split()
        if date.fromisoformat(day) == today:
            return int(new), int(review)
    except ValueError:
        pass
    return 0, 0


def extend(conn: Connection, deck_id: int, today: date, new: int, review: int) -> None:
    """Raise (or lower) the deck's limits for today; added to today's earlier extension."""
    old_new, old_review = extension(conn, deck_id, today)
    value = f"{today.isoformat()} {old_new + new} {old_review + review}"
    _put(conn, f"{overview.EXTEND_PREFIX}{deck_id}", value)


# ---------------------------------------------------------------------------- cards


def return_home(conn: Connection, deck_ids: Sequence[int]) -> int:
    """Move every card of these (filtered) decks back to its home deck; how many moved."""
    moved = conn.execute(
        update(CARD)
        .where(CARD.c.deck_id.in_(list(deck_ids)), CARD.c.original_deck_id.is_not(None))
        .values(deck_id=CARD.c.original_deck_id, original_deck_id=None)
    ).rowcount
    return int(moved or 0)


def return_card_home(conn: Connection, card_id: int) -> None:
    """Move one card of a filtered deck back to its home deck."""
    conn.execute(
        update(CARD)
        .where(CARD.c.id == card_id, CARD.c.original_deck_id.is_not(None))
        .values(deck_id=CARD.c.original_deck_id, original_deck_id=None)
    )


def has_tag(tags: str, wanted: Iterable[str]) -> bool:
    """Whether a note's tags hold one of ``wanted`` (or a child ``wanted::…``), ignoring case."""
    own = [t.lower() for t in tags.split()]
    for tag in wanted:
        tag = tag.lower()
        if any(t == tag or t.startswith(tag + "::") for t in own):
            return True
    return False


def select_cards(
    conn: Connection,
    search: Session,
    scope: Sequence[int],
    *,
    now: datetime,
    day_end: datetime,
    is_interday_row: Any,
) -> list[int]:
    """The ids of the cards a session gathers from the decks ``scope``, in its order."""
    visible = and_(
        CARD.c.deck_id.in_(list(scope)),
        CARD.c.original_deck_id.is_(None),
        CARD.c.suspended == false(),
        or_(CARD.c.buried_until.is_(None), CARD.c.buried_until <= now),
    )
    query = select(
        CARD.c.id,
        CARD.c.note_id,
        CARD.c.ord,
        CARD.c.state,
        CARD.c.due,
        CARD.c.last_review,
        NOTE.c.tags,
    ).join(NOTE, NOTE.c.id == CARD.c.note_id)
    query = query.where(visible)
    kind = search.kind
    learning = (int(CardState.LEARNING), int(CardState.RELEARNING))
    if kind == Kind.FORGOT:
        since = day_end - timedelta(days=search.days)
        forgot = select(LOG.c.card_id).where(LOG.c.rating == 1, LOG.c.reviewed_at >= since)
        query = query.where(CARD.c.id.in_(forgot))
    elif kind == Kind.PREVIEW_NEW:
        query = query.where(
            CARD.c.state == int(CardState.NEW),
            NOTE.c.created >= day_end - timedelta(days=search.days),
        )
    elif kind == Kind.AHEAD:
        query = query.where(
            CARD.c.state != int(CardState.NEW),
            CARD.c.due < day_end + timedelta(days=search.days + 1),
        )
    elif kind == Kind.TAG_NEW:
        query = query.where(CARD.c.state == int(CardState.NEW))
    elif kind == Kind.TAG_DUE:
        query = query.where(CARD.c.state != int(CardState.NEW), CARD.c.due < day_end)
    elif kind == Kind.TAG_REVIEW:
        query = query.where(CARD.c.state != int(CardState.NEW))
    rows = conn.execute(query).all()
    picked = []
    for row in rows:
        if search.include and not has_tag(row.tags, search.include):
            continue
        if search.exclude and has_tag(row.tags, search.exclude):
            continue
        intraday = row.state in learning and not is_interday_row(row)
        if kind == Kind.AHEAD:
            # Reviews and interday learning due by the end of day N; intraday learning
            # within N + 1 days of the next rollover (Anki's prop:due on each queue).
            horizon = day_end + timedelta(days=search.days + (1 if intraday else 0))
            if row.due >= horizon:
                continue
        if kind == Kind.TAG_DUE and intraday and row.due > now + overview.LEARN_AHEAD:
            continue
        picked.append(row)
    picked.sort(key=lambda r: order_key(kind, r.id, r.note_id, r.ord, r.due))
    return [int(r.id) for r in picked[: max(0, search.limit)]]


def order_key(kind: Kind, card_id: int, note_id: int, ord_: int, due: datetime) -> tuple[Any, ...]:
    """A session's order: by due, in the order added, or a fixed random order."""
    from flashcards.core.scheduler.study_queue import tie_hash

    if kind in (Kind.AHEAD, Kind.TAG_DUE):
        return (due, ord_, tie_hash(card_id))
    if kind in (Kind.TAG_NEW, Kind.PREVIEW_NEW):
        return (note_id, ord_)
    return (tie_hash(card_id),)


def move_in(conn: Connection, card_ids: Sequence[int], deck_id: int) -> None:
    """Move cards into the filtered deck, each remembering its home deck."""
    for start in range(0, len(card_ids), 500):
        chunk = list(card_ids[start : start + 500])
        conn.execute(
            update(CARD)
            .where(CARD.c.id.in_(chunk), CARD.c.original_deck_id.is_(None))
            .values(original_deck_id=CARD.c.deck_id, deck_id=deck_id)
        )
