"""The benchmark command: prints every figure the issues name, as one table.

Usage: ``python benchmarks/run.py [core|generate|read|exchange|startup|stats|optimize|sync ...]``
(default: all).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

SUITES = [
    "core",
    "startup",
    "generate",
    "read",
    "exchange",
    "anki_import",
    "stats",
    "gui",
    "hostile",
    "optimize",
    "sync",
]


def print_rows(rows: list[tuple[str, str, str]]) -> None:
    """Print (measure, figure, target) rows as a Markdown table."""
    width = max((len(r[0]) for r in rows), default=10)
    print(f"| {'measure':<{width}} | {'figure':>12} | target |")
    print(f"|{'-' * (width + 2)}|{'-' * 14}|--------|")
    for measure, figure, target in rows:
        print(f"| {measure:<{width}} | {figure:>12} | {target} |")


def main(argv: list[str]) -> int:
    chosen = argv or SUITES
    rows: list[tuple[str, str, str]] = []
    for name in chosen:
        try:
            module = importlib.import_module(f"bench_{name}")
        except ModuleNotFoundError:
            print(f"(no benchmark for {name!r})", file=sys.stderr)
            continue
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows += [(f"[{name}] {a}", b, c) for a, b, c in module.run()]
    print_rows(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
