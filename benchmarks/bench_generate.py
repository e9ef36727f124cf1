"""Benchmark of card generation: speed (seed article, 100 kB article) and quality figures.

``run()`` returns ``(name, figure, target)`` rows for the project's benchmark command;
``python benchmarks/bench_generate.py`` prints them as a table.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "resources" / "articles" / "llm_basics_ja.txt"
ARTICLES_DIR = ROOT / "tests" / "data" / "articles"
# Runs in a fresh interpreter so janome's dictionary load is part of the figure.
_FRESH = """
import sys, time
t0 = time.perf_counter()
from pathlib import Path
from flashcards.core.generate import generate_deck, read_article
deck = generate_deck(read_article(Path(sys.argv[1])))
print(time.perf_counter() - t0, len(deck.notes))
"""


def _fresh_seed_seconds() -> tuple[float, int]:
    runs = []
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", _FRESH, str(SEED)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout.split()
        runs.append((float(out[0]), int(out[1])))
    return min(runs)


def _big_article() -> bytes:
    """About 100 kB of Japanese and English text: the test articles, repeated with variations."""
    # The seed and the two original test articles, as before, so the figure stays comparable.
    texts = [SEED.read_text(encoding="utf-8")] + [
        (ARTICLES_DIR / name).read_text(encoding="utf-8")
        for name in ("database_basics_ja.md", "networking_basics_en.md")
    ]
    parts: list[str] = []
    i = 0
    while len("\n\n".join(parts).encode()) < 100_000:
        text = texts[i % len(texts)]
        # Vary every sentence of each copy so the tokenizer cache cannot replay earlier ones.
        parts.append(text.replace("。", f"(第{i}版)。").replace(". ", f" (v{i}). "))
        i += 1
    return "\n\n".join(parts).encode()[:100_000].decode("utf-8", "ignore").encode()


def run() -> list[tuple[str, str, str]]:
    """Measure generation and return ``(name, figure, target)`` rows."""
    sys.path.insert(0, str(ROOT))
    from flashcards.core.generate import decode_article, generate_deck, load_article
    from tools.quality import load_gold, score_deck

    rows: list[tuple[str, str, str]] = []
    seconds, notes = _fresh_seed_seconds()
    rows.append(
        (
            "generate: seed article -> cards, fresh process",
            f"{seconds:.2f} s ({notes} notes)",
            "<= 1 s",
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
    from tests.data.evaluation import SETS, articles

    # blind3 is scored once, by hand, at the end of issue 10's tuning: never by the benchmark.
    for path, gold, label in articles(tuple(name for name in SETS if name != "blind3")):
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
