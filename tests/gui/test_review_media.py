"""Cards from Anki show their images and play their sounds, from the media folder only.

Real parts throughout: the collection file with its media folder, PNG files made with QImage,
WAV files made with :mod:`wave`, the review screen and Qt Multimedia's player.
"""

from __future__ import annotations

import base64
import json
import sys
import wave
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QPoint, Qt, QUrl
from PySide6.QtGui import QColor, QImage, QTextDocument
from PySide6.QtWidgets import QWidget
from sqlalchemy import insert, update

from flashcards.core.collection import Collection
from flashcards.core.tables import NOTE, NOTETYPE
from flashcards.gui.app import Gui
from flashcards.gui.card_text import CardText
from flashcards.gui.main_window import Screen
from flashcards.gui.review_controller import ReviewController
from flashcards.gui.settings_controller import SettingsController
from tests.gui.conftest import OFFSCREEN_NOISE, FakeClock

# Qt Multimedia's backend reports the machine it runs on as warnings: optional libraries it
# probes for and does not need (PipeWire, VA-API), no PulseAudio server and no audio device, as
# on a CI runner. They say nothing about our code, and a test cannot make a sound card appear;
# so these tests check what the player is given (its source) and that the queue runs to its
# end, which the backend does without a device, and ignore exactly these messages.
NO_AUDIO_DEVICE = (
    r"Couldn't (load|resolve) .+ (library|symbols)",
    r"PulseAudioService: pa_context_connect\(\) failed",
    r"No audio device detected",
)
#: On each test that plays (a mark of the test itself: the closest qt_log_ignore is the one used).
quiet_backend = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE, *NO_AUDIO_DEVICE)

RED = QColor(255, 0, 0)
GREEN = QColor(0, 160, 0)


def _png(path: Path, color: QColor, width: int = 40, height: int = 40) -> Path:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(color)
    path.parent.mkdir(parents=True, exist_ok=True)
    assert image.save(str(path), "PNG")
    return path


def _png_data_uri(color: QColor) -> str:
    image = QImage(40, 40, QImage.Format.Format_RGB32)
    image.fill(color)
    buffer = QBuffer()
    buffer.open(QBuffer.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(bytes(buffer.data().data())).decode()


def _wav(path: Path, frames: int = 400) -> Path:
    """A short silent WAV (50 ms at 8 kHz)."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * frames)
    return path


def _anki_note(
    col: Collection,
    clock: FakeClock,
    deck: str,
    fields: tuple[str, str],
    *,
    qfmt: str = "{{Front}}",
    afmt: str = "{{FrontSide}}<hr id=answer>{{Back}}",
) -> int:
    """A note of an Anki note type of its own (as an .apkg import makes it)."""
    config = {
        "name": "Media",
        "type": 0,
        "css": ".card { text-align: center; }",
        "flds": [{"name": "Front", "ord": 0}, {"name": "Back", "ord": 1}],
        "tmpls": [{"name": "Card 1", "ord": 0, "qfmt": qfmt, "afmt": afmt}],
    }
    note_id = col.notes.add(deck, "basic", "front", "back", clock()).value
    with col.engine.begin() as conn:
        conn.execute(
            insert(NOTETYPE).values(
                id=91, name="Media", config=json.dumps(config), modified=clock()
            )
        )
        conn.execute(update(NOTE).where(NOTE.c.id == note_id).values(anki_notetype_id=91))
    col.notes.update_fields(note_id, fields, clock(), tags=["media"])
    return int(note_id)


def _count(widget: QWidget, color: QColor) -> int:
    """How many pixels of ``color`` the widget shows."""
    image = widget.grab().toImage()
    return sum(
        image.pixelColor(x, y) == color
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
    )


def _study(qtbot, gui: Gui, deck: str) -> ReviewController:  # noqa: ANN001
    col = gui.col
    assert col is not None and gui.controller is not None
    gui.controller._on_study(col.decks.id(deck))
    assert gui.window.current_screen == Screen.REVIEW
    return gui.controller.review


def _key(qtbot, gui: Gui, key: Qt.Key | str) -> None:  # noqa: ANN001
    widget = gui.app.focusWidget() or gui.window
    if isinstance(key, str):
        qtbot.keyClicks(widget, key)
    else:
        qtbot.keyClick(widget, key)


# ---------------------------------------------------------------------------- images


def test_an_image_of_the_media_folder_shows(qtbot, gui: Gui, clock, tmp_path: Path) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None
    stored = col.media.add_file(_png(tmp_path / "made" / "x.png", RED))
    assert stored == "x.png"
    _anki_note(col, clock, "Pictures", ('Cat <img src="x.png">', "ネコ"))
    _study(qtbot, gui, "Pictures")
    question = gui.window.review.question
    assert isinstance(question, CardText)
    assert '<img src="x.png">' in question.text()
    # The document holds the image it loaded, and the widget draws it.
    resource = question.document().resource(QTextDocument.ResourceType.ImageResource, "x.png")
    assert isinstance(resource, QImage) and resource.size().width() == 40
    assert resource.pixelColor(5, 5) == RED
    qtbot.waitUntil(lambda: _count(question, RED) > 300)  # 40x40, sampled every 2 px: 400
    # The widget is as high as its text (the review screen's scroll area scrolls, not it).
    assert question.height() >= 40 and question.verticalScrollBar().maximum() == 0


def test_a_wide_image_is_scaled_down_to_the_view(qtbot, gui: Gui, clock, tmp_path: Path) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None
    col.media.add_file(_png(tmp_path / "made" / "wide.png", GREEN, 3000, 30))
    _anki_note(col, clock, "Pictures", ('<img src="wide.png">', "b"))
    _study(qtbot, gui, "Pictures")
    question = gui.window.review.question
    doc = question.document()

    def width() -> int:
        image = doc.resource(QTextDocument.ResourceType.ImageResource, "wide.png")
        return image.width() if isinstance(image, QImage) else -1

    qtbot.waitUntil(lambda: 0 < width() <= question.viewport().width())
    gui.window.resize(gui.window.width() - 200, gui.window.height())
    qtbot.waitUntil(lambda: 0 < width() <= question.viewport().width())
    assert question.horizontalScrollBar().maximum() == 0


def _hostile_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Red PNGs outside the media folder, where each hostile src would find one."""
    outside = _png(tmp_path / "outside" / "secret.png", RED)
    cwd = tmp_path / "outside" / "cwd"
    cwd.mkdir()
    _png(cwd / "here.png", RED)  # a plain name the media folder does not have
    monkeypatch.chdir(cwd)  # Qt's own fallback reads relative names from here
    return {
        "parent": "../secret.png",
        "absolute": str(outside),
        "file": QUrl.fromLocalFile(str(outside)).toString(),
        "http": "http://127.0.0.1:1/x.png",
        "data": _png_data_uri(RED),
        "etc": "/etc/passwd",
        "cwd": "here.png",
    }


def test_hostile_image_sources_load_nothing(
    qtbot,  # noqa: ANN001
    gui: Gui,
    clock,  # noqa: ANN001
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    col = gui.col
    assert col is not None
    sources = _hostile_files(tmp_path, monkeypatch)
    col.media.add_file(_png(tmp_path / "made" / "ok.png", GREEN))
    field = "".join(f'<img src="{src}">' for src in sources.values()) + '<img src="ok.png">'
    _anki_note(col, clock, "Hostile", (field, "b"))
    _study(qtbot, gui, "Hostile")
    question = gui.window.review.question
    shown = question.text()
    # The sanitiser keeps only plain media names; the widget looks them up in the media folder.
    assert '<img src="here.png">' in shown and '<img src="ok.png">' in shown
    for key in ("parent", "absolute", "file", "http", "data", "etc"):
        assert sources[key] not in shown, key
    qtbot.waitUntil(lambda: _count(question, GREEN) > 300)  # the media image shows...
    assert _count(question, RED) == 0  # ...and none of the files outside the folder
    image = question.document().resource(QTextDocument.ResourceType.ImageResource, "here.png")
    assert isinstance(image, QImage) and image.pixelColor(5, 5) != RED


def test_card_text_itself_loads_nothing_outside_the_media_folder(
    qtbot,  # noqa: ANN001
    col: Collection,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The widget is a wall of its own: raw HTML, unsanitised, still reads only the media.

    Qt reads a resource itself when its widget has none to give (a relative name from the
    working directory, a path, a ``file:`` URL, a ``data:`` URI): every one of these is a red
    image there, and none is drawn.
    """
    sources = _hostile_files(tmp_path, monkeypatch)
    col.media.add_file(_png(tmp_path / "made" / "ok.png", GREEN))
    text = CardText("question")
    qtbot.addWidget(text)
    text.set_media(col.media.path)
    text.resize(500, 300)
    text.show()
    qtbot.waitExposed(text)
    text.setText("".join(f'<img src="{src}"> ' for src in sources.values()))
    assert _count(text, RED) == 0
    text.setText('<style>.a { background-image: url(here.png); }</style><p class="a">a</p>')
    assert _count(text, RED) == 0
    text.setText('<img src="ok.png">')
    assert _count(text, GREEN) > 300
    assert not text.openExternalLinks() and not text.openLinks()
    flags = text.textInteractionFlags()
    assert not flags & Qt.TextInteractionFlag.LinksAccessibleByMouse
    assert not flags & Qt.TextInteractionFlag.LinksAccessibleByKeyboard


# ---------------------------------------------------------------------------- sounds


def _sound_note(col: Collection, clock: FakeClock, tmp_path: Path) -> dict[str, Path]:
    """A note whose question has one sound and whose answer adds two; the files."""
    folder = tmp_path / "made"
    folder.mkdir(exist_ok=True)
    files = {}
    for name in ("q.wav", "a.wav", "b.wav"):
        path = col.media.path(col.media.add_file(_wav(folder / name)))
        assert path is not None
        files[name] = path
    front, back = "Listen [sound:q.wav]", "Meaning [sound:a.wav] [sound:b.wav]"
    _anki_note(col, clock, "Sounds", (front, back))
    return files


def _started(review: ReviewController) -> list[str]:
    """The names of the files handed to the player from now on."""
    names: list[str] = []
    review.sound.started.connect(lambda path: names.append(path.name))
    return names


def _played_out(qtbot, review: ReviewController) -> None:  # noqa: ANN001
    """Wait for the queue to run to its end (so that no player message outlives the test)."""
    qtbot.waitUntil(lambda: not review.sound.busy, timeout=10_000)


@quiet_backend
def test_sounds_play_with_their_side_in_order_and_r_replays(
    qtbot,  # noqa: ANN001
    gui: Gui,
    clock,  # noqa: ANN001
    tmp_path: Path,
) -> None:
    col = gui.col
    assert col is not None
    files = _sound_note(col, clock, tmp_path)
    assert col.config.autoplay_audio  # Anki's default
    assert gui.controller is not None
    started = _started(gui.controller.review)
    review = _study(qtbot, gui, "Sounds")
    view = gui.window.review
    question = view.question.text()
    assert "[sound:" not in question and 'href="replay:0"' in question
    assert view.question.document().toPlainText().strip() == "Listen \u25b6"
    player = review.sound.player
    assert player is not None  # Qt Multimedia loaded (libpulse0 is installed)
    assert started == ["q.wav"]
    assert Path(player.source().toLocalFile()) == files["q.wav"]
    _played_out(qtbot, review)

    started.clear()
    _key(qtbot, gui, Qt.Key.Key_Space)
    assert view.answer_shown
    answer = view.answer.text()
    assert "[sound:" not in answer
    assert all(f'href="replay:{n}"' in answer for n in range(3))  # its FrontSide's and its own
    _played_out(qtbot, review)
    assert started == ["a.wav", "b.wav"]  # not the question's again, as in Anki
    assert Path(player.source().toLocalFile()) == files["b.wav"]

    started.clear()
    _key(qtbot, gui, "r")  # Replay Audio: the side's sounds again
    _played_out(qtbot, review)
    assert started == ["a.wav", "b.wav"]

    started.clear()
    _key(qtbot, gui, "r")
    _key(qtbot, gui, Qt.Key.Key_Escape)  # back to the deck list: the sound stops
    assert gui.window.current_screen == Screen.DECKS
    assert started == ["a.wav"] and not review.sound.busy
    qtbot.wait(300)  # what the backend still says about the stopped file is said here


@quiet_backend
def test_a_click_on_a_marker_plays_its_sound(qtbot, gui: Gui, clock, tmp_path: Path) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None
    col.config.set_autoplay_audio(False)
    _sound_note(col, clock, tmp_path)
    review = _study(qtbot, gui, "Sounds")
    started = _started(review)
    _key(qtbot, gui, Qt.Key.Key_Space)
    answer = gui.window.review.answer
    cursor = answer.document().find("\u25b6")  # the first marker: the question's sound
    cursor = answer.document().find("\u25b6", cursor)  # the second: the answer's first
    assert not cursor.isNull()
    qtbot.waitUntil(lambda: answer.cursorRect(cursor).height() > 0)
    rect = answer.cursorRect(cursor)
    spot = QPoint(rect.left() - 4, rect.center().y())  # on the marker, left of its end
    qtbot.mouseClick(answer.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    _played_out(qtbot, review)
    assert started == ["a.wav"]


@quiet_backend
def test_no_autoplay_when_the_setting_is_off(qtbot, gui: Gui, clock, tmp_path: Path) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None and gui.ops is not None
    _sound_note(col, clock, tmp_path)
    settings = SettingsController(col, gui.ops, None, gui.window)
    qtbot.addWidget(settings.dialog)
    assert settings.dialog.autoplay_audio.isChecked()
    settings.dialog.autoplay_audio.setChecked(False)
    settings._on_save()
    assert not col.config.autoplay_audio

    review = _study(qtbot, gui, "Sounds")
    started = _started(review)
    assert review.sound.player is None and not review.sound.busy  # nothing asked to play
    _key(qtbot, gui, Qt.Key.Key_Space)
    assert review.sound.player is None and started == []
    _key(qtbot, gui, "r")  # R plays whatever the setting says
    _played_out(qtbot, review)
    assert started == ["a.wav", "b.wav"]


@quiet_backend
def test_without_qt_multimedia_the_markers_stay_and_it_is_said_once(
    qtbot,  # noqa: ANN001
    gui: Gui,
    clock,  # noqa: ANN001
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As on a machine without libpulse0: the module cannot be imported."""
    col = gui.col
    assert col is not None
    monkeypatch.setitem(sys.modules, "PySide6.QtMultimedia", None)  # import raises ImportError
    _sound_note(col, clock, tmp_path)
    assert gui.controller is not None
    messages: list[str] = []
    gui.controller.review.message.connect(messages.append)
    review = _study(qtbot, gui, "Sounds")
    _key(qtbot, gui, Qt.Key.Key_Space)
    _key(qtbot, gui, "r")
    assert 'href="replay:0"' in gui.window.review.question.text()
    assert review.sound.player is None and not review.sound.available
    assert messages == ["Sounds cannot play: Qt Multimedia is not available here."]
    assert gui.window.statusBar().currentMessage() == messages[0]


@quiet_backend
def test_a_missing_sound_file_is_named(qtbot, gui: Gui, clock) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None and gui.controller is not None
    _anki_note(col, clock, "Sounds", ("[sound:gone.mp3] [sound:../x.wav]", "b"))
    messages: list[str] = []
    gui.controller.review.message.connect(messages.append)
    review = _study(qtbot, gui, "Sounds")
    assert messages == [
        "gone.mp3 is not in the media folder.",
        "../x.wav is not in the media folder.",
    ]
    assert not review.sound.busy


def test_text_after_a_div_starts_a_new_line_as_in_a_browser(qtbot) -> None:  # noqa: ANN001
    from flashcards.gui.card_text import blocks_after_divs

    text = CardText("question")
    qtbot.addWidget(text)
    text.setText('<div class="card"><div class="term">猫</div>ねこ <b>neko</b><div>c</div>d</div>')
    document = text.document()
    lines = [document.findBlockByNumber(i).text() for i in range(document.blockCount())]
    assert lines == ["猫", "ねこ neko", "c", "d"]  # Qt alone: "猫ねこ neko", then "cd"
    assert blocks_after_divs("<div>a</div><div>b</div>") == "<div>a</div><div>b</div>"
    assert blocks_after_divs("<div>a</div>  </div>") == "<div>a</div>  </div>"
