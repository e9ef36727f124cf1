"""Generate from an article: generating on the executor, importing the chosen cards.

Generating never touches the collection (it runs on the executor without making the GUI wait);
importing the reviewed cards is an operation on the collection.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from flashcards.core.exchange.deckfile_import import import_deck_file
from flashcards.gui.clock import Clock
from flashcards.gui.executor import Executor, Report, progress_adapter
from flashcards.gui.generate_dialog import GenerateDialog
from flashcards.gui.i18n import translate
from flashcards.gui.ops import Ops
from flashcards.gui.plain import one_sentence

if TYPE_CHECKING:
    from flashcards.core.collection import Collection
    from flashcards.core.deckfile import DeckFile


def generate_from_source(
    path: Path | None, text: str, deck_name: str | None, lang: str, max_cards: int | None,
    report: Report, url: str = "",
) -> DeckFile:  # fmt: skip
    """Read the article (web address, file or pasted text) and run the generator (executor).

    Downloading and reading happen here, off the GUI thread, like generating.

    Raises:
        InputError: If the article cannot be read or nothing was given.
    """
    from flashcards.core.errors import InputError
    from flashcards.core.generate import decode_article, decode_html, generate_deck, load_article
    from flashcards.core.generate.web import looks_like_html

    if url:
        if "://" not in url:
            url = "https://" + url  # what a browser does with "example.org/page"
        article = load_article(url, progress=progress_adapter(report))
    elif path is not None:
        article = load_article(path, progress=progress_adapter(report))
    elif text.strip():
        data = text.encode("utf-8")
        # Pasted page source (from "view source") is read as a page, not as text with tags.
        if looks_like_html(data):
            article = decode_html(data, "pasted.html")
        else:
            article = decode_article(data, "pasted.txt")
    else:
        raise InputError(
            translate(
                "GenerateController",
                "Choose an article file or paste its text (or give a web address) first.",
            )
        )
    return generate_deck(
        article, deck_name=deck_name or None, lang=lang, max_cards=max_cards,
        progress=progress_adapter(report),
    )  # fmt: skip


class GenerateController(QObject):
    """Pick an article, generate, review the proposed cards, import the checked ones.

    The controller belongs to its dialog (:attr:`dialog`) and goes with it.

    Args:
        col: The collection the cards go to.
        ops: Imports them (an operation) and announces the change.
        clock: Returns the current time.
        executor: Runs the generator.
        parent: The window the dialog belongs to.
    """

    generated = Signal()
    imported = Signal(object)

    def __init__(
        self,
        col: Collection,
        ops: Ops,
        clock: Clock,
        executor: Executor,
        parent: QWidget | None = None,
    ) -> None:
        dialog = GenerateDialog(parent)
        super().__init__(dialog)
        self.dialog = dialog
        self._col = col
        self._ops = ops
        self._clock = clock
        self._executor = executor
        self.deck_file: DeckFile | None = None
        #: A generation or an import is running (its result comes back to this controller).
        self.running = False
        self._dispose_when_done = False
        self.dialog.generate_requested.connect(self._on_generate)
        self.dialog.import_requested.connect(self._on_import)

    def start_from_import(self, path: Path) -> None:
        """Generate from ``path``, a file File → Import was given that reads as an article."""
        self.dialog.show_notice(path)
        self.dialog.set_path(path)
        self._on_generate()

    def dispose(self) -> None:
        """Delete the dialog once nothing runs any more (a result would find it gone)."""
        if self.running:
            self._dispose_when_done = True
        else:
            self.dialog.deleteLater()

    def _finished_running(self) -> bool:
        """Mark the work finished; True if the dialog was disposed of meanwhile."""
        self.running = False
        if self._dispose_when_done:
            self.dialog.deleteLater()
            return True
        return False

    # ------------------------------------------------------------------ generating

    @Slot()
    def _on_generate(self) -> None:
        d = self.dialog
        path, text, url = d.path, d.text.toPlainText(), d.web_address()
        deck = d.deck_name.text().strip() or None
        lang = str(d.lang.currentData())
        limit = d.max_cards.value() or None
        d.show_running()
        self.running = True

        def work(report: Report) -> DeckFile:
            return generate_from_source(path, text, deck, lang, limit, report, url)

        self._executor.submit(
            work, self._on_generated, self._on_failed, self._on_progress, uses_collection=False
        )

    def _on_progress(self, done: int, total: int) -> None:
        self.dialog.show_progress(done, total)

    def _on_generated(self, deck_file: DeckFile) -> None:
        if self._finished_running():
            return
        self.deck_file = deck_file
        self.dialog.show_generated(deck_file)
        fronts = [note.front for note in deck_file.notes]
        self._ops.run(
            lambda _report: self._col.notes.decks_with_fronts(fronts),
            initiator=self,
            on_done=self._on_existing,
        )

    def _on_existing(self, found: dict[str, str]) -> None:
        """Cards the collection has already are unticked (no second deck made silently)."""
        if self.deck_file is not None and not self.running:
            self.dialog.mark_existing(found)
        self.generated.emit()

    def _on_failed(self, exc: BaseException) -> None:
        if self._finished_running():
            return
        self.dialog.show_failed(one_sentence(exc, self.tr("No cards could be generated")))

    # ------------------------------------------------------------------ importing

    @Slot()
    def _on_import(self) -> None:
        if self.deck_file is None or self.running:
            return
        deck = self.dialog.chosen_deck(self.deck_file)
        if not deck.notes:
            return
        now = self._clock()
        self.running = True
        self.dialog.import_button.setEnabled(False)
        self._ops.run(
            lambda _report: import_deck_file(self._col, deck, now),
            initiator=self,
            on_done=self._on_imported,
            on_error=self._on_import_failed,
        )

    def _on_imported(self, report: object) -> None:
        if self._finished_running():
            return
        self.imported.emit(report)
        self.dialog.accept()

    def _on_import_failed(self, exc: BaseException) -> None:
        from flashcards.core.errors import FlashcardsError

        if self._finished_running():
            return
        self.dialog.import_button.setEnabled(True)
        if not isinstance(exc, FlashcardsError):
            self._ops.report_error(exc, self.tr("The cards could not be imported"))
            return
        self.dialog.status.setText(
            one_sentence(exc, self.tr("The cards could not be imported"), always_lead=True)
        )
