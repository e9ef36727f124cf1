"""Start-up benchmark: process start -> main window shown -> deck list filled.

Launches the real app (``python -m flashcards``) in a subprocess with a fresh data dir and
``FLASHCARDS_STARTUP_PROBE=1``: the app prints its ``time.monotonic()`` marks to stderr once the
deck list is filled, and quits. CLOCK_MONOTONIC is system-wide, so the marks compare with the
time taken here just before the process was spawned. Runs under Xvfb when it is installed
(as the issue's Anki figures were measured), offscreen otherwise.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

RUNS = 5
TARGET_WINDOW = 0.5


@contextmanager
def display() -> Iterator[dict[str, str]]:
    """Environment for the app: a private Xvfb display if possible, else Qt's offscreen."""
    if shutil.which("Xvfb") is None:
        yield {"QT_QPA_PLATFORM": "offscreen"}
        return
    number = 90 + os.getpid() % 9
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        time.sleep(0.5)
        yield {"DISPLAY": f":{number}", "QT_QPA_PLATFORM": "xcb"}
    finally:
        server.terminate()
        server.wait(timeout=10)


def launch(data_dir: Path, env: dict[str, str]) -> tuple[float, float]:
    """One start: seconds from spawn to window shown and to deck list filled."""
    full_env = dict(os.environ, FLASHCARDS_STARTUP_PROBE="1", **env)
    full_env.pop("FLASHCARDS_DB_URL", None)
    spawned = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "flashcards", "--data-dir", str(data_dir)],
        env=full_env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    line = next((x for x in result.stderr.splitlines() if x.startswith("flashcards-startup")), None)
    if result.returncode != 0 or line is None:
        raise RuntimeError(f"the app did not start: {result.stderr.strip()[-500:]}")
    marks = {k: float(v) for k, v in (part.split("=") for part in line.split()[1:])}
    return marks["window_shown"] - spawned, marks["deck_list"] - spawned


def run() -> list[tuple[str, str, str]]:
    """Median start-up times over a few runs: (name, figure, target)."""
    fresh_window, fresh_list, warm_window, warm_list = [], [], [], []
    with display() as env, tempfile.TemporaryDirectory() as tmp:
        for i in range(RUNS):
            data_dir = Path(tmp) / f"run{i}"
            window, deck_list = launch(data_dir, env)  # first run: loads the shipped deck
            fresh_window.append(window)
            fresh_list.append(deck_list)
            window, deck_list = launch(data_dir, env)  # the everyday morning start
            warm_window.append(window)
            warm_list.append(deck_list)
        where = "Xvfb" if "DISPLAY" in env else "offscreen"
    med = statistics.median
    return [
        (f"startup: main window shown ({where})", f"{med(warm_window):.2f} s",
         f"<= {TARGET_WINDOW} s (Anki 1.03-1.10 s)"),
        (f"startup: deck list filled ({where})", f"{med(warm_list):.2f} s",
         "as soon as the database answers; < Anki 1.03 s"),
        (f"first run: window shown ({where})", f"{med(fresh_window):.2f} s", ""),
        (f"first run: deck list filled, shipped deck loaded ({where})",
         f"{med(fresh_list):.2f} s", ""),
    ]  # fmt: skip


if __name__ == "__main__":
    from run import print_rows

    print_rows(run())
