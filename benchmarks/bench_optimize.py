"""Optimise benchmark: FSRS parameters fitted to 100,000 reviews of a simulated learner.

The learner (tools/fsrs_learner.py) remembers as FSRS predicts with known parameters; the
figure is the whole of ``optimize``: reading the log, building the items, fitting, evaluating
before and after and storing the parameters.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flashcards.core.collection import open_collection  # noqa: E402
from flashcards.core.db import sqlite_url  # noqa: E402
from flashcards.core.scheduler import optimize as opt  # noqa: E402
from tools.fsrs_learner import simulate_deck  # noqa: E402


def run() -> list[tuple[str, str, str]]:
    with tempfile.TemporaryDirectory() as folder:
        col = open_collection(sqlite_url(Path(folder) / "collection.db"), tz=UTC)
        try:
            made = simulate_deck(col, "Bench", 13_000, 200, seed=1)
            scope = opt.find_scope(col, deck="Bench")
            started = time.perf_counter()
            result = opt.optimize(col, scope).value
            elapsed = time.perf_counter() - started
        finally:
            col.close()
    before, after = result.before[1], result.after[1]
    return [
        (
            f"optimise FSRS parameters, {made.reviews:,} reviews ({result.reviews:,} items)",
            f"{elapsed:.2f} s",
            "≤ 15 s",
        ),
        ("  log loss before → after", f"{before.log_loss:.4f} → {after.log_loss:.4f}", "–"),
    ]
