"""Quality thresholds: recall and precision against the gold lists, on every article."""

from __future__ import annotations

from pathlib import Path

import pytest

from flashcards.core.generate import generate_deck, read_article
from tests.data.evaluation import DEVELOPMENT, articles
from tools.quality import load_gold, score_deck

ARTICLES = [(article, gold) for article, gold, _label in articles(DEVELOPMENT)]


def test_every_development_article_is_scored() -> None:
    assert len(ARTICLES) == 15


@pytest.mark.parametrize(("article", "gold"), ARTICLES, ids=lambda p: p.stem)
def test_recall_and_precision(article: Path, gold: Path) -> None:
    quality = score_deck(generate_deck(read_article(article)), load_gold(gold))
    assert quality.recall >= 0.85, quality.missing
    assert quality.precision >= 0.85, quality.wrong
    assert quality.junk <= max(2, quality.cards // 5)
