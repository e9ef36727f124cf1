"""File → Import / Export: dialogs in the GUI thread, the work in a worker with a progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QMessageBox,
    QProgressDialog,
    QWidget,
)

from flashcards.gui.clock import Clock
from flashcards.gui.workers import Report, TaskRunner, progress_adapter

if TYPE_CHECKING:
    from flashcards.core.collection import Collection

IMPORT_FILTER = (
    "Decks and packages (*.toml *.apkg *.colpkg *.csv *.txt *.tsv);;"
    "Deck files (*.toml);;Anki packages (*.apkg *.colpkg);;Text files (*.csv *.txt *.tsv);;"
    "All files (*)"
)
MISSING_EXCHANGE = (
    "Importing and exporting Anki packages and text files is not available in this build "
    "(the exchange module is missing). Deck files (.toml) can still be imported."
)


def exchange_module() -> Any | None:
    """The exchange API, or None when this build does not have it."""
    try:
        from flashcards.core import exchange
    except ImportError:
        return None
    needed = ("import_file", "export_apkg", "export_csv")
    return exchange if all(hasattr(exchange, name) for name in needed) else None


def import_path(col: Collection, path: Path, now: Any, report: Report) -> Any:
    """Import one file (run in a worker thread)."""
    report(0, 0)
    if path.suffix.lower() == ".toml":
        from flashcards.core.deckfile import read_deck_file

        return col.import_deck_file(read_deck_file(path), now)
    exchange = exchange_module()
    if exchange is None:
        raise RuntimeError(MISSING_EXCHANGE)
    return exchange.import_file(col, path, now)


class ExportOptions(QDialog):
    """Which deck, which format, and whether to carry the learner's progress."""

    def __init__(self, decks: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.deck = QComboBox()
        self.deck.addItem("All decks", None)
        for name in sorted(decks, key=lambda n: n.split("::")):
            self.deck.addItem(name, name)
        self.format = QComboBox()
        self.format.addItem("Anki package (.apkg)", "apkg")
        self.format.addItem("Anki text file (.txt)", "csv")
        self.with_progress = QCheckBox("Include scheduling and review history")
        self.format.currentIndexChanged.connect(
            lambda: self.with_progress.setEnabled(self.format.currentData() == "apkg")
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("&Deck", self.deck)
        form.addRow("&Format", self.format)
        form.addRow(self.with_progress)
        form.addRow(buttons)


class ExchangeController(QObject):
    """Runs imports and exports for the main window."""

    message = Signal(str)

    def __init__(self, col: Collection, clock: Clock, runner: TaskRunner, parent: QWidget) -> None:
        super().__init__(parent)
        self._col = col
        self._clock = clock
        self._runner = runner
        self._parent = parent
        self._progress: QProgressDialog | None = None

    def _start_progress(self, title: str) -> QProgressDialog:
        dialog = QProgressDialog(title, "", 0, 0, self._parent)
        dialog.setWindowTitle(title)
        dialog.setCancelButton(None)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.show()
        self._progress = dialog
        return dialog

    def _on_progress(self, done: int, total: int) -> None:
        if self._progress is not None:
            self._progress.setMaximum(total)
            self._progress.setValue(done)

    def _finish(self) -> None:
        if self._progress is not None:
            self._progress.close()
            self._progress.deleteLater()
            self._progress = None

    def _on_failed(self, exc: Exception) -> None:
        self._finish()
        QMessageBox.warning(self._parent, "Flashcards", str(exc))

    # ------------------------------------------------------------------ import

    def ask_import(self) -> None:
        """Ask for a file and import it."""
        name, _ = QFileDialog.getOpenFileName(self._parent, "Import", "", IMPORT_FILTER)
        if name:
            self.import_file(Path(name))

    def import_file(self, path: Path) -> None:
        """Import a deck file, Anki package or text file in a worker thread."""
        if path.suffix.lower() != ".toml" and exchange_module() is None:
            QMessageBox.information(self._parent, "Import", MISSING_EXCHANGE)
            return
        self._start_progress(f"Importing {path.name}…")
        now = self._clock()
        self._runner.start(
            lambda report: import_path(self._col, path, now, report),
            self._on_imported,
            self._on_failed,
            self._on_progress,
        )

    def _on_imported(self, report: Any) -> None:
        self._finish()
        text = (
            f"Deck {report.deck!r}: {report.added} added, {report.updated} updated, "
            f"{report.unchanged} unchanged."
        )
        self.message.emit(text)

    # ------------------------------------------------------------------ export

    def ask_export(self) -> None:
        """Ask what to export and where, then export."""
        exchange = exchange_module()
        if exchange is None:
            QMessageBox.information(self._parent, "Export", MISSING_EXCHANGE)
            return
        options = ExportOptions(list(self._col.decks().values()), self._parent)
        if options.exec() != QDialog.DialogCode.Accepted:
            return
        fmt = str(options.format.currentData())
        suffix = ".apkg" if fmt == "apkg" else ".txt"
        deck = options.deck.currentData()
        default = (str(deck).replace("::", "-") if deck else "flashcards") + suffix
        name, _ = QFileDialog.getSaveFileName(self._parent, "Export", default, f"*{suffix}")
        if name:
            self.export(Path(name), fmt, deck, options.with_progress.isChecked())

    def export(self, path: Path, fmt: str, deck: str | None, with_progress: bool) -> None:
        """Export in a worker thread."""
        exchange = exchange_module()
        if exchange is None:
            QMessageBox.information(self._parent, "Export", MISSING_EXCHANGE)
            return
        now = self._clock()

        def work(report: Report) -> int:
            if fmt == "csv":
                return int(exchange.export_csv(self._col, path, deck=deck))
            return int(
                exchange.export_apkg(
                    self._col, path, now, deck=deck, with_progress=with_progress,
                    progress=progress_adapter(report),
                )
            )  # fmt: skip

        self._start_progress(f"Exporting to {path.name}…")
        self._runner.start(
            work,
            lambda count: self._on_exported(path, count),
            self._on_failed,
            self._on_progress,
        )

    def _on_exported(self, path: Path, count: int) -> None:
        self._finish()
        self.message.emit(f"Exported {count} notes to {path}.")
