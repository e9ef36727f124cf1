"""The Stats window: loads a report for the chosen deck and keeps it fresh.

Every change to the collection (a review, an edit, an import) schedules one reload after a short
quiet spell, so a burst of changes costs one report. The report is read in a worker thread when
a :class:`TaskRunner` is given (the app always gives one); a reload asked for while one runs
waits for it, and a result for a deck that is no longer chosen is thrown away. While the window
is hidden nothing is loaded: it reloads when shown again.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QFileDialog, QMainWindow, QWidget

from flashcards.gui.bridge import CollectionSignals
from flashcards.gui.clock import Clock
from flashcards.gui.plain import one_sentence, quote, warn
from flashcards.gui.stats_view import StatsView
from flashcards.gui.workers import Report, TaskRunner

if TYPE_CHECKING:
    from flashcards.core.collection import Collection
    from flashcards.core.stats import StatsReport

#: What the summary line says when a report cannot be read (then why, in one line).
LOAD_FAILED = "The statistics could not be read"
#: Wait this long after the last change before reloading (a burst of changes loads once).
REFRESH_DELAY_MS = 300


class StatsWindow(QMainWindow):
    """The Stats screen in its own window, and what decides what it shows.

    Args:
        col: The open collection.
        clock: Returns the current time.
        signals: The collection's change signals (a change reloads the report).
        settings: Where the window geometry and the last folder of saved charts are kept.
        runner: Loads reports off the GUI thread; None loads them in the GUI thread.
        dark: Use the dark chart colours.
        parent: The parent widget.
    """

    def __init__(
        self,
        col: Collection,
        clock: Clock,
        signals: CollectionSignals,
        settings: QSettings,
        runner: TaskRunner | None = None,
        dark: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("statsWindow")
        self.setWindowTitle("Statistics")
        self._col = col
        self._clock = clock
        self._settings = settings
        self._runner = runner
        self._loading_deck: str | None | bool = False  # False: nothing loading
        self._again = False
        self._stale = True
        self.view = StatsView()
        self.view.dark = dark
        self.setCentralWidget(self.view)
        self.resize(1100, 820)
        geometry = settings.value("stats/geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
        QShortcut(QKeySequence(QKeySequence.StandardKey.Close), self, self.close)
        QShortcut(QKeySequence("Escape"), self, self.close)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.view.deck_chosen.connect(self._on_deck_chosen)
        self.view.save_requested.connect(self._on_save_requested)
        signals.reviews_changed.connect(self._on_collection_changed)
        signals.cards_changed.connect(self._on_collection_changed)
        signals.decks_changed.connect(self._on_decks_changed)
        self.view.set_decks(list(col.decks().values()), None)

    # ------------------------------------------------------------------ loading

    @property
    def deck(self) -> str | None:
        """The deck shown (None for all decks)."""
        return self.view.selected_deck()

    def set_deck(self, deck: str | None) -> None:
        """Show ``deck`` (None: all decks) and load its report."""
        self.view.set_decks(list(self._col.decks().values()), deck)
        self.refresh()

    @property
    def loading(self) -> bool:
        """Whether a report is being read."""
        return self._loading_deck is not False

    def refresh(self) -> None:
        """Load the report of the chosen deck now (or as soon as the current load ends)."""
        self._timer.stop()
        if self.loading:
            self._again = True
            return
        self._stale = False
        deck = self.deck
        now = self._clock()
        self.view.set_loading(True)
        if self._runner is None:
            try:
                report = self._col.stats_report(now, deck)
            except Exception as exc:  # shown in the window, as a failed background load is
                self.view.show_error(one_sentence(exc, LOAD_FAILED, always_lead=True))
                return
            self.view.show_report(report)
            return
        self._loading_deck = deck

        def work(_report: Report) -> StatsReport:
            return self._col.stats_report(now, deck)

        self._runner.start(work, self._on_loaded, self._on_failed)

    def set_dark(self, dark: bool) -> None:
        """Switch the chart colours between light and dark."""
        if dark != self.view.dark:
            self.view.dark = dark
            if self.view.report is not None:
                self.view.show_report(self.view.report)

    def show_report(self, report: StatsReport) -> None:
        """Draw ``report`` (for benchmarks and tests that load it themselves)."""
        self._stale = False
        self.view.show_report(report)

    def _on_loaded(self, report: StatsReport) -> None:
        deck = self._loading_deck
        self._loading_deck = False
        if deck == self.deck:
            self.view.show_report(report)
        else:
            self._again = True
        self._load_again_if_asked()

    def _on_failed(self, exc: Exception) -> None:
        self._loading_deck = False
        self.view.show_error(one_sentence(exc, LOAD_FAILED, always_lead=True))
        self._load_again_if_asked()

    def _load_again_if_asked(self) -> None:
        if self._again:
            self._again = False
            self.refresh()

    def _on_collection_changed(self) -> None:
        if self.isVisible():
            self._timer.start()
        else:
            self._stale = True

    def _on_decks_changed(self) -> None:
        names = list(self._col.decks().values())
        deck = self.deck
        self.view.set_decks(names, deck if deck in names else None)
        self._on_collection_changed()

    def _on_deck_chosen(self) -> None:
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        """Reload when shown if something changed while hidden."""
        super().showEvent(event)
        if self._stale:
            self._timer.start(0)

    # ------------------------------------------------------------------ saving charts

    def save_chart(self, key: str, path: str) -> bool:
        """Save the panel ``key`` as a PNG picture at ``path``."""
        return self.view.panels[key].save_png(path)

    def default_file_name(self, key: str) -> str:
        """A file name for a saved chart: ``stats-reviews-Deck_name.png``."""
        deck = self.deck or "all-decks"
        safe = re.sub(r"[\\/:*?\"<>|\s]+", "_", deck).strip("_") or "deck"
        return f"stats-{key}-{safe}.png"

    def _on_save_requested(self, key: str) -> None:
        folder = str(self._settings.value("stats/folder", "") or "")
        start = f"{folder}/{self.default_file_name(key)}" if folder else self.default_file_name(key)
        path, _filter = QFileDialog.getSaveFileName(
            self, "Save chart as PNG", start, "PNG pictures (*.png)"
        )
        if not path:
            return
        if not path.lower().endswith(".png"):
            path += ".png"
        if self.save_chart(key, path):
            self._settings.setValue("stats/folder", path.rsplit("/", 1)[0] if "/" in path else "")
            self.statusBar().showMessage(f"Saved {path}", 4000)
        else:
            warn(self, "Save chart", f"The chart could not be written to {quote(path, 200)}.")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        """Remember the window's geometry."""
        self._settings.setValue("stats/geometry", self.saveGeometry())
        super().closeEvent(event)
