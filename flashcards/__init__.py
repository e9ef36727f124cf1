"""Flashcards: spaced repetition for people who learn from what they read."""

__version__ = "0.1.0"
