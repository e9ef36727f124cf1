"""Sync through a PostgreSQL server (issue 15): see :mod:`flashcards.core.sync.client`.

Light on purpose: the note and deck managers import :mod:`flashcards.core.sync.graves`.
"""
