"""A real PostgreSQL server for the sync tests: a throwaway cluster in a temporary folder.

It is the distribution's PostgreSQL (``apt-get install postgresql``: the README's test command
installs it), started with its own ``initdb`` and ``pg_ctl`` on a Unix socket in that folder (no
TCP port, nothing shared with a system cluster), as the ``postgres`` user when the tests run as
root (PostgreSQL refuses to run as root), and stopped at the end of the session. Without the
binaries the tests are skipped, except under CI (``CI`` set), where that is a failure.

Its roles are those of a server for several learners: the superuser ``ADMIN`` that made the
cluster sets up each database (``flashcards sync --init-server``), and the learners
``LEARNER_A`` and ``LEARNER_B`` are ordinary login roles (no superuser, no ``BYPASSRLS``: those
would pass the row-level security) in the learners' group role; the tests sync as them.
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
from typing import Any

import pytest

ADMIN = "flashcards"
PASSWORD = "sync-test-password"  # the cluster is private to this test run (socket in a temp dir)
LEARNER_A = "learner_a"
LEARNER_B = "learner_b"
PASSWORDS = {ADMIN: PASSWORD, LEARNER_A: "password-of-a", LEARNER_B: "password-of-b"}


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

    def url(self, database: str, user: str = LEARNER_A, password: str | None = None) -> str:
        """A URL to ``database`` as ``user`` (learner A unless told), with its password."""
        secret = PASSWORDS[user] if password is None else password
        auth = f"{user}:{secret}" if secret else user
        return f"postgresql+psycopg://{auth}@/{database}?host={self.socket_dir}"

    def admin(self, database: str = "postgres") -> Any:
        """A psycopg connection (autocommit) as the superuser."""
        return self.connect(database, ADMIN)

    def connect(self, database: str, user: str) -> Any:
        """A plain psycopg connection (autocommit) to ``database`` as ``user``."""
        import psycopg

        return psycopg.connect(
            host=str(self.socket_dir),
            user=user,
            password=PASSWORDS[user],
            dbname=database,
            autocommit=True,
        )

    def new_database(self, owner: str = ADMIN) -> str:
        """A fresh, empty database owned by ``owner``; returns its name."""
        name = f"sync_{os.getpid()}_{next(self._count)}"
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" OWNER "{owner}"')
        return name

    def new_server(self) -> str:
        """A fresh database set up for several learners (``--init-server`` as the superuser),
        both learners in its group; returns its name."""
        from flashcards.core.sync import client, server

        name = self.new_database()
        client.init_server(self.url(name, ADMIN))
        with self.admin() as conn:
            conn.execute(f'GRANT "{server.LEARNERS}" TO "{LEARNER_A}", "{LEARNER_B}"')
        return name


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
        ADMIN,
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
        cluster = Cluster(base)
        with cluster.admin() as conn:
            for learner in (LEARNER_A, LEARNER_B):
                conn.execute(
                    f'CREATE ROLE "{learner}" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB '
                    f"NOCREATEROLE PASSWORD '{PASSWORDS[learner]}'"
                )
        yield cluster
    finally:
        try:
            run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def server_url(pg_cluster: Cluster) -> str:
    """A SQLAlchemy URL, as learner A, to a fresh server for several learners (no data yet)."""
    return pg_cluster.url(pg_cluster.new_server())
