"""What an import did: the report every importer returns."""

from __future__ import annotations

from dataclasses import dataclass, field

REFUSED_WARNING = (
    "{n} note(s) were left as they were: the change would have deleted cards "
    "that have review history."
)


@dataclass
class ImportReport:
    """What an import did."""

    deck: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Notes left unchanged because the change would have deleted cards with review history.
    refused: int = 0
    #: Media files (images, sounds) the import added to the collection's media folder.
    media_added: int = 0
    #: Per deck: how many notes were "added", "updated", "unchanged", "refused" there.
    decks: dict[str, dict[str, int]] = field(default_factory=dict)

    def tally(self, deck: str, outcome: str, count: int = 1) -> None:
        """Count ``count`` notes of ``deck`` as ``outcome`` (also in the report's total)."""
        if count <= 0:
            return
        setattr(self, outcome, getattr(self, outcome) + count)
        per_deck = self.decks.setdefault(deck, {})
        per_deck[outcome] = per_deck.get(outcome, 0) + count
