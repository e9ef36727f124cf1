"""Text readers stay linear on hostile input (issue 16), and give the results they always gave.

Speed is measured by ``benchmarks/bench_hostile.py``. These tests take inputs on which the old
code took more than a minute (measured: cubic cloze parsing, quadratic ``html_to_text``, nh3's
quadratic ``&``, the generator re-reading a sentence for every bracket) and give them a bound
no linear implementation can miss, even on a loaded machine. The equivalence tests compare the
hand-written scanners with the regular expressions they replaced.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable

import nh3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashcards.core.deckfile import CLOZE_RE, cloze_numbers, iter_clozes
from flashcards.core.exchange.common import html_to_text
from flashcards.core.generate import decode_article, generate_deck
from flashcards.core.render import render
from flashcards.core.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, sanitize_html

BOUND_S = 5.0  # the old code took over 60 s on every input below

# The regular expressions the scanners replaced (the reference for "same results").
OLD_CLOZE_RE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
_OLD_SCRIPT_RE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_OLD_TAG_RE = re.compile(r"<[^>]*>")
_BR_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BLOCK_END_RE = re.compile(r"</(?:div|p|li|h[1-6]|tr)\s*>", re.IGNORECASE)
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#x27;", "'"), ("&nbsp;", " "))


def old_html_to_text(value: str) -> str:
    """``html_to_text`` as it was before issue 16 (regex substitutions)."""
    text = value
    blocks = False
    if "<br>" in text:
        text = text.replace("<br>", "\n")
    if "<" in text:
        text = _OLD_SCRIPT_RE.sub("", text)
        text = _BR_RE.sub("\n", text)
        blocks = _BLOCK_END_RE.search(text) is not None
        if blocks:
            text = _BLOCK_END_RE.sub("\n", text)
        text = _OLD_TAG_RE.sub("", text)
    if "&" in text:
        for entity, char in _ENTITIES:
            text = text.replace(entity, char)
        if text.count("&") == text.count("&amp;"):
            text = text.replace("&amp;", "&")
        else:
            text = html.unescape(text)
        text = text.replace("\xa0", " ")
    return text.rstrip("\n") if blocks else text


def nh3_clean(fragment: str) -> str:
    """What ``sanitize_html`` gave before issue 16: nh3 on every fragment."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(),
        strip_comments=True,
        link_rel=None,
    )


def seconds(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def _tuples(pattern: re.Pattern[str], text: str) -> list[tuple[int, int, str, str, str | None]]:
    return [(m.start(), m.end(), *m.group(1, 2, 3)) for m in pattern.finditer(text)]


CLOZE_BITS = ["{{c1::", "{{c2::", "{{c", "}}", "}", "::", ":", "{", "1", "a", "\n", "１"]
HTML_BITS = [
    "<", ">", "/", "script", "style", "SCRIPT", "<script>", "</script>", "</style >", "<style",
    "<br>", "<br/>", "</div>", "</p >", "&amp;", "&lt;", "&", "a", " ", "\n", "x", "b", "B", "r",
    "R", "<b>", "</b>", "<BR>", "<bR />", "<Br", "</DIV>", "</Li\t>", "<p>",
]  # fmt: skip
CARD_BITS = [
    "a", "&", "<", ">", '"', "'", "{{c1::", "{{c2::", "}}", "::", "\n", "\r", "\x00", "\xa0",
    "\ufeff", "<b>", "&amp;", "あ", " ",
]  # fmt: skip


def _joined(bits: list[str], size: int = 16) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(bits), max_size=size).map("".join)


# --- cloze parsing ---------------------------------------------------------------------------


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_joined(CLOZE_BITS))
def test_cloze_scanner_finds_what_the_old_regex_found(text: str) -> None:
    old = _tuples(OLD_CLOZE_RE, text)
    assert _tuples(CLOZE_RE, text) == old
    assert [(c.start, c.end, c.number, c.content, c.hint) for c in iter_clozes(text)] == [
        (a, b, int(n), content, hint) for a, b, n, content, hint in old
    ]
    assert cloze_numbers(text) == sorted({int(m[2]) for m in old if int(m[2]) > 0})


@pytest.mark.parametrize(
    "text",
    [
        "{{c1::" * 4000,  # render took 38 s at 4,000 characters, cubic
        "{{c1::{{c2::" * 2000,
        "{{c1::a::" * 2700,
        "{{c1::" + "a::" * 8000 + "}}",
    ],
    ids=["unclosed", "nested", "colons", "long hint"],
)
def test_cloze_parsing_is_linear(text: str) -> None:
    text = text * 10  # 240 kB: hours for the old code
    assert seconds(lambda: (render("cloze", 0, text, "x"), cloze_numbers(text))) < BOUND_S


def test_cloze_number_too_long_for_int_is_text() -> None:
    text = "{{c" + "9" * 5000 + "::a}} {{c2::b}}"
    assert cloze_numbers(text) == [2]
    assert render("cloze", 1, text, "").question.endswith("::a}} [...]")


# --- html_to_text ----------------------------------------------------------------------------


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_joined(HTML_BITS))
def test_html_to_text_gives_what_it_gave(value: str) -> None:
    assert html_to_text(value) == old_html_to_text(value)


@pytest.mark.parametrize("unit", ["<script", "<style a", "<", "<script>x", "<br "])
def test_html_to_text_is_linear(unit: str) -> None:
    value = unit * (1_000_000 // len(unit))  # 1 MB; '<script' at 280 kB took 152 s
    assert seconds(lambda: html_to_text(value)) < BOUND_S


# --- sanitize_html ---------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_joined(CARD_BITS, 12), _joined(CARD_BITS, 4), st.integers(0, 1))
def test_sanitized_card_faces_are_what_nh3_gives(front: str, back: str, ord_: int) -> None:
    for kind in ("cloze", "basic"):
        faces = render(kind, ord_, front, back)
        for face in (faces.question_html, faces.answer_html):
            assert sanitize_html(face) == nh3_clean(face)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_joined(HTML_BITS + CARD_BITS + ['<b class="cloze">', "</b>", "<i>"], 12))
def test_sanitize_html_of_any_small_fragment_is_what_nh3_gives(fragment: str) -> None:
    assert sanitize_html(fragment) == nh3_clean(fragment)


@pytest.mark.parametrize("unit", ["&", "<div>", "&amp;x", "{{c1::&}}"])
def test_showing_a_hostile_card_is_linear(unit: str) -> None:
    field = unit * (1_000_000 // len(unit))  # nh3 took ~20 s on a 1 MB field of '&'

    def show() -> None:
        faces = render("cloze", 0, field, field)
        sanitize_html(faces.question_html)
        sanitize_html(faces.answer_html)

    assert seconds(show) < BOUND_S


def test_huge_raw_html_is_escaped_not_parsed() -> None:
    fragment = "<div>" * 100_000  # deep nesting: minutes in html5ever
    assert sanitize_html(fragment) == html.escape(fragment)
    assert sanitize_html("&" * 20_000) == html.escape("&" * 20_000)


# --- the generator ---------------------------------------------------------------------------


def _generate(text: str, lang: str = "auto") -> float:
    article = decode_article(text.encode(), "hostile.md")
    return seconds(lambda: generate_deck(article, deck_name="Hostile", lang=lang))


@pytest.mark.parametrize(
    ("unit", "size"),
    [
        ("あ（い）", 20_000),  # > 120 s: a prefix re-read for every bracket
        ("Xは、Yと呼ばれ", 20_000),  # > 120 s
        ("\nあ", 32_000),  # 75 s: the run of item lines rescanned from every line
        ("「X」とは", 125_000),  # 46 s in the issue
    ],
)
def test_generator_on_repeated_shapes(unit: str, size: int) -> None:
    text = "日本語の記事です。\n\n" + unit * (size // len(unit.encode()))
    assert _generate(text) < BOUND_S


def test_generator_on_varied_long_sentences() -> None:
    # 480-character sentences full of とは: every one different, so nothing is cached; the old
    # code took 57 s on 64 kB (it read the sentence again for every とは).
    sentences = [f"{i}" + "「X」とは" * 80 + "。" for i in range(45)]  # 32 kB
    assert _generate("".join(sentences), "ja") < BOUND_S


def test_generator_scales_linearly_with_distinct_terms() -> None:
    def article(count: int) -> str:
        return "".join(f"People use the so-called W{i}x for work. " for i in range(count))

    small = min(_generate(article(400)) for _ in range(2))
    large = min(_generate(article(1600)) for _ in range(2))
    # Four times the terms: about four times the time (the old code: over twelve times).
    assert large < 8 * max(small, 0.05)
