"""The core is a headless library: nothing under flashcards/core imports Qt."""

from __future__ import annotations

import ast
from pathlib import Path

import flashcards.core

CORE = Path(flashcards.core.__file__).parent


def test_core_never_imports_qt() -> None:
    offenders = []
    files = sorted(CORE.rglob("*.py"))
    assert len(files) > 5
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.relative_to(CORE)}: {name}"
                for name in names
                if name.split(".")[0] in {"PySide6", "PyQt5", "PyQt6", "shiboken6", "anki", "aqt"}
            ]
    assert offenders == []
