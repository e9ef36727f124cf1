"""tools.make_pdf: test PDFs with a real text layer (Japanese too), or scanned (no text)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pypdf

from tools.make_pdf import make_pdf

ROOT = Path(__file__).resolve().parents[1]


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def test_text_layer_holds_the_words_once(tmp_path: Path) -> None:
    paragraph = "Chlorophyll is the green pigment that absorbs light. " * 20
    html = "<h1>Plant biology</h1>" + f"<h2>Leaves</h2><p>{paragraph}</p>" * 12
    pdf = tmp_path / "plants.pdf"
    pages = make_pdf(html, pdf, header="Biology notes")
    reader = pypdf.PdfReader(pdf)
    assert pages == len(reader.pages) > 2
    text = _text(pdf).replace("\t", " ")
    assert "Plant biology" in text
    # Every line is on exactly one page (Qt's own clip drew a line at a page break twice).
    assert text.count("Chlorophyll") == 20 * 12
    assert text.count("Biology notes") == pages


def test_japanese_text_is_extractable(tmp_path: Path) -> None:
    pdf = tmp_path / "ja.pdf"
    make_pdf("光合成とは、植物が光を使って糖を作る働きのことです。", pdf)
    text = _text(pdf)
    # Qt writes some ideographs as their Kangxi radical twins (⽔ for 水); the reader folds them.
    assert "光合成" in text
    assert "とは" in text


def test_scanned_pdf_has_no_text_layer(tmp_path: Path) -> None:
    pdf = tmp_path / "scan.pdf"
    make_pdf("<p>Chlorophyll is the green pigment.</p>", pdf, scanned=True)
    page = pypdf.PdfReader(pdf).pages[0]
    assert page.extract_text().strip() == ""
    xobjects = page["/Resources"]["/XObject"]
    assert any(x.get_object()["/Subtype"] == "/Image" for x in xobjects.values())


def test_command_line(tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text("Stomata are pores in a leaf.\n", encoding="utf-8")
    out = tmp_path / "out.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "tools.make_pdf", str(source), str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    assert "Wrote 1 page" in result.stdout
    assert "Stomata" in _text(out)
