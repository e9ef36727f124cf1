"""SQLModel tables: decks, option presets, notes, cards with FSRS columns, the review log.

Scheduler state lives in real columns so that "what is due now in deck X" is one indexed query.
All datetimes are stored as naive UTC and come back timezone-aware (UTC).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Float, Index, String, Table, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlmodel import Column, Field, SQLModel

from flashcards.core.enums import CardState, NoteKind
from flashcards.core.errors import DamagedDateError


class UTCDateTime(TypeDecorator[datetime]):
    """A DateTime column that accepts only aware datetimes and returns them in UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store as naive UTC (portable across databases)."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; the core works in aware UTC datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Return an aware UTC datetime."""
        if value is None:
            return None
        if isinstance(value, str):  # raw SQLite text (e.g. from a hand-written query)
            value = datetime.fromisoformat(value)
        if not isinstance(value, datetime):
            raise ValueError(f"not a date: {value!r}")
        return value.replace(tzinfo=UTC)

    def result_processor(
        self, dialect: Dialect, coltype: object
    ) -> Callable[[Any], datetime | None] | None:
        """Read a stored date; a damaged one raises :class:`DamagedDateError` (one sentence)."""
        inner = super().result_processor(dialect, coltype)
        if inner is None:  # pragma: no cover - every dialect we use converts dates
            return None

        def process(value: Any) -> datetime | None:
            try:
                return inner(value)
            except (ValueError, TypeError, OverflowError):
                raise DamagedDateError from None

        return process


def _dt(*, index: bool = False, nullable: bool = False) -> Any:
    return Field(sa_column=Column(UTCDateTime(), index=index, nullable=nullable))


def _with_server_default(default: bool | int | str) -> Any:
    """A column default that SQLite also knows: rows written by plain SQL get it too."""
    text = str(int(default)) if isinstance(default, bool | int) else f"'{default}'"
    return Field(default=default, sa_column_kwargs={"server_default": text})


class Deck(SQLModel, table=True):
    """A deck; nesting is by name (``Parent::Child``), as in Anki."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    description: str = ""
    created: datetime = _dt()
    modified: datetime = _dt()
    # Sync (schema 8): the deck's id on every device, given at its first sync.
    uid: str | None = Field(default=None, unique=True, index=True)
    # Schema 10: the options preset the deck uses (Anki's ``conf``).
    preset_id: int = _with_server_default(1)


#: The id of the Default preset: it always exists, takes the decks of a deleted preset and
#: is the one a new deck starts on (as Anki's deck config 1).
DEFAULT_PRESET_ID = 1
#: The id of Anki's Default preset (deck config 1): it is our Default, both ways.
ANKI_DEFAULT_PRESET_ID = 1


class Preset(SQLModel, table=True):
    """An options preset that decks share (Anki's deck config), with Anki's defaults.

    The bury options are Anki's preset options of the same names; ``fsrs_params`` the FSRS
    parameters (space-separated; empty: FSRS's defaults). ``anki_preset_id`` is the id of the
    Anki preset it came from, so that a later import of that preset finds it here;
    ``anki_modified`` that preset's modified time, cleared when the preset is changed here
    (Anki never changes a preset it has on import, so a changed one goes back under a new id).
    """

    id: int | None = Field(default=None, primary_key=True)
    name: str = ""
    desired_retention: float = 0.9
    new_per_day: int = 20
    reviews_per_day: int = 200
    learning_steps: str = "1m 10m"
    relearning_steps: str = "10m"
    maximum_interval: int = 36500
    bury_new: bool = _with_server_default(False)
    bury_reviews: bool = _with_server_default(False)
    bury_interday: bool = _with_server_default(False)
    # Anki's leech options: a card reaching this many lapses is a leech (its note is tagged
    # ``leech``), and is suspended too if ``leech_suspend`` (Anki's default: tag only).
    leech_threshold: int = _with_server_default(8)
    leech_suspend: bool = _with_server_default(False)
    # Anki's new-card options, as its enums number them: gather priority (0 deck), sort order
    # (0 card template) and insertion order (0 sequential, 1 random).
    new_gather_order: int = _with_server_default(0)
    new_sort_order: int = _with_server_default(0)
    new_insert_order: int = _with_server_default(0)
    fsrs_params: str = _with_server_default("")
    # The Anki preset's own options as it came (Anki's legacy JSON, ``{}`` for one made here):
    # export lays ours over it, so the options we do not model go back to Anki unchanged.
    anki_config: str = _with_server_default("{}")
    anki_preset_id: int | None = Field(default=None, sa_type=BigInteger)
    anki_modified: datetime | None = _dt(nullable=True)
    modified: datetime = _dt()
    # Sync: the preset's id on every device, given at its first sync.
    uid: str | None = Field(default=None, unique=True, index=True)


class Note(SQLModel, table=True):
    """A note: the fields a learner edits; it makes one card per template or cloze number."""

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True, index=True)
    deck_id: int = Field(foreign_key="deck.id", index=True)
    kind: str = NoteKind.BASIC.value
    front: str = ""
    back: str = ""
    tags: str = ""
    source_title: str = ""
    source_section: str = ""
    source_sentence: str = ""
    created: datetime = _dt()
    modified: datetime = _dt()
    # A note that came from Anki keeps its Anki note type and its fields as Anki had them
    # (HTML), so that it goes back as the same note type with nothing lost: ``front`` and
    # ``back`` are the first two fields as text, and replace them on export once edited.
    anki_notetype_id: int | None = Field(default=None, sa_type=BigInteger)
    anki_fields: str | None = None  # JSON list of the fields' HTML


class AnkiNoteType(SQLModel, table=True):
    """An Anki note type that notes came with, kept as Anki defines it (legacy JSON shape)."""

    id: int = Field(primary_key=True, sa_type=BigInteger)  # Anki's note type id
    name: str = ""
    config: str = "{}"  # JSON: type, css, flds (name, ord, id...), tmpls (name, qfmt, afmt...)
    modified: datetime = _dt()


class Card(SQLModel, table=True):
    """A card with its FSRS memory state in real columns."""

    __table_args__ = (
        # Deck-list counts: seek by deck, then state and due; covering, so no row is read.
        Index("ix_card_counts", "deck_id", "suspended", "state", "due", "buried_until"),
        # The review queue: earliest due card of a state, then filter by deck (covering).
        Index("ix_card_queue", "suspended", "state", "due", "deck_id", "buried_until"),
        Index("ix_card_note_ord", "note_id", "ord", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    note_id: int = Field(foreign_key="note.id")
    deck_id: int = Field(foreign_key="deck.id")
    ord: int = 0
    position: int = 0
    state: int = CardState.NEW.value
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime = _dt()
    last_review: datetime | None = _dt(nullable=True)
    reps: int = 0
    lapses: int = 0
    suspended: bool = False
    buried_until: datetime | None = _dt(nullable=True)
    anki_id: int | None = Field(default=None, sa_type=BigInteger)  # a card from Anki: its id
    # Anki's flag (0 none, 1 red .. 7 purple) and, for a buried card, whether the learner
    # buried it (Anki's "manually buried") rather than answering a sibling.
    flags: int = _with_server_default(0)
    buried_by_user: bool = _with_server_default(False)
    # A card from Anki: what its ``data`` held besides the memory state (``pos``, ``dr``,
    # ``decay``...), as JSON, to go back with it.
    anki_data: str | None = None
    # A card in a filtered deck (custom study, schema 9): the deck it returns to (Anki's
    # ``odid``); None for a card in its home deck.
    original_deck_id: int | None = Field(default=None, sa_type=BigInteger)


def epoch_ms(value: datetime) -> int:
    """Milliseconds since the epoch of a UTC time (a naive one is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp() * 1000)


def prev_interval_days(state_before: int, due: datetime | None, last: datetime | None) -> float:
    """The interval a card had before a review: due minus last review, for review cards."""
    if state_before != CardState.REVIEW or due is None or last is None:
        return 0.0
    return max(0.0, (epoch_ms(due) - epoch_ms(last)) / 86_400_000)


def new_uid() -> str:
    """A globally unique id (a review's, across devices)."""
    return uuid.uuid4().hex


def _reviewed_ms(context: Any) -> int:
    return epoch_ms(context.get_current_parameters()["reviewed_at"])


def _prev_interval(context: Any) -> float:
    params = context.get_current_parameters()
    return prev_interval_days(
        params.get("state_before", 0), params.get("prev_due"), params.get("prev_last_review")
    )


class ReviewLog(SQLModel, table=True):
    """One answer, with the card's state before it (enough to undo it exactly)."""

    id: int | None = Field(default=None, primary_key=True)
    card_id: int = Field(foreign_key="card.id", index=True)
    deck_id: int = Field(index=True)
    rating: int
    reviewed_at: datetime = _dt(index=True)
    duration_ms: int = 0
    state_before: int
    state_after: int
    interval_days: float = 0.0
    stability_after: float | None = None
    difficulty_after: float | None = None
    prev_step: int | None = None
    prev_stability: float | None = None
    prev_difficulty: float | None = None
    prev_due: datetime = _dt()
    prev_last_review: datetime | None = _dt(nullable=True)
    prev_reps: int = 0
    prev_lapses: int = 0
    buried_siblings: str = ""
    # A review from Anki: its revlog ``factor`` as Anki wrote it (the FSRS difficulty then, or
    # the SM-2 ease), to go back unchanged; None for reviews made here.
    anki_factor: int | None = None
    # Derived on insert (whoever writes the row): the review time as epoch milliseconds and the
    # interval the card had before the review, so that the statistics can bucket a million
    # reviews by day and by maturity in portable SQL (integer arithmetic, no date functions).
    reviewed_ms: int = Field(
        default=None, sa_column=Column(BigInteger, default=_reviewed_ms, nullable=False, index=True)
    )
    prev_interval_days: float = Field(
        default=None, sa_column=Column(Float, default=_prev_interval, nullable=False)
    )
    # Sync (schema 8): the review's id on every device (given on insert, or by the next sync
    # to a row written without it) and the server's update sequence number (-1: not sent yet).
    uid: str | None = Field(
        default=None, sa_column=Column(String, default=new_uid, unique=True, index=True)
    )
    usn: int = _with_server_default(-1)
    # A preview answer (schema 11): custom study without rescheduling, Anki's revlog type 3
    # (Filtered) with factor 0. It left the card as it was, so FSRS, sync's replay and the
    # optimiser pass over it; it is kept so that sync, export and statistics see it.
    preview: bool = _with_server_default(False)


class ReviewDay(SQLModel, table=True):
    """Reviews per deck, learner day, kind and button: the review log summed for the stats.

    A cache, never the truth: :mod:`flashcards.core.stats_data` brings it up to date from the
    review log (adding the rows logged since) and rebuilds it whenever it cannot (a deleted
    review, another day-start hour or time zone). ``kind``: 0 learn, 1 young, 2 mature,
    3 relearn.
    """

    deck_id: int = Field(primary_key=True)
    day: int = Field(primary_key=True)
    kind: int = Field(primary_key=True)
    rating: int = Field(primary_key=True)
    count: int = 0
    duration_ms: int = Field(default=0, sa_type=BigInteger)


class SyncGrave(SQLModel, table=True):
    """A deletion not yet sent to the sync server: what kind of object and its uid.

    ``kind`` is ``deck``, ``note`` or ``card`` (a card's uid is ``<note uid>/<ord>``).
    """

    kind: str = Field(primary_key=True)
    uid: str = Field(primary_key=True)


class SyncShadow(SQLModel, table=True):
    """The hash of each object as last synced: an object whose hash differs has changed."""

    kind: str = Field(primary_key=True)
    uid: str = Field(primary_key=True)
    hash: str = ""


class SyncConflict(SQLModel, table=True):
    """The losing side of an object both devices changed between two syncs, kept for the user."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = ""
    uid: str = Field(default="", index=True)
    found_at: datetime = _dt()
    device: str = ""  # the device that made the version kept here
    body: str = "{}"  # JSON: the object's fields (a note: deck, front, back, tags...)


class Setting(SQLModel, table=True):
    """App-wide settings and bookkeeping (schema version, shipped-deck hashes)."""

    key: str = Field(primary_key=True)
    value: str = ""


def utcnow_guard(value: datetime) -> datetime:
    """Check that ``value`` is aware and return it in UTC.

    Raises:
        ValueError: If ``value`` is naive.
    """
    if value.tzinfo is None:
        raise ValueError("naive datetime given; pass an aware UTC datetime as `now`")
    return value.astimezone(UTC)


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a SQLModel table class (for prebuilt, fast Core statements)."""
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table
