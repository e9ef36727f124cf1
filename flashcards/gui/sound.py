"""Sounds of cards from Anki: ``[sound:name]`` markers in a face, and a player that plays them.

Anki writes a sound into a field as ``[sound:meow.mp3]``; its reviewer shows a replay button
in its place and plays the side's sounds one after the other. :func:`sound_markers` does the
first on a face's safe HTML; :class:`SoundPlayer` the second, with Qt Multimedia.

Qt Multimedia is imported when the first sound plays, not before: it needs system libraries
(``libpulse0`` on Linux) that a machine may lack, and a deck without sounds should not pay for
loading it. When it cannot be loaded the markers stay, nothing plays, and the player says so
once.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, QUrl, Signal

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QMediaPlayer

#: The only link target card text may hold: ``replay:N`` plays the face's N-th sound.
REPLAY_SCHEME = "replay"
_SOUND_RE = re.compile(r"\[sound:([^\[\]<>]+)\]")
#: One tag of the sanitiser's output: its attribute values are always in double quotes, with
#: any ``"`` inside written as ``&quot;``; a ``>`` in text is always ``&gt;``.
_TAG_RE = re.compile(r'(<[^>"]*(?:"[^"]*"[^>"]*)*>)')


def sound_markers(safe_html: str) -> tuple[str, list[str]]:
    """Replace each ``[sound:name]`` in a face's text by a replay marker.

    Only text between tags is looked at (a ``[sound:…]`` inside an attribute value stays as
    it is), so the marker's markup never lands inside a tag. The N-th marker links to
    ``replay:N``.

    Args:
        safe_html: A face as :func:`flashcards.core.sanitize.sanitize_html` gives it.

    Returns:
        The HTML with the markers, and the sound names in order (entities decoded; one entry
        per marker, repeats included).
    """
    if "[sound:" not in safe_html:
        return safe_html, []
    names: list[str] = []

    def marker(match: re.Match[str]) -> str:
        name = html.unescape(match.group(1)).strip()
        names.append(name)
        return f'<a href="{REPLAY_SCHEME}:{len(names) - 1}" style="text-decoration:none">\u25b6</a>'

    parts = _TAG_RE.split(safe_html)
    for i in range(0, len(parts), 2):  # even items are the text between tags
        parts[i] = _SOUND_RE.sub(marker, parts[i])
    return "".join(parts), names


def answer_sounds(question: Sequence[str], answer: Sequence[str]) -> list[str]:
    """The answer's sounds that are not the question's (its ``{{FrontSide}}``), in order.

    Each sound of the question takes away one occurrence of the same name from the answer,
    so a sound the answer repeats after the question still plays.
    """
    left = list(question)
    out: list[str] = []
    for name in answer:
        if name in left:
            left.remove(name)
        else:
            out.append(name)
    return out


class SoundPlayer(QObject):
    """Plays files one after the other (a new list replaces the one playing).

    Args:
        parent: The owner.
    """

    #: A one-line message for the status bar (sounds cannot play on this machine).
    message = Signal(str)
    #: A file (a :class:`~pathlib.Path`) was handed to the player.
    started = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: list[Path] = []
        self._current: Path | None = None
        self._player: QMediaPlayer | None = None
        self._unavailable = False
        self._generation = 0  # which list a queued "play the next file" belongs to

    @property
    def player(self) -> QMediaPlayer | None:
        """The Qt player, once the first sound was asked for (None if it could not load)."""
        return self._player

    @property
    def available(self) -> bool:
        """False once Qt Multimedia failed to load."""
        return not self._unavailable

    @property
    def busy(self) -> bool:
        """Whether a file is playing (or loading to play) or waiting for its turn."""
        return self._current is not None or bool(self._queue)

    def play(self, files: Sequence[Path]) -> None:
        """Stop what is playing and play ``files`` in order."""
        self.stop()
        if not files or not self._load():
            return
        self._queue = list(files)
        self._play_next(self._generation)

    def stop(self) -> None:
        """Stop playing and forget the files still to play."""
        self._queue.clear()
        self._current = None
        self._generation += 1
        if self._player is not None:
            self._player.stop()

    def _load(self) -> bool:
        if self._player is not None:
            return True
        if self._unavailable:
            return False
        try:
            from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
        except (ImportError, OSError):  # a system library is missing (libpulse0 on Linux)
            self._unavailable = True
            self.message.emit(self.tr("Sounds cannot play: Qt Multimedia is not available here."))
            return False
        player = QMediaPlayer(self)
        player.setAudioOutput(QAudioOutput(player))
        player.mediaStatusChanged.connect(self._on_status)
        player.errorOccurred.connect(self._on_error)
        self._player = player
        return True

    def _play_next(self, generation: int) -> None:
        player = self._player
        if player is None or generation != self._generation:
            return  # another list was asked for (or none) since this one was queued
        if not self._queue:
            self._current = None
            return
        self._current = self._queue.pop(0)
        # The same file again (a replay) is not a new source to Qt; it plays from the start.
        player.setSource(QUrl.fromLocalFile(str(self._current)))
        player.play()
        self.started.emit(self._current)

    def _finished(self) -> None:
        """The current file ended or failed: the next one, once out of the player's signal."""
        if self._current is None:
            return  # already moved on (a failure is reported by status and by error)
        self._current = None
        generation = self._generation
        QTimer.singleShot(0, lambda: self._play_next(generation))

    def _on_status(self, status: QMediaPlayer.MediaStatus) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if status in (QMediaPlayer.MediaStatus.EndOfMedia, QMediaPlayer.MediaStatus.InvalidMedia):
            self._finished()

    def _on_error(self, _error: QMediaPlayer.Error, text: str) -> None:
        self.message.emit(
            self.tr("A sound could not play: {reason}").format(reason=text)
            if text
            else self.tr("A sound could not play.")
        )
        self._finished()
