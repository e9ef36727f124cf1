"""Pages set in two columns are read column by column, Japanese and English alike.

The PDFs are rendered here (tools.make_pdf.columns_pdf: Qt lays the text out line by line down
each column, a title and an abstract across the top), from text written for these tests.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from flashcards.core.generate import generate_deck, load_article
from flashcards.core.generate.pdf import pdf_text
from flashcards.core.generate.pdf_columns import find_gutter, read_columns
from tools.make_pdf import columns_pdf

TITLE_EN = "<h2>Keeping Web Pages Fast</h2><p>A short survey of where browsers keep copies.</p>"
PAPER_EN = [
    "Every page a browser shows is built from dozens of files, and fetching each of them again "
    "on every visit would make the web feel slow. Most of the speed we take for granted comes "
    "from keeping copies.",
    "A cache is a store of copies of data kept close to where the data is used. The browser "
    "keeps one on the disk and a smaller one in memory, and it looks there before it asks the "
    "network.",
    "Latency is the delay between asking for something and the first byte of the answer. On a "
    "phone network it often matters more than the width of the connection itself.",
    "A content delivery network is a set of servers spread around the world that hold copies of "
    "a site's files. A reader in Osaka is then served from a machine in Japan rather than from "
    "one across an ocean.",
    "An expiry time is the moment after which a stored copy may no longer be used without "
    "checking it. Servers send it with each file, and a file whose name changes with every "
    "release can be given a very long one.",
    "Revalidation is the short request a browser makes to ask whether its old copy is still "
    "good. When the answer is yes, only a few hundred bytes travel instead of the whole file.",
    "A service worker is a script that sits between a page and the network and decides how each "
    "request is answered. It lets a site keep working offline, which a plain cache cannot do.",
    "None of these layers is free. Every copy can go stale, and most of the hard bugs in this "
    "area come from a copy that outlived the file it was made from.",
    "Measuring before and after any change is the only reliable guide, because the layers "
    "interact in ways that are hard to predict from reading the settings alone.",
    "Compression shrinks text files before they travel. Scripts and style sheets often lose "
    "three quarters of their size, which helps most on slow connections.",
    "A preload hint is a line in a page that tells the browser to fetch a file it will need "
    "soon, before the parser reaches the place where that file is named.",
    "Images are usually the heaviest part of a page. Serving each screen a picture of the size "
    "it actually shows saves more than any clever setting elsewhere.",
    "Fonts deserve the same care: a page that waits for a font file shows nothing at all, so "
    "most sites let the text appear first in a fallback face.",
    "Third-party scripts are the part of a page its authors control least. Each one can add its "
    "own requests, and a slow one can hold up everything after it.",
    "A performance budget is an agreed limit on how heavy or slow a page may become. Teams "
    "check new work against it, much as they would check a spending plan.",
    "Field data is measured on the devices of real visitors, while lab data comes from a test "
    "machine. The two often disagree, and the first is the one readers feel.",
    "In the end a fast page is a page that does less. Every layer described here helps, but "
    "none of them rescues a page that asks for far more than it needs.",
]
TITLE_JA = "<h2>発酵食品のしくみ</h2><p>身近な食べ物を支える微生物のはたらきを紹介します。</p>"
PAPER_JA = [
    "私たちの食卓には、微生物の力を借りてつくられた食べ物がたくさん並んでいます。味噌や醤油、"
    "納豆、ヨーグルトなどがその代表です。",
    "発酵とは、微生物が食べ物の成分を分解して、人にとって役に立つ物質をつくるはたらきのことです。"
    "同じ分解でも、人に害のあるものができる場合は腐敗と呼ばれます。",
    "麹とは、蒸した米や麦に麹菌を繁殖させたもののことです。麹菌がつくる酵素が、でんぷんを糖に、"
    "たんぱく質をうま味のもとに変えます。",
    "乳酸菌とは、糖を分解して乳酸をつくる細菌のことです。乳酸が増えると酸性になり、ほかの菌が"
    "増えにくくなるため、食べ物が長持ちします。",
    "酵母とは、糖をアルコールと二酸化炭素に分ける単細胞の菌類のことです。パンがふくらむのも、"
    "酒ができるのも、このはたらきによるものです。",
    "熟成とは、発酵した食べ物を時間をかけて寝かせ、味や香りを深めることです。味噌は数か月から"
    "数年かけて熟成させることもあります。",
    "発酵食品は、保存がきくだけでなく、消化を助けたり、新しい風味を生んだりします。昔の人は"
    "経験からその知恵を身につけてきました。",
    "家庭でつくる場合は、温度と清潔さに気をつけることが大切です。条件が悪いと、目的の微生物より"
    "先にほかの菌が増えてしまいます。",
    "塩は、発酵食品づくりでもう一つの大切な役割を担っています。塩分が多いと多くの雑菌は増え"
    "られず、塩に強い微生物だけがはたらき続けます。",
    "ぬか漬けとは、米ぬかに塩と水を加えたぬか床に野菜を漬けたもののことです。毎日かき混ぜる"
    "ことで、空気を好む菌と嫌う菌のつり合いが保たれます。",
    "納豆菌とは、煮た大豆を発酵させて納豆にする細菌のことです。熱に強く、わらの中にもすんで"
    "いることが昔から知られていました。",
    "チーズは、牛乳を固めて水分を抜き、菌やかびの力で熟成させた食べ物です。種類によって、"
    "使う菌も熟成の長さも大きく異なります。",
    "酢は、酒に酢酸菌がはたらいてできる調味料です。アルコールが酢酸に変わることで、あの"
    "すっぱい味が生まれます。",
    "発酵の温度は、つくる食べ物によって違います。ヨーグルトは体温に近い温かさを好み、"
    "味噌や漬物はそれより涼しい場所でゆっくり進みます。",
    "最近では、発酵の途中で起きている変化を機械で細かく測ることもできるようになりました。"
    "それでも、最後に味を決めるのは人の舌です。",
    "発酵食品を知ることは、目に見えない生き物と人との長い付き合いを知ることでもあります。"
    "次の食事で、その小さな働き手たちのことを思い出してみてください。",
]


def _sentences(paragraphs: list[str]) -> list[str]:
    return [s for p in paragraphs for s in re.split(r"(?<=[.。])\s*", p) if s]


def _render(
    tmp_path: Path, title: str, paragraphs: list[str], name: str, point_size: float = 11
) -> Path:
    path = tmp_path / name
    columns_pdf("\n".join(paragraphs), path, span=title, point_size=point_size)
    return path


@pytest.mark.parametrize("point_size", [11, 17])  # one page (a short right column); three
@pytest.mark.parametrize(
    ("title", "paragraphs", "name"),
    [(TITLE_EN, PAPER_EN, "cache_en.pdf"), (TITLE_JA, PAPER_JA, "fermentation_ja.pdf")],
)
def test_every_sentence_comes_whole_and_in_order(
    tmp_path: Path, title: str, paragraphs: list[str], name: str, point_size: float
) -> None:
    path = _render(tmp_path, title, paragraphs, name, point_size)
    text = pdf_text(path.read_bytes(), name, max_bytes=1 << 20).text
    flat = re.sub(r"\s+", " ", text)
    japanese = name.endswith("_ja.pdf")
    if japanese:
        flat = flat.replace(" ", "")
    where = 0
    for sentence in _sentences(paragraphs):
        wanted = sentence.replace(" ", "") if japanese else sentence
        found = flat.find(wanted, where)
        assert found >= 0, f"not whole or out of order: {sentence!r}"
        where = found + len(wanted)
    # The title and the abstract that run across the page come first.
    assert text.startswith("Keeping Web Pages Fast" if not japanese else "発酵食品のしくみ")


def test_cards_come_from_a_two_column_paper(tmp_path: Path) -> None:
    path = _render(tmp_path, TITLE_EN, PAPER_EN, "cache_en.pdf")
    deck = generate_deck(load_article(path))
    backs = {n.front.lower(): n.back for n in deck.notes}
    assert "a store of copies of data kept close to where the data is used" in backs["cache"]
    assert backs["latency"].startswith("the delay between asking for something")


def test_fermentation_terms_from_a_two_column_paper_ja(tmp_path: Path) -> None:
    path = _render(tmp_path, TITLE_JA, PAPER_JA, "fermentation_ja.pdf")
    deck = generate_deck(load_article(path))
    backs = {n.front: n.back for n in deck.notes}
    assert "糖を分解して乳酸をつくる細菌" in backs["乳酸菌"]
    assert "米ぬかに塩と水を加えたぬか床に野菜を漬けたもの" in backs["ぬか漬け"]
    assert "煮た大豆を発酵させて納豆にする細菌" in backs["納豆菌"]


def test_a_table_on_a_page_of_one_column_is_not_taken_for_columns() -> None:
    table = [
        "Term          Meaning",
        "Loam          a soil of sand, silt and clay",
        "Humus         dark organic matter",
        "Topsoil       the upper layer",
        "Subsoil       the layer below",
        "Bedrock       solid rock underneath",
        "Clay          the finest particles",
        "Silt          particles between sand and clay",
    ]
    assert find_gutter(table) is None
    assert read_columns(table) == table
