"""Tables in PDFs: pypdf's layout text -> Markdown rows, so a glossary table teaches its terms."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from flashcards.core.generate import generate_deck, load_article
from flashcards.core.generate.pdf import join_pages
from flashcards.core.generate.pdf_tables import contents_lines, table_at
from tools.make_pdf import make_pdf

GLOSSARY = (
    "<h1>Soil handout</h1><p>Read this before the field trip.</p>"
    "<table border='1' cellpadding='4'><tr><th>Term</th><th>Meaning</th></tr>"
    "<tr><td>Loam</td><td>a soil with roughly equal parts of sand, silt and clay, easy to dig "
    "and good at holding water without staying soggy</td></tr>"
    "<tr><td>Humus</td><td>the dark organic matter left when plant remains have rotted</td></tr>"
    "<tr><td>Topsoil</td><td>the upper layer where most roots and living things are</td></tr>"
    "</table><p>After the trip we will test samples in the lab.</p>"
)
GLOSSARY_JA = (
    "<h1>土の講義資料</h1><p>実習の前に読んでおいてください。</p>"
    "<table border='1' cellpadding='4'><tr><th>用語</th><th>意味</th></tr>"
    "<tr><td>団粒構造</td><td>土の細かい粒が集まって小さな塊をつくり、すき間に水と空気を"
    "たくわえる構造</td></tr>"
    "<tr><td>腐植</td><td>落ち葉などが分解されてできる黒っぽい有機物</td></tr>"
    "<tr><td>表土</td><td>根や生き物の多くが集まる、いちばん上の層</td></tr>"
    "</table><p>実習のあとで、土の試料を調べます。</p>"
)


@pytest.mark.parametrize(
    ("html", "rows"),
    [
        (
            GLOSSARY,
            [
                "| Term | Meaning |",
                "| --- | --- |",
                "| Loam | a soil with roughly equal parts of sand, silt and clay, easy to dig and"
                " good at holding water without staying soggy |",
                "| Humus | the dark organic matter left when plant remains have rotted |",
                "| Topsoil | the upper layer where most roots and living things are |",
            ],
        ),
        (
            GLOSSARY_JA,
            [
                "| 用語 | 意味 |",
                "| --- | --- |",
                "| 団粒構造 | 土の細かい粒が集まって小さな塊をつくり、"
                "すき間に水と空気をたくわえる構造 |",
                "| 腐植 | 落ち葉などが分解されてできる黒っぽい有機物 |",
                "| 表土 | 根や生き物の多くが集まる、いちばん上の層 |",
            ],
        ),
    ],
)
def test_a_table_in_a_pdf_becomes_markdown_rows_and_cards(
    tmp_path: Path, html: str, rows: list[str]
) -> None:
    path = tmp_path / "handout.pdf"
    make_pdf(html, path)
    article = load_article(path)
    assert [line for line in article.text.split("\n") if line.startswith("|")] == rows
    # The prose around the table stays prose.
    assert not any(line.startswith("|") and "trip" in line for line in article.text.split("\n"))
    deck = generate_deck(article)
    backs = {note.front: note.back for note in deck.notes}
    term, explanation = rows[3].strip("| ").split(" | ")
    assert explanation in backs[term]


def test_wrapped_cells_and_a_centred_header_are_put_back_together() -> None:
    # As pypdf's layout mode gives a table whose cells wrap (Japanese, columns by character).
    lines = [
        "      パラメータ               説明",
        "",
        "最大トークン数           1回の応答で生成するトーク",
        "（max_tokens）      ン数の上限",
        "",
        "停止シーケンス           この文字列が出力されたら、",
        "                  そこで生成を止める文字列",
        "次の段落は普通の文章です。",
    ]
    found = table_at(lines, 0)
    assert found == (
        7,
        "| パラメータ | 説明 |\n| --- | --- |\n"
        "| 最大トークン数（max_tokens） | 1回の応答で生成するトークン数の上限 |\n"
        "| 停止シーケンス | この文字列が出力されたら、そこで生成を止める文字列 |",
    )


def test_prose_with_gaps_is_not_a_table() -> None:
    # Layout mode leaves gaps inside Japanese sentences where a glyph's width is misreported;
    # they fall at different places on each line, and the lines start with clauses, not terms.
    prose = [
        "公衆衛生とは、個人の  治療ではなく、地域や社会全体の    取り組みによって病気を予防し、",
        "健康を守り増進させる活動である。上下水道の     整備や食品の 衛生管理も公衆衛生の   一部",
        "保健所は、都道府県や政令指定都市などが設置し、医療機関の          監督といった",
    ]
    assert all(table_at(prose, n) is None for n in range(len(prose)))
    assert "|" not in join_pages([prose])
    # Two short lines that happen to have a gap are no table either: one column only lines up.
    assert table_at(["Fig  3", "Table of contents", "Step  1 then  a long way on"], 0) is None


def test_a_long_run_of_table_shaped_lines_is_read_in_linear_time() -> None:
    # Column support was counted per cluster member per row (quadratic): 4,000 such lines took
    # 12 s, 16,000 took 194 s. A PDF of 500 pages can hold that many.
    words = ("alpha", "beta", "gamma", "delta")
    pages = [
        [
            f"{words[n % 4].title()}{' ' * (2 + n % 7)}{' '.join(words)} {n}{' ' * (2 + n % 23)}x"
            for n in range(page * 50, page * 50 + 50)
        ]
        for page in range(320)
    ]
    start = time.perf_counter()
    text = join_pages(pages)
    assert time.perf_counter() - start < 10
    assert text.count("\n| ") >= 15_000


CONTENTS = (
    "<h1>家庭のネットワーク入門</h1><h2>目次</h2><pre>\n"
    "第1章 はじめに ………………………………………… 1\n"
    "第2章 アドレスと名前 …………………………………… 3\n"
    "第3章 ルーターとスイッチ ……………………………… 7\n"
    "付録  用語集                                  24\n</pre>"
    "<h2>Contents</h2><table>"
    "<tr><td>1. Introduction</td><td>1</td></tr>"
    "<tr><td>2. Addresses and names</td><td>3</td></tr>"
    "<tr><td>3. Routers and switches</td><td>7</td></tr>"
    "<tr><td>Appendix: Glossary</td><td>24</td></tr></table>"
    "<pre>\nIntroduction .................... 1\nAddresses and names ............. 3\n"
    "Routers and switches ............ 7\n</pre>"
    "<h2>第1章 はじめに</h2>"
    "<p>ルーターは、ネットワークとネットワークの間でパケットを転送する装置です。</p>"
)


def test_a_table_of_contents_makes_no_rows_and_no_notes(tmp_path: Path) -> None:
    # Dotted leaders (…… and ....), a wide gap, and a number glued to its title by the layout.
    path = tmp_path / "handbook.pdf"
    make_pdf(CONTENTS, path)
    article = load_article(path)
    assert "|" not in article.text
    assert "Addresses" not in article.text and "用語集" not in article.text, article.text
    notes = generate_deck(article).notes
    assert [(n.front, n.back) for n in notes] == [
        ("ルーター", "ネットワークとネットワークの間でパケットを転送する装置")
    ]


def test_numbered_lines_that_are_no_contents_stay() -> None:
    lines = [
        "Step 1",
        "Step 2",
        "Step 3",
        "",
        "Tidal volume       0.5",
        "Vital capacity     4.6",
        "Residual volume    1.2",
        "",
        "Versions 3 and 4 came out in 2019 and 2021; the list runs from 1998   to 2023",
        "Chapter 9  is long   10",
    ]
    assert contents_lines(lines) == set()
    toc = ["Introduction ........ 1", "Names     3", "Routers 7"]
    assert contents_lines(toc) == {0, 1, 2}
    assert contents_lines(["Routers ........ 7", "Names ........ 3", "Intro ........ 1"]) == set()
