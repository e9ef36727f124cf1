"""One app per data directory: the lock, and bringing the running window to the front.

:func:`claim_instance` takes the data directory's lock before the window is built. A second
launch asks the running instance, over a ``QLocalServer``, to come to the front and exits 0; if
that instance does not answer within a second it says why it cannot start and exits 1.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

from flashcards.core.errors import FlashcardsError
from flashcards.core.instance import RAISE_MESSAGE, AlreadyRunningError, InstanceLock, server_name
from flashcards.core.paths import resolve_url, sqlite_path
from flashcards.gui.plain import inform, one_line

#: How long a second launch waits for the running instance to answer.
RAISE_TIMEOUT_MS = 1000


def collection_file(data_dir: Path | None, db_url: str | None) -> Path | None:
    """The collection's SQLite file, or None for a collection on a database server."""
    return sqlite_path(resolve_url(data_dir, db_url)[0])


def lock_folder(data_dir: Path | None, db_url: str | None) -> Path:
    """The folder whose lock says who uses the collection: the file's folder, or the data dir."""
    url, folder = resolve_url(data_dir, db_url)
    path = sqlite_path(url)
    return path.parent if path is not None else folder


class SingleInstance(QObject):
    """The data directory's lock, and the local server a second launch talks to.

    Args:
        folder: The folder to lock (see :func:`lock_folder`).
    """

    #: A second launch asked this instance to come to the front.
    raise_requested = Signal()

    def __init__(self, folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self.name = server_name(folder)
        self.lock = InstanceLock(folder)
        self.server = QLocalServer(self)
        self.server.newConnection.connect(self._on_new_connection)

    def claim(self) -> None:
        """Take the lock, then listen for second launches.

        Raises:
            AlreadyRunningError: If another process holds the lock.
            FlashcardsError: If the lock file cannot be created.
        """
        self.lock.acquire()
        # The lock is ours, so a socket left under this name belongs to a process that died.
        QLocalServer.removeServer(self.name)
        if not self.server.listen(self.name):
            # Bring-to-front is a convenience: the lock alone keeps the collection safe.
            sys.stderr.write(f"flashcards: cannot listen on {self.name}: "
                             f"{self.server.errorString()}\n")  # fmt: skip

    def release(self) -> None:
        """Stop listening and release the lock (after the collection is closed)."""
        self.server.close()
        self.lock.release()

    @Slot()
    def _on_new_connection(self) -> None:
        while (socket := self.server.nextPendingConnection()) is not None:
            socket.setParent(self)
            socket.readyRead.connect(lambda s=socket: self._on_ready_read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._on_ready_read(socket)

    def _on_ready_read(self, socket: QLocalSocket) -> None:
        data = bytes(socket.readAll().data())
        if RAISE_MESSAGE.strip() in data:
            self.raise_requested.emit()


def ask_to_raise(folder: Path, timeout_ms: int = RAISE_TIMEOUT_MS) -> bool:
    """Ask the instance that owns ``folder`` to come to the front; False if it does not answer."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(folder))
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(RAISE_MESSAGE)
    sent = socket.waitForBytesWritten(timeout_ms)
    socket.disconnectFromServer()
    if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        socket.waitForDisconnected(timeout_ms)
    return sent


def claim_instance(
    data_dir: Path | None,
    db_url: str | None,
    tell: Callable[[str], None] | None = None,
) -> SingleInstance | int:
    """Become the one instance of the collection, or hand over to the running one.

    Args:
        data_dir: The ``--data-dir`` option.
        db_url: The ``--db`` option.
        tell: Shows a message (default: an information box).

    Returns:
        The claimed instance, or the exit status of this launch: 0 when the running instance
        came to the front, 1 when it could not be reached (``tell`` says why).
    """
    folder = lock_folder(data_dir, db_url)
    instance = SingleInstance(folder)
    try:
        instance.claim()
    except AlreadyRunningError as exc:
        if ask_to_raise(folder):
            return 0
        (tell or _information)(str(exc))
        return 1
    except FlashcardsError as exc:
        (tell or _information)(str(exc))
        return 1
    return instance


def _information(text: str) -> None:
    inform(None, "Flashcards", one_line(text))


def bring_to_front(window: QWidget) -> None:
    """Un-minimise, show, raise and activate ``window``."""
    if window.isMinimized():
        window.setWindowState(
            (window.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive
        )
    window.show()
    window.raise_()
    if QGuiApplication.platformName() != "xcb":
        window.activateWindow()
        return
    # X ignores a focus request stamped earlier than the last focus change, and Qt stamps it
    # with the time of the last X event it saw (long ago, for an idle window). Changing a
    # property of our own window brings a fresh server time back (PropertyNotify); the
    # activation that follows carries it.
    window.setWindowRole("flashcards-main")
    QTimer.singleShot(100, window, window.activateWindow)
