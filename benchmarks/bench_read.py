"""Benchmark of reading articles: a ~200 kB web page, a 20-page PDF, a page from a local server.

``run()`` returns ``(name, figure, target)`` rows for the project's benchmark command;
``python benchmarks/bench_read.py`` prints them as a table. The import figures are of a fresh
interpreter: what generating from a page or a PDF pays once, and what a text file does not.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

_IMPORT = """
import sys, time
t0 = time.perf_counter()
import {module}
print(time.perf_counter() - t0)
"""


def _import_seconds(module: str) -> float:
    runs = []
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", _IMPORT.format(module=module)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
        runs.append(float(out))
    return min(runs)


def big_page() -> str:
    """About 200 kB of HTML: a long article with headings, lists, a table, nav and comments."""
    nav = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(40))
    sections = []
    i = 0
    while sum(len(s) for s in sections) < 185_000:
        sections.append(
            f"<h2>Topic {i}</h2>"
            f"<p>Term{i} is the name of concept number {i}, which explains how the parts of "
            f"system {i} work together. It is used in <strong>practice</strong> every day, and "
            f'<a href="/ref/{i}">the reference</a> says more about it.</p>'
            f"<ul><li>Part a{i} holds the data.</li><li>Part b{i} moves it.</li></ul>"
            f"<p>A second paragraph of topic {i} repeats nothing from the first one: it says "
            f"that measure {i * 7} matters when the load grows past {i * 3} requests.</p>"
            + (
                f"<table><tr><th>Term</th><th>Meaning</th></tr><tr><td>Unit{i}</td>"
                f"<td>The amount of work number {i}.</td></tr></table>"
                if i % 10 == 0
                else ""
            )
        )
        i += 1
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>A long article | Site</title>"
        "<script>var analytics = {};</script></head><body>"
        f"<header><nav><ul>{nav}</ul></nav></header><main><article><h1>A long article</h1>"
        + "".join(sections)
        + "</article><section class='comments'><h2>2 comments</h2><p>Great post!</p></section>"
        "</main><footer>© 2025 Site</footer></body></html>"
    )


def twenty_page_pdf(path: Path) -> int:
    from tools.make_pdf import make_pdf

    paragraph = (
        "Photosynthesis is the process by which green plants use sunlight to turn carbon "
        "dioxide and water into sugar, releasing oxygen as a by-product. "
    )
    html = "<h1>Plant biology</h1>" + "".join(
        f"<h2>Section {i}</h2><p>{paragraph * 4} (Part {i}.)</p>"
        "<ul><li>Stomata are tiny pores on a leaf.</li><li>Xylem carries water.</li></ul>"
        "<p>光合成とは、植物が光のエネルギーを使って二酸化炭素と水から糖を作る働きのことです。"
        f"第{i}節。</p>"
        for i in range(1, 58)
    )
    return make_pdf(html, path, header="BIO 112 Plant biology")


def _best(function: object, repeat: int = 3) -> float:
    assert callable(function)
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        runs.append(time.perf_counter() - start)
    return min(runs)


def run() -> list[tuple[str, str, str]]:
    """Measure reading and return ``(name, figure, target)`` rows."""
    from flashcards.core.generate import decode_html, decode_pdf, load_article
    from tests.local_site import serve

    rows: list[tuple[str, str, str]] = []
    rows.append(
        ("import trafilatura, fresh process", f"{_import_seconds('trafilatura'):.2f} s", "lazy")
    )
    rows.append(("import pypdf, fresh process", f"{_import_seconds('pypdf'):.2f} s", "lazy"))
    rows.append(
        (
            "import flashcards.core.generate, fresh process",
            f"{_import_seconds('flashcards.core.generate'):.2f} s",
            "no extractor",
        )
    )

    page = big_page().encode()
    decode_html(page, "warm.html")  # the extractor's data files are loaded once
    seconds = _best(lambda: decode_html(page, "big.html"))
    rows.append((f"extract a {len(page) // 1000} kB web page", f"{seconds:.2f} s", "≤ 2 s"))

    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "twenty.pdf"
        pages = twenty_page_pdf(pdf)
        data = pdf.read_bytes()
        seconds = _best(lambda: decode_pdf(data, "twenty.pdf"), repeat=2)
        rows.append((f"read a {pages}-page PDF (Qt-made)", f"{seconds:.2f} s", "≤ 5 s"))
        rows.append(
            (f"  per page ({len(data) // 1000} kB file)", f"{seconds / pages * 1000:.0f} ms", "")
        )
    from tools.make_pdf import plain_pdf

    line = "Line {}: plants turn light into sugar in the leaves of every green plant."
    plain = plain_pdf([[line.format(f"{p}.{i}") for i in range(55)] for p in range(20)])
    seconds = _best(lambda: decode_pdf(plain, "plain.pdf"), repeat=2)
    rows.append(("read a 20-page PDF (a line per text operator)", f"{seconds:.2f} s", "≤ 5 s"))

    with serve() as site:
        url = site.url("/web/blog.html")
        load_article(url)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            load_article(url)
            times.append(time.perf_counter() - start)
        median = statistics.median(times) * 1000
        rows.append(("fetch + extract a page from 127.0.0.1", f"{median:.0f} ms", ""))
    return rows


if __name__ == "__main__":
    from run import print_rows

    print_rows(run())
