"""The Qt binding must not leak references to None (PySide6 6.12.0 on Python 3.11 does).

Each void call such as ``QLabel.setText`` there returns None without counting it; None's count
runs out after enough painting and the process aborts. pyproject.toml excludes that release.
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel


def test_void_qt_calls_keep_none_alive(qtbot) -> None:  # noqa: ANN001
    label = QLabel()
    qtbot.addWidget(label)
    color = QColor(1, 2, 3)
    before = sys.getrefcount(None)
    for i in range(500):
        label.setText(str(i))
        color.setRed(i % 256)
    assert sys.getrefcount(None) >= before - 5
