"""Benchmark of card generation: speed (seed article, 100 kB article) and quality figures.

``run()`` returns ``(name, figure, target)`` rows for the project's benchmark command;
``python benchmarks/bench_generate.py`` prints them as a table.
"""

from __future__ import annotations

import html
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "resources" / "articles" / "llm_basics_ja.txt"
ARTICLES_DIR = ROOT / "tests" / "data" / "articles"
# Runs in a fresh interpreter so the tokenizer's dictionary load is part of the figure.
_FRESH = """
import sys, time
t0 = time.perf_counter()
from pathlib import Path
from flashcards.core.generate import generate_deck, load_article
deck = generate_deck(load_article(Path(sys.argv[1])))
print(time.perf_counter() - t0, len(deck.notes))
"""


def _fresh_seconds(path: Path = SEED) -> tuple[float, int]:
    """Best of three whole runs (read, generate) of one article in a fresh interpreter."""
    runs = []
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", _FRESH, str(path)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout.split()
        runs.append((float(out[0]), int(out[1])))
    return min(runs)


def _repeated(texts: list[str], size: int) -> str:
    """About ``size`` bytes of ``texts`` repeated, every sentence of each copy varied.

    The variation keeps the tokenizer's cache from replaying earlier copies.
    """
    parts: list[str] = []
    i = 0
    while len("\n\n".join(parts).encode()) < size:
        text = texts[i % len(texts)]
        parts.append(text.replace("。", f"(第{i}版)。").replace(". ", f" (v{i}). "))
        i += 1
    return "\n\n".join(parts).encode()[:size].decode("utf-8", "ignore")


def _sized_article(size: int) -> str:
    """About ``size`` bytes of Japanese notes: the seed and the dev set's Japanese notes, varied."""
    dev = ROOT / "tests" / "data" / "dev"
    texts = [SEED.read_text(encoding="utf-8")] + [
        p.read_text(encoding="utf-8") for p in sorted(dev.glob("*_ja.md"))
    ]
    return _repeated(texts, size)


def _web_page(size: int) -> str:
    """A saved web page of about ``size`` bytes: navigation, a long article, footer."""
    paragraphs = [
        f"<h2>第{n}節</h2><p>{html.escape(block)}</p>"
        for n, block in enumerate(_sized_article(size * 17 // 20).split("\n\n"))
        if block.strip()
    ]
    nav = "".join(f'<li><a href="/c/{n}">カテゴリ{n}</a></li>' for n in range(60))
    page = (
        "<!doctype html><html><head><meta charset='utf-8'><title>長い解説ページ</title></head>"
        f"<body><header><nav><ul>{nav}</ul></nav></header><main><article><h1>長い解説ページ</h1>"
        + "".join(paragraphs)
        + "</article></main><footer><p>© 例のサイト</p></footer></body></html>"
    )
    return page


def _big_article() -> bytes:
    """About 100 kB of Japanese and English text: the test articles, repeated with variations."""
    # The seed and the two original test articles, as before, so the figure stays comparable.
    texts = [SEED.read_text(encoding="utf-8")] + [
        (ARTICLES_DIR / name).read_text(encoding="utf-8")
        for name in ("database_basics_ja.md", "networking_basics_en.md")
    ]
    return _repeated(texts, 100_000).encode()


def run() -> list[tuple[str, str, str]]:
    """Measure generation and return ``(name, figure, target)`` rows."""
    sys.path.insert(0, str(ROOT))
    from flashcards.core.generate import decode_article, generate_deck, load_article
    from tools.quality import load_gold, score_deck

    rows: list[tuple[str, str, str]] = []
    seconds, notes = _fresh_seconds()
    rows.append(
        (
            "generate: seed article -> cards, fresh process",
            f"{seconds:.2f} s ({notes} notes)",
            "<= 1 s",
        )
    )
    with tempfile.TemporaryDirectory() as work:
        ten = Path(work) / "notes_10k.md"
        ten.write_text(_sized_article(10_000), encoding="utf-8")
        page = Path(work) / "page_200k.html"
        page.write_text(_web_page(200_000), encoding="utf-8")
        seconds, notes = _fresh_seconds(ten)
        rows.append(
            (
                "generate: 10 kB article -> cards, fresh process",
                f"{seconds:.2f} s ({notes} notes)",
                "<= 1 s",
            )
        )
        seconds, notes = _fresh_seconds(page)
        rows.append(
            (
                f"generate: {page.stat().st_size // 1000} kB web page -> cards, fresh process",
                f"{seconds:.2f} s ({notes} notes)",
                "<= 10 s",
            )
        )
    big = _big_article()
    article = decode_article(big, "big.md")
    start, cpu = time.perf_counter(), time.process_time()
    deck = generate_deck(article, deck_name="Big")
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    rows.append(
        (
            f"generate: {len(big) // 1000} kB article -> cards",
            # CPU time too: wall time swings when other jobs share the machine.
            f"{elapsed:.2f} s wall, {cpu:.2f} s CPU ({len(deck.notes)} notes)",
            "<= 5 s",
        )
    )
    from tests.data.evaluation import SCORED_ONCE, SETS, articles

    # blind3 is scored once, by hand, at the end of a round of issue 10's tuning.
    for path, gold, label in articles(tuple(name for name in SETS if name not in SCORED_ONCE)):
        quality = score_deck(generate_deck(load_article(path)), load_gold(gold))
        rows.append(
            (
                f"generate quality: {path.stem}{label}",
                f"recall {quality.recall:.2f}, precision {quality.precision:.2f}, "
                f"junk {quality.junk}/{quality.cards}",
                ">= 0.85 / >= 0.85",
            )
        )
    return rows


if __name__ == "__main__":
    from run import print_rows

    print_rows(run())
