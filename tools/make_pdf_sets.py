"""Render the evaluation sets' PDF articles from the sources kept beside them.

Each ``NAME.pdf.src.html`` (or ``.pdf.src.md``, ``.pdf.src.txt``) in a set folder becomes
``NAME.pdf`` with a real text layer, through `tools.make_pdf.make_pdf`. A source may name a
running header in ``<meta name="pdf-header" content="...">``.

Usage: ``python -m tools.make_pdf_sets [SET ...]`` (default: every set in
``tests/data/evaluation.py``).
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from pathlib import Path

from tests.data.evaluation import DATA, SETS
from tools.make_pdf import make_pdf

_HEADER = re.compile(r'<meta\s+name="pdf-header"\s+content="([^"]*)"', re.IGNORECASE)


def sources(folder: Path) -> list[Path]:
    """The PDF sources in a set folder."""
    return sorted(p for p in folder.glob("*.pdf.src.*") if p.is_file())


def target(source: Path) -> Path:
    """``NAME.pdf.src.EXT`` -> ``NAME.pdf``."""
    return source.with_name(source.name.split(".pdf.src.", 1)[0] + ".pdf")


def render(source: Path) -> Path:
    """Render one source to its PDF; returns the PDF's path."""
    text = source.read_text(encoding="utf-8")
    match = _HEADER.search(text)
    header = html.unescape(match.group(1)) if match else ""
    out = target(source)
    make_pdf(text, out, header=header)
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line: render the PDFs of the named sets (all by default)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("sets", nargs="*", default=list(SETS), help="set folders to render")
    args = parser.parse_args(argv)
    for name in args.sets:
        for source in sources(DATA / name):
            out = render(source)
            print(f"{out.relative_to(DATA)}  <-  {source.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
