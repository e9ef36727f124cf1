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
