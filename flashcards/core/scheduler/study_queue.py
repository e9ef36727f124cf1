"""Today's study queue, built as Anki's v3 scheduler builds it (``rslib/src/scheduler/queue``).

The queue of a deck is built once (on the first card asked for, and again after a change that
is not an answer, or on a new day) and then consumed by the answers, as Anki's is: the order
of new cards among reviews depends on how many of each there were when it was built, so it
cannot be recomputed card by card. What it gathers, in Anki's order, with Anki's default
options:

1. intraday learning cards due before the next rollover (never limited);
2. interday learning cards due today, then reviews due today, by due day, each taking one
   from the review limit of its deck and of every deck above it up to the studied deck;
3. new cards, deck by deck in name order, each deck's in the order they were added, each
   taking one from the new limit of its deck and those above it; then sorted by template
   (all first cards before all second cards, as Anki's default "card template" order).

A card whose note already gave a card to the queue is left out when the options of the deck
that note's first card came from bury that kind (Anki's bury options). Interday learning is
mixed among the reviews and new cards among both (Anki's "mix with reviews"). Intraday
learning cards due now come first, then the mixed queue, then learning cards due within the
learn-ahead limit.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import IntEnum

#: Anki's limit when a deck has none (a filtered deck, or the "all decks" root here).
UNLIMITED = 9999


class Kind(IntEnum):
    """A main-queue entry's kind (Anki's ``MainQueueEntryKind``)."""

    NEW = 0
    REVIEW = 1
    INTERDAY = 2


@dataclass(frozen=True)
class Bury:
    """A deck's bury options: which siblings of a card already queued stay out."""

    new: bool = False
    reviews: bool = False
    interday: bool = False

    def __or__(self, other: Bury) -> Bury:
        return Bury(
            self.new or other.new,
            self.reviews or other.reviews,
            self.interday or other.interday,
        )


@dataclass
class Limits:
    """What a deck may still give today (Anki's ``RemainingLimits``, new capped by reviews)."""

    review: int
    new: int

    def cap_to(self, other: Limits) -> None:
        """Lower each limit to ``other``'s."""
        self.review = min(self.review, other.review)
        self.new = min(self.new, other.new)

    def decrement(self, kind: Kind) -> bool:
        """Take one card of ``kind``; True if a limit just reached zero."""
        before = (self.review, self.new)
        if kind == Kind.NEW:
            self.new = max(0, self.new - 1)
        else:
            self.review = max(0, self.review - 1)
            self.new = min(self.new, self.review)
        return (before[0] > 0 and self.review == 0) or (before[1] > 0 and self.new == 0)


class LimitTree:
    """The studied deck and its subdecks with their limits, each capped by its parent's.

    Args:
        parents: deck id -> parent deck id (None for the studied deck itself), parents first.
        limits: deck id -> its own remaining limits today.
    """

    def __init__(self, parents: Mapping[int, int | None], limits: Mapping[int, Limits]) -> None:
        self._parent = dict(parents)
        self._children: dict[int, list[int]] = {d: [] for d in parents}
        self._limits: dict[int, Limits] = {}
        self._root = next(iter(parents))
        for deck, parent in parents.items():
            own = Limits(limits[deck].review, limits[deck].new)
            if parent is not None:
                own.cap_to(self._limits[parent])
                self._children[parent].append(deck)
            self._limits[deck] = own

    def reached(self, deck: int, kind: Kind) -> bool:
        """Whether ``deck`` may give no more cards of ``kind`` today."""
        limits = self._limits[deck]
        return (limits.new if kind == Kind.NEW else limits.review) == 0

    def root_reached(self, kind: Kind) -> bool:
        """Whether the studied deck may give no more cards of ``kind`` today."""
        return self.reached(self._root, kind)

    def take(self, deck: int, kind: Kind) -> None:
        """Count one card of ``kind`` against ``deck`` and every deck above it."""
        current: int | None = deck
        while current is not None:
            limits = self._limits[current]
            if limits.decrement(kind):
                self._cap_below(current, Limits(limits.review, limits.new))
            current = self._parent[current]

    def _cap_below(self, deck: int, limits: Limits) -> None:
        pending = [deck]
        while pending:
            current = pending.pop()
            self._limits[current].cap_to(limits)
            pending += self._children[current]


@dataclass(frozen=True)
class Candidate:
    """A card the queue may gather."""

    card_id: int
    note_id: int
    deck_id: int
    due: datetime
    reps: int = 0
    ord: int = 0


@dataclass
class LearningEntry:
    """An intraday learning card in the queue (its due may be moved one second later)."""

    due: datetime
    card_id: int
    reps: int

    def key(self) -> tuple[bool, datetime]:
        """The learning queue's sort key."""
        # Cards answered before come first, then by due (Anki's cmp_by_reps_then_due).
        return (self.reps == 0, self.due)


def _f32(value: float) -> float:
    return float(struct.unpack("f", struct.pack("f", value))[0])


def intersperse(
    one: Sequence[tuple[int, Kind]], two: Sequence[tuple[int, Kind]]
) -> list[tuple[int, Kind]]:
    """``two`` spread evenly among ``one`` (Anki's Intersperser, with its 32-bit ratio)."""
    ratio = _f32((len(one) + 1) / (len(two) + 1))
    out: list[tuple[int, Kind]] = []
    i = j = 0
    while i < len(one) or j < len(two):
        if i < len(one) and j < len(two):
            if _f32((j + 1) * ratio) < i + 1:
                out.append(two[j])
                j += 1
            else:
                out.append(one[i])
                i += 1
        elif i < len(one):
            out.append(one[i])
            i += 1
        else:
            out.append(two[j])
            j += 1
    return out


def tie_hash(card_id: int) -> int:
    """A fixed pseudo-random order among reviews due the same day (Anki hashes id and mtime)."""
    value = 0xCBF29CE484222325
    for byte in card_id.to_bytes(8, "little", signed=True):
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return value


@dataclass
class StudyQueue:
    """A built queue, consumed by answers (Anki's ``CardQueues``).

    ``main`` keeps the order it was built in; answered and dropped cards are marked gone
    rather than removed, and the counts are kept as they go, so that an answer costs the same
    whatever the queue's length (a rebuilt list per answer cost milliseconds at 10,000 cards).
    """

    root: int | None
    day: datetime  # the day start it was built for
    main: list[tuple[int, Kind]]
    learning: list[LearningEntry]
    cutoff: datetime  # learning cards due by then are "due now"
    ahead: timedelta
    buried: set[int] = field(default_factory=set)
    # Built on first use (tests may reorder ``main`` before): the kind of each card still in
    # ``main``, its counts by kind, and where its first card still there is.
    _left: dict[int, Kind] | None = field(default=None, init=False, repr=False)
    _counts: list[int] = field(default_factory=lambda: [0, 0, 0], init=False, repr=False)
    _head: int = field(default=0, init=False, repr=False)

    def set_main(self, main: list[tuple[int, Kind]]) -> None:
        """Replace the main queue's cards and order (what is left of them is counted anew)."""
        self.main = main
        self._left, self._counts, self._head = None, [0, 0, 0], 0

    def _main_left(self) -> dict[int, Kind]:
        if self._left is None:
            self._left = dict(self.main)
            for kind in self._left.values():
                self._counts[kind] += 1
        return self._left

    def _take_from_main(self, card_id: int) -> None:
        left = self._main_left()
        kind = left.pop(card_id, None)
        if kind is not None:
            self._counts[kind] -= 1

    def _ahead_cutoff(self) -> datetime:
        return self.cutoff + self.ahead

    def counts(self, now: datetime) -> tuple[int, int, int]:
        """(new, learning, review) left, as Anki's counts.

        When all are zero the learning cutoff moves to ``now`` first (learning cards due
        meanwhile then count).
        """
        left = self._main_left()
        if not left and not any(e.due <= self._ahead_cutoff() for e in self.learning):
            self.cutoff = max(self.cutoff, now)
        ahead = self._ahead_cutoff()
        new, review = self._counts[Kind.NEW], self._counts[Kind.REVIEW]
        interday = self._counts[Kind.INTERDAY]
        return new, interday + sum(1 for e in self.learning if e.due <= ahead), review

    def order_of_main(self) -> Iterator[tuple[int, Kind]]:
        """The cards left in the main queue (reviews, new, interday learning), in order."""
        left = self._main_left()
        # Cards answered from the front are skipped once, not at every look.
        while self._head < len(self.main) and self.main[self._head][0] not in left:
            self._head += 1
        for index in range(self._head, len(self.main)):
            card_id, kind = self.main[index]
            if card_id in left:
                yield card_id, kind

    def order(self) -> Iterator[tuple[int, str]]:
        """The cards in the order they will be shown: (card id, "learn"/"new"/"review"...)."""
        for entry in self.learning:
            if entry.due <= self.cutoff:
                yield entry.card_id, "learn"
        for card_id, kind in self.order_of_main():
            yield card_id, ("new", "review", "interday")[kind]
        ahead = self._ahead_cutoff()
        for entry in self.learning:
            if self.cutoff < entry.due <= ahead:
                yield entry.card_id, "learn"

    def first(self) -> int | None:
        """The next card's id."""
        return next((card_id for card_id, _ in self.order()), None)

    def answered(
        self, card_id: int, now: datetime, requeue_due: datetime | None, reps: int
    ) -> None:
        """Take an answered card out, as Anki does after an answer.

        It goes back among the learning cards if it is due again today (``requeue_due``),
        and the learning cutoff moves to ``now``.
        """
        self.learning = [e for e in self.learning if e.card_id != card_id]
        self._take_from_main(card_id)
        if requeue_due is not None:
            entry = LearningEntry(requeue_due, card_id, reps)
            ahead = self._ahead_cutoff()
            # Not straight back when nothing else is left: after the next learning card.
            if entry.due <= ahead and not self._main_left() and self.learning:
                nxt = self.learning[0]
                if nxt.due >= entry.due and nxt.due + timedelta(seconds=1) < ahead:
                    entry.due = nxt.due + timedelta(seconds=1)
            index = 0
            while index < len(self.learning) and self.learning[index].key() <= entry.key():
                index += 1
            self.learning.insert(index, entry)
        self.cutoff = max(self.cutoff, now)

    def drop(self, card_ids: Iterable[int]) -> None:
        """Take cards out (buried or suspended by an answer)."""
        gone = set(card_ids)
        self.learning = [e for e in self.learning if e.card_id not in gone]
        for card_id in gone:
            self._take_from_main(card_id)


def build(
    *,
    root: int | None,
    day: datetime,
    now: datetime,
    ahead: timedelta,
    tree: LimitTree,
    bury: Mapping[int, Bury],
    intraday: Iterable[Candidate],
    interday: Iterable[Candidate],
    reviews: Iterable[Candidate],
    new_by_deck: Iterable[tuple[int, Iterable[Candidate]]],
    sort_by_template: bool = True,
    sort_new: Callable[[list[Candidate]], list[Candidate]] | None = None,
) -> StudyQueue:
    """Gather and order today's queue from the candidates, in Anki's order (see the module).

    ``interday`` and ``reviews`` come sorted by due day; ``new_by_deck`` is each deck in name
    order with its new cards in the order they were added (consumed only as far as needed),
    or, for a gather order by position across decks, one card at a time with its deck.
    ``sort_by_template`` is Anki's new-card sort order "card template" (False: "no sort",
    the gathered order); ``sort_new``, when given, sorts the gathered new cards instead (the
    preset's sort order, :func:`flashcards.core.scheduler.new_order.sort_new`).
    """
    seen: dict[int, Bury] = {}

    def previous(card: Candidate) -> Bury | None:
        # The bury mode of the note's cards gathered before (Anki's seen_note_ids).
        before = seen.get(card.note_id)
        mode = bury.get(card.deck_id, Bury())
        seen[card.note_id] = mode if before is None else before | mode
        return before

    learning = []
    for card in intraday:
        previous(card)
        learning.append(LearningEntry(card.due, card.card_id, card.reps))
    learning.sort(key=LearningEntry.key)

    gathered: dict[Kind, list[Candidate]] = {Kind.INTERDAY: [], Kind.REVIEW: [], Kind.NEW: []}
    for kind, cards in ((Kind.INTERDAY, interday), (Kind.REVIEW, reviews)):
        for card in cards:
            if tree.root_reached(Kind.REVIEW):
                break
            if tree.reached(card.deck_id, Kind.REVIEW):
                continue
            mode = previous(card)
            if mode is not None and (mode.interday if kind == Kind.INTERDAY else mode.reviews):
                continue
            gathered[kind].append(card)
            tree.take(card.deck_id, Kind.REVIEW)
    for deck_id, cards in new_by_deck:
        if tree.root_reached(Kind.NEW):
            break
        if tree.reached(deck_id, Kind.NEW):
            continue
        for card in cards:
            if tree.reached(deck_id, Kind.NEW):
                break
            mode = previous(card)
            if mode is not None and mode.new:
                continue
            gathered[Kind.NEW].append(card)
            tree.take(deck_id, Kind.NEW)
    new = gathered[Kind.NEW]
    if sort_new is not None:
        new = sort_new(new)
    elif sort_by_template:
        new = sorted(new, key=lambda c: c.ord)  # stable: Anki's template order

    reviews_first = [(c.card_id, Kind.REVIEW) for c in gathered[Kind.REVIEW]]
    day_learning = [(c.card_id, Kind.INTERDAY) for c in gathered[Kind.INTERDAY]]
    main = intersperse(
        intersperse(reviews_first, day_learning), [(c.card_id, Kind.NEW) for c in new]
    )
    return StudyQueue(root, day, main, learning, now, ahead)
