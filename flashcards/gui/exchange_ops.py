"""File → Import / Export: dialogs on the GUI thread, the work an operation on the executor."""

from __future__ import annotations

import codecs
import csv
import io
import re
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QWidget,
)

from flashcards.core.exchange.deckfile_import import import_deck_file
from flashcards.gui.clock import Clock
from flashcards.gui.executor import Report, progress_adapter
from flashcards.gui.i18n import mark, translate
from flashcards.gui.ops import Ops
from flashcards.gui.plain import make_plain, message_box, one_line, quote

if TYPE_CHECKING:
    from flashcards.core.changes import OpResult
    from flashcards.core.collection import Collection
    from flashcards.core.exchange.report import ImportReport
    from flashcards.core.exchange.text import TextOptions
    from flashcards.gui.text_import_dialog import TextImportDialog

#: The Import dialog's file types (marked for translation; translated where shown).
IMPORT_FILTER = mark(
    "ExchangeController",
    "Decks, packages and articles (*.toml *.apkg *.colpkg *.csv *.txt *.tsv *.md *.markdown);;"
    "Deck files (*.toml);;Anki packages (*.apkg *.colpkg);;Text files (*.csv *.txt *.tsv);;"
    "Articles (*.txt *.md *.markdown);;All files (*)",
)

#: Files File → Import reads as text tables (after the options dialog).
TEXT_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})
#: Files that may hold an article rather than an Anki text file (``.csv``/``.tsv`` are tables).
ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
#: How much of a file :func:`looks_like_article` reads, and how many rows it looks at.
SNIFF_BYTES = 256 * 1024
SNIFF_ROWS = 200
#: The share of rows that must look like a table for the file to be imported as one.
TABLE_SHARE = 0.8
#: The ``#key:value`` headers of Anki's text files (any of them marks an Anki file).
_ANKI_HEADER = re.compile(
    r"#(separator|html|tags|columns|notetype|deck|notetype column|deck column|tags column"
    r"|guid column):.*",
    re.IGNORECASE,
)
_CLOZE = re.compile(r"\{\{c\d+::")
#: Warnings listed after an import (the rest are counted).
MAX_WARNINGS = 10


def _sniff_text(raw: bytes) -> str | None:
    """The start of a file as text (UTF-16, UTF-8, else Shift_JIS, as the text reader reads)."""
    utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
    for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "cp932"):
        try:
            return codecs.getincrementaldecoder(encoding)().decode(raw, final=False)
        except UnicodeDecodeError:
            continue
    return None


def looks_like_article(path: Path) -> bool:
    """Whether a ``.txt``/``.md`` file is prose to generate cards from, not an Anki text file.

    The rule, on the first rows (Anki's own text reader is what would import the file):

    * an Anki ``#separator:``/``#html:``/… header, or a ``.csv``/``.tsv`` name: a table;
    * text that is none of UTF-8, UTF-16 or Shift_JIS (the text reader refuses it): an article
      (Generate reads more encodings);
    * otherwise the rows are split as the text reader splits them (tab, else semicolon, else
      comma, chosen from the first row): a table when at least 80% of them have the same number
      of fields and a front with something beside it (see :func:`_table_row`); else an article
      (Japanese prose has one field per line, English prose a varying number of commas).

    An empty or unreadable file is left to the importer, which says what is wrong with it.
    """
    if path.suffix.lower() not in ARTICLE_SUFFIXES:
        return False
    try:
        with path.open("rb") as handle:
            raw = handle.read(SNIFF_BYTES)
    except OSError:
        return False
    text = _sniff_text(raw)
    if text is None:
        return True
    lines = text.splitlines()
    start = 0
    while start < len(lines) and lines[start].startswith("#"):
        if _ANKI_HEADER.fullmatch(lines[start].strip()):
            return False
        start += 1
    body = "\n".join(lines[start:])
    first = next((line for line in lines[start:] if line.strip()), "")
    if not first:
        return False
    sep = "\t" if "\t" in first else ";" if ";" in first and "," not in first else ","
    rows = []
    for row in csv.reader(io.StringIO(body), delimiter=sep, quotechar='"'):
        if any(field.strip() for field in row):
            rows.append(row)
            if len(rows) >= SNIFF_ROWS:
                break
    if not rows:
        return False
    paired = sum(1 for row in rows if _table_row(row, sep))
    _width, same = Counter(len(row) for row in rows).most_common(1)[0]
    return not (paired >= TABLE_SHARE * len(rows) and same >= TABLE_SHARE * len(rows))


def _table_row(row: list[str], sep: str) -> bool:
    """Whether a row reads as a note: a front and something beside it.

    The field beside it may be empty in a tab-separated file or after a cloze (an Anki cloze's
    Extra field usually is); a comma or semicolon with nothing after it is punctuation.
    """
    if len(row) < 2 or not row[0].strip():
        return False
    return sep == "\t" or bool(_CLOZE.search(row[0])) or any(f.strip() for f in row[1:])


def describe_import(report: Any) -> str:
    """One sentence about an import: the deck and what was added, updated, left or skipped."""
    parts = [
        translate("ExchangeController", "{n} added").format(n=report.added),
        translate("ExchangeController", "{n} updated").format(n=report.updated),
        translate("ExchangeController", "{n} unchanged").format(n=report.unchanged),
    ]
    media = int(getattr(report, "media_added", 0) or 0)
    if media:
        parts.append(
            (
                translate("ExchangeController", "{n} media file added")
                if media == 1
                else translate("ExchangeController", "{n} media files added")
            ).format(n=media)
        )
    refused = int(getattr(report, "refused", 0) or 0)  # would have deleted reviewed cards
    if refused:
        parts.append(translate("ExchangeController", "{n} refused").format(n=refused))
    skipped = int(getattr(report, "skipped", 0) or 0)
    if skipped:
        parts.append(translate("ExchangeController", "{n} skipped").format(n=skipped))
    separator = translate("ExchangeController", ", ", "between the parts of an import's summary")
    return translate("ExchangeController", "Deck {name}: {parts}.").format(
        name=quote(report.deck), parts=separator.join(parts)
    )


def import_notes(report: Any) -> list[str]:
    """What an import could not do or left alone, one line each (empty if all went well)."""
    lines = []
    missing = list(getattr(report, "missing", ()) or ())
    if missing:
        shown = ", ".join(quote(m, 40) for m in missing[:5]) + (", …" if len(missing) > 5 else "")
        lines.append(
            (
                translate(
                    "ExchangeController",
                    "{n} note of the deck is not in the file (kept, not deleted): {notes}.",
                )
                if len(missing) == 1
                else translate(
                    "ExchangeController",
                    "{n} notes of the deck are not in the file (kept, not deleted): {notes}.",
                )
            ).format(n=len(missing), notes=shown)
        )
    warnings = [one_line(str(w)) for w in getattr(report, "warnings", ()) or ()]
    lines.extend(warnings[:MAX_WARNINGS])
    if len(warnings) > MAX_WARNINGS:
        lines.append(
            translate("ExchangeController", "…and {n} more.").format(n=len(warnings) - MAX_WARNINGS)
        )
    return lines


#: What the status bar says after the user cancelled an import (as ImportCancelled says).
IMPORT_CANCELLED = mark("ExchangeController", "The import was cancelled; nothing was changed.")


def cancellable(path: Path) -> bool:
    """Whether the import of ``path`` can be cancelled.

    Packages and text files can; deck files are small and import at once.
    """
    return path.suffix.lower() != ".toml"


def import_path(
    col: Collection,
    path: Path,
    now: Any,
    report: Report,
    cancelled: Callable[[], bool] | None = None,
    options: TextOptions | None = None,
    deck: str | None = None,
) -> OpResult[ImportReport]:
    """Import one file (an operation on the executor).

    ``cancelled`` is asked at the importer's safe points (see
    :func:`flashcards.core.exchange.importer.import_file`); once true the import raises
    ``ImportCancelled`` and nothing has changed.
    """
    report(0, 0)
    if not cancellable(path):
        from flashcards.core.deckfile import read_deck_file

        return import_deck_file(col, read_deck_file(path), now)
    from flashcards.core import exchange

    return exchange.import_file(col, path, now, deck, options=options, cancelled=cancelled)


class ExportOptions(QDialog):
    """Which deck, which format, and whether to carry the learner's progress.

    Args:
        decks: The deck names offered.
        parent: The window the dialog belongs to.
        selected: The deck chosen at first (the deck selected in the deck list); None: all.
    """

    def __init__(
        self, decks: list[str], parent: QWidget | None = None, selected: str | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export"))
        self.deck = QComboBox()
        self.deck.addItem(self.tr("All decks"), None)
        for name in sorted(decks, key=lambda n: n.split("::")):
            self.deck.addItem(name, name)
        if selected is not None and self.deck.findData(selected) >= 0:
            self.deck.setCurrentIndex(self.deck.findData(selected))
        self.format = QComboBox()
        self.format.addItem(self.tr("Anki package (.apkg)"), "apkg")
        self.format.addItem(self.tr("Anki text file (.txt)"), "csv")
        self.with_progress = QCheckBox(self.tr("Include scheduling and review history"))
        self.format.currentIndexChanged.connect(
            lambda: self.with_progress.setEnabled(self.format.currentData() == "apkg")
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("&Deck"), self.deck)
        form.addRow(self.tr("&Format"), self.format)
        form.addRow(self.with_progress)
        form.addRow(buttons)


class ExchangeController(QObject):
    """Runs imports and exports for the main window, as operations on the executor.

    Args:
        col: The collection.
        ops: Runs the operations and announces what an import changed.
        clock: Returns the current time.
        parent: The window the dialogs belong to.
    """

    message = Signal(str)
    #: File → Import chose a file that reads as an article (:func:`looks_like_article`).
    article_chosen = Signal(object)

    def __init__(self, col: Collection, ops: Ops, clock: Clock, parent: QWidget) -> None:
        super().__init__(parent)
        self._col = col
        self._ops = ops
        self._clock = clock
        self._parent = parent
        self._progress: QProgressDialog | None = None
        #: Set by the progress dialog's Cancel button; read by the running import (a thread).
        self._cancel: threading.Event | None = None
        self._cancel_button: QPushButton | None = None
        #: The last text options and import result dialogs opened (None before the first).
        self.text_dialog: TextImportDialog | None = None
        #: Names the deck File → Export offers first (the main window's selected deck).
        self.selected_deck: Callable[[], str | None] = lambda: None
        #: The last export result box opened (None before the first).
        self.export_box: QMessageBox | None = None
        self.result_dialog: QDialog | None = None

    def _start_progress(self, title: str, cancel: threading.Event | None = None) -> QProgressDialog:
        """Show the progress dialog; with ``cancel``, its Cancel button sets that event."""
        dialog = QProgressDialog("", "", 0, 0, self._parent)
        dialog.setLabel(make_plain(QLabel()))  # the title quotes a file name
        dialog.setLabelText(title)
        dialog.setWindowTitle(title)
        self._cancel = cancel
        if cancel is None:
            dialog.setCancelButton(None)
            self._cancel_button = None
        else:
            button = QPushButton(self.tr("Cancel"))
            dialog.setCancelButton(button)  # the dialog owns it; Escape also cancels
            dialog.canceled.connect(self._on_cancel_clicked)
            self._cancel_button = button
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

    @Slot()
    def _on_cancel_clicked(self) -> None:
        """Ask the running import to stop; the dialog stays until it has rolled back."""
        if self._cancel is None or self._progress is None:
            return
        self._cancel.set()
        if self._cancel_button is not None:
            self._cancel_button.setEnabled(False)
        self._progress.setLabelText(self.tr("Cancelling…"))
        self._progress.show()  # QProgressDialog hides itself on cancel; it ends with the job

    def _finish(self) -> None:
        self._cancel = None
        self._cancel_button = None
        if self._progress is not None:
            self._progress.close()
            self._progress.deleteLater()
            self._progress = None

    def _on_failed(self, exc: BaseException, lead: str) -> None:
        self._finish()
        self._ops.report_error(exc, lead)  # as the error boundary shows every error

    # ------------------------------------------------------------------ import

    @Slot()
    def ask_import(self) -> None:
        """Ask for a file and import it (a text file after its options dialog)."""
        name, _ = QFileDialog.getOpenFileName(
            self._parent, self.tr("Import"), "", translate("ExchangeController", IMPORT_FILTER)
        )
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() in TEXT_SUFFIXES and not looks_like_article(path):
            self.ask_text_options(path)
        else:
            self.import_file(path)

    def ask_text_options(self, path: Path) -> TextImportDialog:
        """Open the options dialog of a text import; the import runs when it is accepted."""
        from flashcards.gui.text_import_dialog import TextImportDialog

        with self._ops.exclusive():
            decks = list(self._col.decks.names().values())
            notetypes = [
                (t.id, t.name, t.field_names) for t in self._col.notes.notetypes() if not t.shipped
            ]
        dialog = TextImportDialog(path, decks, self._parent, notetypes)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(
            lambda: self.import_file(path, options=dialog.options(), deck=dialog.deck())
        )
        self.text_dialog = dialog
        dialog.open()
        return dialog

    def import_file(
        self, path: Path, *, options: TextOptions | None = None, deck: str | None = None
    ) -> None:
        """Import a deck file, Anki package or text file on the executor.

        A ``.txt``/``.md`` file that reads as an article is not imported (it would make one
        card with an empty back per line): :attr:`article_chosen` hands it to Generate.

        Args:
            path: The file.
            options: For a text file, what its options dialog chose (None: the file's own).
            deck: For a text file, the deck of its notes (None: the file's own).
        """
        if options is None and looks_like_article(path):
            self.article_chosen.emit(path)
            return
        cancel = threading.Event() if cancellable(path) else None
        self._start_progress(self.tr("Importing {name}…").format(name=path.name), cancel)
        now = self._clock()
        lead = self.tr("{name} could not be imported").format(name=quote(path.name))
        asked = cancel.is_set if cancel is not None else None
        self._ops.run(
            lambda report: import_path(self._col, path, now, report, asked, options, deck),
            initiator=self,
            on_done=self._on_imported,
            on_error=lambda exc: self._on_import_failed(exc, lead),
            on_progress=self._on_progress,
        )

    def _on_import_failed(self, exc: BaseException, lead: str) -> None:
        from flashcards.core.exchange.importer import ImportCancelled

        if isinstance(exc, ImportCancelled):  # the user's own choice: a sentence, no error box
            self._finish()
            self.message.emit(translate("ExchangeController", IMPORT_CANCELLED))
            return
        self._on_failed(exc, lead)

    def _on_imported(self, report: Any) -> None:
        from flashcards.gui.import_result import ImportResultDialog

        self._finish()
        text = describe_import(report)
        self.message.emit(text)
        # As Anki: every import ends with what it did, per deck, and every warning.
        dialog = ImportResultDialog(text, report, import_notes(report), self._parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.result_dialog = dialog
        dialog.open()

    # ------------------------------------------------------------------ export

    @Slot()
    def ask_export(self) -> None:
        """Ask what to export and where, then export."""
        with self._ops.exclusive():
            decks = list(self._col.decks.names().values())
        options = ExportOptions(decks, self._parent, self.selected_deck())
        if options.exec() != QDialog.DialogCode.Accepted:
            return
        fmt = str(options.format.currentData())
        suffix = ".apkg" if fmt == "apkg" else ".txt"
        deck = options.deck.currentData()
        default = (str(deck).replace("::", "-") if deck else "flashcards") + suffix
        name, _ = QFileDialog.getSaveFileName(
            self._parent, self.tr("Export"), default, f"*{suffix}"
        )
        if name:
            self.export(Path(name), fmt, deck, options.with_progress.isChecked())

    def export(self, path: Path, fmt: str, deck: str | None, with_progress: bool) -> None:
        """Export on the executor."""
        from flashcards.core import exchange

        now = self._clock()

        def work(report: Report) -> tuple[int, int, list[str]]:
            if fmt == "csv":
                return int(exchange.export_csv(self._col, path, deck=deck)), 0, []
            done = exchange.export_apkg(
                self._col, path, now, deck=deck, with_progress=with_progress,
                progress=progress_adapter(report),
            )  # fmt: skip
            return done.notes, done.media, done.missing_media

        self._start_progress(self.tr("Exporting to {name}…").format(name=path.name))
        lead = self.tr("The export to {name} failed").format(name=quote(path.name))
        self._ops.run(
            work,
            initiator=self,
            on_done=lambda done: self._on_exported(path, *done),
            on_error=lambda exc: self._on_failed(exc, lead),
            on_progress=self._on_progress,
        )

    def _on_exported(self, path: Path, count: int, media: int, missing: list[str]) -> None:
        from flashcards.core.media import missing_media_sentence

        self._finish()
        files = ""
        if not media:
            exported = (
                self.tr("Exported {n} note to {path}.")
                if count == 1
                else self.tr("Exported {n} notes to {path}.")
            )
        else:
            files = (
                self.tr("{m} media file") if media == 1 else self.tr("{m} media files")
            ).format(m=media)
            exported = (
                self.tr("Exported {n} note with {files} to {path}.")
                if count == 1
                else self.tr("Exported {n} notes with {files} to {path}.")
            )
        text = exported.format(n=count, files=files, path=quote(str(path), 200))
        self.message.emit(text)
        if missing:  # the package is written; the learner should know what it lacks
            text += "\n\n" + missing_media_sentence(missing)
        # As an import's: the result stays until the learner has read it.
        icon = QMessageBox.Icon.Warning if missing else QMessageBox.Icon.Information
        box = message_box(self._parent, icon, self.tr("Export"), text)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.export_box = box
        box.open()
