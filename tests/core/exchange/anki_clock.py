"""Run the real Anki library in a child process whose clock is a fixed time (libfaketime).

Anki reads the wall clock (review ids, "today", the day it unburies cards, Check Database), so
tests where dates matter run Anki at the same fixed time our side uses: a child Python with
``faketime`` and ``ANKI_TEST_MODE=1``, days in UTC as in our tests. The child runs a snippet
that reads ``args`` and sets ``result`` (JSON both ways).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from typing import Any

import pytest

_PRELUDE = """
import json, sys
from anki.collection import (
    Collection, ExportAnkiPackageOptions, ImportAnkiPackageOptions, ImportAnkiPackageRequest
)
args = json.loads(sys.argv[1])
result = None
"""


def run_anki(code: str, at: datetime, **args: Any) -> Any:
    """Run ``code`` with the anki library, Anki's clock starting at ``at``; its ``result``.

    Raises:
        AssertionError: If the child fails (its error output is in the message).
    """
    faketime = shutil.which("faketime")
    if faketime is None:
        message = "libfaketime (the faketime command) is not installed"
        if os.environ.get("CI"):  # the README's test command installs it: CI must not skip
            pytest.fail(message)
        pytest.skip(message)
    stamp = at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    script = _PRELUDE + textwrap.dedent(code) + "\nprint(json.dumps(result))\n"
    env = os.environ | {"TZ": "UTC", "ANKI_TEST_MODE": "1"}
    done = subprocess.run(
        [faketime, stamp, sys.executable, "-c", script, json.dumps(args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
