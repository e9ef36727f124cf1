"""A simulated learner: weeks of reviews through the real core API with a fixed, advancing clock.

Used by tests and screenshots, and as a demo data generator::

    python -m tools.simulate --data-dir /tmp/demo --days 42 --demo-notes 300

Every day the learner (unless they skip the day) sits down once, asks the collection for the next
card and answers it until nothing is left or their daily minutes are used up. Whether they
recall a card in review is drawn with FSRS's own predicted retrievability, so the simulated
retention lands near the deck's desired retention; new and learning cards are recalled with
fixed probabilities. All randomness comes from one seeded generator: a seed and a start time
give the same review log every time.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from flashcards.core.enums import CardState
from flashcards.core.exchange.deckfile_import import import_deck_file
from flashcards.core.scheduling import forgetting_curve

if TYPE_CHECKING:
    from flashcards.core.collection import Collection
    from flashcards.core.exchange.report import ImportReport
    from flashcards.core.scheduler import ReviewCard

#: Probability of recall for a card seen for the first time, and for one in (re)learning steps.
RECALL_NEW = 0.6
RECALL_LEARNING = 0.85
#: When recalled: the shares of Hard, Good and Easy (new cards are more often Easy).
PASS_BUTTONS = {"review": (0.12, 0.78, 0.10), "new": (0.10, 0.72, 0.18)}
#: Seconds to answer a card: the median of a log-normal spread, per kind of card.
MEDIAN_SECONDS = {"new": 14.0, "learning": 8.0, "review": 7.0}
DEMO_DECK = "数字 (demo)"


@dataclass
class SimulationSummary:
    """What a simulation did."""

    days: int
    study_days: int = 0
    reviews: int = 0
    new_cards: int = 0
    seconds: float = 0.0
    ratings: dict[int, int] = field(default_factory=lambda: dict.fromkeys((1, 2, 3, 4), 0))
    end: datetime | None = None

    @property
    def minutes(self) -> float:
        """Minutes spent answering."""
        return self.seconds / 60

    def describe(self) -> str:
        """One line for people."""
        buttons = ", ".join(
            f"{name} {self.ratings[r]}"
            for r, name in ((1, "Again"), (2, "Hard"), (3, "Good"), (4, "Easy"))
        )
        return (
            f"{self.days} days, studied on {self.study_days}: {self.reviews} reviews "
            f"({self.new_cards} new cards) in {self.minutes:.0f} min; {buttons}"
        )


class Learner:
    """Decides how a simulated learner answers a card, from a seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def recall_probability(self, state: int, stability: float | None, elapsed: float) -> float:
        """How likely the learner is to remember a card in ``state`` after ``elapsed`` days."""
        if state == CardState.NEW:
            p = RECALL_NEW
        elif state == CardState.REVIEW and stability:
            p = forgetting_curve(max(0.0, elapsed), stability)
        else:
            p = RECALL_LEARNING
        return min(0.995, p)

    def rating(self, state: int, recall: float) -> int:
        """1 Again, 2 Hard, 3 Good or 4 Easy."""
        if self.rng.random() >= recall:
            return 1
        hard, good, _easy = PASS_BUTTONS["new" if state == CardState.NEW else "review"]
        draw = self.rng.random()
        if draw < hard:
            return 2
        return 3 if draw < hard + good else 4

    def seconds(self, state: int, rating: int) -> float:
        """Time taken to answer: log-normal around the kind's median, longer when forgotten."""
        kind = {CardState.NEW: "new", CardState.REVIEW: "review"}.get(CardState(state), "learning")
        median = MEDIAN_SECONDS[kind] * (1.5 if rating == 1 else 1.0)
        return min(90.0, max(1.5, median * math.exp(self.rng.gauss(0.0, 0.45))))


def simulate(
    collection: Collection,
    start: datetime,
    days: int,
    seed: int,
    deck: str | None = None,
    minutes_per_day: float = 20.0,
    skip_probability: float = 0.08,
) -> SimulationSummary:
    """Drive a learner through ``days`` days of reviews starting on ``start``'s day.

    Args:
        collection: The collection to review in (its review log grows).
        start: When the first day's session may begin (aware); later sessions start at about
            the same time of day, give or take two hours.
        days: How many days to simulate.
        seed: Seeds the generator: the same seed gives the same reviews.
        deck: Review only this deck (and its subdecks); all decks when None.
        minutes_per_day: The learner's usual answering time a day: each day they stop after
            between half and 1.2 times this much.
        skip_probability: The chance that the learner skips a day altogether.

    Returns:
        The counts of what was done; ``end`` is the clock after the last answer.
    """
    if start.tzinfo is None:
        raise ValueError("naive datetime given; pass an aware start time")
    rng = random.Random(seed)
    learner = Learner(rng)
    summary = SimulationSummary(days=days)
    now = start.astimezone(UTC)
    for day in range(days):
        session = start + timedelta(days=day, minutes=rng.uniform(-120, 120))
        now = max(now, session.astimezone(UTC))
        if day > 0 and rng.random() < skip_probability:
            continue
        # Some days the learner has more time than others.
        budget = minutes_per_day * 60 * rng.uniform(0.5, 1.2)
        spent = 0.0
        studied = False
        while spent < budget:
            card = collection.sched.next_card(now, deck)
            if card is None:
                break
            studied = True
            rating, seconds = _answer_once(collection, learner, card, now)
            summary.ratings[rating] += 1
            summary.reviews += 1
            summary.new_cards += card.state == CardState.NEW
            spent += seconds
            # The clock moves by the answer time plus a short pause before the next card.
            now += timedelta(seconds=seconds + rng.uniform(0.5, 3.0))
        summary.seconds += spent
        summary.study_days += studied
    summary.end = now
    return summary


def _answer_once(
    collection: Collection, learner: Learner, card: ReviewCard, shown_at: datetime
) -> tuple[int, float]:
    stability: float | None = None
    elapsed = 0.0
    if card.state == CardState.REVIEW:
        row = collection.cards.rows([card.card_id])[0]
        stability = row["stability"]
        last = row["last_review"]
        if last is not None:
            elapsed = (shown_at - last).total_seconds() / 86400
    recall = learner.recall_probability(card.state, stability, elapsed)
    rating = learner.rating(card.state, recall)
    seconds = learner.seconds(card.state, rating)
    answered_at = shown_at + timedelta(seconds=seconds)
    collection.sched.answer(
        card.card_id,
        rating,
        answered_at,
        duration_ms=int(seconds * 1000),
        shown_at=shown_at,
    )
    return rating, seconds


_DIGITS = "〇一二三四五六七八九"


def japanese_number(n: int) -> str:
    """Write ``n`` (0-99,999,999) in kanji numerals: 347 -> 三百四十七."""
    if n == 0:
        return _DIGITS[0]
    if not 0 < n < 100_000_000:
        raise ValueError("only 0-99,999,999 are supported")

    def below_10000(m: int) -> str:
        out = ""
        for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
            digit, m = divmod(m, value)
            if digit:
                out += ("" if digit == 1 else _DIGITS[digit]) + unit
        return out + (_DIGITS[m] if m else "")

    high, low = divmod(n, 10_000)
    return (below_10000(high) + "万" if high else "") + (below_10000(low) if low else "")


def add_demo_deck(
    collection: Collection, count: int, now: datetime, name: str = DEMO_DECK
) -> ImportReport:
    """Add a deck of ``count`` true cards (numbers to kanji numerals) for demos."""
    from flashcards.core.deckfile import DeckFile, NoteSpec

    rng = random.Random(count)
    numbers = sorted(rng.sample(range(11, 10_000), count), key=lambda _: rng.random())
    notes = [
        NoteSpec(
            id=f"demo-numbers/{n}",
            kind="basic",
            front=f"{n:,}",
            back=japanese_number(n),
            tags=("demo",),
        )
        for n in numbers
    ]
    description = "Demo cards: write numbers in kanji numerals."
    return import_deck_file(collection, DeckFile(name, description, notes), now).value


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m tools.simulate``: fill a data directory with simulated history."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.simulate",
        description="Simulate a learner reviewing for some days (demo data generator).",
    )
    parser.add_argument("--data-dir", type=Path, required=True, help="collection folder")
    parser.add_argument("--days", type=int, default=42, help="days to simulate (default 42)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--deck", help="review only this deck (default: all decks)")
    parser.add_argument("--minutes", type=float, default=20.0, help="minutes a day (default 20)")
    parser.add_argument(
        "--demo-notes", type=int, default=0, metavar="N", help=f"add {DEMO_DECK!r} with N notes"
    )
    parser.add_argument(
        "--end", help="when the simulated history ends (ISO date and time; default: now)"
    )
    args = parser.parse_args(argv)
    end = datetime.fromisoformat(args.end) if args.end else datetime.now(UTC)
    if end.tzinfo is None:
        end = end.replace(tzinfo=UTC)
    # The last session starts about three hours before the end (two hours either way).
    start = end - timedelta(days=args.days - 1, hours=3)

    from flashcards.core.startup import open_user_collection

    args.data_dir.mkdir(parents=True, exist_ok=True)
    collection = open_user_collection(start, args.data_dir)
    try:
        if args.demo_notes > 0:
            add_demo_deck(collection, args.demo_notes, start)
        summary = simulate(
            collection, start, args.days, args.seed, args.deck, minutes_per_day=args.minutes
        )
    finally:
        collection.close()
    sys.stdout.write(summary.describe() + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
