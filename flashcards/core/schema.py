"""The collection's schema version and SQLite application id (light: no database library)."""

from __future__ import annotations

#: The schema this version of the app writes (see :mod:`flashcards.core.migrations`).
SCHEMA_VERSION = 12
#: SQLite ``PRAGMA application_id`` of a Flashcards collection ("FLCD").
APPLICATION_ID = 0x464C4344
