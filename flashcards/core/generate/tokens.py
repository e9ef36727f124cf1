"""The janome tokenizer, created once per process, and small token helpers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from janome.tokenizer import Tokenizer


@dataclass(frozen=True)
class Token:
    """One morpheme with its character offsets in the analysed string."""

    surface: str
    pos: str  # "名詞", "助詞", ...
    sub: str  # the first sub-category: "一般", "固有名詞", "非自立", ...
    base: str
    start: int
    end: int
    detail: str = "*"  # the second sub-category: "地域" for place names, "人名" ...


# janome tries every length up to this for a run of unknown characters of one class (symbols,
# Latin letters, katakana, digits) at every position of the run: 1024 by default, which made a
# run of brackets cost a millisecond per character. No word is that long.
_MAX_UNKNOWN_LENGTH = 64


@lru_cache(maxsize=1)
def _tokenizer() -> Tokenizer:
    # Loading the bundled dictionary takes about 0.2 s, so it is done once and only when needed.
    return Tokenizer(max_unknown_length=_MAX_UNKNOWN_LENGTH)


@lru_cache(maxsize=4096)
def tokenize(text: str) -> tuple[Token, ...]:
    """Split Japanese (or mixed) text into morphemes with offsets.

    Args:
        text: One sentence or phrase.

    Returns:
        The tokens, in order; their offsets index into ``text``.
    """
    tokens: list[Token] = []
    offset = 0
    for raw in _tokenizer().tokenize(text):
        if isinstance(raw, str):  # only produced in wakati mode, which is not used
            continue
        surface = str(raw.surface)
        start = text.find(surface, offset)
        if start < 0:  # janome never drops characters, but stay safe
            start = offset
        end = start + len(surface)
        parts = str(raw.part_of_speech).split(",")
        tokens.append(
            Token(
                surface=surface,
                pos=parts[0],
                sub=parts[1] if len(parts) > 1 else "*",
                base=str(raw.base_form),
                start=start,
                end=end,
                detail=parts[2] if len(parts) > 2 else "*",
            )
        )
        offset = end
    return tuple(_join_katakana(tokens))


def _katakana_noun(token: Token) -> bool:
    return token.pos == "名詞" and all("\u30a0" <= ch <= "\u30ff" for ch in token.surface)


def _join_katakana(tokens: list[Token]) -> list[Token]:
    """Adjacent katakana nouns as one noun: janome splits some loan words (トーク + ン).

    A run of katakana is one word or a compound (データセットサイズ) either way, and a term is
    never cut inside it.
    """
    out: list[Token] = []
    for token in tokens:
        last = out[-1] if out else None
        if (
            last is not None
            and last.end == token.start
            and _katakana_noun(last)
            and _katakana_noun(token)
        ):
            surface = last.surface + token.surface
            out[-1] = Token(surface, "名詞", "一般", surface, last.start, token.end)
        else:
            out.append(token)
    return out


@lru_cache(maxsize=4096)
def token_bounds(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The start and end offsets of ``tokenize(text)`` (both strictly increasing), for bisection."""
    tokens = tokenize(text)
    return tuple(t.start for t in tokens), tuple(t.end for t in tokens)


def ends_with_particle(text: str) -> bool:
    """Whether ``text`` ends with a particle (a clause that continues on the next line)."""
    stripped = text.rstrip()
    if not stripped or not ("\u3041" <= stripped[-1] <= "\u309f"):
        return False
    tokens = tokenize(stripped[-12:])
    return bool(tokens) and tokens[-1].pos == "助詞" and tokens[-1].sub != "終助詞"


def starts_with_particle(text: str) -> bool:
    """Whether ``text`` begins with a Japanese particle or auxiliary (so it cannot stand alone)."""
    stripped = text.lstrip(" 　、,")
    if not stripped or not ("\u3041" <= stripped[0] <= "\u309f"):
        return False
    first = tokenize(stripped[:12])
    return bool(first) and first[0].pos in ("助詞", "助動詞")
