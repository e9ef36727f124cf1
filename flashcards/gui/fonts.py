"""Fonts: Japanese text gets a Japanese CJK face when one is installed (never tofu boxes)."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

#: Japanese faces, best first; the first one installed becomes the CJK fallback of the UI font.
JAPANESE_FAMILIES = (
    "Noto Sans CJK JP",
    "Noto Sans JP",
    "Source Han Sans JP",
    "Source Han Sans",
    "IPAexGothic",
    "IPAGothic",
    "TakaoGothic",
    "VL Gothic",
    "Hiragino Sans",
    "Hiragino Kaku Gothic ProN",
    "Yu Gothic UI",
    "Meiryo UI",
    "Meiryo",
    "MS Gothic",
)


def japanese_family(installed: list[str] | None = None) -> str | None:
    """The best installed Japanese font family, or None."""
    families = set(installed if installed is not None else QFontDatabase.families())
    return next((f for f in JAPANESE_FAMILIES if f in families), None)


def apply_fonts(app: QApplication) -> str | None:
    """Put a Japanese face after the UI font so kana and kanji use Japanese glyph forms.

    Only installed families are named: naming a missing one makes Qt scan every font alias.

    Returns:
        The Japanese family used, or None when none is installed.
    """
    family = japanese_family()
    if family is None:
        return None
    font = QFont(app.font())
    font.setFamilies([font.family(), family])
    app.setFont(font)
    return family
