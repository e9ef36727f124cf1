"""Deck-name rules: nesting with ``::``, tidy names, a deck and its subdecks."""

from __future__ import annotations

from flashcards.core.errors import InputError


def normalise_deck_name(name: str) -> str:
    """Tidy a deck name (spaces around ``::`` parts) and reject empty parts.

    Raises:
        InputError: If the name or one of its ``::`` parts is empty.
    """
    parts = [p.strip() for p in name.split("::")]
    if not parts or any(not p for p in parts):
        raise InputError(f"{name!r} is not a valid deck name (empty part).")
    return "::".join(parts)


def subdeck_ids(decks: dict[int, str], name: str) -> list[int]:
    """Ids of the deck called ``name`` and all its subdecks."""
    return [i for i, n in decks.items() if n == name or n.startswith(name + "::")]
