"""The core's enumerations, defined once: card states, note kinds, answer ratings.

Kept free of heavy imports: the article generator and the start-up fast path use them too.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class CardState(IntEnum):
    """A card's learning state. 1-3 are fsrs.State's values; New is ours (never reviewed)."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


class NoteKind(StrEnum):
    """Which cards a note makes."""

    BASIC = "basic"
    REVERSED = "basic+reversed"
    CLOZE = "cloze"


#: The rating of a review-log row that records no answer but a reset to new (Anki's Forget; in
#: Anki's revlog, kind Manual with no button). Statistics and training leave such rows out; a
#: replay of the log (sync) starts the card anew there.
RESET_RATING = 0


class Rating(IntEnum):
    """An answer, as Anki numbers its buttons (and fsrs.Rating)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        """The button's English name ("Again", "Good")."""
        return self.name.title()
