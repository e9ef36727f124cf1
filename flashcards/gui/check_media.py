"""File → Check Media: the media files notes use that are missing, and the files none uses.

The check runs on the executor (it reads every note); the dialog lists what it found, as
Anki's Check Media does, and can move the unused files to the trash folder beside the media
folder (never deleted: the learner can take them back).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from flashcards.gui.i18n import translate
from flashcards.gui.plain import make_plain

if TYPE_CHECKING:
    from flashcards.core.collection import Collection
    from flashcards.core.media import MediaCheck
    from flashcards.gui.ops import Ops


def media_report(found: MediaCheck, files: int) -> str:
    """The dialog's text: counts, then each missing file with its notes, then unused files."""
    lines = [
        (
            translate("CheckMediaDialog", "{n} file in the media folder;")
            if files == 1
            else translate("CheckMediaDialog", "{n} files in the media folder;")
        ).format(n=files)
        + " "
        + (
            translate("CheckMediaDialog", "{n} name used by notes or note types.")
            if found.referenced == 1
            else translate("CheckMediaDialog", "{n} names used by notes or note types.")
        ).format(n=found.referenced),
    ]
    if found.missing:
        lines += [
            "",
            translate("CheckMediaDialog", "Missing ({n}): used by notes, not in the folder").format(
                n=len(found.missing)
            ),
        ]
        for name, notes in sorted(found.missing.items()):
            count = (
                translate("CheckMediaDialog", "{n} note")
                if len(notes) == 1
                else translate("CheckMediaDialog", "{n} notes")
            ).format(n=len(notes))
            lines.append(f"  {name}  ({count})")
    if found.unused:
        lines += [
            "",
            translate("CheckMediaDialog", "Unused ({n}): in the folder, used by no note").format(
                n=len(found.unused)
            ),
        ]
        lines += [f"  {name}" for name in found.unused]
    if not found.missing and not found.unused:
        lines += ["", translate("CheckMediaDialog", "Nothing is missing and nothing is unused.")]
    return "\n".join(lines)


class CheckMediaDialog(QDialog):
    """Shows what Check Media found; offers to move the unused files to the trash folder."""

    trash_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Check Media"))
        self.resize(560, 420)
        self.folder = make_plain(QLabel())
        self.folder.setWordWrap(True)
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text = QPlainTextEdit()
        self.text.setObjectName("checkMediaReport")
        self.text.setReadOnly(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.trash = QPushButton(self.tr("Move Unused to Trash"))
        self.trash.setObjectName("trashUnused")
        self.trash.setEnabled(False)
        buttons.addButton(self.trash, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.trash.clicked.connect(self.trash_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.folder)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)

    def show_result(self, folder: str, text: str, unused: int) -> None:
        """Show the folder, the report, and whether there is anything to move."""
        self.folder.setText(self.tr("Media folder: {folder}").format(folder=folder))
        self.text.setPlainText(text)
        self.trash.setEnabled(unused > 0)


class CheckMediaController(QObject):
    """Runs the check on the executor and fills the dialog; moves unused files when asked.

    Args:
        col: The collection.
        ops: Runs the collection work.
        parent: The window the dialog belongs to.
    """

    message = Signal(str)

    def __init__(self, col: Collection, ops: Ops, parent: QWidget) -> None:
        super().__init__(parent)
        self._col = col
        self._ops = ops
        self._parent = parent
        self._unused: list[str] = []
        self.dialog: CheckMediaDialog | None = None

    @Slot()
    def open(self) -> None:
        """Open the dialog and run the check."""
        if self._col.media.folder is None:
            self.message.emit(self.tr("This collection is not a file, so it has no media folder."))
            return
        dialog = CheckMediaDialog(self._parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.trash_clicked.connect(self._on_trash_clicked)
        dialog.destroyed.connect(self._on_dialog_gone)
        dialog.text.setPlainText(self.tr("Checking…"))
        self.dialog = dialog
        dialog.show()
        self._check()

    def _check(self) -> None:
        from flashcards.core.media_check import check_media

        def work(_report: object) -> tuple[MediaCheck, int]:
            return check_media(self._col), len(self._col.media.names())

        self._ops.run(
            work, initiator=self, on_done=self._on_checked, lead=self.tr("Check Media failed")
        )

    def _on_checked(self, done: tuple[MediaCheck, int]) -> None:
        found, files = done
        self._unused = list(found.unused)
        if self.dialog is not None:
            self.dialog.show_result(
                str(self._col.media.folder), media_report(found, files), len(found.unused)
            )

    @Slot()
    def _on_trash_clicked(self) -> None:
        from flashcards.core.media_check import trash_unused

        names = list(self._unused)
        if self.dialog is not None:
            self.dialog.trash.setEnabled(False)

        def work(_report: object) -> list[str]:
            return trash_unused(self._col, names)

        self._ops.run(
            work,
            initiator=self,
            on_done=self._on_trashed,
            lead=self.tr("Moving unused media failed"),
        )

    def _on_trashed(self, moved: list[str]) -> None:
        self.message.emit(
            (
                self.tr("Moved {n} unused media file to {folder}.")
                if len(moved) == 1
                else self.tr("Moved {n} unused media files to {folder}.")
            ).format(n=len(moved), folder=self._col.media.trash)
        )
        if self.dialog is not None:
            self._check()

    @Slot()
    def _on_dialog_gone(self) -> None:
        self.dialog = None
