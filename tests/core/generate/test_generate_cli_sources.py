"""`flashcards generate SOURCE` with web addresses, pages and PDFs: cards or one line, exit 1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flashcards.cli import main
from flashcards.core.deckfile import read_deck_file
from tests.local_site import Site, refused_url, serve
from tools.make_pdf import make_pdf

PAGES = Path(__file__).resolve().parents[2] / "data" / "web"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    pdf = tmp_path_factory.mktemp("pdf") / "notes.pdf"
    make_pdf(
        "<h1>Leaves</h1><p>Stomata are tiny pores on the underside of a leaf.</p>"
        "<p>Chlorophyll is the green pigment that absorbs light.</p>",
        pdf,
    )
    with serve(pdf=pdf.read_bytes()) as running:
        yield running


def generate(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    status = main(["--data-dir", str(tmp_path / "data"), "generate", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_generate_from_an_address(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "deck.toml"
    status, stdout, stderr = generate(
        [site.url("/web/glossary.html"), "-o", str(out)], tmp_path, capsys
    )
    assert status == 0, stderr
    assert stderr == ""  # no progress when stderr is not a terminal
    assert stdout.startswith("Wrote ") and str(out) in stdout
    deck = read_deck_file(out)
    assert deck.name == "Music Theory Glossary"
    assert {"Accidental", "Tempo"} <= {note.front for note in deck.notes}
    assert site.url("/web/glossary.html") in deck.description


def test_default_output_is_named_after_the_page(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    status, _, stderr = generate([site.url("/web/table.html")], tmp_path, capsys)
    assert status == 0, stderr
    assert read_deck_file(tmp_path / "table.toml").name == "Key Terms in Economics"
    status, _, stderr = generate([site.url("/paper.pdf")], tmp_path, capsys)
    assert status == 0, stderr
    assert (tmp_path / "paper.toml").is_file()


def test_generate_from_saved_page_and_pdf_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "notes.html"
    page.write_bytes((PAGES / "ja_notes.html").read_bytes())
    status, _, stderr = generate([str(page)], tmp_path, capsys)
    assert status == 0, stderr
    deck = read_deck_file(tmp_path / "notes.toml")
    assert deck.name == "江戸時代の政治のしくみ"
    assert "参勤交代" in {note.front for note in deck.notes}


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", "was not found (HTTP 404)"),
        ("/image.png", "is not a web page or a PDF (the server says it is image/png)"),
        ("/nav-only.html", "has no main text to make cards from"),
        ("/huge", "is larger than 5 MiB"),
        ("/damaged.pdf", "is a damaged PDF file"),
    ],
)
def test_bad_addresses_say_one_line_and_write_nothing(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str], path: str, message: str
) -> None:
    out = tmp_path / "deck.toml"
    status, stdout, stderr = generate([site.url(path), "-o", str(out)], tmp_path, capsys)
    assert status == 1
    assert stdout == ""
    assert stderr.count("\n") == 1 and stderr.startswith("flashcards: ")
    assert message in stderr
    assert not out.exists()


def test_refused_connection_and_scanned_pdf(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "deck.toml"
    status, _, stderr = generate([refused_url(), "-o", str(out)], tmp_path, capsys)
    assert status == 1 and "the connection was refused" in stderr and stderr.count("\n") == 1
    scan = tmp_path / "scan.pdf"
    make_pdf("<p>Stomata are tiny pores on the underside of a leaf.</p>", scan, scanned=True)
    status, _, stderr = generate([str(scan), "-o", str(out)], tmp_path, capsys)
    assert status == 1 and "has no text layer" in stderr and stderr.count("\n") == 1
    assert not out.exists() and not (tmp_path / "scan.toml").exists()


def test_download_progress_goes_to_a_terminal_stderr_only(site: Site, tmp_path: Path) -> None:
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    out = tmp_path / "deck.toml"
    try:
        result = subprocess.run(
            [sys.executable, "-m", "flashcards", "--data-dir", str(tmp_path / "data"), "generate"]
            + [site.url("/web/blog.html"), "-o", str(out)],
            stdout=subprocess.PIPE,
            stderr=follower,
            text=True,
            timeout=120,
            cwd=Path(__file__).resolve().parents[3],
        )
        os.close(follower)
        terminal = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break  # the terminal is closed once everything was read
            if not chunk:
                break
            terminal += chunk
    finally:
        os.close(leader)
    assert result.returncode == 0
    assert result.stdout.startswith("Wrote ") and "Download" not in result.stdout
    assert b"Downloaded" in terminal and b"127.0.0.1" in terminal


def test_import_a_web_page_straight_into_the_collection(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    status, stdout, stderr = generate(
        [site.url("/web/glossary.html"), "--import"], tmp_path, capsys
    )
    assert status == 0, stderr
    assert stdout.startswith("Imported ") and "'Music Theory Glossary'" in stdout
    assert not (tmp_path / "glossary.toml").exists()  # --import without -o writes no file
