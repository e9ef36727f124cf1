"""SIGTERM (logout, kill) closes the app cleanly: exit 0, the collection closed, the lock free."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


@pytest.mark.skipif(not hasattr(signal, "SIGTERM"), reason="no SIGTERM on this platform")
def test_sigterm_quits_cleanly(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    app = subprocess.Popen(
        [sys.executable, "-m", "flashcards", "--data-dir", str(data)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not (data / "collection.db").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(2)  # let the collection open and the shipped deck load
        app.send_signal(signal.SIGTERM)
        _out, err = app.communicate(timeout=30)
    finally:
        if app.poll() is None:
            app.kill()
    assert app.returncode == 0, err
    assert "Traceback" not in err
    wal = Path(f"{data / 'collection.db'}-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # checkpointed on close
    # The instance lock is free again: the command line can open the collection.
    decks = subprocess.run(
        [sys.executable, "-m", "flashcards", "--data-dir", str(data), "decks", "--json"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert decks.returncode == 0, decks.stderr
    assert "LLM basics" in decks.stdout
