"""The package list in pyproject.toml names every package on disk (a new one is not lost)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_on_disk_is_installed() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "flashcards").rglob("__init__.py")
    }
    mapped = set(config["tool"]["setuptools"]["package-dir"])
    assert on_disk | mapped == listed
    for package, folder in config["tool"]["setuptools"]["package-dir"].items():
        assert (ROOT / folder / "__init__.py").is_file(), package
