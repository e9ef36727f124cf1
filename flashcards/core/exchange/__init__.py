"""Exchange: Anki packages and text files in and out, and our own deck files in.

The names below are loaded on first use, so that importing one submodule (the deck-file
importer on start-up, say) does not load genanki and the package readers.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flashcards.core.exchange.deckfile_import import import_deck_file, load_shipped_decks
    from flashcards.core.exchange.export import ExportReport, export_apkg, export_csv
    from flashcards.core.exchange.importer import ExchangeReport, import_file
    from flashcards.core.exchange.report import ImportReport

_WHERE = {
    "ExchangeReport": "importer",
    "ExportReport": "export",
    "ImportReport": "report",
    "export_apkg": "export",
    "export_csv": "export",
    "import_deck_file": "deckfile_import",
    "import_file": "importer",
    "load_shipped_decks": "deckfile_import",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = [
    "ExchangeReport",
    "ExportReport",
    "ImportReport",
    "export_apkg",
    "export_csv",
    "import_deck_file",
    "import_file",
    "load_shipped_decks",
]
