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
DATA = ROOT / "tests" / "data" / "articles"
BLIND = ROOT / "tests" / "data" / "blind"
BLIND_TEST = ROOT / "tests" / "data" / "blind_test"
BLIND2 = ROOT / "tests" / "data" / "blind2"
ARTICLES = [
    (SEED, DATA / "llm_basics_ja.gold.toml"),
    (DATA / "database_basics_ja.md", DATA / "database_basics_ja.gold.toml"),
    (DATA / "networking_basics_en.md", DATA / "networking_basics_en.gold.toml"),
    # Held-out articles (see docs/generation.md for their before/after figures).
    (DATA / "economics_basics_en.md", DATA / "economics_basics_en.gold.toml"),
    (DATA / "music_theory_en.md", DATA / "music_theory_en.gold.toml"),
    (DATA / "edo_history_ja.md", DATA / "edo_history_ja.gold.toml"),
    (DATA / "cooking_science_ja.txt", DATA / "cooking_science_ja.gold.toml"),
    (DATA / "immunology_basics_en.md", DATA / "immunology_basics_en.gold.toml"),
    (DATA / "weather_basics_ja.md", DATA / "weather_basics_ja.gold.toml"),
    # Blind dev set (another author; the rules were generalised while looking at it).
    (BLIND / "astronomy_notes_en.md", BLIND / "astronomy_notes_en.gold.toml"),
    (BLIND / "fermented_foods_ja.md", BLIND / "fermented_foods_ja.gold.toml"),
    (BLIND / "railway_mechanics_ja.txt", BLIND / "railway_mechanics_ja.gold.toml"),
]
# First blind test set: scored once (recall 0.25 / 0.46 / 0.36), then used to develop the
# taught-term fallback, so now a development set.
BLIND_TEST_ARTICLES = [
    (BLIND_TEST / name, BLIND_TEST / (name.rsplit(".", 1)[0] + ".gold.toml"))
    for name in ("personal_finance_en.txt", "photography_basics_en.md", "psychology_notes_ja.md")
]


def _blind2_articles() -> list[tuple[Path, Path]]:
    """The second blind set: scored once after the fallback was final; never tuned on."""
    if not BLIND2.is_dir():
        return []
    return [
        (p, p.with_name(p.stem + ".gold.toml"))
        for p in sorted(BLIND2.iterdir())
        if p.suffix in (".md", ".txt")
        and p.name != "README.md"
        and p.with_name(p.stem + ".gold.toml").exists()
    ]


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
        p.read_text(encoding="utf-8") for p, _ in ARTICLES[1:3]
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
    from flashcards.core.generate import decode_article, generate_deck, read_article
    from flashcards.core.generate.quality import load_gold, score_deck

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
    labelled = [(p, g, "") for p, g in ARTICLES]
    labelled += [(p, g, " (blind test, now dev)") for p, g in BLIND_TEST_ARTICLES if p.exists()]
    labelled += [(p, g, " (blind, scored once)") for p, g in _blind2_articles()]
    for path, gold, label in labelled:
        quality = score_deck(generate_deck(read_article(path)), load_gold(gold))
        rows.append(
            (
                f"generate quality: {path.stem}{label}",
                f"recall {quality.recall:.2f}, precision {quality.precision:.2f}, "
                f"junk {quality.junk}/{quality.cards}",
                ">= 0.85 / >= 0.85",
            )
        )
    return rows


def main() -> None:
    """Print the benchmark table."""
    rows = run()
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    header = ("measure", "figure", "target")
    widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
