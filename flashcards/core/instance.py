"""One instance at a time per data directory: an advisory lock on ``flashcards.lock``.

The collection service caches counts and trusts that it is the collection's only writer, so a
second app (or a command-line write) must not work beside a running one. The first process
takes an exclusive, non-blocking OS lock (``fcntl.flock`` on POSIX, ``msvcrt.locking`` on
Windows) on ``flashcards.lock`` in the data directory and writes its process id into it. The OS
releases the lock when the process ends, however it ends (even SIGKILL), so a stale lock file
never blocks anyone.

Qt-free. The GUI adds bring-to-front on top: the running instance listens on a
``QLocalServer`` named :func:`server_name` of the data directory; a second launch that fails to
take the lock connects to that name, sends :data:`RAISE_MESSAGE` and exits.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import sys
from pathlib import Path
from types import TracebackType
from typing import IO

from flashcards.core.errors import FlashcardsError

LOCK_FILENAME = "flashcards.lock"
#: What a second launch sends to the running instance's local server.
RAISE_MESSAGE = b"raise\n"

#: The data directories whose lock this process holds (resolved paths).
_HELD: set[str] = set()


class AlreadyRunningError(FlashcardsError):
    """Another Flashcards process is using the data directory."""

    def __init__(self, data_dir: Path, pid: int | None) -> None:
        who = f" (process {pid})" if pid else ""
        super().__init__(
            f"Flashcards is already running with the data directory {data_dir}{who}; "
            "close it first, so that the two do not write beside each other."
        )
        self.data_dir = data_dir
        self.pid = pid


def server_name(data_dir: Path) -> str:
    """The local-socket name of the instance that owns ``data_dir`` (stable, short, safe)."""
    key = str(data_dir.expanduser().resolve())
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"flashcards-{digest}"


def _key(data_dir: Path) -> str:
    return str(data_dir.expanduser().resolve())


def holds_lock(data_dir: Path) -> bool:
    """Whether this process holds the lock of ``data_dir`` (so nobody else is using it)."""
    return _key(data_dir) in _HELD


def _try_lock(handle: IO[bytes]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(handle: IO[bytes]) -> None:
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class InstanceLock:
    """The exclusive lock of a data directory, held until :meth:`release` or process exit.

    Usage::

        lock = InstanceLock(data_dir).acquire()  # raises AlreadyRunningError
        ...
        lock.release()
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.path = data_dir / LOCK_FILENAME
        self._handle: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._handle is not None

    def acquire(self, *, read_only: bool = False) -> InstanceLock:
        """Take the lock.

        Args:
            read_only: The caller only reads the collection. In a folder this process cannot
                write, the lock file is then locked through a read-only handle, or, if there
                is no lock file (no app has written here), nothing is locked and
                :attr:`held` stays False.

        Returns:
            self, for chaining.

        Raises:
            AlreadyRunningError: If another process holds it.
            FlashcardsError: If the lock file cannot be created (e.g. read-only directory).
        """
        if self._handle is not None:
            return self
        handle: IO[bytes]
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            handle = self.path.open("a+b")
        except OSError as exc:
            if read_only and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
                try:
                    handle = self.path.open("rb")
                except FileNotFoundError:
                    return self  # no app has ever locked this folder: nothing to lock
                except OSError:
                    pass
                else:
                    return self._lock(handle)
            raise FlashcardsError(
                f"Cannot use the data directory {self.data_dir}: {exc.strerror or exc}."
            ) from None
        return self._lock(handle)

    def _lock(self, handle: IO[bytes]) -> InstanceLock:
        if not _try_lock(handle):
            handle.seek(0)
            pid = _parse_pid(handle.read(64))
            handle.close()
            raise AlreadyRunningError(self.data_dir, pid)
        if handle.writable():
            with contextlib.suppress(OSError):  # the pid is informative only (a full disk is fine)
                handle.seek(0)
                handle.truncate()
                handle.write(f"{os.getpid()}\n".encode())
                handle.flush()
        self._handle = handle
        _HELD.add(_key(self.data_dir))
        return self

    def release(self) -> None:
        """Release the lock (the file stays; an unlocked file means nobody is running)."""
        handle, self._handle = self._handle, None
        if handle is None:
            return
        _HELD.discard(_key(self.data_dir))
        with contextlib.suppress(OSError):
            _unlock(handle)
        handle.close()

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self.release()


def _parse_pid(data: bytes) -> int | None:
    try:
        return int(data.decode("ascii").strip() or "0") or None
    except (UnicodeDecodeError, ValueError):
        return None
