"""The word lists: data files read once each, no duplicates, one chatty test per language."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest

from flashcards.core.generate.backs import is_chatty
from flashcards.core.generate.lexicon import alternation, load_list
from flashcards.core.generate.textutil import fold

DATA = Path(str(files("flashcards.core.generate").joinpath("data")))
PACKAGE = DATA.parent
NAMES = sorted(p.stem for p in DATA.glob("*.txt"))


@pytest.mark.parametrize("name", NAMES)
def test_every_list_is_read_and_has_no_duplicate(name: str) -> None:
    entries = load_list(name)
    assert entries, name
    folded = [fold(e) for e in entries]
    assert len(folded) == len(set(folded)) or name.endswith("_ja"), name  # ｗ and w fold alike
    calls = (f'load_words("{name}")', f'load_list("{name}")', f'load_pairs("{name}")')
    readers = [
        p.name
        for p in PACKAGE.glob("*.py")
        for call in calls
        if call in p.read_text(encoding="utf-8")
    ]
    assert len(readers) == 1, (name, readers)  # defined once


def test_alternation_prefers_the_longer_word() -> None:
    import re

    assert re.match(alternation(["一方", "一方で"]), "一方で").group(0) == "一方で"  # type: ignore[union-attr]
    assert re.fullmatch(alternation(["a.b"]), "axb") is None


@pytest.mark.parametrize(
    ("text", "lang", "chatty"),
    [
        ("私はこの本が好きだと思います。", "ja", True),
        ("今日はここまでかな。", "ja", True),
        ("面白かったｗ", "ja", True),
        ("このモデルはTensorFlow", "ja", False),
        ("焼肉は牛肉や豚肉を焼いて食べる料理です。", "ja", False),
        ("テストは学んだことを確かめる手段です。", "ja", False),
        ("I think this is neat, lol.", "en", True),
        ("My notes on the topic.", "en", True),
        ("A cache, i.e. a fast store, keeps recent data.", "en", False),
        ("Coffee is a drink made from roasted beans.", "en", False),
    ],
)
def test_one_chatty_test_per_language(text: str, lang: str, chatty: bool) -> None:
    assert is_chatty(text, lang) is chatty
