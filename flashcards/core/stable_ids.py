"""Stable ids: the same number for the same name in every export and every installation."""

from __future__ import annotations

import hashlib


def stable_id(key: str) -> int:
    """A stable positive 52-bit id (safe in JavaScript numbers) derived from ``key``."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return (1 << 40) + int.from_bytes(digest[:8], "big") % ((1 << 52) - (1 << 40))
