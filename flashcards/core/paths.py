"""Where the shipped data lives, in a source checkout and in an installed package alike."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def shipped_decks_dir() -> Path:
    """The folder of the deck files shipped with the app (``decks/`` in the repository)."""
    return Path(str(files("flashcards.decks")))


def resources_dir() -> Path:
    """The folder of the app's resources (``resources/`` in the repository)."""
    return Path(str(files("flashcards.resources")))
