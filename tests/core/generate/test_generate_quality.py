"""Quality thresholds: recall and precision against the gold lists, on every article."""

from __future__ import annotations

from pathlib import Path

import pytest

from flashcards.core.generate import generate_deck, read_article
from flashcards.core.generate.quality import load_gold, score_deck

ROOT = Path(__file__).parents[3]
DATA = ROOT / "tests" / "data" / "articles"
ARTICLES = [
    (ROOT / "resources" / "articles" / "llm_basics_ja.txt", DATA / "llm_basics_ja.gold.toml"),
    (DATA / "database_basics_ja.md", DATA / "database_basics_ja.gold.toml"),
    (DATA / "networking_basics_en.md", DATA / "networking_basics_en.gold.toml"),
]


@pytest.mark.parametrize(("article", "gold"), ARTICLES, ids=lambda p: p.stem)
def test_recall_and_precision(article: Path, gold: Path) -> None:
    quality = score_deck(generate_deck(read_article(article)), load_gold(gold))
    assert quality.recall >= 0.85, quality.missing
    assert quality.precision >= 0.85, quality.wrong
    assert quality.junk <= max(2, quality.cards // 5)
