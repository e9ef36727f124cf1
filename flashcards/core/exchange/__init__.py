"""Exchange with Anki: ``.apkg`` export (genanki, with progress), package and text import."""

from flashcards.core.exchange.export import export_apkg, export_csv
from flashcards.core.exchange.importer import ExchangeReport, import_file

__all__ = ["ExchangeReport", "export_apkg", "export_csv", "import_file"]
