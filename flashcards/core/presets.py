"""Option presets shared by decks, as Anki's deck configs.

A preset holds the scheduling options (:class:`DeckSettings`); every deck points at one
(``deck.preset_id``). "Default" (id 1) always exists: a new deck starts on it and the decks of
a deleted preset go back to it. Each mutation is one transaction and returns what it changed
(``OPTIONS``; ``DECKS`` too when decks change preset). A deck's effective options are read
through :meth:`flashcards.core.decks.DeckManager.settings`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy.engine import Connection

from flashcards.core import scheduling
from flashcards.core.changes import Change, Notify, OpResult, announce
from flashcards.core.errors import InputError, NotFoundError
from flashcards.core.models import DEFAULT_PRESET_ID, Preset, utcnow_guard
from flashcards.core.sync.graves import record_graves
from flashcards.core.tables import DECK, PRESET

#: A preset's name longer than this is cut (Anki's are a few words).
MAX_NAME = 200


class NewGather:
    """Anki's new-card gather priorities (``NewCardGatherPriority``) that the queue honours."""

    DECK = 0
    LOWEST_POSITION = 1
    HIGHEST_POSITION = 2
    RANDOM_NOTES = 3
    RANDOM_CARDS = 4
    DECK_THEN_RANDOM_NOTES = 5


class NewSort:
    """Anki's new-card sort orders (``NewCardSortOrder``) that the queue honours."""

    TEMPLATE = 0
    NO_SORT = 1
    TEMPLATE_THEN_RANDOM = 2
    RANDOM_NOTE_THEN_TEMPLATE = 3
    RANDOM_CARD = 4


class NewInsert:
    """Anki's new-card insertion orders (``NewCardInsertOrder``)."""

    SEQUENTIAL = 0
    RANDOM = 1


def _option_default(name: str) -> Any:
    return Preset.model_fields[name].default


@dataclass(frozen=True)
class DeckSettings:
    """The options of a preset, as the user edits them (an Anki preset's scheduling options)."""

    # The defaults are the table's, written once in models.Preset.
    desired_retention: float = _option_default("desired_retention")
    new_per_day: int = _option_default("new_per_day")
    reviews_per_day: int = _option_default("reviews_per_day")
    learning_steps: str = _option_default("learning_steps")
    relearning_steps: str = _option_default("relearning_steps")
    maximum_interval: int = _option_default("maximum_interval")
    #: Answering a card buries its new siblings / review siblings / siblings in learning
    #: due on a later day, until the next day (Anki's three bury options).
    bury_new: bool = _option_default("bury_new")
    bury_reviews: bool = _option_default("bury_reviews")
    bury_interday: bool = _option_default("bury_interday")
    #: Anki's leech threshold (lapses; 0: never) and action (suspend, or only tag the note).
    leech_threshold: int = _option_default("leech_threshold")
    leech_suspend: bool = _option_default("leech_suspend")
    #: Anki's new-card options (its enums' numbers): see :class:`NewGather`,
    #: :class:`NewSort`, :class:`NewInsert`.
    new_gather_order: int = _option_default("new_gather_order")
    new_sort_order: int = _option_default("new_sort_order")
    new_insert_order: int = _option_default("new_insert_order")
    #: FSRS parameters (21 numbers, as Anki's FSRS-6 preset has them); empty: FSRS's defaults.
    fsrs_params: tuple[float, ...] = ()
    #: Anki's easy days: each weekday's share of the usual review load, Monday first (1.0
    #: normal, 0.5 reduced, 0.0 minimum); empty: every day normal. Not a column: kept in the
    #: preset's Anki options (``anki_config``) under Anki's own key, ``easyDaysPercentages``.
    easy_days: tuple[float, ...] = ()

    def scheduler_config(self) -> scheduling.SchedulerConfig:
        """The part of the options the scheduler uses."""
        return scheduling.SchedulerConfig(
            self.desired_retention,
            self.learning_steps,
            self.relearning_steps,
            self.maximum_interval,
            self.fsrs_params,
        )

    def columns(self) -> dict[str, Any]:
        """The options as ``preset`` columns (easy days are not one: see :func:`with_easy_days`)."""
        values = asdict(self)
        values["fsrs_params"] = format_params(self.fsrs_params)
        del values["easy_days"]
        return values

    @classmethod
    def from_columns(cls, row: Mapping[Any, Any]) -> DeckSettings:
        """The options of a ``preset`` row (extra columns are ignored)."""
        values = {name: row[name] for name in OPTION_COLUMNS}
        values["fsrs_params"] = parse_params(str(values["fsrs_params"] or ""))
        for name in ("bury_new", "bury_reviews", "bury_interday", "leech_suspend"):
            values[name] = bool(values[name])
        easy_days = easy_days_of(str(row["anki_config"])) if "anki_config" in row else ()
        return cls(**values, easy_days=easy_days)


#: The ``preset`` columns that hold options.
OPTION_COLUMNS = tuple(f.name for f in fields(DeckSettings) if f.name != "easy_days")
#: Anki's easy-day levels (its sliders' marks): normal, reduced, minimum.
EASY_DAY_LEVELS = (1.0, 0.5, 0.0)


def easy_days_of(anki_config: str) -> tuple[float, ...]:
    """A preset's easy days (Anki's ``easyDaysPercentages``, Monday first) from its kept options.

    Empty (every day normal, Anki's default) when it has none, or not seven fractions.
    """
    try:
        config = json.loads(anki_config)
    except ValueError:
        return ()
    days = config.get("easyDaysPercentages") if isinstance(config, dict) else None
    if not isinstance(days, list) or len(days) != 7:
        return ()
    if not all(isinstance(d, int | float) and not isinstance(d, bool) for d in days):
        return ()
    values = tuple(float(d) for d in days)
    if not all(0.0 <= d <= 1.0 for d in values) or values == (1.0,) * 7:
        return ()
    return values


def with_easy_days(anki_config: str, easy_days: tuple[float, ...]) -> str:
    """A preset's kept Anki options with these easy days (empty: every day normal).

    Anki's own key is written (seven normal days where it had some and now has none), so the
    preset goes to Anki, and syncs, with them; options that cannot be read are replaced.
    """
    if easy_days_of(anki_config) == tuple(easy_days):
        return anki_config  # as kept (a package re-imported compares equal)
    try:
        config = json.loads(anki_config)
    except ValueError:
        config = {}
    if not isinstance(config, dict):
        config = {}
    if easy_days:
        config["easyDaysPercentages"] = list(easy_days)
    elif "easyDaysPercentages" in config:
        config["easyDaysPercentages"] = [1.0] * 7
    else:
        return anki_config
    return json.dumps(config, ensure_ascii=False)


def format_params(params: tuple[float, ...]) -> str:
    """FSRS parameters as stored: space-separated numbers (``repr``, so nothing is rounded)."""
    return " ".join(repr(float(p)) for p in params)


def parse_params(text: str) -> tuple[float, ...]:
    """Stored FSRS parameters; empty (FSRS's defaults) when they are not numbers."""
    try:
        return tuple(float(p) for p in text.split())
    except ValueError:
        return ()


def check_settings(settings: DeckSettings) -> None:
    """Check that options are ones the scheduler can use.

    Raises:
        InputError: If a value is out of range.
    """
    if not 0.7 <= settings.desired_retention <= 0.99:
        raise InputError("Desired retention must be between 0.70 and 0.99.")
    if settings.new_per_day < 0 or settings.reviews_per_day < 0:
        raise InputError("Daily limits cannot be negative.")
    if settings.leech_threshold < 0:
        raise InputError("The leech threshold cannot be negative.")
    if settings.maximum_interval < 1:
        raise InputError("The maximum interval must be at least one day.")
    if settings.new_gather_order not in range(6) or settings.new_sort_order not in range(5):
        raise InputError("That new-card order is not one this app can follow.")
    if settings.new_insert_order not in (0, 1):
        raise InputError("The new-card insertion order must be sequential or random.")
    try:
        # No learning steps is allowed, as in Anki: a new card answered Good is a review card.
        scheduling.parse_steps(settings.learning_steps)
        scheduling.parse_steps(settings.relearning_steps)
    except ValueError as exc:
        raise InputError(f"Invalid steps: {exc}.") from None
    if settings.fsrs_params and not scheduling.valid_parameters(settings.fsrs_params):
        raise InputError("The FSRS parameters must be 21 numbers within FSRS's bounds.")
    days = settings.easy_days
    if days and (len(days) != 7 or not all(0.0 <= d <= 1.0 for d in days)):
        raise InputError("Easy days must be seven shares of the usual load, between 0 and 1.")


@dataclass(frozen=True)
class PresetInfo:
    """A preset as the options screen shows it.

    Attributes:
        id: The preset's id (1: Default).
        name: Its name (names need not be unique, as in Anki).
        settings: Its options.
        deck_count: How many decks use it.
        anki_id: The Anki preset it came from or went to (None: made here).
    """

    id: int
    name: str
    settings: DeckSettings
    deck_count: int
    anki_id: int | None


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())[:MAX_NAME]
    if not cleaned:
        raise InputError("A preset needs a name.")
    return cleaned


def insert_preset(
    conn: Connection,
    name: str,
    settings: DeckSettings,
    now: datetime,
    anki_id: int | None = None,
    anki_config: str = "{}",
) -> int:
    """Add a preset in ``conn``'s transaction; returns its id (for the importer and the API).

    With ``anki_id``, the preset is that Anki preset as Anki last changed it (at ``now``);
    ``anki_config`` its own options as Anki's legacy JSON (see ``Preset.anki_config``).
    """
    made = conn.execute(
        PRESET.insert().values(
            name=name[:MAX_NAME],
            anki_preset_id=anki_id,
            anki_modified=None if anki_id is None else utcnow_guard(now),
            modified=utcnow_guard(now),
            anki_config=with_easy_days(anki_config, settings.easy_days),
            **settings.columns(),
        )
    ).inserted_primary_key
    assert made is not None
    return int(made[0])


def write_settings(
    conn: Connection, preset_id: int, settings: DeckSettings, now: datetime | None
) -> bool:
    """Give a preset these options in ``conn``'s transaction; whether they differed."""
    row = conn.execute(select(PRESET).where(PRESET.c.id == preset_id)).mappings().first()
    if row is None:
        raise NotFoundError(f"There is no preset with id {preset_id}.")
    if DeckSettings.from_columns(row) == settings:
        return False
    values = settings.columns() | {"anki_modified": None}  # changed here since Anki's
    values["anki_config"] = with_easy_days(str(row["anki_config"]), settings.easy_days)
    if now is not None:
        values["modified"] = utcnow_guard(now)
    conn.execute(update(PRESET).where(PRESET.c.id == preset_id).values(**values))
    return True


def deck_preset(conn: Connection, deck_id: int) -> int:
    """The preset a deck uses (Default for a deck that is not there)."""
    found = conn.execute(select(DECK.c.preset_id).where(DECK.c.id == deck_id)).scalar()
    return DEFAULT_PRESET_ID if found is None else int(found)


class PresetManager:
    """Option presets: list, add, clone, rename, edit, delete, and choose one for decks.

    Args:
        engine: The collection's engine.
        notify: The collection's change bus.
    """

    def __init__(self, engine: Engine, notify: Notify) -> None:
        self._engine = engine
        self._notify = notify

    def all(self) -> list[PresetInfo]:
        """Every preset, Default first, then by name, with how many decks use each."""
        with self._engine.connect() as conn:
            counts = {
                int(r[0]): int(r[1])
                for r in conn.execute(
                    select(DECK.c.preset_id, func.count()).group_by(DECK.c.preset_id)
                )
            }
            rows = conn.execute(select(PRESET)).mappings().all()
        out = [
            PresetInfo(
                int(r["id"]),
                str(r["name"]),
                DeckSettings.from_columns(r),
                counts.get(int(r["id"]), 0),
                None if r["anki_preset_id"] is None else int(r["anki_preset_id"]),
            )
            for r in rows
        ]
        return sorted(out, key=lambda p: (p.id != DEFAULT_PRESET_ID, p.name.casefold(), p.id))

    def get(self, preset_id: int) -> PresetInfo:
        """One preset.

        Raises:
            NotFoundError: If there is no such preset.
        """
        for preset in self.all():
            if preset.id == preset_id:
                return preset
        raise NotFoundError(f"There is no preset with id {preset_id}.")

    def find(self, name: str) -> int:
        """The id of the preset called ``name`` (the first, by id, if several are).

        Raises:
            NotFoundError: If there is none.
        """
        with self._engine.connect() as conn:
            found = conn.execute(
                select(PRESET.c.id).where(PRESET.c.name == name).order_by(PRESET.c.id)
            ).scalar()
        if found is None:
            raise NotFoundError(f"There is no preset called {name!r}.")
        return int(found)

    def of_deck(self, deck_id: int) -> int:
        """The id of the preset a deck uses."""
        with self._engine.connect() as conn:
            return deck_preset(conn, deck_id)

    def add(self, name: str, now: datetime, settings: DeckSettings | None = None) -> OpResult[int]:
        """Add a preset (with the default options unless ``settings`` are given).

        Returns:
            The new preset's id; the changes: ``OPTIONS``.

        Raises:
            InputError: If the name is empty or an option is out of range.
        """
        settings = settings or DeckSettings()
        check_settings(settings)
        with self._engine.begin() as conn:
            preset_id = insert_preset(conn, _clean_name(name), settings, now)
        return announce(self._notify, preset_id, Change.OPTIONS)

    def clone(self, preset_id: int, name: str, now: datetime) -> OpResult[int]:
        """Add a preset with the options of another (Anki's "Clone Preset").

        Returns:
            The new preset's id; the changes: ``OPTIONS``.

        Raises:
            InputError: If the name is empty.
            NotFoundError: If there is no preset ``preset_id``.
        """
        source = self.get(preset_id)
        with self._engine.begin() as conn:
            # Anki's clone copies every option: the ones we do not model go along too.
            kept = conn.execute(select(PRESET.c.anki_config).where(PRESET.c.id == preset_id))
            made = insert_preset(
                conn, _clean_name(name), source.settings, now, anki_config=str(kept.scalar_one())
            )
        return announce(self._notify, made, Change.OPTIONS)

    def rename(self, preset_id: int, name: str, now: datetime) -> OpResult[None]:
        """Rename a preset.

        Returns:
            No value; the changes: ``OPTIONS``.

        Raises:
            InputError: If the name is empty.
            NotFoundError: If there is no such preset.
        """
        name = _clean_name(name)
        with self._engine.begin() as conn:
            done = conn.execute(
                update(PRESET)
                .where(PRESET.c.id == preset_id)
                .values(name=name, modified=utcnow_guard(now), anki_modified=None)
            )
            if not done.rowcount:
                raise NotFoundError(f"There is no preset with id {preset_id}.")
        return announce(self._notify, None, Change.OPTIONS)

    def update(
        self, preset_id: int, settings: DeckSettings, now: datetime | None
    ) -> OpResult[None]:
        """Change a preset's options: every deck that uses it gets them.

        ``now`` is the preset's new modified time (None leaves it: the optimiser's command).

        Returns:
            No value; the changes: ``OPTIONS``.

        Raises:
            InputError: If a value is out of range.
            NotFoundError: If there is no such preset.
        """
        check_settings(settings)
        with self._engine.begin() as conn:
            write_settings(conn, preset_id, settings, now)
        return announce(self._notify, None, Change.OPTIONS)

    def delete(self, preset_id: int, now: datetime) -> OpResult[None]:
        """Delete a preset; the decks that used it go to Default (as in Anki).

        Returns:
            No value; the changes: ``OPTIONS | DECKS``.

        Raises:
            InputError: If it is the Default preset.
            NotFoundError: If there is no such preset.
        """
        if preset_id == DEFAULT_PRESET_ID:
            raise InputError("The Default preset cannot be deleted.")
        with self._engine.begin() as conn:
            if conn.execute(select(PRESET.c.id).where(PRESET.c.id == preset_id)).first() is None:
                raise NotFoundError(f"There is no preset with id {preset_id}.")
            conn.execute(
                update(DECK)
                .where(DECK.c.preset_id == preset_id)
                .values(preset_id=DEFAULT_PRESET_ID, modified=utcnow_guard(now))
            )
            record_graves(conn, "preset", [preset_id])
            conn.execute(PRESET.delete().where(PRESET.c.id == preset_id))
        return announce(self._notify, None, Change.OPTIONS | Change.DECKS)

    def set_for_decks(
        self, deck_ids: Iterable[int], preset_id: int, now: datetime
    ) -> OpResult[None]:
        """Make decks use a preset (Anki's preset chooser; "save to all subdecks" too).

        Returns:
            No value; the changes: ``OPTIONS | DECKS``.

        Raises:
            NotFoundError: If there is no such preset.
        """
        ids = list(deck_ids)
        with self._engine.begin() as conn:
            if conn.execute(select(PRESET.c.id).where(PRESET.c.id == preset_id)).first() is None:
                raise NotFoundError(f"There is no preset with id {preset_id}.")
            conn.execute(
                update(DECK)
                .where(DECK.c.id.in_(ids), DECK.c.preset_id != preset_id)
                .values(preset_id=preset_id, modified=utcnow_guard(now))
            )
        return announce(self._notify, None, Change.OPTIONS | Change.DECKS)
