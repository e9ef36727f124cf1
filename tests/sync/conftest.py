"""A real PostgreSQL server for the sync tests: a throwaway cluster in a temporary folder.

It is the distribution's PostgreSQL (``apt-get install postgresql``: the README's test command
installs it), started by :mod:`tools.pg_cluster` (the benchmarks' too) with its own ``initdb`` and
``pg_ctl`` on a Unix socket in that folder (no TCP port, nothing shared with a system cluster), as
the ``postgres`` user when the tests run as root (PostgreSQL refuses to run as root), and stopped
at the end of the session. Without the
binaries the tests are skipped, except under CI (``CI`` set), where that is a failure.

Its roles are those of a server for several learners: the superuser ``ADMIN`` that made the
cluster sets up each database (``flashcards sync --init-server``), and the learners
``LEARNER_A`` and ``LEARNER_B`` are ordinary login roles (no superuser, no ``BYPASSRLS``: those
would pass the row-level security) in the learners' group role; the tests sync as them.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tools import pg_cluster as pg

ADMIN = pg.ADMIN
PASSWORD = pg.PASSWORD  # the cluster is private to this test run (socket in a temp dir)
LEARNER_A = "learner_a"
LEARNER_B = "learner_b"
PASSWORDS = {ADMIN: PASSWORD, LEARNER_A: "password-of-a", LEARNER_B: "password-of-b"}


def _unavailable(message: str) -> None:
    if os.environ.get("CI"):  # the README's test command installs PostgreSQL: CI must not skip
        pytest.fail(message)
    pytest.skip(message)


class Cluster:
    """A running throwaway PostgreSQL cluster; ``url(db)`` is a SQLAlchemy URL to a database."""

    def __init__(self, socket_dir: Path, server: pg.PgCluster) -> None:
        self.socket_dir = socket_dir
        self.server = server  # stop(mode) / start(): a server that goes away and comes back
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
    try:
        made = pg.start()
    except pg.UnavailableError as error:
        _unavailable(f"{error}: the sync tests need a PostgreSQL server")
        raise AssertionError from None  # unreachable: skip and fail raise
    try:
        cluster = Cluster(made.socket_dir, made)
        with cluster.admin() as conn:
            for learner in (LEARNER_A, LEARNER_B):
                conn.execute(
                    f'CREATE ROLE "{learner}" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB '
                    f"NOCREATEROLE PASSWORD '{PASSWORDS[learner]}'"
                )
        yield cluster
    finally:
        made.remove()


@pytest.fixture
def server_url(pg_cluster: Cluster) -> str:
    """A SQLAlchemy URL, as learner A, to a fresh server for several learners (no data yet)."""
    return pg_cluster.url(pg_cluster.new_server())
