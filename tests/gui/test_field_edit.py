"""A field's rich-text box saves what the learner did not touch as it came.

Real :class:`FieldBox` widgets (offscreen), real image files in a media folder, real key
presses; what is checked is the HTML the box gives back to be saved.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QTextCursor, QTextDocument

from flashcards.gui.field_edit import MAX_SHOWN_WIDTH, FieldBox, blocks_apart


def _png(path: Path, width: int, height: int) -> Path:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#3060c0"))
    assert image.save(str(path), "PNG")
    return path


def _box(qtbot, folder: Path, value: str) -> FieldBox:  # noqa: ANN001
    """A shown field box over ``folder`` (its media folder), loaded with ``value``."""

    def media_path(name: str) -> Path | None:
        path = folder / name
        return path if path.is_file() else None

    box = FieldBox("Front", media_path)
    qtbot.addWidget(box)
    box.resize(500, 200)
    box.show()
    qtbot.waitExposed(box)
    box.set_html(value)
    box.rich.setFocus()
    return box


def _type_at(qtbot, box: FieldBox, text: str, where: str) -> None:  # noqa: ANN001
    """Put the cursor just after the first ``where`` of the field and type ``text``."""
    found = box.rich.document().find(where)
    assert not found.isNull(), where
    cursor = box.rich.textCursor()
    cursor.setPosition(found.selectionEnd())
    box.rich.setTextCursor(cursor)
    qtbot.keyClicks(box.rich, text)


def _images(box: FieldBox) -> list[tuple[str, float, float]]:
    """(name, width, height) of each image format of the field's document, in order."""
    out = []
    block = box.rich.document().begin()
    while block.isValid():
        for run in block.textFormats():
            if run.format.isImageFormat():
                image = run.format.toImageFormat()
                out.append((image.name(), image.width(), image.height()))
        block = block.next()
    return out


def test_a_wide_image_is_shown_to_fit_and_saved_with_its_own_attributes(
    qtbot,
    tmp_path: Path,  # noqa: ANN001
) -> None:
    _png(tmp_path / "wide.png", 2000, 100)
    tag = '<img src="wide.png" width="2000" height="100" alt="a wide one" class="big">'
    box = _box(qtbot, tmp_path, f"{tag}after")
    # Shown at the width that fits, with its proportions, from the scaled-down file.
    assert _images(box) == [("wide.png", MAX_SHOWN_WIDTH, 100 * MAX_SHOWN_WIDTH / 2000)]
    resource = box.rich.document().resource(QTextDocument.ResourceType.ImageResource, "wide.png")
    assert isinstance(resource, QImage) and resource.width() == MAX_SHOWN_WIDTH
    _type_at(qtbot, box, " edited", "after")
    assert box.html() == f"{tag}after edited"  # the tag as it came, the edit beside it


def test_images_keep_their_tags_among_others_and_repeated(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    _png(tmp_path / "a&b.png", 30, 30)
    value = (
        "<img src='a&amp;b.png' width=3000 data-x=\"1\">one"
        '<img src="missing.png" style="float:left">two<img src="missing.png" style="float:left">'
    )
    box = _box(qtbot, tmp_path, value)
    _type_at(qtbot, box, "!", "two")
    assert box.html() == value.replace("two", "two!")


def test_a_resized_image_keeps_its_other_attributes(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    _png(tmp_path / "wide.png", 2000, 100)
    box = _box(qtbot, tmp_path, 'x<img src="wide.png" width="2000" alt="w">')
    # The learner makes the image smaller (as a resize handle would: its format's width).
    found = box.rich.document().find("\ufffc")
    cursor = QTextCursor(box.rich.document())
    cursor.setPosition(found.selectionStart())
    cursor.setPosition(found.selectionEnd(), QTextCursor.MoveMode.KeepAnchor)
    image = cursor.charFormat().toImageFormat()
    image.setWidth(120)
    cursor.setCharFormat(image)
    assert box.html() == 'x<img src="wide.png" alt="w" width="120">'


def test_an_image_after_a_list_stays_after_it_when_the_list_is_edited(
    qtbot,
    tmp_path: Path,  # noqa: ANN001
) -> None:
    _png(tmp_path / "x.png", 20, 20)
    box = _box(qtbot, tmp_path, '<ul><li>a</li></ul><img src="x.png">')
    _type_at(qtbot, box, "b", "a")
    assert box.html() == '<ul><li>ab</li></ul><img src="x.png">'


def test_text_after_a_block_keeps_its_own_line(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    box = _box(qtbot, tmp_path, '<ol><li>one</li></ol>tail<div>d</div>e <img src="y.png">')
    _type_at(qtbot, box, "!", "one")
    qtbot.keyClick(box.rich, Qt.Key.Key_End)
    assert box.html() == '<ol><li>one!</li></ol>tail<br>d<br>e <img src="y.png">'
    box = _box(qtbot, tmp_path, "<div>a</div>b")
    _type_at(qtbot, box, "c", "b")
    assert box.html() == "a<br>bc"  # not "abc": b was on a line of its own


def test_blocks_apart_wraps_only_inline_runs_after_a_block() -> None:
    assert blocks_apart("plain <b>text</b><br>x") == "plain <b>text</b><br>x"
    assert blocks_apart("<ul><li>a</li><li>b</li></ul>\n") == "<ul><li>a</li><li>b</li></ul>\n"
    assert blocks_apart('<ul><li>a</li></ul><img src="x.png">') == (
        '<ul><li>a</li></ul><div><img src="x.png"></div>'
    )
    assert blocks_apart('<div title="a>b">a</div>b<p>c</p>') == (
        '<div title="a>b">a</div><div>b</div><p>c</p>'
    )
