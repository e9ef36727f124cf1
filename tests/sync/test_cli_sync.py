"""`flashcards sync`: one line of what moved; one sentence and status 1 on failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from flashcards.cli import main
from tests.sync.conftest import Cluster


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_sync_command_moves_notes_between_two_data_dirs(
    tmp_path: Path,
    server_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    now = ["--now", "2026-11-30T09:00:00"]
    status, out, err = run(capsys, "sync", "--data-dir", a, "--server", server_url, *now)
    assert status == 0, err
    assert out.startswith("Synced: sent ") and out.count("\n") == 1
    assert "note" in out  # the shipped deck went up
    monkeypatch.setenv("FLASHCARDS_SYNC_URL", server_url)
    status, out, err = run(capsys, "sync", "--data-dir", b, *now)
    assert status == 0, err
    assert "received" in out and out.count("\n") == 1
    status, out_a, _ = run(capsys, "decks", "--json", "--data-dir", a, *now)
    status, out_b, _ = run(capsys, "decks", "--json", "--data-dir", b, *now)
    assert out_a == out_b
    status, out, _ = run(capsys, "sync", "--conflicts", "--data-dir", b)
    assert status == 0 and out.startswith("No conflicts")


def test_unreachable_server_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"postgresql://someone:pw@/db?host={tmp_path}"  # no server listens there
    status, out, err = run(capsys, "sync", "--data-dir", str(tmp_path / "a"), "--server", url)
    assert status == 1 and out == ""
    assert err == (
        "flashcards: The sync server cannot be reached; your collection is unchanged and "
        "syncs later.\n"
    )


def test_wrong_password_is_one_sentence(
    tmp_path: Path, pg_cluster: Cluster, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg_cluster.url("postgres", password="not-the-password")
    status, _out, err = run(capsys, "sync", "--data-dir", str(tmp_path / "a"), "--server", url)
    assert status == 1
    assert err == "flashcards: The sync server refused the user name or password.\n"


def test_newer_server_schema_is_one_sentence(
    tmp_path: Path, pg_cluster: Cluster, capsys: pytest.CaptureFixture[str]
) -> None:
    database = pg_cluster.new_server()
    server_url = pg_cluster.url(database)
    assert run(capsys, "sync", "--data-dir", str(tmp_path / "a"), "--server", server_url)[0] == 0
    with pg_cluster.admin(database) as conn:  # the schema version is the administrator's
        conn.execute("UPDATE sync_server SET value = '99' WHERE key = 'schema'")
    status, _out, err = run(
        capsys, "sync", "--data-dir", str(tmp_path / "b"), "--server", server_url
    )
    assert status == 1
    assert err.startswith("flashcards: The sync server holds a newer kind of collection")
    assert err.count("\n") == 1


def test_no_server_given_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FLASHCARDS_SYNC_URL", raising=False)
    status, _out, err = run(capsys, "sync", "--data-dir", str(tmp_path / "a"))
    assert status == 2 and "FLASHCARDS_SYNC_URL" in err
