"""Parity of type-in-the-answer with the real Anki library: the comparison and the reviewer step.

``compare_answer`` must give the HTML of Anki's ``col.compare_answer`` for every pair (the
same alignment of correct, wrong and missing characters). The reviewer step (box on the
question, comparison on the answer) is checked against a restatement of what Anki's reviewer
does with Anki's own rendering, comparison and cloze extraction; only the box differs (Anki's
has a key handler script, ours none).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("anki.collection")

from anki.notes import Note  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from flashcards.core.template_render import (  # noqa: E402
    fields_by_name,
    notetype_from_anki,
    render_card,
)
from flashcards.core.type_answer import compare_answer, strip_av_tags  # noqa: E402
from tests.core.test_template_render import Anki  # noqa: E402

PAIRS = [
    ("Paris", "Paris"),
    ("Paris", "paris"),
    ("Paris", ""),
    ("<div>123</div>", "123"),
    ("<b>1</b> &nbsp;2", "1  2"),
    ("[sound:a.mp3]dog [anki:tts lang=en_US]dog[/anki:tts]", "dog"),
    ("line<br>break<br/>and<div>div</div>\n", "line break and div"),
    ("¿Y ahora qué vamos a hacer?", "y ahora qe vamosa hacer"),
    ("source <dir>/bin/activate", "source <dir>/bin/activate"),
    ("a & b \"c\" 'd'", "a & b"),
    ("123", "1123"),
    ("12", "1"),
    ("1", "23"),
    ("нос", "нс"),
    ("쓰다듬다", "스다뜸다"),
    ("שִׁנּוּן", "שנון"),
    ("חוֹף", "חופ"),
    ("食べる", "たべる"),
    ("食べる", "食べる"),
    ("東京", "とうきょう"),
    ("とうきょう", "とおきょう"),
    ("にほんご", "にっぽんご"),
    ("日本語を話します", "日本語をはなします"),
    ("ば", "は"),
    ("が", "か\u3099"),
    ("ｶﾀｶﾅ", "カタカナ"),
    ("ﾊﾟﾝ", "パン"),
    ("café", "cafe\u0301"),
    ("e\u0301\u0301x", "ex"),
    ("\u0301lead", "lead"),
    ("Zürich", "Zurich"),
    ("Ǆ ﬁ", "DŽ fi"),
    ("  spaced  ", "spaced"),
    ("tab\there", "tab here"),
    ("&lt;tag&gt; &amp;amp;", "<tag> &amp;"),
    ("broken & entity", "broken & entity"),
]


@pytest.fixture
def anki(tmp_path: Path) -> Iterator[Anki]:
    helper = Anki(tmp_path)
    yield helper
    helper.col.close()


def test_pairs_as_anki(anki: Anki) -> None:
    for expected, typed in PAIRS:
        for combining in (True, False):
            theirs = anki.col.compare_answer(expected, typed, combining)
            assert compare_answer(expected, typed, combining=combining) == theirs, (
                expected,
                typed,
                combining,
            )


def test_marks_and_escapes() -> None:
    assert compare_answer("<div>123</div>", "") == "<code id=typeans>123</code>"
    assert (
        compare_answer("a<b", "a<b") == "<code id=typeans><span class=typeGood>a&lt;b</span></code>"
    )
    assert compare_answer("12", "1") == (
        "<code id=typeans><span class=typeGood>1</span><span class=typeMissed>-</span>"
        "<br><span id=typearrow>&darr;</span><br>"
        "<span class=typeGood>1</span><span class=typeMissed>2</span></code>"
    )
    assert strip_av_tags("[sound:]x[anki:tts]y[/anki:tts][anki:foo]z[/anki:foo]") == (
        "[sound:]x[anki:foo]z[/anki:foo]"
    )


def test_long_answers_as_anki(anki: Anki) -> None:
    # Long expected answers (200 characters and more) go through the diff quirk of Anki's
    # Rust library: only frequent characters anchor matches.
    text = "The quick brown fox jumps over the lazy dog; 日本語の文章です。" * 6
    for typed in (
        text,
        text.replace("o", "0"),
        text[:150],
        text[::-1],
        "zzz" + text[40:300] + "qqq",
        "The quick brown fox",
        "xylophone " * 30,
    ):
        for combining in (True, False):
            assert compare_answer(text, typed, combining=combining) == anki.col.compare_answer(
                text, typed, combining
            ), typed
    # 'q' occurs len // 100 + 1 times: one time too few to anchor a match.
    for expected in ("qqq" + "ab" * 98 + "c", "qqqq" + "ab" * 98 + "c"):
        for typed in ("qqq" + "ba" * 10, "qqqq", "xqqqx" + "ab" * 50):
            assert compare_answer(expected, typed) == anki.col.compare_answer(expected, typed)


_CHARS = st.sampled_from(
    list("abcdeé日本語のかなカタカナ  .,<>&\"'") + ["e\u0301", "\u3099", "\u05b4", "<br>", "&nbsp;"]
)
answer_text = st.lists(_CHARS, max_size=20).map("".join)


@settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(expected=answer_text, typed=answer_text, combining=st.booleans())
def test_generated_pairs_as_anki(anki: Anki, expected: str, typed: str, combining: bool) -> None:
    theirs = anki.col.compare_answer(expected, typed, combining)
    assert compare_answer(expected, typed, combining=combining) == theirs


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    expected=st.lists(st.sampled_from(list("abcdefgh ijk日本")), min_size=200, max_size=320).map(
        "".join
    ),
    typed=st.lists(st.sampled_from(list("abcdefxyz 日")), max_size=320).map("".join),
)
def test_generated_long_pairs_as_anki(anki: Anki, expected: str, typed: str) -> None:
    assert compare_answer(expected, typed) == anki.col.compare_answer(expected, typed, True)


# The reviewer step
# ----------------------------------------

_MARKER = re.compile(r"\[\[type:(.+?)\]\]")
_OUR_BOX = re.compile(
    r"\n<center>\n<input type=text id=typeans style=\"font-family: '([^']*)'; "
    r"font-size: (\d+)px;\">\n</center>\n"
)
_OUR_WARNINGS = re.compile(
    r"This card has no cloze deletion to type; the Empty Cards tool removes it\."
    r"|The type-answer box names no field of this note type: \S+"
)


def reviewer(anki: Anki, card: Any, typed: str) -> tuple[str, str]:
    """What Anki's reviewer shows for ``card``: its type-answer step on Anki's own rendering.

    The box is written as ``[BOX font size]`` and the warnings as ``[WARNING]``, the parts that
    are Anki's own markup and wording.
    """
    question, answer = card.question(), card.answer()
    note, model = card.note(), card.note_type()
    match = _MARKER.search(question)
    if match is None:
        return question, _MARKER.sub("", answer)
    name, cloze_number, combining = match.group(1), None, True
    if name.startswith("cloze:"):
        cloze_number, name = card.ord + 1, name.split(":")[1]
    if name.startswith("nc:"):
        combining, name = False, name.split(":")[1]
    expected, font, size = None, "", 0
    for field in model["flds"]:
        if field["name"] == name:
            expected = note[name]
            if cloze_number:
                expected = anki.col.extract_cloze_for_typing(expected, cloze_number) or None
            font, size = field["font"], field["size"]
            break
    if not expected:
        shown = "[WARNING]" if expected is None else ""
        return _MARKER.sub(lambda _: shown, question), _MARKER.sub("", answer)
    question = _MARKER.sub(lambda _: f"[BOX {font} {size}]", question)
    without_hr = answer.replace("<hr id=answer>", "")
    had_hr = without_hr != answer
    if had_hr and not _MARKER.search(without_hr):
        return question, answer
    output = anki.col.compare_answer(expected, typed, combining)
    block = f"\n<div style=\"font-family: '{font}'; font-size: {size}px\">{output}</div>"
    return question, _MARKER.sub(lambda _: ("<hr id=answer>" if had_hr else "") + block, without_hr)


def assert_reviewer_parity(anki: Anki, note: Note, typed: str | None) -> None:
    spec = notetype_from_anki(note.note_type() or {})
    for card in note.cards():
        ours = render_card(
            spec,
            fields_by_name(spec, note.fields),
            card.ord,
            tags=note.tags,
            deck=anki.col.decks.name(card.did),
            card_id=card.id,
            typed=typed,
        )
        question, answer = reviewer(anki, card, typed or "")
        our_question = _OUR_BOX.sub(
            lambda m: f"[BOX {m.group(1)} {m.group(2)}]", ours.question_html
        )
        our_question = _OUR_WARNINGS.sub("[WARNING]", our_question)
        style = f"<style>{ours.css}</style>"
        assert anki.anki_normalised(question) == style + our_question, (card.ord, typed)
        assert anki.anki_normalised(answer) == style + ours.answer_html, (card.ord, typed)
        assert (ours.type_box is not None) == ("[BOX " in question)


def test_basic_type_in_the_answer(anki: Anki) -> None:
    model = anki.col.models.by_name("Basic (type in the answer)")
    assert model is not None
    model["flds"][1]["font"], model["flds"][1]["size"] = "Noto Serif JP", 32
    anki.col.models.update_dict(model)
    note = anki.note(model, ["首都は？", "<b>東京</b>[sound:tokyo.mp3]"])
    for typed in (None, "", "東京", "京都", "とうきょう", " 東京 "):
        assert_reviewer_parity(anki, note, typed)
    assert_reviewer_parity(anki, anki.note(model, ["empty back", ""]), "x")
    rendered = render_card(
        notetype_from_anki(model), {"Front": "q", "Back": "Paris"}, 0, typed="Pari"
    )
    assert rendered.type_box is not None and rendered.type_box.expected == "Paris"
    assert "<script" not in rendered.question_html and "onkeypress" not in rendered.question_html
    assert "<span class=typeMissed>-</span>" in rendered.answer_html


def test_front_side_moves_the_answer_line(anki: Anki) -> None:
    model = anki.notetype(
        "Typed with FrontSide",
        ["Front", "Back", "Accent"],
        [
            ("Card 1", "{{Front}} {{type:Back}}", "{{FrontSide}}<hr id=answer>{{Back}}"),
            ("Card 2", "{{Front}} {{type:nc:Accent}}", "{{FrontSide}}<hr id=answer>"),
            ("Card 3", "{{Back}} {{type:Tags}} {{type:Front}}", "{{type:Front}} {{Front}}"),
            ("Card 4", "{{type:Front}}", "{{Back}}<hr id=answer>{{Front}}"),
        ],
        checked=False,
    )
    note = anki.note(model, ["question", "answer", "élève"])
    for typed in ("answer", "anser", "eleve", ""):
        assert_reviewer_parity(anki, note, typed)


def test_type_cloze(anki: Anki) -> None:
    model = anki.notetype(
        "Typed cloze",
        ["Text", "Extra"],
        [
            (
                "Cloze",
                "{{cloze:Text}}{{type:cloze:Text}}",
                "{{cloze:Text}}<hr id=answer>{{type:cloze:Text}}",
            )
        ],
        cloze=True,
    )
    note = anki.note(
        model, ["{{c1::Tokyo}} and {{c1::Tokyo}}; {{c2::Osaka}}, {{c2::Kyoto::city}}", "{{c3::x}}"]
    )
    for typed in ("Tokyo", "Osaka, Kyoto", "Osaka", ""):
        assert_reviewer_parity(anki, note, typed)
