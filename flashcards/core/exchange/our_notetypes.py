"""The shipped note types as genanki models, for the export.

Their definitions (fixed ids, stable field and template ids, one shared style) live in
:mod:`flashcards.core.shipped_notetypes`; the export writes them through the same
:func:`~flashcards.core.exchange.anki_notetypes.build_anki_model` as Anki's own note types.
"""

from __future__ import annotations

import genanki

from flashcards.core.exchange.anki_notetypes import build_anki_model
from flashcards.core.shipped_notetypes import FIELDS, KIND_OF_MODEL, MODEL_IDS, NAMES, config

__all__ = ["FIELDS", "KIND_OF_MODEL", "MODEL_IDS", "NAMES", "build_model"]


def build_model(kind: str) -> genanki.Model:
    """A fresh genanki model of the shipped type ``kind`` (genanki mutates models it writes)."""
    return build_anki_model(MODEL_IDS[kind], config(kind))
