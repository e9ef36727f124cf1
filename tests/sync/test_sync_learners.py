"""Several learners on one server: each syncs as their own role and sees only their own rows.

The learners are ordinary roles (the fixture's ``learner_a`` and ``learner_b``, no superuser, no
``BYPASSRLS``) in the group that ``--init-server`` made. Besides syncing, the tests go behind the
client's back with plain SQL as learner B: the row-level security policies, not the client's
queries, must keep learner A's rows out of reach.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import create_engine, insert

from flashcards.cli import main
from flashcards.core.collection import Collection
from flashcards.core.sync import server
from flashcards.core.sync.client import SyncError, sync
from flashcards.core.tables import NOTETYPE
from tests.sync.conftest import ADMIN, LEARNER_A, LEARNER_B, Cluster
from tests.sync.devices import T0, answer_due, device, state

TABLES = [t.name for t in server.LEARNER_TABLES]


def note_id(col: Collection, uid: str) -> int:
    return next(n for n in col.notes.get_many(col.notes.ids()) if n.uid == uid).id


def learn(col: Collection, who: str, url: str) -> list[str]:
    """A learner's own notes (one uid the same as the other learner's), answers, a deletion."""
    col.notes.add("Words", "basic", f"shared front of {who}", f"back of {who}", T0, uid="shared")
    for i in range(3):
        col.notes.add("Words", "basic", f"{who} {i}", f"{who} back {i}", T0, uid=f"{who}-{i}")
    col.notes.add("Words", "basic", "to delete", "x", T0, uid=f"{who}-gone")
    col.media.add_bytes(f"{who}.txt", f"a file of {who}".encode())  # a row in sync_media
    with col.engine.begin() as conn:  # a row in sync_notetype: as an Anki import keeps one
        conn.execute(insert(NOTETYPE).values(id=1700000000000, name=f"Type of {who}", modified=T0))
    sync(col, url, T0 + timedelta(minutes=1))
    col.notes.delete([note_id(col, f"{who}-gone")])  # a grave on the server
    answers = answer_due(col, T0 + timedelta(hours=1), [3, 1, 4])
    sync(col, url, T0 + timedelta(hours=1, minutes=5))
    return answers


def row_security(conn: Any) -> dict[str, tuple[bool, bool, list[str]]]:
    """Each sync table's row-level security: (enabled, forced, its policies' expressions)."""
    found = conn.execute(
        "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
        "WHERE relkind = 'r' AND relname LIKE 'sync_%'"
    ).fetchall()
    return {
        name: (
            enabled,
            forced,
            [
                f"{r[0]} / {r[1]}"
                for r in conn.execute(
                    "SELECT qual, with_check FROM pg_policies WHERE tablename = %s", (name,)
                )
            ],
        )
        for name, enabled, forced in found
    }


def counts(conn: Any, where: str = "") -> dict[str, int]:
    return {t: conn.execute(f"SELECT count(*) FROM {t} {where}").fetchone()[0] for t in TABLES}


def test_two_learners_share_a_server_and_see_only_their_own(
    tmp_path: Path, pg_cluster: Cluster
) -> None:
    database = pg_cluster.new_server()
    url_a, url_b = pg_cluster.url(database, LEARNER_A), pg_cluster.url(database, LEARNER_B)
    a, b = device(tmp_path, "a"), device(tmp_path, "b")
    answers_a = learn(a, "a", url_a)
    answers_b = learn(b, "b", url_b)
    for col, url, t in ((a, url_a, 10), (b, url_b, 11)):
        report = sync(col, url, T0 + timedelta(hours=1, minutes=t))
        assert report.received == {}, report.summary()  # nothing of the other learner came
    sa, sb = state(a), state(b)
    assert sa["notes"]["shared"][2] == "shared front of a"
    assert sb["notes"]["shared"][2] == "shared front of b"
    assert set(sa["notes"]) == {"shared", "a-0", "a-1", "a-2"}
    assert set(sb["notes"]) == {"shared", "b-0", "b-1", "b-2"}
    assert set(sa["logs"]) == set(answers_a) and set(sb["logs"]) == set(answers_b)
    # A new device of each learner gets that learner's collection, and only it.
    a2, b2 = device(tmp_path, "a2"), device(tmp_path, "b2")
    sync(a2, url_a, T0 + timedelta(hours=2))
    sync(b2, url_b, T0 + timedelta(hours=2, minutes=1))
    assert state(a2) == sa and state(b2) == sb
    # The server holds both "shared" notes, one per owner.
    with pg_cluster.admin(database) as conn:
        owners = conn.execute("SELECT owner FROM sync_note WHERE uid = 'shared' ORDER BY owner")
        assert [r[0] for r in owners] == [LEARNER_A, LEARNER_B]


def test_a_second_role_cannot_read_or_change_the_first_roles_rows_with_plain_sql(
    tmp_path: Path, pg_cluster: Cluster
) -> None:
    database = pg_cluster.new_server()
    learn(device(tmp_path, "a"), "a", pg_cluster.url(database, LEARNER_A))
    learn(device(tmp_path, "b"), "b", pg_cluster.url(database, LEARNER_B))
    of_a = f"WHERE owner = '{LEARNER_A}'"
    with pg_cluster.admin(database) as admin:
        before = counts(admin, of_a)
        # Every table has rows of A's (so that seeing none of them means something).
        assert all(before.values()), before
        rls = row_security(admin)
    for table in TABLES:  # forced (binds the tables' owner too), and the owner-only policy
        enabled, forced, exprs = rls[table]
        assert enabled and forced, table
        assert len(exprs) == 1 and exprs[0].lower().count("owner") == 2, exprs
        assert exprs[0].count("CURRENT_USER") == 2, exprs

    with pg_cluster.connect(database, LEARNER_B) as conn:
        assert counts(conn, of_a) == dict.fromkeys(TABLES, 0)
        mine = counts(conn)
        assert all(mine.values()), mine  # B's own rows are all there
        for table in TABLES:
            assert conn.execute(f"UPDATE {table} SET owner = owner {of_a}").rowcount == 0
            assert conn.execute(f"UPDATE {table} SET owner = '{LEARNER_B}' {of_a}").rowcount == 0
            assert conn.execute(f"DELETE FROM {table} {of_a}").rowcount == 0
            columns = [
                r[0]
                for r in conn.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                    "ORDER BY ordinal_position",
                    (table,),
                )
            ]
            others = ", ".join(c for c in columns if c != "owner")
            # A copy of one of B's rows, given to A: refused by the policy's check.
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
                conn.execute(
                    f"INSERT INTO {table} (owner, {others}) "
                    f"SELECT '{LEARNER_A}', {others} FROM {table} LIMIT 1"
                )
            # B's own rows cannot be handed to A either.
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
                conn.execute(f"UPDATE {table} SET owner = '{LEARNER_A}'")
            # Nor can B lift the policy: only the tables' owner may.
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="owner"):
                conn.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="owner"):
                conn.execute(f"DROP POLICY {server.POLICY} ON {table}")
        assert counts(conn) == mine

    with pg_cluster.admin(database) as admin:
        assert counts(admin, of_a) == before  # A's rows untouched
        # The control: without the policy, the same query as B reads A's rows.
        admin.execute("ALTER TABLE sync_note DISABLE ROW LEVEL SECURITY")
    with pg_cluster.connect(database, LEARNER_B) as conn:
        assert counts(conn, of_a)["sync_note"] == before["sync_note"] > 0


def test_a_role_that_bypasses_the_policies_still_syncs_only_its_own(
    tmp_path: Path, pg_cluster: Cluster
) -> None:
    database = pg_cluster.new_server()
    learn(device(tmp_path, "a"), "a", pg_cluster.url(database, LEARNER_A))
    admin = device(tmp_path, "admin")  # a superuser passes row-level security: the client
    report = sync(admin, pg_cluster.url(database, ADMIN), T0 + timedelta(hours=3))  # filters
    assert report.received == {} and state(admin)["notes"] == {}


def test_shipped_deck_of_two_learners_does_not_collide(
    tmp_path: Path, pg_cluster: Cluster, capsys: pytest.CaptureFixture[str]
) -> None:
    database = pg_cluster.new_server()
    now = ["--now", "2026-11-30T09:00:00"]
    decks = {}
    for name, role in (("a", LEARNER_A), ("b", LEARNER_B), ("a2", LEARNER_A)):
        data = str(tmp_path / name)
        url = pg_cluster.url(database, role)
        assert main(["sync", "--data-dir", data, "--server", url, *now]) == 0
        assert main(["decks", "--json", "--data-dir", data, *now]) == 0
        decks[name] = capsys.readouterr().out.splitlines()[-1]
    assert decks["a"] == decks["a2"] == decks["b"]
    with pg_cluster.admin(database) as conn:
        both = conn.execute(
            "SELECT count(*) FROM (SELECT uid FROM sync_note GROUP BY uid "
            "HAVING count(DISTINCT owner) = 2) AS shared"
        ).fetchone()
        per_owner = dict(conn.execute("SELECT owner, count(*) FROM sync_note GROUP BY owner"))
    assert both is not None and both[0] > 0  # the shipped deck's note ids, once per learner
    assert per_owner[LEARNER_A] == per_owner[LEARNER_B] == both[0]


def test_a_second_machine_with_the_shipped_deck_reports_no_conflicts(
    tmp_path: Path, pg_cluster: Cluster, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both machines loaded the shipped deck, an hour apart: the same notes written at other
    times, which the second takes from the server quietly (no conflict, nothing sent back)."""
    url = pg_cluster.url(pg_cluster.new_server(), LEARNER_A)
    laptop, desktop = str(tmp_path / "laptop"), str(tmp_path / "desktop")
    assert main(["sync", "--data-dir", laptop, "--server", url, "--now", "2026-11-30T09:00"]) == 0
    capsys.readouterr()
    assert main(["sync", "--data-dir", desktop, "--server", url, "--now", "2026-11-30T10:00"]) == 0
    said = capsys.readouterr().out  # nothing to send back, nothing new: the same deck
    assert said == "Synced: sent nothing; received nothing.\n", said
    assert main(["sync", "--conflicts", "--data-dir", desktop]) == 0
    assert capsys.readouterr().out.startswith("No conflicts")
    assert main(["sync", "--data-dir", laptop, "--server", url, "--now", "2026-11-30T11:00"]) == 0
    assert capsys.readouterr().out == "Synced: sent nothing; received nothing.\n"


def test_a_database_of_ones_own_gets_its_tables_at_the_first_sync(
    tmp_path: Path, pg_cluster: Cluster
) -> None:
    database = pg_cluster.new_database(owner=LEARNER_A)  # no --init-server: one learner's
    a = device(tmp_path, "a")
    a.notes.add("Words", "basic", "front", "back", T0, uid="n1")
    sync(a, pg_cluster.url(database, LEARNER_A), T0 + timedelta(minutes=1))
    with pg_cluster.admin(database) as conn:
        rls = row_security(conn)
        owners = {
            r[0]
            for r in conn.execute("SELECT tableowner FROM pg_tables WHERE tablename LIKE 'sync_%'")
        }
    assert owners == {LEARNER_A}
    assert all(rls[t][0] and rls[t][1] and len(rls[t][2]) == 1 for t in TABLES)
    with pytest.raises(SyncError, match="does not let this user sync"):
        sync(device(tmp_path, "b"), pg_cluster.url(database, LEARNER_B), T0)


def test_a_learner_cannot_make_the_tables_on_a_shared_database(
    tmp_path: Path, pg_cluster: Cluster, capsys: pytest.CaptureFixture[str]
) -> None:
    database = pg_cluster.new_database()  # the administrator's, not set up yet
    with pytest.raises(SyncError, match="runs flashcards sync --init-server first"):
        sync(device(tmp_path, "b"), pg_cluster.url(database, LEARNER_B), T0)
    status = main(["sync", "--init-server", "--server", pg_cluster.url(database, ADMIN)])
    out = capsys.readouterr().out
    ready = f"The sync server is ready (schema {server.SERVER_SCHEMA}; role "
    assert status == 0 and out.startswith(ready)
    assert f"IN ROLE {server.LEARNERS}" in out
    with pg_cluster.admin() as conn:
        conn.execute(f'GRANT "{server.LEARNERS}" TO "{LEARNER_B}"')
    # A new collection has only its Default preset to send.
    report = sync(device(tmp_path, "b2"), pg_cluster.url(database, LEARNER_B), T0)
    assert report.summary() == "Synced: sent 1 preset; received nothing."


def test_a_server_of_schema_1_is_upgraded_and_its_rows_are_the_upgraders(
    tmp_path: Path, pg_cluster: Cluster
) -> None:
    database = pg_cluster.new_database(owner=LEARNER_A)
    url = pg_cluster.url(database, LEARNER_A)
    a = device(tmp_path, "a")
    a.notes.add("Words", "basic", "front", "back", T0, uid="n1")
    sync(a, url, T0 + timedelta(minutes=1))
    # Back to schema 1: no owners, no policies, the version in sync_meta.
    with pg_cluster.connect(database, LEARNER_A) as conn:
        for table in server.LEARNER_TABLES:
            keys = ", ".join(c.name for c in table.primary_key.columns if c.name != "owner")
            conn.execute(f"DROP POLICY {server.POLICY} ON {table.name}")
            conn.execute(f"ALTER TABLE {table.name} NO FORCE ROW LEVEL SECURITY")
            conn.execute(f"ALTER TABLE {table.name} DISABLE ROW LEVEL SECURITY")
            conn.execute(f"ALTER TABLE {table.name} DROP COLUMN owner")  # drops the key too
            conn.execute(f"ALTER TABLE {table.name} ADD PRIMARY KEY ({keys})")
        conn.execute("DROP TABLE sync_server")
        conn.execute("INSERT INTO sync_meta (key, value) VALUES ('schema', '1')")
    engine = create_engine(url)
    with engine.connect() as conn:
        assert server.schema_version(conn) == 1
    engine.dispose()
    a2 = device(tmp_path, "a2")
    sync(a2, url, T0 + timedelta(minutes=2))
    assert state(a2) == state(a)
    with pg_cluster.admin(database) as conn:
        assert {r[0] for r in conn.execute("SELECT owner FROM sync_note")} == {LEARNER_A}
        rls = row_security(conn)
    assert all(rls[t][0] and rls[t][1] and len(rls[t][2]) == 1 for t in TABLES)


def test_a_server_of_schema_2_is_upgraded_by_its_owner_and_refused_to_a_learner(
    tmp_path: Path, pg_cluster: Cluster
) -> None:
    """Schema 3 added the cards' derived state: a learner may not add the columns (one
    sentence), the administrator's --init-server does, and every review and card is kept."""
    database = pg_cluster.new_server()
    url = pg_cluster.url(database, LEARNER_A)
    a = device(tmp_path, "a")
    a.notes.add("Words", "basic", "front", "back", T0, uid="n1")
    answer_due(a, T0, [3])
    sync(a, url, T0 + timedelta(minutes=1))
    with pg_cluster.admin(database) as conn:  # back to schema 2: no derived state on the server
        for name in (*server.DERIVED, server.DERIVED_FROM):
            conn.execute(f"ALTER TABLE sync_card DROP COLUMN {name}")
        conn.execute("UPDATE sync_server SET value = '2' WHERE key = 'schema'")
    with pytest.raises(SyncError, match="runs flashcards sync --init-server first"):
        sync(device(tmp_path, "b"), url, T0 + timedelta(minutes=2))
    assert main(["sync", "--init-server", "--server", pg_cluster.url(database, ADMIN)]) == 0
    b = device(tmp_path, "b2")
    sync(b, url, T0 + timedelta(minutes=3))
    assert state(b)["logs"] == state(a)["logs"]  # every review kept
    # The server lost a's own state of the card (answered on a only, sent unreplayed): b
    # replays the review and sends that state, which a takes with its next sync.
    sync(a, url, T0 + timedelta(minutes=4))
    assert state(b) == state(a)
