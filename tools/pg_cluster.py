"""A throwaway PostgreSQL cluster in a temporary folder, for the sync tests and benchmarks.

The distribution's PostgreSQL (``apt-get install postgresql``), started with its own ``initdb``
and ``pg_ctl`` on a Unix socket in that folder (no TCP port, nothing shared with a system
cluster), as the ``postgres`` user when run as root (PostgreSQL refuses to run as root). The
superuser is ``ADMIN`` with ``PASSWORD``; fsync is off (the data is thrown away).

    cluster = start()        # raises UnavailableError when PostgreSQL cannot be started here
    try:
        url = cluster.url("postgres")
    finally:
        cluster.stop()

``stop(mode)`` and ``start()`` may also be called in between (a server that goes away and
comes back); ``remove()`` stops it and deletes the folder.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

ADMIN = "flashcards"
PASSWORD = "sync-test-password"  # the cluster is private (socket in a temporary folder)


class UnavailableError(RuntimeError):
    """PostgreSQL cannot be started here (not installed, or root without a postgres user)."""


def bin_dir() -> Path | None:
    """The folder of the newest installed PostgreSQL's initdb and pg_ctl, if any."""
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


class PgCluster:
    """A throwaway cluster: its folder, socket and data directory, and pg_ctl to drive it."""

    def __init__(self, base: Path, bins: Path, prefix: list[str]) -> None:
        self.base = base
        self.socket_dir = base
        self.data = base / "data"
        self._bins = bins
        self._prefix = prefix

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self._prefix, *args], capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")

    def url(self, database: str, user: str = ADMIN, password: str | None = PASSWORD) -> str:
        """A SQLAlchemy (psycopg) URL to ``database`` as ``user``."""
        auth = f"{user}:{password}" if password else user
        return f"postgresql+psycopg://{auth}@/{database}?host={self.socket_dir}"

    def start(self) -> None:
        """Start the server (again) and wait until it accepts connections."""
        # fsync off: the machine does not crash under a test. synchronous_commit stays on: with
        # it off, a commit the client was told of is lost when the server is stopped
        # immediately (the crash tests do that), a loss no client can see or make good.
        options = f"-k {self.socket_dir} -c listen_addresses='' -c fsync=off"
        log = str(self.base / "log")
        pg_ctl = str(self._bins / "pg_ctl")
        self._run(pg_ctl, "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server; ``immediate`` is a crash (no checkpoint, clients cut off)."""
        self._run(str(self._bins / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        """Stop the server (if running) and delete its folder."""
        try:
            self.stop("immediate")
        except RuntimeError:
            pass  # already stopped
        finally:
            shutil.rmtree(self.base, ignore_errors=True)


def start(prefix_dir: str = "fc-pg-") -> PgCluster:
    """Make and start a throwaway cluster in a new temporary folder.

    Raises:
        UnavailableError: PostgreSQL is not installed, or this runs as root with no ``postgres``
            user or no ``runuser`` to become it.
        RuntimeError: initdb or pg_ctl failed.
    """
    bins = bin_dir()
    if bins is None:
        raise UnavailableError(
            "PostgreSQL is not installed (apt-get install postgresql): initdb and pg_ctl are needed"
        )
    prefix: list[str] = []
    owner: pwd.struct_passwd | None = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            raise UnavailableError(
                "PostgreSQL refuses to run as root and there is no 'postgres' user"
            ) from None
        runuser = shutil.which("runuser")  # util-linux: on every Debian
        if runuser is None:
            raise UnavailableError("PostgreSQL refuses to run as root and there is no runuser")
        prefix = [runuser, "-u", "postgres", "--"]
    base = Path(tempfile.mkdtemp(prefix=prefix_dir))
    if owner is not None:
        os.chown(base, owner.pw_uid, owner.pw_gid)
        os.chmod(base, 0o755)
    pwfile = base / "pw"
    pwfile.write_text(PASSWORD + "\n", encoding="utf-8")
    if owner is not None:
        os.chown(pwfile, owner.pw_uid, -1)
    cluster = PgCluster(base, bins, prefix)
    try:
        cluster._run(
            str(bins / "initdb"),
            "-D",
            str(cluster.data),
            "-U",
            ADMIN,
            f"--pwfile={pwfile}",
            "--auth=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        cluster.start()
    except BaseException:
        shutil.rmtree(base, ignore_errors=True)
        raise
    return cluster
