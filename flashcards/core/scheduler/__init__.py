"""Scheduling: the queue, counts, answers and undo (FSRS through ``flashcards.core.scheduling``).

The service is loaded on first use, so that ``flashcards.core.scheduling`` can use the small
rule modules here (``fuzz``) without a circular import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flashcards.core.scheduler.service import LEARN_AHEAD, AnswerResult, ReviewCard, Scheduler

__all__ = ["LEARN_AHEAD", "AnswerResult", "ReviewCard", "Scheduler"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from flashcards.core.scheduler import service

        return getattr(service, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
