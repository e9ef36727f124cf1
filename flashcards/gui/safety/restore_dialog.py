"""File → Restore Backup…: the list of backups (or another collection file) to put in place."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from flashcards.gui.i18n import translate
from flashcards.gui.plain import tooltip

if TYPE_CHECKING:
    from flashcards.core.backup import BackupInfo


def size_text(size: int) -> str:
    """A file size for people: ``812 bytes``, ``40 KB``, ``1.2 MB``."""
    value = float(size)
    in_bytes = translate("RestoreDialog", "{n} bytes").format(n=size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            if unit == "bytes":
                return in_bytes
            return f"{value:.0f} KB" if unit == "KB" else f"{value:.1f} {unit}"
        value /= 1024
    return in_bytes  # pragma: no cover - the loop always returns


def local_time(taken: datetime) -> str:
    """When a backup was taken, in local time."""
    return taken.astimezone().strftime("%Y-%m-%d %H:%M:%S")


class RestoreDialog(QDialog):
    """Pick a backup (or another collection file) to put in place of the collection.

    Args:
        backups: The backups, newest first (:func:`flashcards.core.backup.list_backups`).
        folder: Where "Other file…" starts.
    """

    def __init__(
        self, backups: list[BackupInfo], folder: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setWindowTitle(self.tr("Restore Backup"))
        self._folder = folder
        self._other: Path | None = None
        intro = QLabel(
            self.tr(
                "Choose the backup to restore. The collection as it is now is kept aside in the "
                "same folder, never overwritten."
            )
            if backups
            else self.tr(
                "No backups yet: one is taken when you close the app and every 30 minutes "
                "of use. You can restore another collection file."
            )
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.list = QTreeWidget()
        self.list.setObjectName("backupList")
        self.list.setHeaderLabels([self.tr("Backup"), self.tr("Taken"), self.tr("Size")])
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setAlternatingRowColors(True)
        for info in backups:
            item = QTreeWidgetItem([info.path.name, local_time(info.taken), size_text(info.size)])
            item.setData(0, Qt.ItemDataRole.UserRole, str(info.path))
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(0, tooltip(str(info.path)))
            self.list.addTopLevelItem(item)
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.list.setVisible(bool(backups))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = QPushButton(self.tr("&Restore"))
        self.restore_button.setObjectName("primaryButton")
        self.restore_button.setDefault(True)
        self.other_button = QPushButton(self.tr("&Other File…"))
        self.other_button.setAutoDefault(False)  # Return restores the selected backup
        self.buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.other_button.clicked.connect(self._on_other)
        self.list.itemDoubleClicked.connect(self._on_item_double_clicked)
        self.list.currentItemChanged.connect(self._on_current_changed)
        row = QHBoxLayout()
        row.addWidget(self.other_button)
        row.addStretch(1)
        row.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        if (first := self.list.topLevelItem(0)) is not None:
            self.list.setCurrentItem(first)
            self.list.setFocus()
        self._sync()
        self.resize(580, 320 if backups else 140)

    def _sync(self) -> None:
        self.restore_button.setEnabled(self.list.currentItem() is not None)

    @Slot()
    def _on_current_changed(self) -> None:
        self._sync()

    @Slot()
    def _on_item_double_clicked(self) -> None:
        self.accept()

    @Slot()
    def _on_other(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("Restore from file"),
            str(self._folder),
            self.tr("Collections (*.db *.sqlite *.sqlite3);;All files (*)"),
        )
        if name:
            self.choose_other(Path(name))

    def choose_other(self, path: Path) -> None:
        """Restore ``path`` (a collection file picked outside the list) and close."""
        self._other = path
        self.accept()

    @property
    def chosen(self) -> Path | None:
        """The file to restore, or None."""
        if self._other is not None:
            return self._other
        item = self.list.currentItem()
        return Path(item.data(0, Qt.ItemDataRole.UserRole)) if item is not None else None
