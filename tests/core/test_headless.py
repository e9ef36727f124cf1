"""The core is a headless, single-threaded library: nothing under flashcards/core imports Qt
or starts threads of its own (the GUI runs collection work on one executor)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import flashcards.core

CORE = Path(flashcards.core.__file__).parent


def _imports() -> Iterator[tuple[str, str]]:
    """Every module imported anywhere in the core (at any depth), with the file importing it."""
    files = sorted(CORE.rglob("*.py"))
    assert len(files) > 5
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield str(path.relative_to(CORE)), alias.name
            elif isinstance(node, ast.ImportFrom) and node.module:
                yield str(path.relative_to(CORE)), node.module


def _offenders(roots: set[str]) -> list[str]:
    return [f"{path}: {name}" for path, name in _imports() if name.split(".")[0] in roots]


def test_core_never_imports_qt() -> None:
    assert _offenders({"PySide6", "PyQt5", "PyQt6", "shiboken6", "anki", "aqt"}) == []


def test_core_never_starts_threads() -> None:
    # The core is single-threaded: a thread inside it would share the collection's engine
    # and media folder behind the executor's back.
    assert _offenders({"threading", "_thread", "concurrent"}) == []
