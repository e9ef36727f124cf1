"""The bridge between the collection's listener calls and typed Qt signals.

The collection calls its listeners from whichever thread made the change (an import running
in a worker thread, for instance); Qt queues the signals to the GUI thread's receivers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from flashcards.core.collection import Change


class CollectionSignals(QObject):
    """Typed signals for what changed in the collection; views connect to the ones they show."""

    decks_changed = Signal()
    notes_changed = Signal()
    cards_changed = Signal()
    reviews_changed = Signal()
    options_changed = Signal()
    #: Any change at all (after the specific signals).
    changed = Signal()

    def on_change(self, change: Change) -> None:
        """Collection listener: emit one signal per part that changed."""
        from flashcards.core.collection import Change

        pairs = (
            (Change.DECKS, self.decks_changed),
            (Change.NOTES, self.notes_changed),
            (Change.CARDS, self.cards_changed),
            (Change.REVIEWS, self.reviews_changed),
            (Change.OPTIONS, self.options_changed),
        )
        for flag, signal in pairs:
            if change & flag:
                signal.emit()
        self.changed.emit()
