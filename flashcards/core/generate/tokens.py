"""The Japanese tokenizer (SudachiPy), created once per process, and small token helpers.

Sudachi tags morphemes with UniDic's parts of speech; the generator's rules were written (and
tuned) against IPADIC's, so `tokenize` translates each tag into the IPADIC category that the
rules read (`_POS_MAP` and `_ipadic_tag`; the choice of parser is measured in
``docs/japanese_parser.md``).
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sudachipy.sudachipy import Morpheme, Tokenizer


@dataclass(frozen=True)
class Token:
    """One morpheme with its character offsets in the analysed string.

    The part of speech is IPADIC's (janome's), translated from Sudachi's UniDic tags.
    """

    surface: str
    pos: str  # "名詞", "助詞", ...
    sub: str  # the first sub-category: "一般", "固有名詞", "非自立", ...
    base: str
    start: int
    end: int
    detail: str = "*"  # the second sub-category: "地域" for place names, "人名" ...


# Sudachi's stock configuration without its IgnoreYomiganaPlugin: that plugin glues a bracketed
# kana reading onto the word before it (文字(トークン), 親藩(しんぱん)), and articles gloss terms
# exactly so, which cost the term its boundary. The other input plugins are the stock ones.
_CONFIG = json.dumps(
    {
        "inputTextPlugin": [
            {"class": "com.worksap.nlp.sudachi.DefaultInputTextPlugin"},
            {
                "class": "com.worksap.nlp.sudachi.ProlongedSoundMarkPlugin",
                "prolongedSoundMarks": ["ー", "-", "⁓", "〜", "〰"],
                "replacementSymbol": "ー",
            },
        ]
    }
)

# Sudachi refuses an input longer than this many UTF-8 bytes (a margin below its limit).
_MAX_INPUT_BYTES = 49_000

# UniDic (pos, sub-category) -> IPADIC (pos, sub-category); "" keeps UniDic's value. A pair not
# listed falls back to its pos alone (pos, "*") and then to UniDic's own labels. The rules read
# only these categories:
#   名詞/一般, サ変接続, 形容動詞語幹, 副詞可能, 固有名詞, 数, 接尾, 代名詞, 非自立, 特殊;
#   接頭詞/名詞接続 (and 数接続, 動詞接続, 形容詞接続 by the word that follows);
#   記号/アルファベット, 空白 and the punctuation; 助詞/格助詞, 連体化, 係助詞, 終助詞...;
#   動詞, 形容詞, 助動詞, 副詞, 連体詞, 接続詞, 感動詞 (pos only).
_POS_MAP: dict[tuple[str, str], tuple[str, str]] = {
    ("名詞", "普通名詞"): ("名詞", "一般"),  # refined by the third field below
    ("名詞", "固有名詞"): ("名詞", "固有名詞"),
    ("名詞", "数詞"): ("名詞", "数"),
    ("名詞", "助動詞語幹"): ("名詞", "特殊"),
    ("代名詞", "*"): ("名詞", "代名詞"),
    ("形状詞", "一般"): ("名詞", "形容動詞語幹"),
    ("形状詞", "タリ"): ("名詞", "形容動詞語幹"),
    ("形状詞", "助動詞語幹"): ("名詞", "特殊"),  # そう of 〜そうだ; よう, みたい below
    ("接頭辞", "*"): ("接頭詞", "名詞接続"),
    ("接尾辞", "名詞的"): ("名詞", "接尾"),
    ("接尾辞", "形状詞的"): ("名詞", "接尾"),
    ("接尾辞", "動詞的"): ("動詞", "接尾"),
    ("接尾辞", "形容詞的"): ("形容詞", "接尾"),
    ("動詞", "一般"): ("動詞", "自立"),
    ("動詞", "非自立可能"): ("動詞", "自立"),  # する, ある, いく: 非自立 only after て (below)
    ("形容詞", "一般"): ("形容詞", "自立"),
    ("形容詞", "非自立可能"): ("形容詞", "自立"),
    ("助詞", "準体助詞"): ("名詞", "非自立"),  # the nominaliser の (読むのが), ん
    ("補助記号", "一般"): ("記号", "一般"),
    ("補助記号", "句点"): ("記号", "句点"),
    ("補助記号", "読点"): ("記号", "読点"),
    ("補助記号", "括弧開"): ("記号", "括弧開"),
    ("補助記号", "括弧閉"): ("記号", "括弧閉"),
    ("補助記号", "ＡＡ"): ("記号", "一般"),
    ("記号", "一般"): ("記号", "一般"),
    ("記号", "文字"): ("記号", "一般"),
    ("空白", "*"): ("記号", "空白"),
    ("感動詞", "フィラー"): ("フィラー", "*"),
}

# UniDic's third field of 名詞,普通名詞 and 接尾辞,名詞的 -> IPADIC's sub-category.
_COMMON_NOUN_SUB = {
    "一般": "一般",
    "サ変可能": "サ変接続",
    "サ変形状詞可能": "サ変接続",
    "形状詞可能": "形容動詞語幹",
    "副詞可能": "副詞可能",
    "助数詞可能": "一般",
    "助数詞": "助数詞",
}

# UniDic's proper-noun kinds -> IPADIC's detail ("地域" is what the rules test).
_PROPER_DETAIL = {"地名": "地域", "人名": "人名", "組織名": "組織"}

# Nouns IPADIC files as 名詞,非自立 (dependent nouns: こと, もの, ため...) where UniDic has
# ordinary nouns; the rules refuse them as the head of a term or a described thing. Taken from
# IPADIC's 非自立 entries, kana spellings only plus 事 and 為 (other kanji spellings such as 方,
# 中 or 物 are mostly content words).
_DEPENDENT_NOUNS = frozenset(
    [
        "あまり",
        "うえ",
        "うち",
        "かぎり",
        "きり",
        "ころ",
        "こと",
        "さなか",
        "すえ",
        "せい",
        "たび",
        "ため",
        "つもり",
        "とおり",
        "とき",
        "どころ",
        "ところ",
        "とたん",
        "はず",
        "はずみ",
        "ふう",
        "ふり",
        "ほう",
        "ほど",
        "まま",
        "みたい",
        "もの",
        "もん",
        "ゆえ",
        "よう",
        "わけ",
        "ん",
        "コト",
        "モノ",
        "事",
        "為",
        "筈",
    ]
)

# Words whose IPADIC part of speech differs from UniDic's in a way the rules notice: sentence
# openers that UniDic reads as nouns (a topic phrase must not start with them).
_WORD_TAGS: dict[str, tuple[str, str, str]] = {
    "そもそも": ("接続詞", "*", "*"),
    "つまり": ("接続詞", "*", "*"),
    "そのまま": ("副詞", "一般", "*"),
    "ほとんど": ("副詞", "一般", "*"),
}

# Particles IPADIC files under other sub-categories: the coordinating や, たり, and か (one
# combined label in IPADIC, so a clause ending in か counts as left open, as with janome).
_IPADIC_PARTICLES = {"や": "並立助詞", "たり": "並立助詞", "か": "副助詞／並立助詞／終助詞"}

# Auxiliaries IPADIC files as verb suffixes (passive, causative).
_VERB_SUFFIXES = frozenset({"れる", "られる", "せる", "させる"})

# Symbols janome tags 名詞,サ変接続 (see `_ipadic_tag`).
_IPADIC_NOUN_SYMBOLS = frozenset(string.punctuation + "＃－～—–")

_INFLECTING = frozenset({"動詞", "形容詞", "助動詞"})


def _is_latin_letter(ch: str) -> bool:
    return "a" <= ch.lower() <= "z" or "ａ" <= ch.lower() <= "ｚ"


def _ipadic_tag(
    surface: str,
    lemma: str,
    pos: Sequence[str],
    prev: tuple[str, Sequence[str]] | None,
    nxt: tuple[str, Sequence[str]] | None,
) -> tuple[str, str, str]:
    """IPADIC's (pos, sub, detail) for a morpheme with UniDic tags ``pos``.

    Args:
        surface: The morpheme's text.
        lemma: Its dictionary form (られ -> られる).
        pos: Sudachi's part of speech (six fields).
        prev: The previous morpheme's surface and part of speech, if any.
        nxt: The next morpheme's surface and part of speech, if any.

    Returns:
        The IPADIC part of speech, sub-category and second sub-category.
    """
    head, sub1, sub2 = pos[0], pos[1], pos[2]
    if surface in _WORD_TAGS:
        return _WORD_TAGS[surface]
    prev_surface, prev_pos = prev if prev is not None else ("", ("",) * 6)
    next_surface, next_pos = nxt if nxt is not None else ("", ("",) * 6)
    mapped = _POS_MAP.get((head, sub1)) or _POS_MAP.get((head, "*"))
    out_pos, out_sub = mapped if mapped is not None else (head, sub1)
    detail = "*"
    if (head, sub1) == ("名詞", "普通名詞"):
        out_sub = _COMMON_NOUN_SUB.get(sub2, "一般")
    elif (head, sub1) == ("接尾辞", "名詞的"):
        detail = _COMMON_NOUN_SUB.get(sub2, "一般")  # IPADIC: 名詞,接尾,助数詞 ...
    elif (head, sub1) == ("名詞", "固有名詞"):
        detail = _PROPER_DETAIL.get(sub2, "一般")
    if head in ("名詞", "形状詞") and sub1 != "固有名詞" and surface in _DEPENDENT_NOUNS:
        # よう of ようだ is IPADIC's 非自立,助動詞語幹, みたい its 非自立,形容動詞語幹.
        detail = {"よう": "助動詞語幹", "みたい": "形容動詞語幹"}.get(surface, "")
        detail = detail or ("副詞可能" if sub2 == "副詞可能" else "一般")
        return "名詞", "非自立", detail
    if head == "接頭辞" and nxt is not None:
        # IPADIC names a prefix by what it attaches to: 第/約 + a number, お + a verb.
        out_sub = {"数詞": "数接続"}.get(next_pos[1], "名詞接続")
        out_sub = {"動詞": "動詞接続", "形容詞": "形容詞接続"}.get(next_pos[0], out_sub)
    elif head == "助詞" and sub1 == "格助詞" and surface == "の":
        # The の between two nouns is IPADIC's 連体化; before a verb or adjective it marks the
        # subject of a relative clause (私の書いた本), which IPADIC keeps as 格助詞.
        if next_pos[0] not in ("動詞", "形容詞"):
            out_sub = "連体化"
    elif head == "助詞" and surface in _IPADIC_PARTICLES:
        out_sub = _IPADIC_PARTICLES[surface]
    elif head == "助動詞" and surface == "で" and next_surface in ("", "は", "も"):
        # "英語では", "…ではない", a phrase ending in で: IPADIC's case particle, not the copula.
        out_pos, out_sub = "助詞", "格助詞"
    elif head == "動詞" and lemma in ("ある", "ござる") and prev_surface == "で":
        out_pos, out_sub = "助動詞", "*"  # である, でございます: IPADIC's copula
    elif head == "助動詞" and lemma in _VERB_SUFFIXES:
        out_pos, out_sub = "動詞", "接尾"
    elif head == "助動詞" and surface == "に":
        # UniDic's に of 〜ように / 静かに is the copula; IPADIC has a particle there.
        out_pos, out_sub = "助詞", "格助詞"
    elif head == "動詞" and prev_pos[1] == "接続助詞":
        out_sub = "非自立"  # している, してみる: IPADIC's auxiliary verbs
    if surface and all(ch in _IPADIC_NOUN_SYMBOLS for ch in surface):
        # IPADIC has no entry for ASCII symbols: janome reads them as unknown words, tagged
        # 名詞,サ変接続 ("Recall@k" is then a label of nouns, "A/B" one chain).
        return "名詞", "サ変接続", "*"
    if surface == "％":
        return "名詞", "接尾", "助数詞"
    if out_pos == "記号" and surface and all(_is_latin_letter(ch) for ch in surface):
        out_sub = "アルファベット"
    return out_pos, out_sub, detail


@lru_cache(maxsize=1)
def _tokenizer() -> Tokenizer:
    # Importing SudachiPy and loading its dictionary take a few hundredths of a second; done
    # once, and only when Japanese is tokenized.
    from sudachipy.sudachipy import Dictionary, SplitMode

    # Mode C keeps named compounds whole (36協定, 特定健診), which the gold terms want.
    return Dictionary(config=_CONFIG, dict="core").tokenizer(mode=SplitMode.C)


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """``text`` in pieces Sudachi accepts, with their offsets: whole lines where possible."""
    if len(text.encode("utf-8")) <= _MAX_INPUT_BYTES:
        yield 0, text
        return
    # A character is at most 4 bytes, so this many characters always fit.
    limit = _MAX_INPUT_BYTES // 4
    start = 0
    while start < len(text):
        if len(text) - start <= limit:
            yield start, text[start:]
            return
        window = text[start : start + limit]
        cut = max(window.rfind("\n"), window.rfind("。"), window.rfind(" "))
        end = start + (cut + 1 if cut > 0 else limit)
        yield start, text[start:end]
        start = end


def _morphemes(text: str) -> Iterator[tuple[int, Morpheme]]:
    tokenizer = _tokenizer()
    for offset, chunk in _chunks(text):
        for morpheme in tokenizer.tokenize(chunk):
            yield offset, morpheme


@lru_cache(maxsize=4096)
def tokenize(text: str) -> tuple[Token, ...]:
    """Split Japanese (or mixed) text into morphemes with offsets.

    Args:
        text: One sentence or phrase (longer texts are fine: they are analysed in pieces).

    Returns:
        The tokens, in order; their offsets index into ``text``.
    """
    raw = [
        (offset + m.begin(), offset + m.end(), m.surface(), tuple(m.part_of_speech()), m)
        for offset, m in _morphemes(text)
    ]
    tokens: list[Token] = []
    for i, (start, end, surface, pos, morpheme) in enumerate(raw):
        prev = (raw[i - 1][2], raw[i - 1][3]) if i else None
        nxt = (raw[i + 1][2], raw[i + 1][3]) if i + 1 < len(raw) else None
        lemma = morpheme.dictionary_form()
        out_pos, sub, detail = _ipadic_tag(surface, lemma, pos, prev, nxt)
        # IPADIC's base form of an uninflected word is the word itself; Sudachi's dictionary
        # form normalises Latin words (Attention -> ATTENTION), which must not reach a card.
        base = lemma if out_pos in _INFLECTING else surface
        tokens.append(Token(surface, out_pos, sub, base, start, end, detail))
    return tuple(_join_katakana(_join_adnominals(tokens)))


# Demonstrative adnominals IPADIC has as one word (連体詞) where UniDic reads an adverb and a
# verb (こう + いう, そう + し + た); the rules tell a phrase that points back by them.
_ADNOMINALS = frozenset(
    {"こういう", "そういう", "ああいう", "どういう", "そういった", "こうした", "そうした"}
)


def _join_adnominals(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        first = tokens[i]
        for width in (3, 2) if first.pos == "副詞" else ():
            run = tokens[i : i + width]
            surface = "".join(t.surface for t in run)
            if (
                len(run) == width
                and surface in _ADNOMINALS
                and run[-1].end - first.start == len(surface)
            ):
                out.append(Token(surface, "連体詞", "*", surface, first.start, run[-1].end))
                i += width
                break
        else:
            out.append(first)
            i += 1
    return out


def _katakana_noun(token: Token) -> bool:
    return token.pos == "名詞" and all("\u30a0" <= ch <= "\u30ff" for ch in token.surface)


def _join_katakana(tokens: list[Token]) -> list[Token]:
    """Adjacent katakana nouns as one noun: マルチ + ヘッド + アテンション.

    A run of katakana is one word or a compound (データセットサイズ) either way, and a term is
    never cut inside it (ヘッド alone is no term in マルチヘッドアテンション).
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
    if not tokens:
        return False
    last = tokens[-1]
    # UniDic reads 主に, 特に as one adverb where IPADIC has a stem and the particle に; the
    # line is left open either way ("…性能は、主に" + a list on the next lines).
    adverb = last.pos == "副詞" and last.surface.endswith("に")
    return adverb or (last.pos == "助詞" and last.sub != "終助詞")


def starts_with_particle(text: str) -> bool:
    """Whether ``text`` begins with a Japanese particle or auxiliary (so it cannot stand alone)."""
    stripped = text.lstrip(" 　、,")
    if not stripped or not ("\u3041" <= stripped[0] <= "\u309f"):
        return False
    first = tokenize(stripped[:12])
    return bool(first) and first[0].pos in ("助詞", "助動詞")
