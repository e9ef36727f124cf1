"""Web pages -> our Markdown: main text kept, boilerplate dropped, structure written our way."""

from __future__ import annotations

import codecs
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flashcards.core.errors import InputError
from flashcards.core.generate import (
    MAX_ARTICLE_BYTES,
    decode_html,
    generate_deck,
    load_article,
)
from flashcards.core.generate.web import (
    MAX_PAGE_ELEMENTS,
    html_charset,
    looks_like_html,
    page_stats,
)

ROOT = Path(__file__).resolve().parents[3]
PAGES = ROOT / "tests" / "data" / "web"


def page(name: str) -> str:
    return load_article(PAGES / name).text


def refusal(data: bytes, name: str = "page.html") -> str:
    with pytest.raises(InputError) as info:
        decode_html(data, name)
    message = str(info.value)
    assert "\n" not in message and message.endswith("."), message
    return message


def test_blog_page_keeps_the_article_and_drops_the_rest() -> None:
    article = load_article(PAGES / "blog.html")
    assert article.title == "How Photosynthesis Works"  # <title> without the site's name
    assert article.path == PAGES / "blog.html"
    text = article.text
    assert text.startswith("# How Photosynthesis Works\n\nEvery leaf in your garden")
    for boilerplate in (
        "cookies",
        "Gardening tips",
        "Share on Facebook",
        "Subscribe",
        "Related posts",
        "Great explanation",
        "Popular posts",
        "All rights reserved",
    ):
        assert boilerplate not in text
    assert "\n\n## Where it happens\n\n" in text
    assert "\n\n### Why the Calvin cycle matters\n\n" in text
    # Bold kept, italics and links as their text.
    assert "**Photosynthesis** is the process" in text
    assert "takes place in the chloroplast, an organelle" in text
    assert "packed with chlorophyll, the green pigment" in text
    assert (
        "two stages:\n\n"
        "- The light-dependent reactions, which capture energy from sunlight in the thylakoid "
        "membranes.\n"
        "- The Calvin cycle, which uses that energy to build sugar from carbon dioxide in the "
        "stroma.\n"
        "  - RuBisCO is the enzyme that fixes carbon dioxide in the Calvin cycle.\n"
        "  - ATP is the molecule that carries energy inside the cell.\n\n"
    ) in text


def test_definition_list() -> None:
    text = page("glossary.html")
    assert (
        "## A–C\n\n"
        "Accidental\n"
        ": A symbol such as a sharp, flat or natural that raises or lowers a note by a semitone.\n"
        "\n"
        "Cadence\n"
        ": A sequence of chords that ends a musical phrase and gives a sense of rest.\n"
        ": The most common cadence is the perfect cadence, from the fifth chord to the first.\n"
        "\n"
        "Chord\n"
        ": Three or more notes played at the same time.\n"
        "\n"
        "## D–T"
    ) in text
    assert "Sign up now" not in text and "Pricing" not in text


def test_table_rows() -> None:
    text = page("table.html")
    assert (
        "| Term | Explanation |\n"
        "| --- | --- |\n"
        "| Inflation | A general rise in prices over time, which lowers what money can buy. |\n"
        "| Interest rate | The price of borrowing money, given as a percentage per year. |\n"
    ) in text
    assert "Quiz 1" not in text and "volunteers" not in text


def test_japanese_notes_page() -> None:
    article = load_article(PAGES / "ja_notes.html")
    assert article.title == "江戸時代の政治のしくみ"
    text = article.text
    assert "## 幕藩体制\n\n幕藩体制とは、幕府と藩が" in text
    assert "- 親藩：徳川家の一族の大名\n- 譜代大名：" in text
    for boilerplate in ("ホーム", "人気の記事", "広告", "プライバシーポリシー"):
        assert boilerplate not in text


def test_documentation_page() -> None:
    article = load_article(PAGES / "docs.html")
    assert article.title == "Glossary of networking terms"  # Sphinx's ¶ is not part of it
    assert "## Addressing\n" in article.text and "¶" not in article.text
    assert "such as 192.0.2.7." in article.text  # inline code stays in its sentence
    assert "Quick search" not in article.text and "Previous topic" not in article.text


def test_cards_come_from_the_structure() -> None:
    deck = generate_deck(load_article(PAGES / "glossary.html"))
    fronts = {note.front for note in deck.notes}
    assert {"Accidental", "Cadence", "Tempo"} <= fronts


def test_fragments_line_breaks_and_pipes() -> None:
    html = (
        b"<html><head><title>Notes</title></head><body><article>"
        b"<h2>Cells</h2><p>A cell is the smallest unit of life.<br>It has a membrane.</p>"
        b"<table><tr><td>A|B</td><td>pipe</td></tr></table>"
        b"<p>Organelles are the small parts inside a cell that each do one job, such as the"
        b" nucleus, the mitochondria and the ribosomes, found in every plant and animal.</p>"
        b"</article></body></html>"
    )
    article = decode_html(html, "notes.html")
    assert "A cell is the smallest unit of life.\nIt has a membrane." in article.text
    assert "| A\\|B | pipe |" in article.text
    assert article.url == "" and article.attribution == ""


def test_charsets() -> None:
    body = (
        "<html><head><title>熱帯雨林</title></head><body><article><p>{}</p></article></body></html>"
    )
    text = "熱帯雨林とは、一年中気温が高く雨の多い地域に広がる森林のことです。" * 3
    for encoding, label in (("cp932", "Shift_JIS"), ("euc_jp", "EUC-JP"), ("utf-8", "UTF-8")):
        html = body.replace("<head>", f'<head><meta charset="{label}">').format(text)
        article = decode_html(html.encode(encoding), "rain.html")
        assert "熱帯雨林とは、一年中気温が高く" in article.text, label
    # Undeclared: UTF-8, else Shift_JIS or EUC-JP by content.
    undeclared = body.format(text)
    for encoding in ("utf-8", "cp932", "euc_jp"):
        article = decode_html(undeclared.encode(encoding), "rain.html")
        assert "熱帯雨林とは" in article.text, encoding
    # The server's charset wins over the page's <meta>, a BOM over both.
    html = body.replace("<head>", '<head><meta charset="EUC-JP">').format(text)
    assert "熱帯雨林とは" in decode_html(html.encode("cp932"), "a", charset="shift_jis").text
    bom = codecs.BOM_UTF8 + html.encode("utf-8")
    assert "熱帯雨林とは" in decode_html(bom, "a", charset="shift_jis").text
    assert html_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=x-sjis">')
    assert html_charset(b'<meta charset="no-such-codec">') is None
    assert html_charset(b'<meta charset="utf-16">') is None


def test_sniffing_html() -> None:
    assert looks_like_html(b"<!DOCTYPE html><html>")
    assert looks_like_html(b"\xef\xbb\xbf<!-- saved -->\n<html lang=en>")
    assert looks_like_html(b"<div><p>one</p><p>two</p></div>")
    assert not looks_like_html(b"# Title\n\nSome <b>bold</b> Markdown text.")
    assert not looks_like_html(b"Plain text that mentions <html> once.")


def test_file_kinds_are_told_by_content(tmp_path: Path) -> None:
    saved = tmp_path / "download.dat"
    saved.write_bytes((PAGES / "table.html").read_bytes())
    assert load_article(saved).title == "Key Terms in Economics"
    markdown = tmp_path / "notes.md"
    markdown.write_text("<div>\n\n# Osmosis\n\nOsmosis is the movement of water.\n", "utf-8")
    assert load_article(markdown).text.startswith("<div>")  # a .md file stays text
    page_file = tmp_path / "page.html"
    page_file.write_bytes((PAGES / "table.html").read_bytes())
    (tmp_path / "page.source.toml").write_text('attribution = "Econ 101, CC BY 4.0"\n', "utf-8")
    assert load_article(page_file).attribution == "Econ 101, CC BY 4.0"


def test_pages_without_an_article() -> None:
    assert "has no main text" in refusal(
        b"<html><body><nav><a href='/a'>A</a> <a href='/b'>B</a></nav></body></html>"
    )
    assert "has no main text" in refusal(b"<html><body><div id=app></div></body></html>")
    assert "NUL bytes" in refusal(b"<html>\x00\x00\x00</html>")


def test_size_limits_are_those_of_files() -> None:
    # Visible text far beyond the cap: refused before the extractor runs.
    huge = b"<html><body><p>" + b"Plants make sugar from light. " * 40_000 + b"</p></body></html>"
    start = time.monotonic()
    message = refusal(huge, "huge.html")
    assert message == (
        f"huge.html is larger than {MAX_ARTICLE_BYTES // 1024} KiB; "
        "generate cards from one article at a time."
    )
    assert time.monotonic() - start < 2
    # Main text just over the cap after extraction: the same message.
    paragraphs = "".join(
        f"<p>Paragraph {i}: " + f"leaves turn light into sugar in cell number {i}. " * 10 + "</p>"
        for i in range(600)
    )
    over = ("<html><body><article>" + paragraphs + "</article></body></html>").encode()
    assert 1.0 < len(over) / MAX_ARTICLE_BYTES < 1.5
    assert refusal(over, "over.html") == message.replace("huge.html", "over.html")
    # A page bigger than 5 MiB, or with too many elements.
    assert "larger than 5 MiB" in refusal(b"<p>" + b"x" * (5 * 1024 * 1024), "big.html")
    divs = b"<html><body>" + b"<div><span>a</span></div>" * (MAX_PAGE_ELEMENTS // 2 + 10)
    start = time.monotonic()
    assert "too large a page to read" in refusal(divs)
    assert time.monotonic() - start < 2


def test_page_stats() -> None:
    stats = page_stats(
        "<html><script>if (a < b) { x = '<p>'; }</script><style>p{}</style><!-- <p> -->"
        "<body><p>Hello <b>world</b></p></body></html>"
    )
    assert stats.elements == 6 and stats.text_chars == len("Hello world")
    assert page_stats("<p>unclosed <script").elements == 1
    assert page_stats("<div>" * 100, stop_after=10).elements == 11


def test_reading_text_does_not_import_the_extractor(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Osmosis\n\nOsmosis is the movement of water across a membrane.\n", "utf-8")
    code = (
        "import sys; from flashcards.core.generate import load_article, generate_deck; "
        f"generate_deck(load_article({str(article)!r})); "
        "print(sorted(m for m in ('trafilatura', 'pypdf', 'lxml') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=3000) | st.text(max_size=1500).map(lambda t: f"<p>{t}</p>".encode()))
def test_any_bytes_give_an_article_or_one_sentence(data: bytes) -> None:
    try:
        article = decode_html(data, "page.html")
    except InputError as exc:
        assert "\n" not in str(exc)
    else:
        assert article.text.strip()


def test_headings_and_lists_kept_where_the_default_pass_drops_them() -> None:
    # A Qiita-style page of the dev set: trafilatura's default pass keeps its paragraphs but
    # loses every <h2> and <ul>; the recall pass is taken then, boilerplate still left out.
    page = Path(__file__).parents[2] / "data" / "dev" / "tokenizer_cost_qiita_ja.html"
    text = load_article(page).text
    assert "## BPE（Byte Pair Encoding）" in text
    assert "- 入力トークン: プロンプトとしてモデルに送る側のトークン" in text
    assert "いいね 214" not in text and "ストック" not in text  # the page's header
    assert "## コメント" not in text and "目次" not in text  # comments and table of contents
