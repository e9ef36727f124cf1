"""Reading an article: bytes -> text, with encoding detection and one-sentence errors."""

from __future__ import annotations

import codecs
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from flashcards.core.errors import InputError

MAX_ARTICLE_BYTES = 256 * 1024
"""Articles larger than this (256 KiB) are refused: generation is meant for one article at a
time, and the tokenizer's cost (about 30 µs a byte when no two sentences are alike) keeps the
largest article within 10 s. A long article is 20-100 kB."""

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Legacy Japanese encodings tried (in this order) when the bytes are not UTF-8.
_LEGACY = ("cp932", "euc_jp")
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_TITLE_MAX = 120


@dataclass(frozen=True)
class Article:
    r"""An article ready for generation.

    Attributes:
        text: The decoded text, newlines normalised to ``\n``, otherwise unchanged.
        title: The article's title (its first line or Markdown heading, else the file name).
        path: The file it was read from, if any.
        attribution: Credit and licence for the article, from a ``<name>.source.toml`` file
            next to it (never invented).
    """

    text: str
    title: str
    path: Path | None = None
    attribution: str = ""


def _plausibility(text: str) -> tuple[float, float]:
    """Return (share of characters plausible in Japanese or English text, share of hiragana)."""
    if not text:
        return 0.0, 0.0
    good = 0.0
    hira = 0
    for ch in text:
        code = ord(ch)
        if ch in _ALLOWED_CONTROLS or 0x20 <= code < 0x7F:
            good += 1
        elif 0x3041 <= code <= 0x309F:
            good += 1
            hira += 1
        elif (
            0x30A0 <= code <= 0x30FF  # katakana
            or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
            or 0x3000 <= code <= 0x303F  # CJK punctuation
            or 0xFF01 <= code <= 0xFF5E  # full-width ASCII
            or 0x2010
            <= code
            <= 0x2312  # punctuation, arrows, maths, Roman numerals, circled numbers
            or 0x2460 <= code <= 0x25FF  # enclosed numbers, box drawing, shapes
            or 0x0391 <= code <= 0x03C9  # Greek (in JIS X 0208)
            or 0x0410 <= code <= 0x044F  # Cyrillic (in JIS X 0208)
            or code in (0x00A7, 0x00A8, 0x00B0, 0x00B1, 0x00B4, 0x00B6, 0x00D7, 0x00F7)
        ):
            good += 1
        elif 0xFF61 <= code <= 0xFF9F:  # half-width katakana: legal but rare in real text
            good += 0.3
    return good / len(text), hira / len(text)


def _decode_legacy(data: bytes) -> str | None:
    """Pick the legacy Japanese decoding whose output looks most like real text."""
    best: tuple[float, str] | None = None
    for encoding in _LEGACY:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        share, hira = _plausibility(text)
        if share < 0.97:
            continue
        score = share + hira
        if best is None or score > best[0]:
            best = (score, text)
    return None if best is None else best[1]


def _decode(data: bytes, name: str) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                label = encoding.upper().replace("-SIG", "")
                raise InputError(
                    f"{name} starts with a {label} mark but is not valid {label} text."
                ) from None
    if b"\x00" in data:
        raise InputError(f"{name} contains NUL bytes; it looks like a binary file, not text.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = _decode_legacy(data)
    if text is None:
        raise InputError(
            f"{name} is not text in UTF-8, UTF-16, Shift_JIS (CP932) or EUC-JP; "
            "save it as UTF-8 and try again."
        )
    return text


def _title_of(text: str, name: str) -> str:
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("---"):  # Markdown rule or front matter: not a title
            continue
        candidate = _MD_HEADING.sub("", stripped).strip().strip("#").strip()
        if candidate and len(candidate) <= _TITLE_MAX and candidate[-1] not in "。．.!?！？":
            return candidate
        break
    stem = Path(name).stem
    return stem or name


def decode_article(data: bytes, name: str) -> Article:
    """Decode an article's bytes (plain text or Markdown).

    UTF-8 (with or without BOM) and UTF-16/UTF-32 with BOM are recognised directly; other bytes
    are tried as CP932 (Shift_JIS) and EUC-JP and the decoding that yields plausible Japanese
    text wins.

    Args:
        data: The raw bytes of the file.
        name: A name for the article (file name), used in messages and as a fallback title.

    Returns:
        The article.

    Raises:
        InputError: If the bytes are too large, binary, undecodable, empty or whitespace only.
    """
    if len(data) > MAX_ARTICLE_BYTES:
        raise InputError(
            f"{name} is larger than {MAX_ARTICLE_BYTES // 1024} KiB; "
            "generate cards from one article at a time."
        )
    text = _decode(data, name)
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    for ch in text:
        if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) in ("Cc", "Cs"):
            raise InputError(f"{name} contains control characters; it looks like a binary file.")
    if not text.strip():
        raise InputError(f"{name} is empty or contains only whitespace.")
    return Article(text=text, title=_title_of(text, name), path=None)


def read_article(path: Path) -> Article:
    """Read and decode an article file.

    An optional ``<stem>.source.toml`` next to the file (``attribution = "..."``) supplies the
    credit line that deck descriptions and note sources carry; nothing is invented without it.

    Args:
        path: The file (plain text or Markdown).

    Returns:
        The article, with ``path`` (and ``attribution``, if the side file exists) set.

    Raises:
        InputError: If the file cannot be read or is not a usable article (see `decode_article`).
    """
    try:
        if path.is_dir():
            raise InputError(f"{path} is a folder, not an article file.")
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            raise InputError(
                f"{path.name} is larger than {MAX_ARTICLE_BYTES // 1024} KiB; "
                "generate cards from one article at a time."
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    article = decode_article(data, path.name)
    return Article(
        text=article.text, title=article.title, path=path, attribution=_sidecar_attribution(path)
    )


def sidecar_path(path: Path) -> Path:
    """The optional ``<stem>.source.toml`` file next to an article that credits its source."""
    return path.with_name(path.stem + ".source.toml")


def _sidecar_attribution(path: Path) -> str:
    sidecar = sidecar_path(path)
    if not sidecar.is_file():
        return ""
    try:
        data = tomllib.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"Cannot read the source notes {sidecar.name}: {exc}.") from None
    value = data.get("attribution", "")
    if not isinstance(value, str):
        raise InputError(f"{sidecar.name}: 'attribution' must be text.")
    return value.strip()
