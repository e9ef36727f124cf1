"""PDFs -> our text: paragraphs kept, lines joined, page furniture gone, bad PDFs one sentence."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flashcards.core.errors import InputError
from flashcards.core.generate import MAX_ARTICLE_BYTES, decode_pdf, generate_deck, load_article
from flashcards.core.generate.pdf import MAX_PDF_PAGES, join_pages
from tools.make_pdf import make_pdf, plain_pdf

PARAGRAPH = (
    "Photosynthesis is the process by which green plants use sunlight to turn carbon dioxide "
    "and water into sugar, releasing oxygen as a by-product. It takes place in the chloroplast, "
    "an organelle found in the cells of leaves."
)
JAPANESE = (
    "光合成とは、植物が光のエネルギーを使って二酸化炭素と水から糖を作り出す働きのことです。"
    "葉緑体という細胞小器官の中で行われ、酸素が副産物として放出されます。"
)
HANDOUT = "<h1>Plant biology</h1>" + "".join(
    f"<h2>Section {i}</h2><p>{PARAGRAPH}</p>"
    "<p>Stomata are tiny pores on the underside of a leaf.</p>"
    "<ul><li>Chlorophyll is the green pigment that absorbs red and blue light and reflects "
    "green light, which is why leaves look green to us.</li><li>Xylem carries water.</li></ul>"
    f"<p>第{i}節。{JAPANESE}{JAPANESE}</p>"
    for i in range(1, 9)
)


def refusal(data: bytes, name: str = "handout.pdf") -> str:
    with pytest.raises(InputError) as info:
        decode_pdf(data, name)
    message = str(info.value)
    assert "\n" not in message and message.endswith("."), message
    return message


@pytest.fixture(scope="module")
def handout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "handout.pdf"
    pages = make_pdf(HANDOUT, path, header="BIO 112 Plant biology · Spring term")
    assert pages >= 3
    return path


def test_paragraphs_survive_pages_and_furniture_goes(handout: Path) -> None:
    article = load_article(handout)
    text = article.text
    assert article.path == handout
    assert article.title == "Plant biology"  # no metadata title: the first line
    assert text.startswith("Plant biology\n\nSection 1\n\n")
    # Every paragraph whole, once each, even where a page break cuts it.
    assert text.count(PARAGRAPH) == 8
    for i in range(1, 9):  # Japanese lines joined without spaces
        assert f"第{i}節。{JAPANESE}{JAPANESE}" in text
    assert "BIO 112" not in text  # the running header
    lines = text.split("\n")
    assert not [line for line in lines if line.strip().isdigit()]  # page numbers
    assert "⽇" not in text and "ﬁ" not in text  # Kangxi radicals and ligatures folded
    assert (
        "- Chlorophyll is the green pigment that absorbs red and blue light and reflects green "
        "light, which is why leaves look green to us.\n- Xylem carries water."
    ) in text


def test_cards_from_a_pdf(handout: Path) -> None:
    deck = generate_deck(load_article(handout), lang="en")
    assert "Stomata" in {note.front for note in deck.notes}


def test_hyphenated_and_hard_wrapped_lines(tmp_path: Path) -> None:
    path = tmp_path / "wrapped.pdf"
    make_pdf(
        "Osmosis\n\n"
        "Osmosis is the movement of water through a mem-\n"
        "brane from a dilute solution to a concentrated one, a state-of-the-\n"
        "art explanation of how roots take up water from the soil around\n"
        "them.\n\n"
        "Diffusion is the spreading of particles from where they are crowded.\n",
        path,
        page_numbers=False,
    )
    text = load_article(path).text
    assert (
        "Osmosis is the movement of water through a membrane from a dilute solution to a "
        "concentrated one, a state-of-the-art explanation of how roots take up water from the "
        "soil around them."
    ) in text
    assert "\n\nDiffusion is the spreading" in text


def test_metadata_title(tmp_path: Path) -> None:
    path = tmp_path / "notes.pdf"
    make_pdf(f"<p>{PARAGRAPH}</p>", path)
    for title, expected in (("Unit 4: Plants", "Unit 4: Plants"), ("Microsoft Word - x.docx", "")):
        writer = pypdf.PdfWriter(clone_from=path)
        writer.add_metadata({"/Title": title})
        buffer = io.BytesIO()
        writer.write(buffer)
        article = decode_pdf(buffer.getvalue(), "notes.pdf")
        assert article.title == (expected or "notes"), title


def test_scanned_pdf_has_no_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    make_pdf(f"<p>{PARAGRAPH}</p>", path, scanned=True)
    assert refusal(path.read_bytes(), "scan.pdf") == (
        "scan.pdf has no text layer (it looks like a scan); text in images is not recognised "
        "(no OCR)."
    )


def test_encrypted_pdf(tmp_path: Path) -> None:
    path = tmp_path / "plain.pdf"
    make_pdf(f"<p>{PARAGRAPH}</p>", path)
    locked = pypdf.PdfWriter(clone_from=path)
    locked.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    locked.write(buffer)
    assert "is encrypted (password-protected)" in refusal(buffer.getvalue())
    # Only copying or printing restricted (no password to open it): read as usual.
    restricted = pypdf.PdfWriter(clone_from=path)
    restricted.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    restricted.write(buffer)
    assert PARAGRAPH in decode_pdf(buffer.getvalue(), "restricted.pdf").text


def test_damaged_pdfs(handout: Path) -> None:
    data = handout.read_bytes()
    for broken in (
        b"%PDF-1.7\n",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>",
        data[: len(data) // 3],
        b"%PDF-" + bytes(range(256)) * 20,
    ):
        message = refusal(broken)
        assert message in (
            "handout.pdf is a damaged PDF file; its text cannot be read.",
            "handout.pdf has no text layer (it looks like a scan); text in images is not "
            "recognised (no OCR).",
        ), message


def test_limits() -> None:
    assert "larger than 20 MiB" in refusal(b"%PDF-1.4\n" + bytes(21 * 1024 * 1024))
    writer = pypdf.PdfWriter()
    for _ in range(MAX_PDF_PAGES + 1):
        writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    assert f"has {MAX_PDF_PAGES + 1} pages (at most {MAX_PDF_PAGES})" in refusal(buffer.getvalue())
    # Text larger than an article: the same sentence as for a text file.
    line = "Line {}: plants turn light into sugar in the leaves of every green plant."
    book = plain_pdf([[line.format(f"{p}.{i}") for i in range(60)] for p in range(70)])
    assert refusal(book, "book.pdf") == (
        f"book.pdf is larger than {MAX_ARTICLE_BYTES // 1024} KiB; "
        "generate cards from one article at a time."
    )


def test_pdf_from_another_producer() -> None:
    pages = [
        ["Running header", "Diffusion", "", "Diffusion is the spreading of particles from where",
         "they are crowded to where they are few.", "", "1"],
        ["Running header", "Osmosis is the diffusion of water through a membrane.", "", "2"],
    ]  # fmt: skip
    article = decode_pdf(plain_pdf(pages), "notes.pdf")
    assert article.text == (
        "Diffusion\n\n"
        "Diffusion is the spreading of particles from where they are crowded to where they are "
        "few.\n\n"
        "Osmosis is the diffusion of water through a membrane."
    )


def test_sniffed_by_content(handout: Path, tmp_path: Path) -> None:
    unnamed = tmp_path / "download"
    unnamed.write_bytes(handout.read_bytes())
    assert load_article(unnamed).title == "Plant biology"


def test_join_pages_rules() -> None:
    header = "Chapter 2 · Notes"
    pages = [
        [header, "", "A first paragraph that fills the whole line of the page,", "going on here."]
        + ["", "- 3 -"],
        [header, "", "• An item that is long enough to wrap onto a", "  second line"]
        + ["• Short item", "Back at the margin.", "4"],
        [header, "", "日本語の文が行の途中で", "切れています。", "Page 5 of 9"],
    ]
    assert join_pages(pages) == (
        "A first paragraph that fills the whole line of the page, going on here.\n\n"
        "- An item that is long enough to wrap onto a second line\n"
        "- Short item\n\n"
        "Back at the margin.\n\n"
        "日本語の文が行の途中で切れています。"
    )


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000), st.integers(min_value=0, max_value=4000))
def test_any_bytes_give_an_article_or_one_sentence(noise: bytes, cut: int) -> None:
    data = plain_pdf([["Osmosis is the movement of water through a membrane."]])
    for candidate in (b"%PDF-1.7\n" + noise, data[:cut] + noise, data[:cut]):
        try:
            article = decode_pdf(candidate, "noise.pdf")
        except InputError as exc:
            assert "\n" not in str(exc)
        else:
            assert article.text.strip()


def test_radicals_supplement_read_as_the_kanji(tmp_path: Path) -> None:
    # Qt's PDFs (like Chrome's) map the glyph of 長 and 民 to CJK Radicals Supplement code points,
    # which NFKC leaves alone: the raw text layer has them, the article must not.
    import pypdf

    path = tmp_path / "radicals.pdf"
    make_pdf("<p>住民の長期的な健康を守る仕組みを学ぶ。</p>", path)
    raw = "".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
    assert "\u2ed1" in raw or "\u2ea0" in raw  # the producer really emits them
    text = load_article(path).text
    assert "住民の長期的な健康" in text
    assert "\u2ed1" not in text and "\u2ea0" not in text
