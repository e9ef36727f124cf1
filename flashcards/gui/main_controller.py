"""The main window's controller: decides what menu actions and deck-list clicks do."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, QTimer, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog

from flashcards.core.changes import Change
from flashcards.gui.about import show_about
from flashcards.gui.check_media import CheckMediaController
from flashcards.gui.clock import Clock
from flashcards.gui.deck_list import first_due_deck, today_text
from flashcards.gui.exchange_ops import ExchangeController
from flashcards.gui.executor import Executor
from flashcards.gui.main_window import MainWindow, Screen
from flashcards.gui.ops import Ops
from flashcards.gui.plain import ask, one_sentence, quote, warn
from flashcards.gui.review_controller import ReviewController
from flashcards.gui.sync_controller import SyncController
from flashcards.gui.theme import Theme

if TYPE_CHECKING:
    from flashcards.core.collection import Collection
    from flashcards.core.overview import DeckCounts
    from flashcards.gui.browser_controller import BrowserController
    from flashcards.gui.custom_study_dialog import CustomStudyDialog
    from flashcards.gui.generate_controller import GenerateController
    from flashcards.gui.stats_controller import StatsController


class MainController(QObject):
    """Connects the main window to the collection; owns the review session and dialogs.

    Args:
        window: The main window.
        col: The open collection.
        ops: Runs operations on it and announces their changes.
        clock: Returns the current time.
        settings: Where window geometry is kept.
        theme: The current colours.
        executor: Runs work that does not touch the collection (generating) off the GUI thread.
    """

    def __init__(
        self,
        window: MainWindow,
        col: Collection,
        ops: Ops,
        clock: Clock,
        settings: QSettings,
        theme: Theme,
        executor: Executor,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.col = col
        self.ops = ops
        self._clock = clock
        self._settings = settings
        self._theme = theme
        self._executor = executor
        self.browser: BrowserController | None = None
        self.stats: StatsController | None = None
        #: The Generate dialog's controller while the dialog is open.
        self.generate: GenerateController | None = None
        #: The last Custom Study dialog opened (from the done screen).
        self.custom_study: CustomStudyDialog | None = None
        self._counts: list[DeckCounts] = []
        self.review = ReviewController(
            col, ops, clock, window.review, window.done, window.actions_, theme
        )
        self.exchange = ExchangeController(col, ops, clock, window)
        self.exchange.selected_deck = self._selected_deck_name
        self.check_media = CheckMediaController(col, ops, window)
        self.sync = SyncController(col, ops, clock, settings, window)
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
        a.generate.triggered.connect(self._on_generate)
        a.import_file.triggered.connect(self.exchange.ask_import)
        a.export.triggered.connect(self.exchange.ask_export)
        a.check_media.triggered.connect(self.check_media.open)
        self.check_media.message.connect(self._on_message)
        a.sync.triggered.connect(self.sync.sync)
        a.sync_settings.triggered.connect(self.sync.ask_settings)
        self.sync.message.connect(self._on_message)
        self.sync.progress.connect(self._on_message)
        a.settings.triggered.connect(self._on_settings)
        a.about.triggered.connect(self._on_about)
        window.deck_list.study_requested.connect(self._on_study)
        window.done.back_clicked.connect(self._on_back)
        window.done.custom_study_clicked.connect(self._on_custom_study)
        self.review.screen_requested.connect(self._on_screen_requested)
        self.review.edit_note_requested.connect(self._on_edit_note)
        self.review.message.connect(self._on_message)
        self.exchange.message.connect(self._on_message)
        self.exchange.article_chosen.connect(self._on_article_chosen)
        ops.changed.connect(self._on_collection_changed)
        theme.changed.connect(self._on_theme_changed)
        self._add_deck_menu()
        deck_list = window.deck_list
        deck_list.create_requested.connect(self._on_create_deck)
        deck_list.deck_action_requested.connect(self._on_deck_action)
        deck_list.tree.nest_requested.connect(self._on_nest_deck)
        self._sync_actions()

    def _add_deck_menu(self) -> None:
        tree = self.window.deck_list.tree
        for text, slot in (
            (self.tr("Study"), self._on_study_selected),
            (self.tr("Options…"), self._on_settings),
            (self.tr("Rename…"), self._on_rename_deck),
            (self.tr("Delete…"), self._on_delete_deck),
            (self.tr("Export…"), self.exchange.ask_export),
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

    @Slot()
    def refresh_decks(self) -> None:
        """Read the counts again."""
        with self.ops.exclusive():
            self.show_counts(self.col.sched.deck_counts(self._clock()))

    def _update_today(self) -> None:
        if not self._counts:
            return
        with self.ops.exclusive():
            today = self.col.sched.today(self._clock())
        self.window.deck_list.set_today(today_text(*today))

    @Slot(object, object)
    def _on_collection_changed(self, _changes: Change, _initiator: object) -> None:
        # The deck list is refreshed when it is in front (and whenever it comes back).
        if self.window.current_screen == Screen.DECKS:
            self._refresh_timer.start()

    def _deck_name(self, deck_id: int) -> str:
        with self.ops.exclusive():
            return self.col.decks.names().get(deck_id, "")

    # ------------------------------------------------------------------ screens

    @Slot(object)
    def _on_screen_requested(self, screen: Screen) -> None:
        self.window.show_screen(screen)
        self._sync_actions()

    def _sync_actions(self) -> None:
        a = self.window.actions_
        on_decks = self.window.current_screen == Screen.DECKS
        a.study.setEnabled(on_decks and self.window.deck_list.selected_deck() is not None)
        a.back.setEnabled(not on_decks)

    @Slot(int)
    def _on_study(self, deck_id: int) -> None:
        name = self._deck_name(deck_id)
        if name:
            self.review.start(name)
            self._sync_actions()

    @Slot()
    def _on_study_selected(self) -> None:
        deck_id = self.window.deck_list.selected_deck()
        if deck_id is not None and self.window.current_screen == Screen.DECKS:
            self._on_study(deck_id)

    @Slot()
    def _on_custom_study(self) -> None:
        from flashcards.gui.custom_study_dialog import CustomStudyDialog

        if not self.review.deck:
            return
        if self.custom_study is not None:  # the last one, closed
            self.custom_study.deleteLater()
        dialog = CustomStudyDialog(self.col, self.ops, self._clock, self.review.deck, self.window)
        dialog.study_requested.connect(self._on_study_name)
        self.custom_study = dialog
        dialog.open()

    @Slot(str)
    def _on_study_name(self, name: str) -> None:
        self.review.start(name)
        self._sync_actions()

    @Slot()
    def _on_back(self) -> None:
        self.review.stop()
        self.window.show_screen(Screen.DECKS)
        self.refresh_decks()

    @Slot()
    def _on_undo(self) -> None:
        if self.review.undo():
            self._sync_actions()

    @Slot(str)
    def _on_message(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 4000)

    # ------------------------------------------------------------------ dialogs

    def _selected_deck_name(self) -> str | None:
        deck_id = self.window.deck_list.selected_deck()
        if self.review.active and self.review.deck:
            return self.review.deck
        return self._deck_name(deck_id) if deck_id is not None else None

    @Slot()
    def _on_add_note(self) -> None:
        from flashcards.gui.note_controller import NoteController

        NoteController(
            self.col, self.ops, self._clock, deck=self._selected_deck_name(), parent=self.window
        ).exec()

    @Slot(int)
    def _on_edit_note(self, note_id: int) -> None:
        from flashcards.gui.note_controller import NoteController

        NoteController(self.col, self.ops, self._clock, note_id=note_id, parent=self.window).exec()

    @Slot()
    def _on_browse(self) -> None:
        from flashcards.gui.browser_controller import BrowserController

        if self.browser is None:
            self.browser = BrowserController(self.col, self.ops, self._clock, self._settings)
        self.browser.show()

    @Slot()
    def _on_stats(self) -> None:
        from flashcards.gui.stats_controller import StatsController

        if self.stats is None:
            self.stats = StatsController(
                self.col, self.ops, self._clock, self._settings, dark=self._theme.dark
            )
        self.stats.show()

    @Slot()
    def _on_theme_changed(self) -> None:
        self.refresh_decks()
        if self.stats is not None:
            self.stats.set_dark(self._theme.dark)

    @Slot()
    def _on_about(self) -> None:
        show_about(self.window)

    @Slot()
    def _on_generate(self) -> None:
        self.open_generate()

    @Slot(object)
    def _on_article_chosen(self, article: Path) -> None:
        self.open_generate(article)

    def open_generate(self, article: Path | None = None) -> GenerateController:
        """Open the Generate dialog (not waiting for it to close).

        With ``article``, a file File → Import was given that reads as an article, generating
        from it starts at once.
        """
        from flashcards.gui.exchange_ops import describe_import
        from flashcards.gui.generate_controller import GenerateController

        if self.generate is not None:
            self.generate.dialog.close()
        generate = GenerateController(self.col, self.ops, self._clock, self._executor, self.window)
        self.generate = generate
        generate.imported.connect(lambda report: self._on_message(describe_import(report)))
        generate.dialog.finished.connect(lambda _result: self._forget_generate(generate))
        generate.dialog.open()
        if article is not None:
            generate.start_from_import(article)
        return generate

    def _forget_generate(self, generate: GenerateController) -> None:
        if self.generate is generate:
            self.generate = None
        generate.dispose()

    @Slot()
    def _on_settings(self) -> None:
        from flashcards.gui.settings_controller import SettingsController

        SettingsController(
            self.col,
            self.ops,
            self.window.deck_list.selected_deck(),
            self.window,
            self._theme,
            self._settings,
            self._clock,
        ).exec()

    @Slot()
    def _on_rename_deck(self) -> None:
        from flashcards.core.errors import FlashcardsError

        deck_id = self.window.deck_list.selected_deck()
        if deck_id is None:
            return
        old = self._deck_name(deck_id)
        name, ok = QInputDialog.getText(
            self.window, self.tr("Rename deck"), self.tr("New name:"), text=old
        )
        if ok and name.strip() and name.strip() != old:
            now = self._clock()
            try:
                self.ops.run_now(lambda: self.col.decks.rename(deck_id, name, now), initiator=self)
            except FlashcardsError as exc:
                warn(
                    self.window,
                    self.tr("Rename deck"),
                    one_sentence(exc, self.tr("The deck was not renamed")),
                )

    @Slot(str, int)
    def _on_deck_action(self, name: str, deck_id: int) -> None:
        """A deck's gear menu: the action on that deck (it is selected first)."""
        self.window.deck_list.select_deck(deck_id)
        actions = {
            "options": self._on_settings,
            "rename": self._on_rename_deck,
            "delete": self._on_delete_deck,
            "export": self.exchange.ask_export,
        }
        actions[name]()

    @Slot()
    def _on_create_deck(self) -> None:
        from flashcards.core.errors import FlashcardsError

        name, ok = QInputDialog.getText(
            self.window, self.tr("Create deck"), self.tr("Name (Parent::Child makes a subdeck):")
        )
        if not ok or not name.strip():
            return
        now = self._clock()
        try:
            deck_id = self.ops.run_now(lambda: self.col.decks.add(name, now), initiator=self)
        except FlashcardsError as exc:
            warn(
                self.window,
                self.tr("Create deck"),
                one_sentence(exc, self.tr("The deck was not created")),
            )
            return
        self.refresh_decks()
        self.window.deck_list.select_deck(deck_id)

    @Slot(int, int)
    def _on_nest_deck(self, deck_id: int, parent_id: int) -> None:
        """A deck dropped on another goes inside it (dropped between top decks: to the top)."""
        from flashcards.core.errors import FlashcardsError

        names = self.col.decks.names()
        old = names.get(deck_id)
        if old is None or (parent_id and parent_id not in names):
            return
        leaf = old.rpartition("::")[2]
        new = f"{names[parent_id]}::{leaf}" if parent_id else leaf
        if new == old:
            return
        now = self._clock()
        try:
            self.ops.run_now(lambda: self.col.decks.rename(deck_id, new, now), initiator=self)
        except FlashcardsError as exc:
            warn(
                self.window,
                self.tr("Move deck"),
                one_sentence(exc, self.tr("The deck was not moved")),
            )

    @Slot()
    def _on_delete_deck(self) -> None:
        deck_id = self.window.deck_list.selected_deck()
        if deck_id is None:
            return
        name = self._deck_name(deck_id)
        total = next((c.total for c in self._counts if c.deck_id == deck_id), 0)
        question = (
            self.tr(
                "Delete the deck {name} with its subdecks and {n} card (and their review history)?"
            )
            if total == 1
            else self.tr(
                "Delete the deck {name} with its subdecks and {n} cards (and their review history)?"
            )
        )
        if ask(self.window, self.tr("Delete deck"), question.format(name=quote(name), n=total)):
            self.ops.run_now(lambda: self.col.decks.delete(deck_id), initiator=self)

    def close(self) -> None:
        """Close the browser, the statistics and Generate; wait for background work to end."""
        if self.generate is not None:
            self.generate.dialog.close()
        if self.browser is not None:
            self.browser.close()
        if self.stats is not None:
            self.stats.close()
        self._executor.wait()
