"""What a change touched: the flags the collection announces after every mutation."""

from __future__ import annotations

from collections.abc import Callable
from enum import Flag, auto


class Change(Flag):
    """What a change touched; listeners refresh what depends on it."""

    DECKS = auto()
    NOTES = auto()
    CARDS = auto()
    REVIEWS = auto()
    OPTIONS = auto()


#: Something that announces a change (the collection's change bus).
Notify = Callable[[Change], None]
