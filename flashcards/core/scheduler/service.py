"""The scheduler: today's counts, the review queue, answering, undo, burying, suspending.

Card state lives in real columns (state, step, stability, difficulty, due, last review), so what
is due is one indexed query; :mod:`flashcards.core.scheduling` is the only user of ``fsrs``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cached_property, partial
from typing import Any

from sqlalchemy import Engine, bindparam, delete, false, or_, select, text, update
from sqlalchemy.engine import Connection
from sqlmodel import Session

from flashcards.core import overview, queue, scheduling
from flashcards.core.changes import NO_CHANGE, Change, Notify, OpResult, announce
from flashcards.core.config import Config
from flashcards.core.deck_names import subdeck_ids
from flashcards.core.deckfile import NoteSource
from flashcards.core.decks import DeckManager, DeckSettings
from flashcards.core.enums import CardState, NoteKind
from flashcards.core.errors import InputError, NotFoundError
from flashcards.core.models import UTCDateTime, utcnow_guard
from flashcards.core.overview import DeckCounts
from flashcards.core.presets import NewInsert, easy_days_of
from flashcards.core.render import Faces, faces_of_row
from flashcards.core.scheduler import custom_study as custom
from flashcards.core.scheduler import fuzz, load_balance, new_order, preview, study_queue
from flashcards.core.scheduler.due_load import DueLoad
from flashcards.core.scheduler.reset_log import log_resets
from flashcards.core.stats_data import forget_review
from flashcards.core.tables import CARD, LOG, NOTE, PRESET

#: When nothing else is due, learning cards due within this span are shown early, and they
#: count as due now (Anki's default learn-ahead limit).
LEARN_AHEAD = overview.LEARN_AHEAD
LEARNING_STATES = (CardState.LEARNING, CardState.RELEARNING)


@dataclass(frozen=True)
class ReviewCard:
    """A card ready to be shown, with the four previewed outcomes for its buttons.

    The outcomes are computed when first asked for (when the answer is revealed and the
    buttons get their labels), not when the card is fetched: the next question appears
    sooner, and the outcomes are the same either way (the same seed, as of ``shown_at``).
    """

    card_id: int
    note_id: int
    note_uid: str
    deck_id: int
    deck_name: str
    kind: str
    ord: int
    state: int
    faces: Faces
    front: str
    back: str
    source: NoteSource
    shown_at: datetime
    memory: scheduling.Memory
    config: scheduling.SchedulerConfig
    flag: int = 0  # Anki's card flag, 0 (none) to 7
    #: When the learner's days roll over (elapsed days and due days count them).
    day: scheduling.LearnerDay = scheduling.LearnerDay()
    #: A card in a filtered deck (custom study): its home deck, whose options schedule it.
    home_deck_id: int | None = None
    #: The cards due on the days ahead, as of ``shown_at``, for the load balancer (None: off).
    balance: load_balance.DueDays | None = None
    #: In custom study without rescheduling: an answer leaves the card as it is
    #: (:mod:`.preview`); each outcome's interval is the delay until it is shown again.
    preview: bool = False
    #: Its note is in an Anki note type of its own, whose templates (not the kind) decide its
    #: cards: a three-template note is of kind basic and still has siblings.
    anki_typed: bool = False

    @cached_property
    def outcomes(self) -> dict[int, scheduling.Outcome]:
        """What each rating (1 Again .. 4 Easy) does to the card."""
        if self.preview:
            return {r: scheduling.Outcome(r, self.memory, d) for r, d in preview.DELAYS.items()}
        return scheduling.preview(
            self.card_id, self.memory, self.config, self.shown_at, self.day, balance=self.balance
        )

    def label(self, rating: int) -> str:
        """The button label of ``rating``: the interval it leads to (``<10m``, ``4d``)."""
        if self.preview:
            return preview.label(rating)
        return scheduling.format_interval(self.outcomes[rating].interval)


@dataclass(frozen=True)
class AnswerResult:
    """What an answer did."""

    card_id: int
    rating: int
    due: datetime
    interval: timedelta
    review_id: int


class Scheduler:
    """Counts, queue and answers; caches today's counts, kept exact by answer and undo.

    Args:
        engine: The collection's engine.
        config: The config manager (the day boundary).
        decks: The deck manager (names, tree, options).
        notify: The collection's change bus.
    """

    def __init__(self, engine: Engine, config: Config, decks: DeckManager, notify: Notify) -> None:
        self._engine = engine
        self._config = config
        self._decks = decks
        self._notify = notify
        # Caches, valid because this object is the collection's only writer (one app instance
        # per data directory); each is dropped by the change that can make it stale.
        self._totals: dict[int, int] | None = None
        # Today's reviews per (deck, state before): [count, milliseconds], with the day start.
        self._studied_cache: tuple[datetime, dict[tuple[int, int], list[int]]] | None = None
        # Today's answers to interday learning cards per deck, with the day start.
        self._interday_cache: tuple[datetime, dict[int, int]] | None = None
        # The last card shown: its memory and previewed outcomes, so that answering it does not
        # compute again what the preview computed (the result would be identical).
        self._shown: ReviewCard | None = None
        # Review ids answered through this object, newest last: undo takes back the learner's
        # own answers of this session, never a review that came in with an import.
        self._answered: list[int] = []
        # Today's queue of the deck being studied, consumed by the answers (as Anki's is).
        self._queue: study_queue.StudyQueue | None = None
        self._answering = False  # an answer's own announcement keeps the queue
        # The load balancer's counts of cards due on the days ahead (kept, like the queue,
        # through this object's own answers), and per deck the decks whose cards it counts.
        self._load: DueLoad | None = None
        self._preset_decks: dict[int, tuple[int, ...]] | None = None
        self._easy_days: dict[int, tuple[float, ...]] | None = None  # by deck

    def _learner_day(self) -> scheduling.LearnerDay:
        """The collection's day boundary, as the scheduling rules take it."""
        return scheduling.LearnerDay(self._config.tz, self._config.day_start_hour)

    def invalidate(self, change: Change) -> None:
        """Drop what ``change`` can make stale (called by the collection's change bus)."""
        if change & (Change.DECKS | Change.NOTES):
            self._totals = None
        if change & (Change.DECKS | Change.OPTIONS):
            self._preset_decks = None
            self._easy_days = None
        if not self._answering and change & (
            Change.DECKS | Change.NOTES | Change.CARDS | Change.OPTIONS
        ):
            self._queue = None
            self._load = None

    def _fetch(self, conn: Connection) -> overview.Fetch:
        """Run the overview's plain SQL through SQLAlchemy, datetimes stored as ours are."""

        def fetch(sql: str, params: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
            statement = text(sql).bindparams(
                *(
                    bindparam(k, type_=UTCDateTime())
                    for k, v in params.items()
                    if isinstance(v, datetime)
                )
            )
            return conn.execute(statement, dict(params)).all()

        return fetch

    def _studied_rows(self, conn: Connection, day_start: datetime) -> list[tuple[int, ...]]:
        """Today's review counts per deck and state; kept up to date by answer/undo."""
        if self._studied_cache is None or self._studied_cache[0] != day_start:
            rows = self._fetch(conn)(overview.STUDIED_SQL, {"day_start": day_start})
            sums = {(int(d), int(s)): [int(c), int(ms or 0)] for d, s, c, ms in rows}
            self._studied_cache = (day_start, sums)
        return [(d, s, c, ms) for (d, s), (c, ms) in self._studied_cache[1].items()]

    def _interday_done(self, conn: Connection, day_start: datetime) -> dict[int, int]:
        """Per deck: today's answers to interday learning cards (Anki counts them as reviews)."""
        if self._interday_cache is None or self._interday_cache[0] != day_start:
            done = overview.interday_answers(
                self._fetch(conn), day_start, self._config.tz, self._config.day_start_hour
            )
            self._interday_cache = (day_start, done)
        return self._interday_cache[1]

    def _remaining(
        self, conn: Connection, day_start: datetime
    ) -> tuple[dict[int, int], dict[int, int]]:
        """Per deck: how many new cards and reviews its own limit still allows today."""
        limits = {
            deck_id: (opts.new_per_day, opts.reviews_per_day)
            for deck_id, opts in self._decks.all_settings().items()
        }
        for deck_id in self._filtered(conn):  # a filtered deck has no limits (Anki's)
            if deck_id in limits:
                limits[deck_id] = (study_queue.UNLIMITED, study_queue.UNLIMITED)
        rows = self._studied_rows(conn, day_start)
        studied = overview.studied_today(rows, self._interday_done(conn, day_start))
        extra = overview.extensions(self._fetch(conn), self._config.learner_day(day_start))
        return overview.remaining(limits, self._decks.tree(), studied, extra)

    def _filtered(self, conn: Connection) -> set[int]:
        """The filtered decks (the custom study session's, if any)."""
        current = custom.session(conn)
        return set() if current is None else {current.deck_id}

    def today(self, now: datetime) -> tuple[int, float, int]:
        """Today's line: cards studied today, minutes spent on them, and the streak in days."""
        now = utcnow_guard(now)
        day_start, _ = self._config.day_bounds(now)
        with self._engine.connect() as conn:
            rows = self._studied_rows(conn, day_start)
            shift = overview.day_shift(now, self._config.tz, self._config.day_start_hour)
            streak = overview.streak(self._fetch(conn), now, shift)
        reviews = sum(int(r[2]) for r in rows)
        return reviews, sum(int(r[3] or 0) for r in rows) / 60000, streak

    def overview(self, now: datetime) -> overview.Overview:
        """The deck list and today's line, as :func:`overview.read_sqlite` reads them."""
        reviews, minutes, streak = self.today(now)
        return overview.Overview(self.deck_counts(now), reviews, minutes, streak)

    def deck_counts(self, now: datetime) -> list[DeckCounts]:
        """The deck list: per deck (subdecks included), what is due now within today's limits.

        As Anki's v3 deck list: learning cards due within the learn-ahead limit count, interday
        learning and reviews take the review limit, new cards their limit and what the reviews
        left of the review limit; each deck's row is capped by its own limits.
        """
        now = utcnow_guard(now)
        day_start, day_end = self._config.day_bounds(now)
        decks = self._decks.names()
        order = sorted(decks)
        with self._engine.connect() as conn:
            new_left, rev_left = self._remaining(conn, day_start)
            fetch = self._fetch(conn)
            intraday, interday = overview.learning_counts(
                fetch, now, day_end, self._config.tz, self._config.day_start_hour
            )
            own: dict[int, tuple[int, int, int]] = {}
            if order:
                params = overview.own_counts_params(order, new_left, rev_left)
                params |= {"now": now, "day_end": day_end}
                sql = overview.own_counts_sql(len(order))
                for deck, new, _learn, rev in fetch(sql, params):
                    own[int(deck)] = (int(new), intraday.get(int(deck), 0), int(rev))
            for deck_id in self._filtered(conn) & set(decks):
                # A filtered deck shows every card it holds (its queue takes them all).
                current = self._build_filtered_queue(conn, now, deck_id)
                new, learn, rev = current.counts(now)
                own[deck_id] = (new, learn, rev)
                interday = {**interday, deck_id: 0}
            if self._totals is None:
                rows = fetch(overview.TOTALS_SQL, {})
                self._totals = {int(d): int(n) for d, n in rows}
            totals = self._totals
        tree = self._decks.tree()
        return overview.deck_list(decks, tree, own, totals, new_left, rev_left, interday)

    def _build_queue(
        self, conn: Connection, now: datetime, deck: str | None
    ) -> study_queue.StudyQueue:
        """Today's queue of ``deck`` (None: all decks), gathered as Anki's v3 scheduler does."""
        decks = self._decks.names()
        root = self._decks.id(deck) if deck is not None else None
        if root is not None and root in self._filtered(conn):
            return self._build_filtered_queue(conn, now, root)
        scope = list(decks) if deck is None else subdeck_ids(decks, deck)
        day_start, day_end = self._config.day_bounds(now)
        new_left, rev_left = self._remaining(conn, day_start)
        chains = self._decks.tree()
        top = -1 if root is None else root
        parents: dict[int, int | None] = {}
        limits: dict[int, study_queue.Limits] = {}
        if root is None:
            parents[top] = None
            limits[top] = study_queue.Limits(study_queue.UNLIMITED, study_queue.UNLIMITED)
        for deck_id in sorted(scope, key=lambda d: len(chains[d])):
            chain = chains[deck_id]
            parents[deck_id] = None if deck_id == root else (chain[1] if len(chain) > 1 else top)
            limits[deck_id] = study_queue.Limits(rev_left[deck_id], new_left[deck_id])
        settings = self._decks.all_settings()
        bury = {
            d: study_queue.Bury(o.bury_new, o.bury_reviews, o.bury_interday)
            for d, o in settings.items()
        }
        params = {"now": now, "day_end": day_end, "decks": scope}
        intraday, interday = [], []
        for row in conn.execute(queue.DUE_LEARNING, params):
            candidate = _candidate(row)
            if overview.is_interday(
                row.due, row.last_review, self._config.tz, self._config.day_start_hour
            ):
                interday.append(candidate)
            else:
                intraday.append(candidate)
        reviews = [_candidate(row) for row in conn.execute(queue.DUE_REVIEWS, params)]
        learner_day = self._config.learner_day

        def by_day(card: study_queue.Candidate) -> tuple[Any, int]:
            return learner_day(card.due), study_queue.tie_hash(card.card_id)

        def new_cards(deck_id: int) -> Iterator[study_queue.Candidate]:
            # Streamed: the gathering stops at the deck's limit (a deck may hold 50,000).
            result = conn.execute(queue.NEW_IN_DECK, {"now": now, "deck_id": deck_id})
            try:
                if settings[deck_id].new_insert_order == NewInsert.RANDOM:
                    yield from new_order.shuffled(_candidate(row) for row in result)
                else:
                    for row in result:
                        yield _candidate(row)
            finally:
                result.close()

        by_name = sorted(scope, key=lambda d: decks[d])
        # The new-card orders are those of the studied deck's preset, as in Anki.
        options = settings[root] if root is not None else DeckSettings()
        # The random new-card orders change with the learner's day (Anki salts them with it).
        salt = day_start.toordinal()
        return study_queue.build(
            root=root,
            day=day_start,
            now=now,
            ahead=LEARN_AHEAD,
            tree=study_queue.LimitTree(parents, limits),
            bury=bury,
            intraday=intraday,
            interday=sorted(interday, key=by_day),
            reviews=sorted(reviews, key=by_day),
            new_by_deck=new_order.gather(options.new_gather_order, by_name, new_cards, salt),
            sort_new=partial(new_order.sort_new, options.new_sort_order, salt),
        )

    def _build_filtered_queue(
        self, conn: Connection, now: datetime, root: int
    ) -> study_queue.StudyQueue:
        """The queue of a filtered deck: all its cards, without limits, in the session's order.

        As Anki's filtered deck (rescheduling on): its reviews and new cards are all due now,
        whatever their due date; a learning card waits for its step (a card answered today
        on an interday step until its day).
        """
        day_start, day_end = self._config.day_bounds(now)
        current = custom.session(conn)
        kind = current.kind if current is not None else custom.Kind.AHEAD
        rows = list(
            conn.execute(
                select(
                    CARD.c.id,
                    CARD.c.note_id,
                    CARD.c.deck_id,
                    CARD.c.due,
                    CARD.c.reps,
                    CARD.c.ord,
                    CARD.c.state,
                    CARD.c.last_review,
                ).where(
                    CARD.c.deck_id == root,
                    CARD.c.suspended == false(),
                    or_(CARD.c.buried_until.is_(None), CARD.c.buried_until <= now),
                )
            ).all()
        )
        rows.sort(key=lambda r: custom.order_key(kind, r.id, r.note_id, r.ord, r.due))
        if preview.is_preview(current):
            return self._preview_queue(conn, now, root, rows, day_start, day_end)
        learning: list[study_queue.LearningEntry] = []
        reviews: list[tuple[int, study_queue.Kind]] = []
        day_learning: list[tuple[int, study_queue.Kind]] = []
        new: list[tuple[int, study_queue.Kind]] = []
        hour = self._config.day_start_hour
        for row in rows:
            if row.state == CardState.NEW:
                new.append((int(row.id), study_queue.Kind.NEW))
            elif row.state == CardState.REVIEW:
                reviews.append((int(row.id), study_queue.Kind.REVIEW))
            elif overview.is_interday(row.due, row.last_review, self._config.tz, hour):
                answered_today = row.last_review is not None and row.last_review >= day_start
                if row.due < day_end or not answered_today:
                    day_learning.append((int(row.id), study_queue.Kind.INTERDAY))
            elif row.due < day_end:
                learning.append(study_queue.LearningEntry(row.due, int(row.id), int(row.reps)))
        learning.sort(key=study_queue.LearningEntry.key)
        main = study_queue.intersperse(study_queue.intersperse(reviews, day_learning), new)
        return study_queue.StudyQueue(root, day_start, main, learning, now, LEARN_AHEAD)

    def _preview_queue(
        self,
        conn: Connection,
        now: datetime,
        root: int,
        rows: Sequence[Any],
        day_start: datetime,
        day_end: datetime,
    ) -> study_queue.StudyQueue:
        """A preview session's queue: every card now, one answered Again or Hard after its delay."""
        waits = preview.waiting(conn, root, [int(r.id) for r in rows])
        learning: list[study_queue.LearningEntry] = []
        main: list[tuple[int, study_queue.Kind]] = []
        for row in rows:
            card_id = int(row.id)
            if card_id in waits and waits[card_id] > now:
                if waits[card_id] < day_end:
                    learning.append(study_queue.LearningEntry(waits[card_id], card_id, 1))
            elif row.state == CardState.NEW:
                main.append((card_id, study_queue.Kind.NEW))
            else:
                main.append((card_id, study_queue.Kind.REVIEW))
        learning.sort(key=study_queue.LearningEntry.key)
        return study_queue.StudyQueue(root, day_start, main, learning, now, LEARN_AHEAD)

    def _study_queue(
        self, conn: Connection, now: datetime, deck: str | None
    ) -> study_queue.StudyQueue | None:
        """The queue of ``deck``, built if there is none for it today."""
        if deck is not None and deck not in self._decks.names().values():
            return None
        root = self._decks.id(deck) if deck is not None else None
        day_start, _ = self._config.day_bounds(now)
        current = self._queue
        if current is None or current.root != root or current.day != day_start:
            current = self._queue = self._build_queue(conn, now, deck)
        return current

    def queue_counts(self, now: datetime, deck: str | None = None) -> tuple[int, int, int]:
        """(new, learning, review) left in today's queue of ``deck``, as Anki's study screen.

        Siblings left out by the bury options are not counted.
        """
        now = utcnow_guard(now)
        with self._engine.connect() as conn:
            current = self._study_queue(conn, now, deck)
        return (0, 0, 0) if current is None else current.counts(now)

    def queue_order(self, now: datetime, deck: str | None = None) -> list[tuple[int, str]]:
        """Today's queue of ``deck`` in the order it will be shown: (card id, kind)."""
        now = utcnow_guard(now)
        with self._engine.connect() as conn:
            current = self._study_queue(conn, now, deck)
        if current is None:
            return []
        current.counts(now)
        return list(current.order())

    def next_card(self, now: datetime, deck: str | None = None) -> ReviewCard | None:
        """The next card to review, or None when nothing is left today.

        Anki's v3 order: learning cards due, then today's queue (reviews and interday learning
        with new cards mixed among them, within the daily limits of the deck and the decks
        above it up to ``deck``), then learning cards due within the learn-ahead limit.
        """
        now = utcnow_guard(now)
        with self._engine.connect() as conn:
            current = self._study_queue(conn, now, deck)
            if current is None:
                return None
            current.counts(now)
            card_id = current.first()
            if card_id is None:
                return None
            row = conn.execute(queue.CARD_FOR_REVIEW, {"card_id": card_id}).first()
            if row is None:  # gone meanwhile: build again
                self._queue = None
                return None
            return self._review_card_of(conn, row, now)

    def card_for_review(self, card_id: int, now: datetime) -> ReviewCard:
        """A given card, ready to be shown (used after undo and for previews).

        Raises:
            NotFoundError: If there is no such card.
        """
        with self._engine.connect() as conn:
            return self._review_card(conn, card_id, utcnow_guard(now))

    def _review_card(self, conn: Connection, card_id: int, now: datetime) -> ReviewCard:
        row = conn.execute(queue.CARD_FOR_REVIEW, {"card_id": card_id}).first()
        if row is None:
            raise NotFoundError(f"There is no card with id {card_id}.")
        return self._review_card_of(conn, row, now)

    def _review_card_of(self, conn: Connection, row: Any, now: datetime) -> ReviewCard:
        card_id = int(row.id)
        memory = _memory(row)
        home = None if row.original_deck_id is None else int(row.original_deck_id)
        config = self._decks.settings(home or int(row.deck_id)).scheduler_config()
        balance = self._due_days(conn, home or int(row.deck_id), int(row.note_id), now)
        deck_name = self._decks.names().get(int(row.deck_id), "")
        card = ReviewCard(
            card_id=card_id,
            note_id=int(row.note_id),
            note_uid=row.uid,
            deck_id=int(row.deck_id),
            deck_name=deck_name,
            kind=row.kind,
            anki_typed=row.anki_notetype_id is not None,
            ord=int(row.ord),
            state=memory.state,
            faces=faces_of_row(row, deck_name),
            front=row.front,
            back=row.back,
            source=NoteSource(row.source_title, row.source_section, row.source_sentence),
            shown_at=now,
            memory=memory,
            config=config,
            flag=int(row.flags or 0),
            day=self._learner_day(),
            home_deck_id=home,
            balance=balance,
            preview=home is not None and preview.is_preview(custom.session(conn)),
        )
        self._shown = card
        return card

    def _due_days(
        self, conn: Connection, home: int, note_id: int, now: datetime
    ) -> load_balance.DueDays | None:
        """What Anki's load balancer needs to schedule a card of deck ``home`` (None: off).

        The cards due on each of the next days in the decks sharing the deck's options (Anki
        counts the card's preset), read once a day and kept through the answers; and, when
        the options bury review siblings, the days a card of the note is due (one indexed
        query: Anki keeps siblings apart then).
        """
        if not fuzz.fuzz_enabled() or not self._config.load_balancer:
            return None
        load = self._load
        if load is None or load.day_start != self._config.day_bounds(now)[0]:
            load = self._load = DueLoad(self._learner_day(), now)
        bury = self._decks.settings(home).bury_reviews
        decks = self._decks_sharing_options(home)
        due = load.due_days(conn, decks, note_id if bury else None)
        return replace(due, easy_days=self._preset_easy_days(conn, home))

    def _preset_easy_days(self, conn: Connection, deck_id: int) -> tuple[float, ...]:
        """The easy days of the deck's preset (kept from its Anki preset; empty: all normal)."""
        if self._easy_days is None:
            kept = {
                int(r[0]): r[1] for r in conn.execute(select(PRESET.c.id, PRESET.c.anki_config))
            }
            self._easy_days = {
                deck: easy_days_of(str(kept.get(preset, "{}")))
                for deck, preset in self._decks.presets().items()
            }
        return self._easy_days.get(deck_id, ())

    def _decks_sharing_options(self, deck_id: int) -> tuple[int, ...]:
        """The decks whose cards the load balancer counts for a card of ``deck_id``.

        Anki counts the cards of the decks on the card's preset (see
        :func:`load_balance.preset_groups`); a filtered deck has no preset.
        """
        if self._preset_decks is None:
            with self._engine.connect() as conn:
                filtered = self._filtered(conn)
            presets = self._decks.presets()
            normal = {d: p for d, p in presets.items() if d not in filtered}
            self._preset_decks = load_balance.preset_groups(normal)
        return self._preset_decks.get(deck_id, ())

    def answer(
        self,
        card_id: int,
        rating: int,
        now: datetime,
        *,
        duration_ms: int = 0,
        shown_at: datetime | None = None,
    ) -> OpResult[AnswerResult]:
        """Answer a card (1 Again, 2 Hard, 3 Good, 4 Easy) in one transaction.

        The outcome is computed as of ``shown_at`` (when the card was shown, as its button labels
        were) so that answering applies exactly the previewed outcome; the review is logged at
        ``now``. Siblings of the note that are new or in review are buried until tomorrow.

        Returns:
            What the answer did; the changes: ``REVIEWS | CARDS``.

        Raises:
            InputError: If ``rating`` is not 1-4.
            NotFoundError: If there is no such card.
        """
        if rating not in (1, 2, 3, 4):
            raise InputError("The answer must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy).")
        now = utcnow_guard(now)
        at = utcnow_guard(shown_at) if shown_at is not None else now
        day_start, day_end = self._config.day_bounds(now)
        with self._engine.begin() as conn:
            session = self._preview_session(conn, card_id, at)
            if session is not None:
                review_id = self._answer_preview(conn, card_id, rating, now, duration_ms, session)
        if session is not None:
            return self._after_preview(card_id, rating, now, review_id)
        with self._engine.begin() as conn:
            applied = self._apply_answer(conn, card_id, rating, at)
            outcome, memory, deck_id, note_id, lone, filtered = applied
            new = outcome.memory
            # Logged, and counted against the limits, in the deck the card is in: Anki's v3
            # charges an answer in a filtered deck to that deck (and its parents), never to
            # the home deck, whose limits custom study does not use up.
            session = custom.session(conn) if filtered else None
            log_deck = session.deck_id if session is not None else deck_id
            if filtered and new.state not in LEARNING_STATES:
                # Anki's v3: a card leaves the filtered deck once answered outside learning.
                custom.return_card_home(conn, card_id)
            siblings: list[int] = []
            if not lone:  # spares the sibling query on every answer of a basic note
                rows = conn.execute(
                    queue.SIBLINGS, {"note_id": note_id, "card_id": card_id, "now": now}
                )
                siblings = self._to_bury(rows, memory.state, self._decks.settings(deck_id))
            options = self._decks.settings(deck_id)
            leech = (
                memory.state == CardState.REVIEW
                and new.state == CardState.RELEARNING
                and leech_threshold_met(new.lapses, options.leech_threshold)
            )
            if leech:  # Anki's leech: tag the note, and suspend the card if the options say
                self._mark_leech(conn, note_id, card_id, options.leech_suspend)
            if siblings:
                conn.execute(
                    update(CARD)
                    .where(CARD.c.id.in_(siblings))
                    .values(buried_until=day_end, buried_by_user=False)
                )
            inserted = conn.execute(
                queue.INSERT_LOG,
                {
                    "card_id": card_id,
                    "deck_id": log_deck,
                    "rating": rating,
                    "reviewed_at": now,
                    "duration_ms": max(0, int(duration_ms)),
                    "state_before": memory.state,
                    "state_after": new.state,
                    "interval_days": outcome.interval.total_seconds() / 86400,
                    "stability_after": new.stability,
                    "difficulty_after": new.difficulty,
                    "prev_step": memory.step,
                    "prev_stability": memory.stability,
                    "prev_difficulty": memory.difficulty,
                    "prev_due": memory.due,
                    "prev_last_review": memory.last_review,
                    "prev_reps": memory.reps,
                    "prev_lapses": memory.lapses,
                    "buried_siblings": " ".join(map(str, siblings)),
                },
            ).inserted_primary_key
            assert inserted is not None
            review_id = int(inserted[0])
        self._answered.append(review_id)
        if self._load is not None:
            self._load.moved(
                self._decks_sharing_options(deck_id),
                None if filtered else (memory.state, memory.due),
                None if filtered and new.state in LEARNING_STATES else (new.state, new.due),
            )
        cache = self._studied_cache
        if cache is not None and cache[0] == day_start:
            entry = cache[1].setdefault((log_deck, memory.state), [0, 0])
            entry[0] += 1
            entry[1] += max(0, int(duration_ms))
        interday = (
            memory.state in (CardState.LEARNING, CardState.RELEARNING)
            and memory.last_review is not None
            and self._config.learner_day(memory.due) > self._config.learner_day(memory.last_review)
        )
        if interday and self._interday_cache is not None and self._interday_cache[0] == day_start:
            done = self._interday_cache[1]
            done[log_deck] = done.get(log_deck, 0) + 1
        self._after_answer(
            card_id,
            now,
            new,
            day_end,
            [*siblings, *([card_id] if leech and options.leech_suspend else [])],
        )
        result = AnswerResult(card_id, rating, new.due, outcome.interval, int(review_id))
        changes = Change.REVIEWS | Change.CARDS | (Change.NOTES if leech else Change(0))
        self._answering = True
        try:
            return announce(self._notify, result, changes)
        finally:
            self._answering = False

    def _preview_session(
        self, conn: Connection, card_id: int, at: datetime
    ) -> custom.Session | None:
        """The custom study session a card is previewed in, or None (an answer reschedules)."""
        shown = self._shown
        if shown is not None and (shown.card_id, shown.shown_at) == (card_id, at):
            if shown.home_deck_id is None:  # the common case, without reading anything
                return None
        elif (
            conn.execute(select(CARD.c.original_deck_id).where(CARD.c.id == card_id)).scalar()
            is None
        ):
            return None
        session = custom.session(conn)
        return session if preview.is_preview(session) else None

    def _answer_preview(
        self,
        conn: Connection,
        card_id: int,
        rating: int,
        now: datetime,
        duration_ms: int,
        session: custom.Session,
    ) -> int:
        """Log a preview answer, the card left as it is; Good and Easy send it home."""
        row = conn.execute(queue.CARD_FOR_ANSWER, {"card_id": card_id}).first()
        if row is None:
            raise NotFoundError(f"There is no card with id {card_id}.")
        memory = _memory(row)
        delay = preview.DELAYS[rating]
        if not delay:
            custom.return_card_home(conn, card_id)
        inserted = conn.execute(
            queue.INSERT_LOG,
            {
                "card_id": card_id,
                "deck_id": session.deck_id,
                "rating": rating,
                "reviewed_at": now,
                "duration_ms": max(0, int(duration_ms)),
                "state_before": memory.state,
                "state_after": memory.state,
                "interval_days": delay.total_seconds() / 86400,
                "stability_after": memory.stability,
                "difficulty_after": memory.difficulty,
                "prev_step": memory.step,
                "prev_stability": memory.stability,
                "prev_difficulty": memory.difficulty,
                "prev_due": memory.due,
                "prev_last_review": memory.last_review,
                "prev_reps": memory.reps,
                "prev_lapses": memory.lapses,
                "preview": True,
            },
        ).inserted_primary_key
        assert inserted is not None
        return int(inserted[0])

    def _after_preview(
        self, card_id: int, rating: int, now: datetime, review_id: int
    ) -> OpResult[AnswerResult]:
        """Undo, today's counts and the queue after a preview answer."""
        self._answered.append(review_id)
        self._studied_cache = None
        self._interday_cache = None
        delay = preview.DELAYS[rating]
        if self._queue is not None:
            # A waiting preview counts as answered before (reps 1), as the rebuilt queue has it.
            self._queue.answered(card_id, now, now + delay if delay else None, 1)
        result = AnswerResult(card_id, rating, now + delay, delay, review_id)
        self._answering = True
        try:
            return announce(self._notify, result, Change.REVIEWS | Change.CARDS)
        finally:
            self._answering = False

    def _after_answer(
        self,
        card_id: int,
        now: datetime,
        new: scheduling.Memory,
        day_end: datetime,
        gone: list[int],
    ) -> None:
        """Consume the answered card from today's queue, as Anki's answer does.

        A learning card due again before the rollover goes back among the learning cards.
        """
        current = self._queue
        if current is None:
            return
        again = (
            new.state in (CardState.LEARNING, CardState.RELEARNING)
            and new.due < day_end
            and card_id not in gone
            and (
                new.last_review is None
                or self._config.learner_day(new.due) <= self._config.learner_day(new.last_review)
            )
        )
        current.answered(card_id, now, new.due if again else None, new.reps)
        current.drop(gone)

    def _mark_leech(self, conn: Connection, note_id: int, card_id: int, suspend: bool) -> None:
        tags = conn.execute(select(NOTE.c.tags).where(NOTE.c.id == note_id)).scalar() or ""
        if "leech" not in {t.lower() for t in tags.split()}:
            conn.execute(
                update(NOTE).where(NOTE.c.id == note_id).values(tags=f"{tags} leech".strip())
            )
        if suspend:
            conn.execute(update(CARD).where(CARD.c.id == card_id).values(suspended=True))

    def _to_bury(self, siblings: Any, state: int, options: DeckSettings) -> list[int]:
        """The siblings that answering a card in ``state`` buries, by its deck's options.

        As Anki does: new siblings if ``bury_new``; review siblings if ``bury_reviews``, and
        siblings in learning due on a later day than their last review (Anki's interday
        learning) if ``bury_interday``, except that a card gathered after them in Anki's
        queue (new after reviews, reviews after interday learning) does not bury them.
        """
        out = []
        for sibling_id, sibling_state, due, last_review in siblings:
            if sibling_state == CardState.NEW:
                bury = options.bury_new
            elif sibling_state == CardState.REVIEW:
                bury = options.bury_reviews and state != CardState.NEW
            else:
                bury = (
                    options.bury_interday
                    and state in (CardState.LEARNING, CardState.RELEARNING)
                    and last_review is not None
                    and self._config.learner_day(due) > self._config.learner_day(last_review)
                )
            if bury:
                out.append(int(sibling_id))
        return out

    def _apply_answer(
        self, conn: Connection, card_id: int, rating: int, at: datetime
    ) -> tuple[scheduling.Outcome, scheduling.Memory, int, int, bool, bool]:
        """Write the outcome of answering a card as of ``at`` to its row.

        Returns:
            The outcome, the card's memory before it, the card's home deck id (its own deck,
            or the one it came from into a filtered deck: its options schedule it and its
            review is logged there), note id, whether the note is sure to have no other card
            (a basic note of ours), and whether the card is in a filtered deck.
        """
        shown = self._shown
        if shown is not None and (shown.card_id, shown.shown_at) == (card_id, at):
            # Answering the card just shown: update its row only if it is still as shown (the
            # same reps, state and due), which spares reading it back.
            memory = shown.memory
            if "outcomes" in shown.__dict__:  # previewed already: reuse, do not recompute
                outcome = shown.outcomes[rating]
            else:
                outcome = scheduling.answer(
                    card_id, memory, rating, shown.config, at, shown.day, balance=shown.balance
                )
            params = queue.memory_params(card_id, outcome.memory)
            params |= {"old_reps": memory.reps, "old_state": memory.state, "old_due": memory.due}
            if conn.execute(queue.UPDATE_MEMORY_IF_UNCHANGED, params).rowcount == 1:
                home = shown.home_deck_id
                return (
                    outcome,
                    memory,
                    home or shown.deck_id,
                    shown.note_id,
                    shown.kind == NoteKind.BASIC and not shown.anki_typed,
                    home is not None,
                )
        row = conn.execute(queue.CARD_FOR_ANSWER, {"card_id": card_id}).first()
        if row is None:
            raise NotFoundError(f"There is no card with id {card_id}.")
        memory = _memory(row)
        home = None if row.original_deck_id is None else int(row.original_deck_id)
        deck_id = home or int(row.deck_id)
        config = self._decks.settings(deck_id).scheduler_config()
        balance = self._due_days(conn, deck_id, int(row.note_id), at)
        outcome = scheduling.answer(
            card_id, memory, rating, config, at, self._learner_day(), balance=balance
        )
        conn.execute(queue.UPDATE_MEMORY, queue.memory_params(card_id, outcome.memory))
        lone = bool(row.kind == NoteKind.BASIC and row.anki_notetype_id is None)
        return outcome, memory, deck_id, int(row.note_id), lone, home is not None

    def undo(self) -> OpResult[int | None]:
        """Undo the last answer of this session: restore its card exactly, remove its log row.

        Returns:
            The id of the card whose answer was undone, or None if there is nothing to undo;
            the changes: ``REVIEWS | CARDS``, or none when there was nothing to undo.
        """
        if not self._answered:
            return OpResult(None, NO_CHANGE)
        with self._engine.begin() as conn:
            log = conn.execute(queue.LOG_BY_ID, {"review_id": self._answered.pop()}).first()
            if log is None:  # deleted meanwhile (its note was deleted): nothing to restore
                return OpResult(None, NO_CHANGE)
            conn.execute(
                queue.UPDATE_MEMORY,
                queue.memory_params(
                    log.card_id,
                    scheduling.Memory(
                        state=log.state_before,
                        step=log.prev_step,
                        stability=log.prev_stability,
                        difficulty=log.prev_difficulty,
                        due=log.prev_due,
                        last_review=log.prev_last_review,
                        reps=log.prev_reps,
                        lapses=log.prev_lapses,
                    ),
                ),
            )
            siblings = [int(s) for s in log.buried_siblings.split()]
            if siblings:
                conn.execute(update(CARD).where(CARD.c.id.in_(siblings)).values(buried_until=None))
            forget_review(conn, log)
            conn.execute(delete(LOG).where(LOG.c.id == log.id))
        self._studied_cache = None
        self._interday_cache = None
        return announce(self._notify, int(log.card_id), Change.REVIEWS | Change.CARDS)

    def bury(self, card_ids: Sequence[int], now: datetime) -> OpResult[None]:
        """Hide cards until the next day starts (Anki's manual bury).

        Returns:
            No value; the changes: ``CARDS``.
        """
        _, day_end = self._config.day_bounds(now)
        with self._engine.begin() as conn:
            conn.execute(
                update(CARD)
                .where(CARD.c.id.in_(card_ids))
                .values(buried_until=day_end, buried_by_user=True)
            )
        return announce(self._notify, None, Change.CARDS)

    def forget(
        self, card_ids: Sequence[int], now: datetime, *, reset_counts: bool = False
    ) -> OpResult[None]:
        """Reset cards to new, as Anki's Forget does: no memory state, review history kept.

        The cards come after the cards that are new already (their due is ``now``), are no
        longer suspended or buried (Anki puts them back in the new queue), and keep their
        review and lapse counts unless ``reset_counts``. Undo does not take it back, and no
        longer takes back the answers given to these cards before it (that would bring back
        the memory state the reset removed).

        A card that was not new gets a review-log row of no button, as Anki's Manual entry
        (:mod:`flashcards.core.scheduler.reset_log`).

        Returns:
            No value; the changes: ``CARDS | REVIEWS``.
        """
        now = utcnow_guard(now)
        values: dict[str, Any] = {
            "state": int(CardState.NEW),
            "step": None,
            "stability": None,
            "difficulty": None,
            "due": now,
            "last_review": None,
            "suspended": False,
            "buried_until": None,
            "buried_by_user": False,
        }
        if reset_counts:
            values |= {"reps": 0, "lapses": 0}
        with self._engine.begin() as conn:
            log_resets(conn, card_ids, now)  # the reset travels with the reviews (sync, export)
            conn.execute(update(CARD).where(CARD.c.id.in_(card_ids)).values(**values))
            if self._answered:
                forgotten = set(card_ids)
                rows = conn.execute(
                    select(LOG.c.id, LOG.c.card_id).where(LOG.c.id.in_(self._answered))
                )
                keep = {int(r[0]) for r in rows if int(r[1]) not in forgotten}
                self._answered = [r for r in self._answered if r in keep]
        self._studied_cache = None
        self._interday_cache = None
        return announce(self._notify, None, Change.CARDS | Change.REVIEWS)

    def set_flag(self, card_ids: Sequence[int], flag: int) -> OpResult[None]:
        """Flag cards as Anki does (0 removes the flag).

        Anki's flags: 1 red, 2 orange, 3 green, 4 blue, 5 pink, 6 turquoise, 7 purple.

        Returns:
            No value; the changes: ``CARDS``.

        Raises:
            InputError: If ``flag`` is not 0-7.
        """
        if flag not in range(8):
            raise InputError("A flag is a number from 0 (no flag) to 7.")
        with self._engine.begin() as conn:
            conn.execute(update(CARD).where(CARD.c.id.in_(card_ids)).values(flags=flag))
        return announce(self._notify, None, Change.CARDS)

    def set_suspended(self, card_ids: Sequence[int], suspended: bool) -> OpResult[None]:
        """Suspend cards (never shown) or bring them back.

        Returns:
            No value; the changes: ``CARDS``.
        """
        with self._engine.begin() as conn:
            conn.execute(update(CARD).where(CARD.c.id.in_(card_ids)).values(suspended=suspended))
        return announce(self._notify, None, Change.CARDS)

    # ------------------------------------------------------------------ custom study

    def extend_limits(
        self, deck: str, now: datetime, *, new: int = 0, review: int = 0
    ) -> OpResult[None]:
        """Custom study's "more new cards / reviews today": the deck's limits + N, today only.

        As Anki's ``extend_limits``: the deck's own "studied today" counts are lowered by N
        (its parents' are not), so the deck's new (review) limit grows by N today; new cards
        also count against the review limit, which grows with them. It expires at the next
        rollover; extending again the same day adds to it (a negative N lowers the limit).

        Returns:
            No value; the changes: ``OPTIONS``.

        Raises:
            NotFoundError: If there is no such deck.
        """
        now = utcnow_guard(now)
        deck_id = self._decks.id(deck)
        with self._engine.begin() as conn:
            today = self._config.learner_day(now)
            custom.extend(conn, deck_id, today, int(new), int(review))
        return announce(self._notify, None, Change.OPTIONS)

    def custom_study(
        self,
        deck: str,
        kind: custom.Kind,
        now: datetime,
        *,
        days: int = 1,
        limit: int = custom.NO_LIMIT,
        include: Sequence[str] = (),
        exclude: Sequence[str] = (),
    ) -> OpResult[str]:
        """Make the custom study session of ``deck`` (see :mod:`.custom_study`).

        The cards of the last session go home first; the chosen cards move into the filtered
        deck "Custom Study Session" (made if missing), each remembering its home deck.

        Returns:
            The filtered deck's name (to study it); the changes: ``DECKS | CARDS``.

        Raises:
            NotFoundError: If there is no such deck.
            InputError: If no card matched (nothing changes), if ``days`` or ``limit`` is
                below 1, or if a normal deck has the session's name.
        """
        now = utcnow_guard(now)
        if days < 1 or limit < 1:
            raise InputError("The number of days and of cards must be at least 1.")
        decks = self._decks.names()
        home = self._decks.id(deck)
        _, day_end = self._config.day_bounds(now)
        with Session(self._engine) as session:
            conn = session.connection()
            current = custom.session(conn)
            existing = next((i for i, n in decks.items() if n == custom.SESSION_NAME), None)
            if existing is not None and (current is None or current.deck_id != existing):
                raise InputError(
                    f"A deck called {custom.SESSION_NAME!r} exists and is not a custom "
                    "study session: rename it first."
                )
            if current is not None and home == current.deck_id:
                raise InputError("Custom study gathers cards from a normal deck, not from itself.")
            if current is not None:
                custom.return_home(conn, [current.deck_id])
            deck_id = (
                existing
                if existing is not None
                else self._decks.ensure(session, custom.SESSION_NAME, now)
            )
            search = custom.Session(
                deck_id, home, kind, days, limit, tuple(include), tuple(exclude)
            )
            count = self._gather(conn, search, decks, now, day_end)
            if not count:
                session.rollback()
                raise InputError("No cards matched the criteria you provided.")
            custom.save_session(conn, search)
            session.commit()
        return announce(self._notify, custom.SESSION_NAME, Change.DECKS | Change.CARDS)

    def _gather(
        self,
        conn: Connection,
        search: custom.Session,
        decks: dict[int, str],
        now: datetime,
        day_end: datetime,
    ) -> int:
        hour = self._config.day_start_hour
        ids = custom.select_cards(
            conn,
            search,
            subdeck_ids(decks, decks[search.home]),
            now=now,
            day_end=day_end,
            is_interday_row=lambda r: overview.is_interday(
                r.due, r.last_review, self._config.tz, hour
            ),
        )
        custom.move_in(conn, ids, search.deck_id)
        return len(ids)

    def filtered_deck(self) -> int | None:
        """The id of the filtered deck (the custom study session's), if there is one."""
        with self._engine.connect() as conn:
            current = custom.session(conn)
        return None if current is None else current.deck_id

    def empty_filtered(self, deck_id: int) -> OpResult[int]:
        """Send every card of a filtered deck home (the deck stays, empty, to rebuild).

        Returns:
            How many cards went home; the changes: ``CARDS``.
        """
        with self._engine.begin() as conn:
            moved = custom.return_home(conn, [deck_id])
        return announce(self._notify, moved, Change.CARDS)

    def rebuild_filtered(self, deck_id: int, now: datetime) -> OpResult[int]:
        """Send the cards of the filtered deck home and gather its search again.

        Returns:
            How many cards it holds now; the changes: ``CARDS``.

        Raises:
            InputError: If ``deck_id`` is not the custom study session or its deck is gone.
        """
        now = utcnow_guard(now)
        decks = self._decks.names()
        _, day_end = self._config.day_bounds(now)
        with self._engine.begin() as conn:
            current = custom.session(conn)
            if current is None or current.deck_id != deck_id or current.home not in decks:
                raise InputError("This deck is not a custom study session that can be rebuilt.")
            custom.return_home(conn, [deck_id])
            count = self._gather(conn, current, decks, now, day_end)
        return announce(self._notify, count, Change.CARDS)

    def custom_study_defaults(self, deck: str, now: datetime) -> custom.Defaults:
        """What the custom study dialog shows for ``deck``.

        Its tags, what today's limits hold back, and today's extension so far.

        Raises:
            NotFoundError: If there is no such deck.
        """
        now = utcnow_guard(now)
        decks = self._decks.names()
        deck_id = self._decks.id(deck)
        scope = subdeck_ids(decks, deck)
        _, day_end = self._config.day_bounds(now)
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(NOTE.c.tags).where(
                    # As Anki's deck search: cards visiting a filtered deck count at home.
                    NOTE.c.id.in_(
                        select(CARD.c.note_id).where(
                            or_(CARD.c.deck_id.in_(scope), CARD.c.original_deck_id.in_(scope))
                        )
                    )
                )
            )
            tags = sorted({t for (text_,) in rows for t in str(text_ or "").split()}, key=str.lower)
            visible = (
                CARD.c.deck_id.in_(scope),
                CARD.c.suspended == false(),
                or_(CARD.c.buried_until.is_(None), CARD.c.buried_until <= now),
            )
            count = select(text("count(*)")).select_from(CARD)
            new = conn.execute(count.where(*visible, CARD.c.state == CardState.NEW)).scalar()
            due = conn.execute(
                count.where(*visible, CARD.c.state == CardState.REVIEW, CARD.c.due < day_end)
            ).scalar()
            extend_new, extend_review = custom.extension(
                conn, deck_id, self._config.learner_day(now)
            )
        shown = next((c for c in self.deck_counts(now) if c.deck_id == deck_id), None)
        return custom.Defaults(
            tags=tags,
            available_new=max(0, int(new or 0) - (shown.new if shown else 0)),
            available_review=max(0, int(due or 0) - (shown.review if shown else 0)),
            extend_new=extend_new,
            extend_review=extend_review,
        )


def leech_threshold_met(lapses: int, threshold: int) -> bool:
    """Anki's leech rule: at ``threshold`` lapses and every half threshold (rounded up) after."""
    if threshold <= 0:
        return False
    half = max(1, -(-threshold // 2))
    return lapses >= threshold and (lapses - threshold) % half == 0


def _candidate(row: Any) -> study_queue.Candidate:
    return study_queue.Candidate(
        card_id=int(row.id),
        note_id=int(row.note_id),
        deck_id=int(row.deck_id),
        due=row.due,
        reps=int(row.reps),
        ord=int(row.ord),
    )


def _memory(row: Any) -> scheduling.Memory:
    return scheduling.Memory(
        state=int(row.state),
        step=row.step,
        stability=row.stability,
        difficulty=row.difficulty,
        due=row.due,
        last_review=row.last_review,
        reps=int(row.reps),
        lapses=int(row.lapses),
    )
