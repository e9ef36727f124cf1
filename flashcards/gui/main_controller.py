"""The main window's controller: decides what menu actions and deck-list clicks do."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, QTimer
from PySide6.QtWidgets import QInputDialog

from flashcards.gui.about import show_about
from flashcards.gui.bridge import CollectionSignals
from flashcards.gui.clock import Clock
from flashcards.gui.deck_list import first_due_deck, today_text
from flashcards.gui.exchange_ops import ExchangeController
from flashcards.gui.main_window import MainWindow, Screen
from flashcards.gui.plain import ask, one_sentence, quote, warn
from flashcards.gui.review_controller import ReviewController
from flashcards.gui.theme import Theme
from flashcards.gui.workers import TaskRunner

if TYPE_CHECKING:
    from flashcards.core.collection import Collection, DeckCounts
    from flashcards.gui.browser import BrowserWindow
    from flashcards.gui.generate_dialog import GenerateDialog
    from flashcards.gui.stats_window import StatsWindow


class MainController(QObject):
    """Connects the main window to the collection; owns the review session and dialogs.

    Args:
        window: The main window.
        col: The open collection.
        clock: Returns the current time.
        signals: The collection's change signals.
        settings: Where window geometry is kept.
        theme: The current colours.
        runner: Runs slow work off the GUI thread.
    """

    def __init__(
        self,
        window: MainWindow,
        col: Collection,
        clock: Clock,
        signals: CollectionSignals,
        settings: QSettings,
        theme: Theme,
        runner: TaskRunner,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.col = col
        self._clock = clock
        self._signals = signals
        self._settings = settings
        self._theme = theme
        self._runner = runner
        self.browser: BrowserWindow | None = None
        self.stats: StatsWindow | None = None
        #: The Generate dialog while it is open.
        self.generate_dialog: GenerateDialog | None = None
        self._counts: list[DeckCounts] = []
        self.review = ReviewController(
            col, clock, signals, window.review, window.done, window.actions_, theme
        )
        self.exchange = ExchangeController(col, clock, runner, window)
        # Counts are refreshed once per burst of changes (an import announces many).
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self.refresh_decks)

        a = window.actions_
        a.study.triggered.connect(self._on_study_selected)
        a.back.triggered.connect(self._on_back)
        a.undo.triggered.connect(self._on_undo)
        a.add_note.triggered.connect(self._on_add_note)
        a.browse.triggered.connect(self._on_browse)
        a.stats.triggered.connect(self._on_stats)
        a.generate.triggered.connect(lambda: self.open_generate())
        a.import_file.triggered.connect(self.exchange.ask_import)
        a.export.triggered.connect(self.exchange.ask_export)
        a.settings.triggered.connect(self._on_settings)
        a.about.triggered.connect(lambda: show_about(window))
        a.quit.triggered.connect(window.close)
        window.deck_list.study_requested.connect(self._on_study)
        window.done.back_clicked.connect(self._on_back)
        self.review.screen_requested.connect(self._on_screen_requested)
        self.review.edit_note_requested.connect(self._on_edit_note)
        self.review.message.connect(self._on_message)
        self.exchange.message.connect(self._on_message)
        self.exchange.article_chosen.connect(self.open_generate)
        signals.changed.connect(self._on_collection_changed)
        theme.changed.connect(self.refresh_decks)
        theme.changed.connect(self._on_theme_changed)
        self._add_deck_menu()
        self._sync_actions()

    def _add_deck_menu(self) -> None:
        from PySide6.QtGui import QAction

        tree = self.window.deck_list.tree
        for text, slot in (
            ("Study", self._on_study_selected),
            ("Options…", self._on_settings),
            ("Rename…", self._on_rename_deck),
            ("Delete…", self._on_delete_deck),
        ):
            action = QAction(text, tree)
            action.triggered.connect(slot)
            tree.addAction(action)

    # ------------------------------------------------------------------ deck list

    def show_counts(self, counts: list[DeckCounts], select_first_due: bool = False) -> None:
        """Fill the deck list (at start: select the first deck with cards due)."""
        self._counts = counts
        view = self.window.deck_list
        selected = first_due_deck(counts) if select_first_due else view.selected_deck()
        if selected is None or all(c.deck_id != selected for c in counts):
            selected = first_due_deck(counts)
        view.show_counts(counts, selected)
        self._update_today()
        self._sync_actions()

    def refresh_decks(self) -> None:
        """Read the counts again."""
        self.show_counts(self.col.deck_counts(self._clock()))

    def _update_today(self) -> None:
        if not self._counts:
            return
        self.window.deck_list.set_today(today_text(*self.col.today(self._clock())))

    def _on_collection_changed(self) -> None:
        if self.window.current_screen == Screen.DECKS:
            self._refresh_timer.start()

    def _deck_name(self, deck_id: int) -> str:
        return self.col.decks().get(deck_id, "")

    # ------------------------------------------------------------------ screens

    def _on_screen_requested(self, screen: Screen) -> None:
        self.window.show_screen(screen)
        self._sync_actions()

    def _sync_actions(self) -> None:
        a = self.window.actions_
        on_decks = self.window.current_screen == Screen.DECKS
        a.study.setEnabled(on_decks and self.window.deck_list.selected_deck() is not None)
        a.back.setEnabled(not on_decks)

    def _on_study(self, deck_id: int) -> None:
        name = self._deck_name(deck_id)
        if name:
            self.review.start(name)
            self._sync_actions()

    def _on_study_selected(self) -> None:
        deck_id = self.window.deck_list.selected_deck()
        if deck_id is not None and self.window.current_screen == Screen.DECKS:
            self._on_study(deck_id)

    def _on_back(self) -> None:
        self.review.stop()
        self.window.show_screen(Screen.DECKS)
        self.refresh_decks()

    def _on_undo(self) -> None:
        if self.review.undo():
            self._sync_actions()

    def _on_message(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 4000)

    # ------------------------------------------------------------------ dialogs

    def _selected_deck_name(self) -> str | None:
        deck_id = self.window.deck_list.selected_deck()
        if self.review.active and self.review.deck:
            return self.review.deck
        return self._deck_name(deck_id) if deck_id is not None else None

    def _on_add_note(self) -> None:
        from flashcards.gui.note_editor import NoteDialog

        dialog = NoteDialog(
            self.col, self._clock, deck=self._selected_deck_name(), parent=self.window
        )
        dialog.exec()

    def _on_edit_note(self, note_id: int) -> None:
        from flashcards.gui.note_editor import NoteDialog

        dialog = NoteDialog(self.col, self._clock, note_id=note_id, parent=self.window)
        dialog.exec()

    def _on_browse(self) -> None:
        from flashcards.gui.browser import BrowserWindow

        if self.browser is None:
            self.browser = BrowserWindow(self.col, self._clock, self._signals, self._settings)
        self.browser.show()
        self.browser.raise_()
        self.browser.activateWindow()

    def _on_stats(self) -> None:
        from flashcards.gui.stats_window import StatsWindow

        if self.stats is None:
            self.stats = StatsWindow(
                self.col,
                self._clock,
                self._signals,
                self._settings,
                self._runner,
                dark=self._theme.dark,
            )
        self.stats.show()
        self.stats.raise_()
        self.stats.activateWindow()

    def _on_theme_changed(self) -> None:
        if self.stats is not None:
            self.stats.set_dark(self._theme.dark)

    def open_generate(self, article: Path | None = None) -> GenerateDialog:
        """Open the Generate dialog (not waiting for it to close).

        With ``article``, a file File → Import was given that reads as an article, generating
        from it starts at once.
        """
        from flashcards.gui.exchange_ops import describe_import
        from flashcards.gui.generate_dialog import GenerateDialog

        if self.generate_dialog is not None:
            self.generate_dialog.close()
        dialog = GenerateDialog(self.col, self._clock, self._runner, self.window)
        self.generate_dialog = dialog
        dialog.imported.connect(lambda report: self._on_message(describe_import(report)))
        dialog.finished.connect(lambda _result: self._forget_generate(dialog))
        dialog.open()
        if article is not None:
            dialog.start_from_import(article)
        return dialog

    def _forget_generate(self, dialog: GenerateDialog) -> None:
        if self.generate_dialog is dialog:
            self.generate_dialog = None
        dialog.dispose()

    def _on_settings(self) -> None:
        from flashcards.gui.settings_dialog import SettingsDialog

        SettingsDialog(self.col, self.window.deck_list.selected_deck(), self.window).exec()

    def _on_rename_deck(self) -> None:
        from flashcards.core.errors import FlashcardsError

        deck_id = self.window.deck_list.selected_deck()
        if deck_id is None:
            return
        old = self._deck_name(deck_id)
        name, ok = QInputDialog.getText(self.window, "Rename deck", "New name:", text=old)
        if ok and name.strip() and name.strip() != old:
            try:
                self.col.rename_deck(deck_id, name, self._clock())
            except FlashcardsError as exc:
                warn(self.window, "Rename deck", one_sentence(exc, "The deck was not renamed"))

    def _on_delete_deck(self) -> None:
        deck_id = self.window.deck_list.selected_deck()
        if deck_id is None:
            return
        name = self._deck_name(deck_id)
        total = next((c.total for c in self._counts if c.deck_id == deck_id), 0)
        cards = f"{total} card{'s' if total != 1 else ''}"
        if ask(
            self.window,
            "Delete deck",
            f"Delete the deck {quote(name)} with its subdecks and {cards} "
            "(and their review history)?",
        ):
            self.col.delete_deck(deck_id)

    def close(self) -> None:
        """Close the browser, the statistics and Generate; wait for background work to end."""
        if self.generate_dialog is not None:
            self.generate_dialog.close()
        if self.browser is not None:
            self.browser.close()
        if self.stats is not None:
            self.stats.close()
        self._runner.wait()
