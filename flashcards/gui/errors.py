"""The error boundary: an error nobody caught is told in one sentence; the details go to a log.

:class:`ErrorBoundary` replaces ``sys.excepthook`` and ``threading.excepthook`` while the app
runs. An exception that escapes a slot (answering on a full disk, say) or a thread is written,
with its traceback, to ``flashcards.log`` in the user log directory, and one readable sentence
is shown in a message box (plain text; one box at a time, later errors are only logged).
Operations (:mod:`flashcards.gui.ops`) report their errors through :meth:`ErrorBoundary.report`
the same way.
"""

from __future__ import annotations

import os
import sys
import threading
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget

from flashcards.gui.i18n import mark, translate
from flashcards.gui.plain import make_plain, message_box, one_sentence

#: The lead of the sentence for an error that is not one of the core's own (shown translated;
#: any lead given in English and found in the "ErrorBoundary" context is translated too).
UNEXPECTED = mark("ErrorBoundary", "Something went wrong")
LOG_NAME = "flashcards.log"


def log_dir_for(data_dir: Path | None) -> Path:
    """Where the log file goes: ``logs/`` in the data directory, else the user log directory.

    The data directory is ``--data-dir`` or ``FLASHCARDS_DATA_DIR``; the user log directory is
    ``~/.local/state/flashcards/log`` on Linux.
    """
    folder = data_dir
    if folder is None and os.environ.get("FLASHCARDS_DATA_DIR"):
        folder = Path(os.environ["FLASHCARDS_DATA_DIR"]).expanduser()
    if folder is not None:
        return folder / "logs"
    import platformdirs

    return Path(platformdirs.user_log_dir("flashcards", appauthor=False))


class ErrorBoundary(QObject):
    """Tells the user about errors in one sentence and logs their details.

    Args:
        log_dir: The folder of the log file (created when the first error is logged).
        window: Returns the window to put message boxes on when no window is active.
    """

    _reported_from_thread = Signal(object, str)

    def __init__(
        self,
        log_dir: Path,
        window: Callable[[], QWidget | None] = lambda: None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.log_file = log_dir / LOG_NAME
        self.window = window
        #: The message box on screen, if any (tests answer it).
        self.box: QMessageBox | None = None
        #: Errors logged but not shown because a box was already on screen.
        self.unshown = 0
        self._saved: tuple[object, object] | None = None
        self._reported_from_thread.connect(self._on_reported_from_thread)

    # ------------------------------------------------------------------ hooks

    def install(self) -> None:
        """Become ``sys.excepthook`` and ``threading.excepthook``."""
        if self._saved is None:
            self._saved = (sys.excepthook, threading.excepthook)
            sys.excepthook = self._excepthook
            threading.excepthook = self._thread_excepthook

    def uninstall(self) -> None:
        """Put the previous hooks back."""
        if self._saved is not None:
            sys.excepthook, threading.excepthook = self._saved  # type: ignore[assignment]
            self._saved = None

    def _excepthook(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if not isinstance(exc, Exception):  # KeyboardInterrupt, SystemExit: as Python does
            sys.__excepthook__(kind, exc, tb)
            return
        self.report(exc)

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or not isinstance(args.exc_value, Exception):
            threading.__excepthook__(args)
            return
        self.report(args.exc_value)

    # ------------------------------------------------------------------ reporting

    def report(self, exc: BaseException, lead: str = UNEXPECTED) -> None:
        """Log ``exc`` with its traceback and show one sentence about it (any thread)."""
        if threading.current_thread() is not threading.main_thread():
            self._reported_from_thread.emit(exc, lead)
            return
        from flashcards.core.errors import FlashcardsError

        logged = self.log(exc)
        expected = isinstance(exc, FlashcardsError)
        detail = None
        if not expected:
            detail = (
                self.tr("The details are in {file}.").format(file=logged)
                if logged
                else self.tr("No log could be written.")
            )
        self._show(one_sentence(exc, translate("ErrorBoundary", lead)), detail, expected)

    @Slot(object, str)
    def _on_reported_from_thread(self, exc: BaseException, lead: str) -> None:
        self.report(exc, lead)

    def log(self, exc: BaseException) -> Path | None:
        """Append ``exc`` and its traceback to the log file (and stderr); returns the file."""
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        sys.stderr.write(text)
        try:
            self.log_file.parent.mkdir(parents=True, exist_ok=True)
            with self.log_file.open("a", encoding="utf-8") as handle:
                handle.write(f"--- {stamp}\n{text}\n")
        except OSError as problem:  # a full disk is often why we are here
            sys.stderr.write(f"flashcards: the log {self.log_file} cannot be written: {problem}\n")
            return None
        return self.log_file

    def _show(self, text: str, detail: str | None, expected: bool) -> None:
        if self.box is not None:
            self.unshown += 1
            return
        parent = QApplication.activeWindow() or self.window()
        icon = QMessageBox.Icon.Warning if expected else QMessageBox.Icon.Critical
        box = message_box(parent, icon, "Flashcards", text)
        if detail:
            box.setInformativeText(detail)
            informative = box.findChild(QLabel, "qt_msgbox_informativelabel")
            if informative is not None:
                make_plain(informative)  # the path may quote a folder name
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowModality(
            Qt.WindowModality.WindowModal
            if parent is not None
            else Qt.WindowModality.ApplicationModal
        )
        box.finished.connect(self._on_box_finished)
        self.box = box
        box.open()

    @Slot()
    def _on_box_finished(self) -> None:
        self.box = None
