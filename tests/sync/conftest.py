"""A real PostgreSQL server for the sync tests: a throwaway cluster in a temporary folder.

It is the distribution's PostgreSQL (``apt-get install postgresql``: the README's test command
installs it), started with its own ``initdb`` and ``pg_ctl`` on a Unix socket in that folder (no
TCP port, nothing shared with a system cluster), as the ``postgres`` user when the tests run as
root (PostgreSQL refuses to run as root), and stopped at the end of the session. Without the
binaries the tests are skipped, except under CI (``CI`` set), where that is a failure.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

USER = "flashcards"
PASSWORD = "sync-test-password"  # the cluster is private to this test run (socket in a temp dir)


def _unavailable(message: str) -> None:
    if os.environ.get("CI"):  # the README's test command installs PostgreSQL: CI must not skip
        pytest.fail(message)
    pytest.skip(message)


def _bin_dir() -> Path | None:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class Cluster:
    """A running throwaway PostgreSQL cluster; ``url(db)`` is a SQLAlchemy URL to a database."""

    def __init__(self, socket_dir: Path) -> None:
        self.socket_dir = socket_dir
        self._count = itertools.count(1)

    def url(self, database: str, password: str = PASSWORD) -> str:
        return f"postgresql+psycopg://{USER}:{password}@/{database}?host={self.socket_dir}"

    def new_database(self) -> str:
        """A fresh, empty database; returns its URL."""
        import psycopg

        name = f"sync_{os.getpid()}_{next(self._count)}"
        with psycopg.connect(
            host=str(self.socket_dir),
            user=USER,
            password=PASSWORD,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    bin_dir = _bin_dir()
    if bin_dir is None:
        _unavailable(
            "PostgreSQL is not installed (apt-get install postgresql): the sync tests need its "
            "initdb and pg_ctl"
        )
        raise AssertionError  # unreachable: skip and fail raise
    as_root = os.geteuid() == 0
    prefix: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="fc-pg-"))
    if as_root:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            _unavailable("PostgreSQL refuses to run as root and there is no 'postgres' user")
            raise AssertionError from None
        runuser = shutil.which("runuser")  # util-linux: on every Debian
        if runuser is None:
            _unavailable("PostgreSQL refuses to run as root and there is no runuser")
            raise AssertionError
        prefix = [runuser, "-u", "postgres", "--"]
        os.chown(base, owner.pw_uid, owner.pw_gid)
        os.chmod(base, 0o755)
    data = base / "data"
    pwfile = base / "pw"
    pwfile.write_text(PASSWORD + "\n", encoding="utf-8")
    if as_root:
        os.chown(pwfile, pwd.getpwnam("postgres").pw_uid, -1)

    def run(*args: str) -> None:
        done = subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")

    run(
        str(bin_dir / "initdb"),
        "-D",
        str(data),
        "-U",
        USER,
        f"--pwfile={pwfile}",
        "--auth=scram-sha-256",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
        "--no-sync",
    )
    options = f"-k {base} -c listen_addresses='' -c fsync=off -c synchronous_commit=off"
    run(
        str(bin_dir / "pg_ctl"),
        "-D",
        str(data),
        "-o",
        options,
        "-l",
        str(base / "log"),
        "-w",
        "start",
    )
    try:
        yield Cluster(base)
    finally:
        try:
            run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def server_url(pg_cluster: Cluster) -> str:
    """A SQLAlchemy URL to a fresh, empty database on the test cluster."""
    return pg_cluster.new_database()
