"""One instance per data directory: a second one is told clearly, a killed one frees the lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from flashcards.core.instance import AlreadyRunningError, InstanceLock, server_name

HOLDER = """
import sys, time
from pathlib import Path
from flashcards.core.instance import InstanceLock
lock = InstanceLock(Path(sys.argv[1])).acquire()
print("locked", flush=True)
time.sleep(60)
"""


def test_second_lock_in_the_same_directory_is_refused(tmp_path: Path) -> None:
    with InstanceLock(tmp_path) as first:
        assert first.held
        with pytest.raises(AlreadyRunningError) as info:
            InstanceLock(tmp_path).acquire()
        assert info.value.pid == os.getpid()
        assert "already running" in str(info.value) and str(tmp_path) in str(info.value)
        InstanceLock(tmp_path / "other").acquire().release()  # other folders are free
    InstanceLock(tmp_path).acquire().release()  # released on exit


def test_server_name_is_stable_per_directory(tmp_path: Path) -> None:
    assert server_name(tmp_path) == server_name(tmp_path / "x" / "..")
    assert server_name(tmp_path) != server_name(tmp_path / "other")
    assert len(server_name(tmp_path)) < 40


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_killed_holder_never_leaves_a_stale_lock_and_the_cli_says_why(tmp_path: Path) -> None:
    data = tmp_path / "data"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLASHCARDS_")}
        second = subprocess.run(
            [sys.executable, "-m", "flashcards", "--data-dir", str(data), "decks"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert second.returncode == 1
        assert f"already running with the data directory {data} (process {holder.pid})" in (
            second.stderr
        )
        assert not (data / "collection.db").exists()  # nothing written beside the running one
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    InstanceLock(data).acquire().release()
