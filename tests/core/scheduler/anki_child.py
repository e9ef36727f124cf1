"""Run the real Anki library in a child process under libfaketime, for the parity tests.

Anki reads the wall clock; the child runs with libfaketime preloaded and reads the time from a
clock file that the child's script moves on (``FAKETIME_TIMESTAMP_FILE``), with Anki's test
mode on (no fuzz). Without libfaketime the test is skipped, and fails under CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

LIBFAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")


def require_faketime() -> None:
    """Skip the test without libfaketime (fail it under CI, where .ci/run installs it)."""
    if shutil.which("faketime") is None or not LIBFAKETIME.exists():
        message = "libfaketime is not installed"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def run_anki(script: str, args: dict[str, Any], clock: Path, start: datetime) -> Any:
    """Run ``script`` with ``args`` (JSON, its argv[1]) at ``start`` on the clock file.

    Returns:
        The JSON the script printed on its last line.
    """
    require_faketime()
    clock.write_text(start.strftime("%Y-%m-%d %H:%M:%S\n"))
    env = os.environ | {
        "TZ": "UTC",
        "ANKI_TEST_MODE": "1",
        "LD_PRELOAD": str(LIBFAKETIME),
        "FAKETIME_TIMESTAMP_FILE": str(clock),
        "FAKETIME_NO_CACHE": "1",
    }
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
