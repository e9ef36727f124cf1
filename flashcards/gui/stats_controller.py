"""The Stats screen's controller: loads a report for the chosen deck and keeps it fresh.

Every change to the collection (a review, an edit, an import) schedules one reload after a short
quiet spell, so a burst of changes costs one report. The report is an operation on the
executor (it also writes the statistics rollup); a reload asked for while one runs waits for
it, and a result for a deck that is no longer chosen is thrown away. While the window is hidden
nothing is loaded: it is marked stale and reloads when shown again.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, QTimer, Slot
from PySide6.QtWidgets import QFileDialog

from flashcards.core.changes import Change
from flashcards.gui.clock import Clock
from flashcards.gui.i18n import mark, translate
from flashcards.gui.ops import Ops
from flashcards.gui.plain import one_sentence, quote, warn
from flashcards.gui.stats_view import StatsView
from flashcards.gui.stats_window import StatsWindow

if TYPE_CHECKING:
    from flashcards.core.collection import Collection
    from flashcards.core.stats import StatsReport

#: What the summary line says when a report cannot be read (then why, in one line).
LOAD_FAILED = mark("StatsController", "The statistics could not be read")
#: Wait this long after the last change before reloading (a burst of changes loads once).
REFRESH_DELAY_MS = 300
#: The changes that change the statistics.
STATS_CHANGES = Change.REVIEWS | Change.CARDS | Change.DECKS


class StatsController(QObject):
    """Decides which report the Stats window shows, and when it is read.

    Args:
        col: The open collection.
        ops: Runs the report as an operation; says when the collection changed.
        clock: Returns the current time.
        settings: Where the window geometry and the last folder of saved charts are kept.
        dark: Use the dark chart colours.
        background: Read reports on the executor (the app); False reads them at once on the
            GUI thread (for tests).
    """

    def __init__(
        self,
        col: Collection,
        ops: Ops,
        clock: Clock,
        settings: QSettings,
        dark: bool = False,
        background: bool = True,
    ) -> None:
        window = StatsWindow(settings, dark)
        super().__init__(window)  # the controller goes with its window
        self.window = window
        self._col = col
        self._ops = ops
        self._clock = clock
        self._settings = settings
        self._background = background
        self._loading_deck: str | None | bool = False  # False: nothing loading
        self._again = False
        self._stale = True
        self.view: StatsView = self.window.view

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.view.deck_chosen.connect(self._on_deck_chosen)
        self.view.save_requested.connect(self._on_save_requested)
        self.window.shown.connect(self._on_shown)
        ops.changed.connect(self._on_collection_changed)
        self.view.set_decks(self._deck_names(), None)

    def _deck_names(self) -> list[str]:
        with self._ops.exclusive():
            return list(self._col.decks.names().values())

    # ------------------------------------------------------------------ the window

    def show(self) -> None:
        """Show the window in front."""
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()

    def close(self) -> None:
        """Close (hide) the window."""
        self.window.close()

    @Slot()
    def _on_shown(self) -> None:
        if self._stale:
            self._timer.start(0)

    # ------------------------------------------------------------------ loading

    @property
    def deck(self) -> str | None:
        """The deck shown (None for all decks)."""
        return self.view.selected_deck()

    def set_deck(self, deck: str | None) -> None:
        """Show ``deck`` (None: all decks) and load its report."""
        self.view.set_decks(self._deck_names(), deck)
        self.refresh()

    @property
    def loading(self) -> bool:
        """Whether a report is being read."""
        return self._loading_deck is not False

    @Slot()
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
        if not self._background:
            try:
                with self._ops.exclusive():
                    report = self._col.stats.report(now, deck)
            except Exception as exc:  # shown in the window, as a failed background load is
                self.view.show_error(one_sentence(exc, _load_failed(), always_lead=True))
                return
            self.view.show_report(report)
            return
        self._loading_deck = deck
        self._ops.run(
            lambda _report: self._col.stats.report(now, deck),
            initiator=self,
            on_done=self._on_loaded,
            on_error=self._on_failed,
        )

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

    def _on_failed(self, exc: BaseException) -> None:
        self._loading_deck = False
        self.view.show_error(one_sentence(exc, _load_failed(), always_lead=True))
        self._load_again_if_asked()

    def _load_again_if_asked(self) -> None:
        if self._again:
            self._again = False
            self.refresh()

    @Slot(object, object)
    def _on_collection_changed(self, changes: Change, _initiator: object) -> None:
        if changes & Change.DECKS:
            names = self._deck_names()
            deck = self.deck
            self.view.set_decks(names, deck if deck in names else None)
        if not changes & STATS_CHANGES:
            return
        if self.window.isVisible():
            self._timer.start()
        else:
            self._stale = True

    @Slot()
    def _on_deck_chosen(self) -> None:
        self.refresh()

    # ------------------------------------------------------------------ saving charts

    def save_chart(self, key: str, path: str) -> bool:
        """Save the panel ``key`` as a PNG picture at ``path``."""
        return self.view.panels[key].save_png(path)

    def default_file_name(self, key: str) -> str:
        """A file name for a saved chart: ``stats-reviews-Deck_name.png``."""
        deck = self.deck or "all-decks"
        safe = re.sub(r"[\\/:*?\"<>|\s]+", "_", deck).strip("_") or "deck"
        return f"stats-{key}-{safe}.png"

    @Slot(str)
    def _on_save_requested(self, key: str) -> None:
        folder = str(self._settings.value("stats/folder", "") or "")
        start = f"{folder}/{self.default_file_name(key)}" if folder else self.default_file_name(key)
        path, _filter = QFileDialog.getSaveFileName(
            self.window, self.tr("Save chart as PNG"), start, self.tr("PNG pictures (*.png)")
        )
        if not path:
            return
        if not path.lower().endswith(".png"):
            path += ".png"
        if self.save_chart(key, path):
            self._settings.setValue("stats/folder", path.rsplit("/", 1)[0] if "/" in path else "")
            self.window.statusBar().showMessage(self.tr("Saved {path}").format(path=path), 4000)
        else:
            warn(
                self.window,
                self.tr("Save chart"),
                self.tr("The chart could not be written to {path}.").format(path=quote(path, 200)),
            )


def _load_failed() -> str:
    return translate("StatsController", LOAD_FAILED)
