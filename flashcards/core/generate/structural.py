"""Rules that read a term and its explanation from the page's layout, not from a sentence.

Glossary tables, definition lists and a term on its own line (a heading, a ``【label】``, a
short line) with its explanation on the lines below are how notes, glossaries and web pages
teach terms, often without a single 。. The parser (`structure.py`) marks table rows and
definition items and keeps the explanation below a term line in that term's section; the rules
here turn them into findings.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from flashcards.core.generate.backs import (
    clean_back_en,
    clean_back_ja,
    drop_asides,
    has_anaphor_en,
    is_chatty,
    same_text,
)
from flashcards.core.generate.findings import Finding, expansion_matches
from flashcards.core.generate.ja_text import NOTE_TITLE
from flashcards.core.generate.lexicon import GENERIC_HEADINGS, PREPOSITIONS_EN
from flashcards.core.generate.marks_ja import EXAMPLE_OR_AMOUNT
from flashcards.core.generate.patterns_ja import heading_term
from flashcards.core.generate.rules import Example, rule
from flashcards.core.generate.structure import Sentence
from flashcards.core.generate.terms import is_valid_term, label_term, whole_term
from flashcards.core.generate.textutil import fold, is_kana, is_kanji, is_latin
from flashcards.core.generate.tokens import starts_with_particle, tokenize

_ALIAS = re.compile(r"^(?P<term>.+?)\s*[（(](?P<alias>[^()（）]{1,60})[)）]$")
# "(2) top-p", "2) 温度", "B.1 …", "Step 3: …": a numbering before the term line's term.
_HEADING_NUMBER = re.compile(
    r"^(?:[(（]\d{1,3}[)）]|\d{1,3}[)）]|[A-Z]\.\d{1,2}(?:\.\d{1,2})?"
    r"|(?:Step|STEP) \d{1,2}[:.]?)\s*"
)
_HEADING_TAIL = re.compile(r"\s*[:：]$")
# A heading that starts as a phrase (an article, a question word, a preposition, a verb) or
# speaks to the reader is a title, not a term; the prepositions are the lexicon's.
_EN_PHRASE_HEADING = re.compile(
    r"^(?:the|a|an|how|why|when|where|what|who|which|is|are|do|does|can|"
    + "|".join(sorted(map(re.escape, PREPOSITIONS_EN)))
    + r")\b|\b(?:your|my|our|their|his|her|its|you|we)\b|^[A-Za-z]+ing\s",
    re.IGNORECASE,
)
_EN_HEADING_LEAD = re.compile(r"^(?:What\s+(?:is|are)\s+(?:an?\s+|the\s+)?)", re.IGNORECASE)
# An explanation that is only a value, an example list or a quantity teaches nothing.
_NOT_EXPLANATION = re.compile(
    r"^[\d\s,.%~〜～\-+¥$円/年月日時分秒個人件回]*$|^(?:はい|いいえ|yes|no|-|—|なし|○|×)$"
)
_TOPIC_JA = ("は", "が")
# "Tenuto(テヌート): その音の長さを…保って弾くこと。…": a term with its other name, a colon
# and the explanation; the layout says it all, so the back need not end in a noun.
_LABELLED = re.compile(
    r"^(?P<term>[^:：（()）]{1,40}?)\s*[（(](?P<alias>[^()（）]{1,30})[)）]\s*[:：]\s*(?P<body>\S.*)$"
)
_LEADING_DEMONSTRATIVE = re.compile(r"^(?:その|この)(?=[^、。]{2,})")
_PRONOUN_EN = re.compile(
    r"^(?:I|I'm|I've|we|we're|you|you're|he|she|they|it|it's|this|that|these|those|there|here)\b",
    re.IGNORECASE,
)
# A main verb before any relative word: a whole sentence, not a fragment describing the term.
_EN_CLAUSE = re.compile(
    r"^(?:(?!\b(?:that|which|who|whom|whose|where|when)\b).)*?"
    r"\b(?:is|are|was|were|has|have|had|does|do|did|can|will|would|should|must)\b",
    re.IGNORECASE,
)
# An English fragment under a term line: "A place where…", "Stores data…", "Used to…".
_EN_DESCRIPTION = re.compile(
    r"^(?:(?:a|an|the|one|any|each|every|some)\s|[A-Z][a-z]+s\s|used\b|refers\b|means\b)",
    re.IGNORECASE,
)


def _symbolic(ch: str) -> bool:
    # Mn too: an emoji's variation selector (⚠️ is U+26A0 U+FE0F) sits before the term.
    category = unicodedata.category(ch)
    return (category[0] in "SPZC" or category == "Mn") and ch not in "（()）「」『』【】"


def term_and_alias(raw: str, lang: str) -> tuple[str, str]:
    """The term a term line names and the other name in brackets beside it, or ("", "").

    ``🔭 屈折望遠鏡（Refractor）`` gives ``("屈折望遠鏡", "Refractor")``; ``ROM(Read-Only
    Memory)`` gives ``("ROM", "Read-Only Memory")``; a generic heading (``まとめ``, ``Summary``)
    names no term.
    """
    text = raw.strip()
    start = 0
    while start < len(text) and _symbolic(text[start]):
        start += 1  # emoji, bullets and marks before the term
    text = _HEADING_TAIL.sub("", text[start:]).strip().strip("*_`").strip()
    text = _HEADING_NUMBER.sub("", text)
    alias = ""
    match = _ALIAS.match(text)
    if match:
        text, alias = match.group("term").strip(), match.group("alias").strip()
    if lang == "ja":
        term = heading_term(text) or (text if label_term(text) and is_valid_term(text) else "")
        if not term and len(text) == 1 and is_kanji(text):
            term = text  # "核" on its own line: a one-kanji term, named by the layout
    else:
        text = _EN_HEADING_LEAD.sub("", text).rstrip("?").strip()
        term = text if is_valid_term(text) and whole_term(text) and len(text.split()) <= 4 else ""
        if term and _EN_PHRASE_HEADING.search(term):
            return "", ""  # "The smallest unit", "Finding your Pods": a heading, not a term
    if not term or fold(term) in GENERIC_HEADINGS or NOTE_TITLE.search(term):
        return "", ""
    return term, alias


def _explanation(text: str, lang: str) -> str:
    if _NOT_EXPLANATION.match(text.strip()):
        return ""
    back = clean_back_ja(text) if lang == "ja" else clean_back_en(text)
    if not back and lang == "ja" and text.startswith(("この", "その")):
        # Beside its term, "この文字列が出力されたら…" points at the term itself, not elsewhere.
        back = clean_back_ja(text[2:])
    if len(back) < 3 or not any(ch.isalpha() for ch in back):
        return ""
    return back


def _language(text: str) -> str:
    """A label's language: Japanese as soon as it holds a kana or a kanji.

    Not :func:`~flashcards.core.generate.textutil.detect_language`, which weighs an article's
    share of scripts: a short label such as ``Transformer層`` is Japanese prose's, though most of
    its letters are Latin.
    """
    return "ja" if any(is_kana(ch) or is_kanji(ch) for ch in text) else "en"


def _paired(sentence: Sentence, pattern: str, strength: float) -> list[Finding]:
    lang = _language(sentence.text)
    term, alias = term_and_alias(sentence.label, _language(sentence.label))
    if not term:
        return []
    back = _explanation(sentence.text, lang)
    if not back or same_text(back, term) or (alias and same_text(back, alias)):
        return []
    reversible = len(back) <= 40 and fold(term) not in fold(back)
    return [Finding(term, back, sentence, pattern, strength, reversible, alias=alias)]


@rule(
    "table row",
    2.5,
    "any",
    (
        Example(
            "| 用語 | 意味 |\n| --- | --- |\n| 口径 | 対物レンズの直径 |",
            "口径",
            "対物レンズの直径",
        ),
        Example(
            "| Term | Meaning |\n| --- | --- |\n| Latency | the delay before data arrives |",
            "Latency",
            "the delay before data arrives",
        ),
        Example(
            "| 用語 | 意味 |\n| --- | --- |\n"
            "| 受付期限 | この日時を過ぎたら、そこで申し込みを締める期限 |",
            "受付期限",
            "申し込みを締める期限",
        ),
    ),
)
def table_row(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """A glossary table's row: the term cell, and the explanation cell as the back."""
    if sentence.kind != "row":
        return []
    return _paired(sentence, "table row", 2.5)


@rule(
    "definition item",
    2.5,
    "any",
    (
        Example(
            "赤道儀\n: 天体の動きに合わせて回転する架台",
            "赤道儀",
            "天体の動きに合わせて回転する架台",
        ),
        Example("Refractor\n: a telescope that gathers light with a lens", "Refractor", "lens"),
    ),
)
def definition_item(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """A definition list's item: the term line, and the definition below it as the back."""
    if sentence.kind != "definition":
        return []
    return _paired(sentence, "definition item", 2.5)


@lru_cache(maxsize=4096)
def _describes_ja(text: str) -> str:
    """The back a topic-less Japanese description gives, or "" if it is not one."""
    core = drop_asides(text).strip().rstrip("。．.")
    if not core or starts_with_particle(core):
        return ""
    tokens = tokenize(core)
    # "火加減は中火" is a statement about something else; but "Queryは一方の文から、Keyは…から
    # 作るAttentionです" ends in a noun a clause describes: a description after all.
    # "ではなく", "には": は inside a clause (not X but …) marks no topic of the sentence.
    topics = [
        n
        for n, t in enumerate(tokens)
        if t.pos == "助詞"
        and t.surface in _TOPIC_JA
        and t.sub == "係助詞"
        and not (n and tokens[n - 1].surface in ("で", "に", "と"))
    ]
    # A theme marked off by a comma ("卒論は、…") is what the sentence is about.
    themed = any(n + 1 < len(tokens) and tokens[n + 1].surface in "、," for n in topics)
    if topics and (themed or not _clause_noun_copula(core)):
        return ""
    back = clean_back_ja(core)
    if not back:
        return ""
    tail = tokenize(back)
    if not tail:
        return ""
    last = tail[-1]
    nominal = last.pos == "名詞" and last.sub not in (
        "非自立",
        "代名詞",
        "副詞可能",
        "形容動詞語幹",
        "ナイ形容詞語幹",
        "数",
    )
    clause = last.surface in ("こと", "もの") and len(back) >= 8
    # "…に手を加えて、行き先ごとに仕分けて送り出す": under a term line, what it does is a
    # definition too (a plain verb ending, long enough to say something).
    does = last.pos == "動詞" and last.surface == last.base and len(back) >= 12
    return back if (nominal or clause or does) and len(back) >= 4 else ""


def _clause_noun_copula(core: str) -> bool:
    """Whether a sentence ends ``<verb> <noun>です``: a noun restricted by a clause, + copula."""
    if not re.search(r"(?:です|である)$", core):
        return False
    tokens = tokenize(re.sub(r"(?:です|である)$", "", core))
    k = len(tokens)
    while k and tokens[k - 1].pos == "名詞":
        k -= 1
    return 0 < k < len(tokens) and tokens[k - 1].pos in ("動詞", "助動詞")


def _describes_en(text: str, *, term_line: bool = False) -> str:
    stripped = text.strip()
    if not stripped or stripped.endswith("?") or _PRONOUN_EN.match(stripped):
        return ""
    if term_line and not has_anaphor_en(stripped[:12]) and not is_chatty(stripped, "en"):
        # "**Chunking**" / "Long articles are split into passages …": under a term line, the
        # first sentence explains the term, whatever its shape.
        back = clean_back_en(stripped)
        return back if len(back) >= 12 else ""
    if _EN_CLAUSE.match(stripped):
        return ""  # "The price you pay is noise.": a statement, not a description fragment
    if has_anaphor_en(stripped[:12]) or not _EN_DESCRIPTION.match(stripped):
        return ""
    back = clean_back_en(stripped)
    return back if len(back) >= 8 else ""


@rule(
    "term line + explanation",
    2.5,
    "any",
    (
        Example(
            "ミザンプラス\n調理を始める前に材料と道具をそろえておくこと\n\nデグラッセ\n"
            "鍋に残ったうまみをワインで溶かし出すこと",
            "ミザンプラス",
            "材料と道具をそろえておくこと",
        ),
        Example(
            "## 🔭 屈折望遠鏡（Refractor）\n- レンズで光を集めて像をつくる望遠鏡\n- にじみが出る",
            "屈折望遠鏡",
            "レンズで光を集めて像をつくる望遠鏡",
        ),
        Example("ROM(Read-Only Memory)\n後から書き換えられない記憶装置です。", "ROM", "記憶装置"),
        Example("【赤道儀】\n天体の動きに合わせて回転する架台。", "赤道儀", "回転する架台"),
        Example("核\n遺伝情報であるDNAをしまっておく場所", "核", "DNAをしまっておく場所"),
        Example(
            "**Chunking**\nLong articles are split into passages before indexing.",
            "Chunking",
            "split into passages",
        ),
        Example(
            "ゴルジ体\n届いたタンパク質に手を加えて、行き先ごとに仕分けて送り出す",
            "ゴルジ体",
            "仕分けて送り出す",
        ),
        Example(
            "## ⚠️ コンフリクト（競合）\n同じ場所を別々に書き換え、自動でまとめられない状態。",
            "コンフリクト",
            "自動でまとめられない状態",
        ),
        Example(
            "## 😵 detached HEAD\nHEADがブランチではなく特定のコミットを直接指している状態",
            "detached HEAD",
            "特定のコミットを直接指している状態",
        ),
        Example(
            "## (2) top-p\n\n高い順に候補を足し、合計が決めた割合に達するまでを残す方法です。",
            "top-p",
            "合計が決めた割合に達するまでを残す方法",
        ),
        Example(
            "### クロスアテンション\nQueryは一方の文から、Keyはもう一方の文から作るAttentionです。",
            "クロスアテンション",
            "もう一方の文から作るAttention",
        ),
        Example(
            "[* PTQ]\n Post-Training Quantization\n 学習済みのモデルを、あとから量子化するやり方",
            "PTQ",
            "あとから量子化するやり方",
        ),
        Example(
            "## Bind mount\nA folder of the host that a container sees as its own.",
            "Bind mount",
            "A folder of the host",
        ),
    ),
)
def term_line(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """A term on its own line (heading, label, short line) and the line that explains it."""
    if sentence.kind != "text" or not sentence.section:
        return []
    term, alias = term_and_alias(sentence.section, _language(sentence.section))
    if not sentence.first_in_section:
        # "PTQ" / "Post-Training Quantization" / "学習が終わったモデルを…": the expansion on
        # the first line goes on the front, the line after it explains.
        if (
            previous is None
            or not previous.first_in_section
            or previous.section != sentence.section
            or not term
            or not expansion_matches(term, previous.text.strip())
        ):
            return []
        alias = previous.text.strip()
    lang = _language(sentence.text)
    if not term or fold(term) in fold(sentence.text):
        return []  # a sentence that names its term is read by the sentence patterns
    back = (
        _describes_ja(sentence.text)
        if lang == "ja"
        else _describes_en(sentence.text, term_line=sentence.term_line)
    )
    if not back or (alias and same_text(back, alias)):
        return []
    if lang == "ja" and all(is_latin(ch) or not ch.isalpha() for ch in back):
        return []
    reversible = len(back) <= 40
    return [Finding(term, back, sentence, "term line + explanation", 2.5, reversible, alias=alias)]


@rule(
    "X(alias): explanation",
    2.5,
    "any",
    (
        Example(
            "- **Tenuto(テヌート)**: その音の長さを十分に保って弾くこと。横線で示す",
            "Tenuto",
            "音の長さを十分に保って弾くこと",
        ),
        Example(
            "- **Crescendo(クレッシェンド)**: だんだん強く。＜の記号でも書く",
            "Crescendo",
            "だんだん強く",
        ),
    ),
)
def labelled(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``X(alias): …``: a glossary label with its other name; the first sentence is the back.

    A leading その/この points at the term itself here (``その音の長さを…``) and is dropped.
    """
    if sentence.kind != "text":
        return []
    match = _LABELLED.match(sentence.text.strip())
    if not match:
        return []
    term, alias = match.group("term").strip(), match.group("alias").strip()
    lang = _language(match.group("body"))
    if not label_term(term) or not is_valid_term(term) or EXAMPLE_OR_AMOUNT.search(alias):
        return []
    body = re.split(r"(?<=[。．])|(?<=\. )", match.group("body"), maxsplit=1)[0]
    body = _LEADING_DEMONSTRATIVE.sub("", body.strip())
    back = clean_back_ja(body) if lang == "ja" else clean_back_en(body)
    if len(back) < 3 or same_text(back, alias) or same_text(back, term):
        return []
    return [Finding(term, back, sentence, "X(alias): explanation", 2.5, False, alias=alias)]


STRUCTURAL_RULES = (
    "table row",
    "definition item",
    "term line + explanation",
    "X(alias): explanation",
)
"""The rules this module registers (importing it registers them)."""
