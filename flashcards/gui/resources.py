"""The app's files under ``resources/`` (style sheets), found without the core."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path


def resources_dir() -> Path:
    """The resources folder (``resources/`` in the repository, packaged in an install)."""
    return Path(str(files("flashcards.resources")))


@cache
def style_sheet(name: str) -> str:
    """The text of a style sheet in ``resources/styles`` ("" when missing)."""
    path = resources_dir() / "styles" / name
    return path.read_text(encoding="utf-8") if path.is_file() else ""
