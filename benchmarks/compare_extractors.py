"""Main-text extractors compared on the pages of tests/data/web (the figures in docs/generation.md).

Not a suite of run.py: the alternatives are not dependencies of the app. To run it:

    pip install readability-lxml justext   # trafilatura is a dependency already
    python benchmarks/compare_extractors.py

Each page lists phrases of its main text, phrases of its boilerplate (navigation, sidebar,
footer, comments, cookie banner, newsletter box) and structure: headings, list items, table rows
(term and explanation in one row) and definition-list pairs (a term followed by its
definition). Each extractor's output is read back as blocks (heading, paragraph, item, row,
term, definition) and scored on the three.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PAGES = ROOT / "tests" / "data" / "web"

Block = tuple[str, str]  # (kind, text)


@dataclass
class Page:
    name: str
    title: str
    keep: list[str]
    drop: list[str]
    structure: list[tuple[str, str, str]]  # (kind, text, second text for rows and pairs)


EXPECTED = [
    Page(
        "blog.html",
        "How Photosynthesis Works",
        keep=[
            "Every leaf in your garden is a small factory",
            "Photosynthesis takes place in the chloroplast",
            "Stomata are tiny pores",
            "Biologists divide photosynthesis into two stages",
            "RuBisCO is the enzyme",
            "The Calvin cycle, also called the light-independent reactions",
            "Give your plants enough light",
        ],
        drop=[
            "We use cookies",
            "Gardening tips",
            "Share on Facebook",
            "Subscribe to our newsletter",
            "Ten composting mistakes",
            "Great explanation, my kids",
            "Check out my channel",
            "Popular posts",
            "20% off all seed packets",
            "All rights reserved",
        ],
        structure=[
            ("heading", "Where it happens", ""),
            ("heading", "The two stages", ""),
            ("heading", "Why the Calvin cycle matters", ""),
            ("item", "The light-dependent reactions", ""),
            ("item", "RuBisCO is the enzyme", ""),
            ("item", "ATP is the molecule", ""),
        ],
    ),
    Page(
        "glossary.html",
        "Music Theory Glossary",
        keep=[
            "This glossary explains the terms",
            "Accidental",
            "raises or lowers a note by a semitone",
            "The most common cadence is the perfect cadence",
            "The speed of the music",
        ],
        drop=["Lessons", "Pricing", "Try our first lesson free", "Sign up now", "Imprint"],
        structure=[
            ("heading", "A–C", ""),
            ("pair", "Accidental", "A symbol such as a sharp"),
            ("pair", "Cadence", "A sequence of chords"),
            ("pair", "Tempo", "The speed of the music"),
        ],
    ),
    Page(
        "table.html",
        "Key Terms in Economics",
        keep=[
            "Use this table to revise",
            "A general rise in prices",
            "Opportunity cost",
            "Gross domestic product",
            "central banks raise interest rates",
        ],
        drop=["Quizzes", "Forum", "Quiz 1: Scarcity", "run by volunteers"],
        structure=[
            ("row", "Inflation", "A general rise in prices"),
            ("row", "Interest rate", "The price of borrowing money"),
            ("row", "GDP", "Gross domestic product"),
        ],
    ),
    Page(
        "ja_notes.html",
        "江戸時代の政治のしくみ",
        keep=[
            "徳川家康が江戸に幕府を開いた",
            "幕藩体制とは",
            "大名とは、1万石以上の領地",
            "譜代大名：関ヶ原の戦い以前から",
            "武家諸法度は、幕府が大名を統制するために定めた法令です",
            "その力は弱まりました",
        ],
        drop=[
            "ホーム",
            "お問い合わせ",
            "人気の記事",
            "鎌倉幕府のしくみ",
            "定期テスト対策",
            "プライバシーポリシー",
        ],
        structure=[
            ("heading", "幕藩体制", ""),
            ("heading", "大名の種類", ""),
            ("item", "親藩：徳川家の一族の大名", ""),
            ("item", "外様大名", ""),
        ],
    ),
    Page(
        "docs.html",
        "Glossary of networking terms",
        keep=[
            "This chapter defines the terms",
            "An IP address is a number that identifies a device",
            "A subnet mask tells which part",
            "DNS (Domain Name System) is the service",
            "TCP is a protocol that delivers",
            "A socket is the combination",
        ],
        drop=[
            "Quick search",
            "Previous topic",
            "Introduction to computer networks and how packets travel",
            "Show Source",
            "Created using",
            "¶",
        ],
        structure=[
            ("heading", "Addressing", ""),
            ("heading", "Transport", ""),
            ("item", "A port is a number", ""),
            ("item", "A socket is the combination", ""),
        ],
    ),
    Page(
        "news.html",
        "Why central banks raise interest rates",
        keep=[
            "a central bank usually answers by raising its policy rate",
            "The policy rate is the interest rate",
            "Inflation is the rate at which the general level of prices rises",
            "Raising rates has costs",
            "Quantitative tightening, the sale of bonds",
        ],
        drop=[
            "ADVERTISEMENT",
            "free articles left",
            "Subscribe for $1",
            "House prices fall for a third month",
            "Money Briefing",
            "Ten stocks to watch",
            "Registered in England",
            "Cookie settings",
        ],
        structure=[],
    ),
]


# ---------------------------------------------------------------------------- extractors


def _markdown_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    lines = text.split("\n")
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith("| ---"):
            continue
        if stripped.startswith("#"):
            blocks.append(("heading", stripped.lstrip("#").strip()))
        elif stripped.startswith("- "):
            blocks.append(("item", stripped[2:]))
        elif stripped.startswith("|"):
            blocks.append(("row", stripped))
        elif stripped.startswith(": "):
            blocks.append(("def", stripped[2:]))
        elif i + 1 < len(lines) and lines[i + 1].startswith(": "):
            blocks.append(("term", stripped))
        else:
            blocks.append(("para", stripped))
    return blocks


def run_trafilatura(html: str) -> tuple[str | None, list[Block]]:
    from flashcards.core.generate.web import extract_main_text

    result = extract_main_text(html)
    if result is None:
        return "", []
    return result.title, _markdown_blocks(result.text)


def run_trafilatura_fast(html: str) -> tuple[str | None, list[Block]]:
    import trafilatura

    text = trafilatura.extract(html, output_format="markdown", fast=True, include_comments=False)
    return None, _markdown_blocks(text or "")  # no metadata asked for: no title


def run_readability(html: str) -> tuple[str | None, list[Block]]:
    import lxml.html
    from readability import Document

    doc = Document(html)
    tree = lxml.html.fromstring(doc.summary(html_partial=True))
    blocks: list[Block] = []
    kinds = {"h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading"}
    kinds |= {"li": "item", "dt": "term", "dd": "def", "p": "para"}
    for el in tree.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "tr":
            cells = [" ".join(c.text_content().split()) for c in el if c.tag in ("td", "th")]
            blocks.append(("row", " | ".join(cells)))
        elif tag in kinds:
            if tag == "li" and el.find(".//li") is not None:
                text = " ".join((el.text or "").split())
            else:
                text = " ".join(el.text_content().split())
            blocks.append((kinds[tag], text))
        elif tag in ("div", "td", "th") and el.text and el.text.strip() and tag != "td":
            blocks.append(("para", " ".join(el.text.split())))
    return doc.short_title(), blocks


def run_justext(html: str) -> tuple[str | None, list[Block]]:
    import justext

    japanese = 'lang="ja"' in html
    stoplist = frozenset() if japanese else justext.get_stoplist("English")
    options = {"stopwords_low": 0, "stopwords_high": 0} if japanese else {}
    paragraphs = justext.justext(html.encode("utf-8"), stoplist, encoding="utf-8", **options)
    blocks: list[Block] = []
    for p in paragraphs:
        if p.is_boilerplate:
            continue
        last = p.dom_path.split(".")[-1]
        kind = {"li": "item", "dt": "term", "dd": "def", "td": "cell", "th": "cell"}.get(last)
        if p.is_heading:
            kind = "heading"
        blocks.append((kind or "para", " ".join(p.text.split())))
    return None, blocks  # jusText has no notion of a title


EXTRACTORS: dict[str, tuple[str, Callable[[str], tuple[str | None, list[Block]]]]] = {
    "trafilatura 2 (XML -> our Markdown)": ("trafilatura", run_trafilatura),
    "trafilatura fast=True (Markdown)": ("trafilatura", run_trafilatura_fast),
    "readability-lxml": ("readability", run_readability),
    "jusText": ("justext", run_justext),
}


# ---------------------------------------------------------------------------- scoring


def _structure_ok(check: tuple[str, str, str], blocks: list[Block]) -> bool:
    kind, first, second = check
    if kind in ("heading", "item"):
        return any(k == kind and first in t for k, t in blocks)
    if kind == "row":
        return any(k == "row" and first in t and second in t for k, t in blocks)
    # A definition pair: the term's block, then its definition's block.
    return any(
        a[0] == "term" and first in a[1] and b[0] == "def" and second in b[1]
        for a, b in zip(blocks, blocks[1:], strict=False)
    )


def score(page: Page, title: str | None, blocks: list[Block]) -> tuple[int, int, int, bool | None]:
    text = "\n".join(t for _, t in blocks).replace("**", "")
    kept = sum(phrase in text for phrase in page.keep)
    dropped = sum(phrase not in text for phrase in page.drop)
    structure = sum(_structure_ok(check, blocks) for check in page.structure)
    return kept, dropped, structure, None if title is None else title == page.title


def import_seconds(module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    runs = []
    for _ in range(5):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        runs.append(float(out))
    return statistics.median(runs)


def main() -> int:
    pages = {p.name: (PAGES / p.name).read_text(encoding="utf-8") for p in EXPECTED}
    totals = (
        sum(len(p.keep) for p in EXPECTED),
        sum(len(p.drop) for p in EXPECTED),
        sum(len(p.structure) for p in EXPECTED),
    )
    print(
        "| extractor | main text kept | boilerplate dropped | structure kept | title "
        "| import (fresh process) | run time (mean per page) |"
    )
    print("|---|---|---|---|---|---|---|")
    for label, (module, run) in EXTRACTORS.items():
        try:
            seconds = import_seconds(module)
        except subprocess.CalledProcessError:
            print(f"| {label} | not installed |")
            continue
        kept = dropped = structure = 0
        titles: int | None = 0
        times = []
        for page in EXPECTED:
            html = pages[page.name]
            run(html)  # warm: the first call loads data files
            start = time.perf_counter()
            for _ in range(10):
                title, blocks = run(html)
            times.append((time.perf_counter() - start) / 10)
            k, d, s, t = score(page, title, blocks)
            kept, dropped, structure = kept + k, dropped + d, structure + s
            titles = None if t is None or titles is None else titles + t
        title_score = "n/a" if titles is None else f"{titles}/{len(EXPECTED)}"
        print(
            f"| {label} | {kept}/{totals[0]} | {dropped}/{totals[1]} | {structure}/{totals[2]} "
            f"| {title_score} | {seconds * 1000:.0f} ms "
            f"| {statistics.mean(times) * 1000:.1f} ms |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
