"""Keep the interface's translations current: ``.ts`` from the code, ``.qm`` from the ``.ts``.

Usage (from the repository root, in the venv)::

    python tools/i18n.py            # update resources/translations/*.ts, then build the .qm
    python tools/i18n.py --qm-only  # only build the .qm (after editing a .ts by hand)

``pyside6-lupdate`` scans ``flashcards/gui`` for ``self.tr(...)``, ``translate(...)`` and
``mark(...)`` (see :mod:`flashcards.gui.i18n`) and merges the messages into each
``flashcards_<lang>.ts``: new ones come in unfinished, vanished ones are dropped, translations
are kept. Translate the unfinished ones (Qt Linguist, or any editor: fill ``<translation>`` and
drop ``type="unfinished"``), then run the script again to build the ``.qm``. Commit both;
``tests/gui/test_i18n.py`` fails when either is not current or a message is not translated.

The ``.ts`` files carry no source locations (``-locations none``): moving code does not
change them, only changing its strings does.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "flashcards" / "gui"
TRANSLATIONS = ROOT / "resources" / "translations"
LANGUAGES = ("ja",)
#: lupdate's options: Python sources, no line numbers, no obsolete messages, ``mark`` as
#: ``QT_TRANSLATE_NOOP``.
LUPDATE_OPTIONS = (
    "-extensions", "py",
    "-locations", "none",
    "-no-obsolete",
    "-tr-function-alias", "QT_TRANSLATE_NOOP+=mark",
)  # fmt: skip


def qt_tool(name: str) -> str:
    """The path of ``lupdate`` or ``lrelease``: PySide6's own, else ``pyside6-<name>``."""
    import PySide6

    bundled = Path(PySide6.__file__).parent / name
    for candidate in (bundled, bundled.with_suffix(".exe")):
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(f"pyside6-{name}")
    if found is None:
        raise SystemExit(f"{name} not found: install PySide6 (pip install -e .)")
    return found


def ts_file(language: str, folder: Path = TRANSLATIONS) -> Path:
    """The ``.ts`` source of ``language``."""
    return folder / f"flashcards_{language}.ts"


def run_lupdate(ts: Path, sources: Path = SOURCES) -> None:
    """Merge the messages of ``sources`` into ``ts`` (created if missing)."""
    subprocess.run(
        [qt_tool("lupdate"), *LUPDATE_OPTIONS, "-silent", str(sources), "-ts", str(ts)],
        check=True,
        cwd=ROOT,
    )


def run_lrelease(ts: Path) -> Path:
    """Build the ``.qm`` beside ``ts``; returns it."""
    qm = ts.with_suffix(".qm")
    subprocess.run([qt_tool("lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)
    return qm


def main(argv: list[str] | None = None) -> int:
    """Update the ``.ts`` files (unless ``--qm-only``) and build the ``.qm`` files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qm-only", action="store_true", help="only build the .qm files")
    args = parser.parse_args(argv)
    TRANSLATIONS.mkdir(parents=True, exist_ok=True)
    for language in LANGUAGES:
        ts = ts_file(language)
        if not args.qm_only:
            run_lupdate(ts)
        qm = run_lrelease(ts)
        print(f"{ts.relative_to(ROOT)} -> {qm.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
