"""Scheduling: the queue, counts, answers and undo (FSRS through ``flashcards.core.scheduling``)."""

from flashcards.core.scheduler.service import LEARN_AHEAD, AnswerResult, ReviewCard, Scheduler

__all__ = ["LEARN_AHEAD", "AnswerResult", "ReviewCard", "Scheduler"]
