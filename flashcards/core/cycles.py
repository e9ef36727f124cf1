"""Python's cycle collector paused while the core builds many objects that make no cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Turn automatic cycle collection off for the block; back on after it if it was on.

    A statistics report or an import allocates hundreds of thousands of tuples and small
    objects. Each few hundred allocations trigger the collector, and its older generations
    walk every live object (the import's own notes, and Qt's and SQLAlchemy's in the app)
    for nothing: rows make no cycles. Objects freed by their reference count are freed as
    usual. The app's GUI keeps automatic collection off anyway (``gui/gc_guard.py``), so
    this changes nothing there.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
