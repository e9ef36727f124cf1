"""Quality thresholds: recall and precision against the gold lists, on every article."""

from __future__ import annotations

from pathlib import Path

import pytest

from flashcards.core.generate import generate_deck, load_article
from tests.data.evaluation import articles
from tools.quality import load_gold, score_deck

#: The fifteen tuned articles (the seed among them): each must reach the targets.
TUNED = [(article, gold) for article, gold, _label in articles(("articles", "blind", "blind_test"))]
#: The development set in real formats (issue 10): a floor under its macro figures.
DEV = [(article, gold) for article, gold, _label in articles(("dev",))]


def test_every_development_article_is_scored() -> None:
    assert len(TUNED) == 15
    assert len(DEV) == 25
    assert {p.suffix for p, _ in DEV} == {".html", ".md", ".txt", ".pdf"}


@pytest.mark.parametrize(("article", "gold"), TUNED, ids=lambda p: p.stem)
def test_recall_and_precision(article: Path, gold: Path) -> None:
    quality = score_deck(generate_deck(load_article(article)), load_gold(gold))
    assert quality.recall >= 0.85, quality.missing
    assert quality.precision >= 0.85, quality.wrong
    assert quality.junk <= max(2, quality.cards // 5)


def test_development_set_in_real_formats_does_not_fall_back() -> None:
    # Not the target (0.70 recall on unseen pages): a floor a little under what the dev set
    # measured (recall 0.65 and precision 0.93 when this test was written; 0.89 and 0.97 with
    # PDF tables, terms named then explained and pasted pages' furniture), so a change that
    # loses cards on web pages, notes or PDFs fails here.
    recalls, precisions = [], []
    for article, gold in DEV:
        quality = score_deck(generate_deck(load_article(article)), load_gold(gold))
        recalls.append(quality.recall)
        precisions.append(quality.precision)
    assert sum(recalls) / len(recalls) >= 0.86
    assert sum(precisions) / len(precisions) >= 0.94
