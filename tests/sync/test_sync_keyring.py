"""The sync password in the system keyring: ``--save-password`` keeps it, a URL without one uses it.

The command runs as its own process with keyring's file backend (keyrings.alt's
``PlaintextKeyring``, chosen by ``PYTHON_KEYRING_BACKEND``, its file under ``XDG_DATA_HOME`` in
the test's folder): the real keyring library, no system keyring touched.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

from tests.sync.conftest import LEARNER_B, PASSWORDS, Cluster

ROOT = Path(__file__).resolve().parents[2]


def flashcards(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flashcards", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def keyring_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASHCARDS_SYNC")}
    return env | {
        "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
        "XDG_DATA_HOME": str(home),
        **extra,
    }


def test_saved_password_is_taken_from_the_keyring(tmp_path: Path, pg_cluster: Cluster) -> None:
    url = pg_cluster.url(pg_cluster.new_server(), LEARNER_B, password="")  # no password in it
    assert f"{LEARNER_B}@" in url and ":" not in url.split("//")[1].split("@")[0]
    data = ["--data-dir", str(tmp_path / "data"), "--now", "2026-11-30T09:00:00"]
    home = tmp_path / "xdg"
    # Nothing kept yet: the server refuses, in one sentence.
    done = flashcards(keyring_env(home), "sync", "--server", url, *data)
    assert done.returncode == 1
    assert done.stderr == "flashcards: The sync server refused the user name or password.\n"
    done = flashcards(
        keyring_env(home, FLASHCARDS_SYNC_PASSWORD=PASSWORDS[LEARNER_B]),
        "sync",
        "--save-password",
        "--server",
        url,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        f"The password of {LEARNER_B} is kept in the system keyring (PlaintextKeyring); a sync "
        "URL without a password takes it from there.\n"
    )
    kept = (home / "python_keyring" / "keyring_pass.cfg").read_text(encoding="utf-8")
    # The file's escaped names and base64 password: service flashcards-sync, user the role
    # at its server (``learner_b@127.0.0.1:port/database``).
    assert "[flashcards_2Dsync]" in kept and "learner_5fb_40" in kept
    assert base64.b64encode(PASSWORDS[LEARNER_B].encode()).decode() in kept
    done = flashcards(keyring_env(home), "sync", "--server", url, *data)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Synced: sent ")
    # A password in the URL wins over the kept one.
    wrong = pg_cluster.url("postgres", LEARNER_B, password="not-the-password")
    done = flashcards(keyring_env(home), "sync", "--server", wrong, *data)
    assert done.returncode == 1 and "refused the user name or password" in done.stderr


def test_one_role_on_two_servers_keeps_two_passwords(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """The keyring entry is the role at its server; one kept by role alone is still found."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    from flashcards.core.sync import client

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    before = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    try:
        home = "postgresql://learner@home.example:5433/cards"
        rented = "postgresql://learner@db.example.net/flashcards"
        assert client.keyring_user(home) == "learner@home.example:5433/cards"
        assert client.kept_password(home) is None
        client.save_password(home, "home-secret")
        client.save_password(rented, "rented-secret")
        assert client.kept_password(home) == "home-secret"
        assert client.kept_password(rented) == "rented-secret"
        keyring.set_password(client.KEYRING_SERVICE, "old_role", "kept-by-role")  # earlier way
        assert client.kept_password("postgresql://old_role@localhost/x") == "kept-by-role"
    finally:
        keyring.set_keyring(before)
