"""Hostile text at the size caps: every reader of user text must finish within 10 s.

Fields (1 MB, the largest field assumed) go through the functions that read them: ``render``
of a cloze card and ``sanitize_html`` of both faces (what the review screen shows),
``html_to_text`` (every imported Anki field) and ``cloze_numbers`` (every import and edit).
Articles (256 KiB, ``MAX_ARTICLE_BYTES``) go through ``read_article`` and ``generate_deck``, as
``flashcards generate`` does. The figure is wall time at the cap; each shape is also timed at a
tenth of the size, and the ratio of CPU times shows the scaling (about 10 for linear work, 100
for quadratic; "-" when the small input takes under 5 ms).

``run()`` returns ``(name, figure, target)`` rows; ``python benchmarks/bench_hostile.py`` prints
them (``--quick`` times a tenth of each size and leaves out the slow generator rows).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flashcards.core.deckfile import cloze_numbers  # noqa: E402
from flashcards.core.exchange.common import html_to_text  # noqa: E402
from flashcards.core.generate import MAX_ARTICLE_BYTES  # noqa: E402
from flashcards.core.render import render  # noqa: E402
from flashcards.core.sanitize import sanitize_html  # noqa: E402

FIELD_BYTES = 1_000_000
TARGET_S = 10.0
KATAKANA = "アイウエオカキクケコサシスセソタチツテト"
LATIN = "abcdefghijklmnopqrst"
JA_LEAD = "日本語の記事です。\n\n"  # so that language detection says Japanese


def _repeat(unit: str, size: int) -> str:
    """``unit`` repeated to ``size`` UTF-8 bytes (cut at a character boundary)."""
    count = size // len(unit.encode()) + 1
    return (unit * count).encode()[:size].decode("utf-8", "ignore")


def _numbered(template: str, size: int, lead: str = "") -> str:
    """``template`` repeated with ``{k}`` / ``{l}`` numbered (katakana / Latin): no repeats."""

    def code(i: int, alphabet: str) -> str:
        out = ""
        while True:
            out = alphabet[i % 20] + out
            i //= 20
            if not i:
                return out

    parts = [lead]
    total = len(lead.encode())
    i = 0
    while total < size:
        part = template.replace("{k}", code(i, KATAKANA))
        part = part.replace("{l}", code(i, LATIN).capitalize()).replace("{n}", str(i))
        parts.append(part)
        total += len(part.encode())
        i += 1
    return "".join(parts).encode()[:size].decode("utf-8", "ignore")


def _prose(size: int) -> str:
    """Ordinary articles (the seed and two test articles) repeated, every sentence varied."""
    texts = [
        (ROOT / "resources/articles/llm_basics_ja.txt").read_text(encoding="utf-8"),
        (ROOT / "tests/data/articles/database_basics_ja.md").read_text(encoding="utf-8"),
        (ROOT / "tests/data/articles/networking_basics_en.md").read_text(encoding="utf-8"),
    ]
    parts: list[str] = []
    total = 0
    i = 0
    while total < size:
        text = texts[i % 3].replace("。", f"(第{i}版)。").replace(". ", f" (v{i}). ")
        parts.append(text)
        total += len(text.encode()) + 2
        i += 1
    return "\n\n".join(parts).encode()[:size].decode("utf-8", "ignore")


# (name, text of the given size in bytes)
FIELDS: list[tuple[str, Callable[[int], str]]] = [
    ("'{{c1::' unclosed", lambda n: _repeat("{{c1::", n)),
    ("'{{c1::{{c2::' nested", lambda n: _repeat("{{c1::{{c2::", n)),
    ("'{{c1::a::' unclosed", lambda n: _repeat("{{c1::a::", n)),
    ("'{{c1::' then '::'", lambda n: "{{c1::" + _repeat("::", n - 6)),
    ("one cloze, hint of '::'", lambda n: "{{c1::" + _repeat("a::", n - 8) + "}}"),
    ("'{{c1::x}}' many", lambda n: _repeat("{{c1::x}}", n)),
    ("'{{c' + digits + '::x}}'", lambda n: "{{c" + _repeat("1", n - 8) + "::x}}"),
    ("'<script' unclosed", lambda n: _repeat("<script", n)),
    ("'<style a' unclosed", lambda n: _repeat("<style a", n)),
    ("'<script>x</script>' many", lambda n: _repeat("<script>x</script>", n)),
    ("'<' only", lambda n: _repeat("<", n)),
    ("'<br ' unclosed", lambda n: _repeat("<br ", n)),
    ("'<div>' nested", lambda n: _repeat("<div>", n)),
    ("'&' only", lambda n: _repeat("&", n)),
    ("'&amp;x' entities", lambda n: _repeat("&amp;x", n)),
    ("newlines", lambda n: _repeat("\n", n)),
]

# (name, article text of the given size in bytes)
ARTICLES: list[tuple[str, Callable[[int], str]]] = [
    ("'「' only", lambda n: JA_LEAD + _repeat("「", n - 40)),
    ("'（' only", lambda n: JA_LEAD + _repeat("（", n - 40)),
    ("'「X」とは' one line", lambda n: JA_LEAD + _repeat("「X」とは", n - 40)),
    ("'「X」とは。' repeated", lambda n: JA_LEAD + _repeat("「X」とは。", n - 40)),
    ("'（あ）' lines, no 。", lambda n: JA_LEAD + _repeat("あ（い）語（ですね）\n", n - 40)),
    ("long line without 。", lambda n: JA_LEAD + _repeat("これは長い文で", n - 40)),
    ("one katakana token", lambda n: JA_LEAD + _repeat("ア", n - 40)),
    ("one Latin token", lambda n: _repeat("a", n)),
    ("short lines 'あ'", lambda n: JA_LEAD + _repeat("\nあ", n - 40)),
    ("'[' unclosed links", lambda n: _repeat("[", n)),
    ("'# ' heading of hashes", lambda n: "# " + _repeat("# ", n - 2)),
    ("'A. ' initials", lambda n: _repeat("A. ", n)),
    ("'e.g. A ' abbreviations", lambda n: _repeat("e.g. A ", n)),
    ("'、' joined lines", lambda n: JA_LEAD + _repeat("あ、\n", n - 40)),
    # Every sentence different: nothing can be reused, the tokenizer reads all of it.
    (
        "varied: 480-char sentences of '（あ）'",
        lambda n: _numbered("{n}" + "あ（い）" * 118 + "。", n),
    ),
    (
        "varied: distinct terms 「X」とは…",
        lambda n: _numbered("「用語{k}」とは、言葉のことです。", n),
    ),
    ("varied: distinct 'so-called X'", lambda n: _numbered("People use the so-called {l}. ", n)),
    ("ordinary articles, repeated and varied", _prose),
]
_SLOW = {"varied", "ordinary"}  # rows left out by --quick


def _timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall, CPU) seconds of ``fn()``; the scaling is read from CPU time, which other jobs on
    the machine disturb less."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def _show_card(text: str) -> None:
    faces = render("cloze", 0, text, "")
    sanitize_html(faces.question_html)
    sanitize_html(faces.answer_html)


# Each article is generated in a fresh process (the tokenizer loaded before timing), so no row
# inherits another's caches or heap.
_CHILD = """
import sys, time
from pathlib import Path
from flashcards.core.generate import generate_deck, read_article
from flashcards.core.generate.tokens import tokenize
tokenize("あ")
wall, cpu = time.perf_counter(), time.process_time()
generate_deck(read_article(Path(sys.argv[1])))
print(time.perf_counter() - wall, time.process_time() - cpu)
"""


def _generate_seconds(text: str, folder: Path) -> tuple[float, float]:
    """(wall, CPU) seconds to read the article file and generate its deck, as the CLI does."""
    path = folder / "article.md"
    path.write_text(text, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout.split()
    return float(out[0]), float(out[1])


def _figure(big: tuple[float, float], small: tuple[float, float]) -> str:
    wall, cpu = big
    scaling = f"x{cpu / small[1]:.0f}" if small[1] >= 0.005 else "-"
    verdict = "" if wall <= TARGET_S else ", MISSED"
    return f"{wall:.2f} s (10x size: {scaling}){verdict}"


def run(quick: bool = False) -> list[tuple[str, str, str]]:
    """Time every shape; return ``(name, figure, target)`` rows."""
    scale = 10 if quick else 1
    field_size = FIELD_BYTES // scale
    rows: list[tuple[str, str, str]] = []
    readers: list[tuple[str, Callable[[str], object]]] = [
        ("render + sanitize", _show_card),
        ("html_to_text", html_to_text),
        ("cloze_numbers", cloze_numbers),
    ]
    for reader, fn in readers:
        for name, make in FIELDS:
            big, small = make(field_size), make(field_size // 10)

            small_s = _timed(lambda: fn(small))  # noqa: B023 (called at once)
            big_s = _timed(lambda: fn(big))  # noqa: B023
            label = f"{reader}: {name}, {field_size // 1000} kB"
            rows.append((label, _figure(big_s, small_s), f"<= {TARGET_S:.0f} s"))
    article_size = MAX_ARTICLE_BYTES // scale
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, make in ARTICLES:
            if quick and name.split(":")[0].split()[0] in _SLOW:
                continue
            small_s = _generate_seconds(make(article_size // 10), folder)
            big_s = _generate_seconds(make(article_size), folder)
            label = f"generate: {name}, {article_size // 1024} KiB"
            rows.append((label, _figure(big_s, small_s), f"<= {TARGET_S:.0f} s"))
    return rows


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import print_rows

    print_rows(run(quick="--quick" in sys.argv[1:]))
