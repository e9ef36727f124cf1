"""What a change touched: the flags a mutation returns and the collection announces."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Flag, auto
from typing import Generic, TypeVar

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Change(Flag):
    """What a change touched; listeners refresh what depends on it."""

    DECKS = auto()
    NOTES = auto()
    CARDS = auto()
    REVIEWS = auto()
    OPTIONS = auto()


#: No change: what a mutation that found nothing to do returns.
NO_CHANGE = Change(0)

#: Something that announces a change (the collection's change bus).
Notify = Callable[[Change], None]


@dataclass(frozen=True)
class OpResult(Generic[T_co]):
    """A mutation's value and what it changed (like Anki's ``OpChanges``/``OpChangesWithCount``).

    The caller that runs the mutation as an operation (the GUI's ``Ops``) announces
    ``changes`` to the views; a caller that wants the value alone takes ``value``.

    Attributes:
        value: The mutation's result: a new id, a count, a report, or None.
        changes: What it touched: the flags it announced on the collection's bus, nothing
            when it changed nothing.
    """

    value: T_co
    changes: Change


def announce(notify: Notify, value: T, changes: Change) -> OpResult[T]:
    """End a mutation: announce ``changes`` on the bus and return them with ``value``.

    Every mutation ends here, so what it returns is exactly what its listeners heard.
    """
    notify(changes)
    return OpResult(value, changes)
