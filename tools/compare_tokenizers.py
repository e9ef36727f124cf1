"""Compare Japanese tokenizers with janome on what card generation needs (issue 10).

Measures, for every tokenizer that is installed (the optional ones are skipped when missing):

1. Install: the installed size of its distributions and their dependencies (from the installed
   files' sizes), and whether it loads and tokenizes with no network (the child process runs
   in a fresh network namespace with ``unshare -n`` when that is possible).
2. Speed: import + dictionary/model load in a fresh process (median of ``--runs`` runs: wall
   time of a process that loads and tokenizes one sentence, and of one that tokenizes a 10 kB
   article; ``-X importtime`` for the tokenizer's modules), and throughput on the Japanese
   articles (``tests/data/articles``, ``tests/data/dev``, the seed article) and on a 200 kB
   text made by repeating them.
3. Term boundaries: every occurrence of every Japanese gold term and alias (the ``_ja`` gold
   lists of ``tests/data/articles`` and ``tests/data/dev``; the blind sets are never read; not
   the readings in hiragana, which are never terms) in its article's text as ``load_article``
   reads it, each line tokenized apart; whether the tokens have a boundary at both ends,
   whether the tokens inside are all nouns, prefixes and suffixes (with the connectors the
   chain builder accepts: a space between Latin words, ``- . + # / &``), and whether the
   noun-chain builder of ``flashcards.core.generate.terms`` (the same rules, on this
   tokenizer's parts of speech) makes exactly the term there.
4. Parts of speech of a few words the generator relies on.

Usage::

    python tools/compare_tokenizers.py [--only janome,sudachi-C] [--runs 5] [--skip-speed]
        [--skip-install] [--all-disagreements]

Install the candidates in a separate virtual environment (they are not dependencies)::

    pip install sudachipy sudachidict-core fugashi unidic-lite mecab-python3 ipadic
    pip install ginza ja-ginza   # in another one: it pins SudachiPy < 0.7
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata as metadata
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SENTENCE = "大規模言語モデルはTransformerのAttention機構を使い、重要な役割を担います。"
TEN_KB = 10_000
LARGE = 200_000

# --------------------------------------------------------------------------------------------
# Tokens and the parts of speech the noun-chain builder reads


@dataclass(frozen=True)
class Tok:
    """One token: its offsets in the analysed line, its class and its raw part of speech."""

    surface: str
    start: int
    end: int
    kind: str  # noun, prefix, suffix, number, space, symbol, other
    pos: str  # the tokenizer's own part of speech, comma-separated
    base: str = ""


Tokenize = Callable[[Sequence[str]], list[list[Tok]]]
TERM_KINDS = frozenset({"noun", "prefix", "suffix", "number"})
CONNECTORS = frozenset({"-", ".", "+", "#", "/", "&"})
_LETTERS = re.compile(r"[^\W_]")


def _has_letters(text: str) -> bool:
    return bool(_LETTERS.search(text))


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def ipadic_kind(surface: str, parts: Sequence[str]) -> str:
    """The class of an IPADIC token (janome, MeCab + ipadic).

    Nouns are every 名詞 but pronouns and dependent nouns (こと, ため); 接尾 is a suffix, 数 a
    number, 接頭詞 a prefix; 記号,アルファベット (a Latin letter) is a noun.
    """
    pos = parts[0]
    sub = parts[1] if len(parts) > 1 else "*"
    if not surface.strip():
        return "space"
    if pos == "名詞":
        if sub == "数":
            return "number"
        if sub == "接尾":
            return "suffix"
        if sub in ("代名詞", "非自立", "特殊", "接続詞的", "動詞非自立的"):
            return "other"
        return "noun" if _has_letters(surface) else "symbol"
    if pos == "接頭詞":
        return "prefix" if sub == "名詞接続" else "other"
    if pos == "記号":
        if sub == "空白":
            return "space"
        return "noun" if sub == "アルファベット" else "symbol"
    return "other"


def unidic_kind(surface: str, parts: Sequence[str]) -> str:
    """The class of a UniDic-style token (Sudachi, UniDic through MeCab, GiNZA's tags).

    Nouns are 普通名詞 and 固有名詞 and the 形状詞 stems (IPADIC's 形容動詞語幹), 数詞 is a
    number, 接頭辞 a prefix, 接尾辞 (but the verb and adjective ones) a suffix.
    """
    pos = parts[0]
    sub = parts[1] if len(parts) > 1 else "*"
    if not surface.strip() or pos == "空白":
        return "space"
    if pos == "名詞":
        if sub == "数詞":
            return "number"
        if sub == "助動詞語幹":
            return "other"
        return "noun" if _has_letters(surface) else "symbol"
    if pos == "形状詞":
        return "noun" if sub == "一般" else "other"
    if pos == "接頭辞":
        return "prefix"
    if pos == "接尾辞":
        return "other" if sub in ("動詞的", "形容詞的") else "suffix"
    if pos in ("記号", "補助記号"):
        return "noun" if pos == "記号" and _has_letters(surface) else "symbol"
    return "other"


def with_offsets(line: str, items: Iterable[tuple[str, int | None, str, str, str]]) -> list[Tok]:
    """Tokens from (surface, start or None, kind, pos, base), with the gaps as space tokens.

    A tokenizer that drops spaces (MeCab) or gives no offsets gets them by searching the line
    from the end of the previous token, as ``flashcards.core.generate.tokens`` does.
    """
    out: list[Tok] = []
    offset = 0
    for surface, given, kind, pos, base in items:
        if not surface:
            continue
        start = given if given is not None else line.find(surface, offset)
        if start < 0:
            start = offset
        if start > offset:
            out.append(Tok(line[offset:start], offset, start, "space", "(gap)"))
        end = start + len(surface)
        out.append(Tok(surface, start, end, kind, pos, base))
        offset = end
    if offset < len(line):
        out.append(Tok(line[offset:], offset, len(line), "space", "(gap)"))
    return out


def _joinable(tokens: Sequence[Tok], i: int) -> bool:
    """Whether token i joins two term tokens (as ``terms._joinable``)."""
    token = tokens[i]
    is_space = token.kind == "space" or not token.surface.strip()
    if not is_space and token.surface not in CONNECTORS:
        return False
    if i == 0 or i + 1 >= len(tokens):
        return False
    left, right = tokens[i - 1], tokens[i + 1]
    if left.kind not in TERM_KINDS or right.kind not in TERM_KINDS:
        return False
    if is_space:
        return _latin(left.surface[-1]) and _latin(right.surface[0])
    return True


def chains(tokens: Sequence[Tok]) -> set[tuple[int, int]]:
    """The (start, end) offsets of every maximal noun chain, trimmed as ``terms._trim``."""
    spans: set[tuple[int, int]] = set()
    i = 0
    while i < len(tokens):
        if tokens[i].kind not in TERM_KINDS:
            i += 1
            continue
        last = i
        j = i + 1
        while j < len(tokens):
            if tokens[j].kind in TERM_KINDS:
                last = j
                j += 1
            elif _joinable(tokens, j):
                j += 1
            else:
                break
        first = i
        while first <= last and tokens[first].kind in ("suffix", "number", "symbol"):
            nxt = tokens[first + 1] if first < last else None
            if tokens[first].kind == "number" and nxt is not None and _latin(nxt.surface[0]):
                break
            first += 1
        while last >= first and tokens[last].kind == "prefix":
            last -= 1
        if first <= last:
            spans.add((tokens[first].start, tokens[last].end))
        i = j
    return spans


# --------------------------------------------------------------------------------------------
# The tokenizers


@dataclass
class Backend:
    """A tokenizer: how to import, load and run it, and which distributions it installs."""

    name: str
    label: str
    modules: tuple[str, ...]  # imported (in order) before the load, timed apart
    dists: tuple[str, ...]  # for the version and the installed size
    make: Callable[[], Tokenize]
    note: str = ""

    def available(self) -> bool:
        """Whether every module can be imported (without importing it)."""
        try:
            return all(importlib.util.find_spec(m) is not None for m in self.modules)
        except (ImportError, ValueError):
            return False

    def version(self) -> str:
        """The versions of its distributions."""
        out = []
        for dist in self.dists:
            try:
                out.append(f"{dist} {metadata.version(dist)}")
            except metadata.PackageNotFoundError:
                out.append(f"{dist} ?")
        return ", ".join(out)


def _make_janome() -> Tokenize:
    from janome.tokenizer import Tokenizer

    # As flashcards.core.generate.tokens: unknown runs are tried up to 64 characters long.
    tokenizer = Tokenizer(max_unknown_length=64)

    def run(lines: Sequence[str]) -> list[list[Tok]]:
        out = []
        for line in lines:
            items = []
            for raw in tokenizer.tokenize(line):
                if isinstance(raw, str):
                    continue
                parts = str(raw.part_of_speech).split(",")
                surface = str(raw.surface)
                kind = ipadic_kind(surface, parts)
                items.append((surface, None, kind, ",".join(parts), str(raw.base_form)))
            out.append(with_offsets(line, items))
        return out

    return run


# Sudachi's default configuration without its IgnoreYomiganaPlugin, which reads a kana word of
# up to four characters in brackets after a kanji word as its reading and glues it to the word:
# 文字(トークン) and 親藩(しんぱん) become one token each, the gloss lost inside.
SUDACHI_NO_YOMIGANA = json.dumps(
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


def _make_sudachi(mode: str, stock: bool = False) -> Callable[[], Tokenize]:
    def make() -> Tokenize:
        import sudachipy

        if stock:
            dictionary = sudachipy.Dictionary(dict="core")
        else:
            dictionary = sudachipy.Dictionary(config=SUDACHI_NO_YOMIGANA, dict="core")
        split = getattr(sudachipy.SplitMode, mode)
        if hasattr(dictionary, "tokenizer"):  # SudachiPy >= 0.6.9
            tokenizer = dictionary.tokenizer(mode=split)
        else:
            tokenizer = dictionary.create(mode=split)

        def run(lines: Sequence[str]) -> list[list[Tok]]:
            out = []
            for line in lines:
                items = []
                for m in tokenizer.tokenize(line):
                    parts = [p for p in m.part_of_speech()]
                    surface = m.surface()
                    kind = unidic_kind(surface, parts)
                    items.append((surface, m.begin(), kind, ",".join(parts), m.dictionary_form()))
                out.append(with_offsets(line, items))
            return out

        return run

    return make


def _make_fugashi() -> Tokenize:
    import fugashi

    tagger = fugashi.Tagger()  # UniDic if installed, else unidic-lite

    def run(lines: Sequence[str]) -> list[list[Tok]]:
        out = []
        for line in lines:
            items = []
            for word in tagger(line):
                f = word.feature
                parts = [str(p) for p in (f.pos1, f.pos2, f.pos3, f.pos4)]
                surface = word.surface
                kind = unidic_kind(surface, parts)
                items.append((surface, None, kind, ",".join(parts), str(f.lemma or surface)))
            out.append(with_offsets(line, items))
        return out

    return run


def _make_mecab_ipadic() -> Tokenize:
    import ipadic
    import MeCab

    tagger = MeCab.Tagger(ipadic.MECAB_ARGS)

    def run(lines: Sequence[str]) -> list[list[Tok]]:
        out = []
        for line in lines:
            items = []
            node = tagger.parseToNode(line)
            while node:
                if node.stat not in (2, 3):  # not BOS/EOS
                    parts = node.feature.split(",")
                    surface = node.surface
                    kind = ipadic_kind(surface, parts)
                    base = parts[6] if len(parts) > 6 and parts[6] != "*" else surface
                    items.append((surface, None, kind, ",".join(parts[:4]), base))
                node = node.next
            out.append(with_offsets(line, items))
        return out

    return run


_UPOS_KINDS = {"NOUN": "noun", "PROPN": "noun", "NUM": "number"}


def _upos_kind(surface: str, upos: str, parts: Sequence[str]) -> str:
    """The class of a GiNZA token by its predicted universal part of speech (UPOS)."""
    if not surface.strip():
        return "space"
    if parts[0] == "接頭辞":
        return "prefix"
    if parts[0] == "接尾辞" and upos in ("NOUN", "PROPN"):
        return "suffix"
    return _UPOS_KINDS.get(upos, "other")


def _make_ginza(tokenizer_only: bool, upos: bool = False) -> Callable[[], Tokenize]:
    def make() -> Tokenize:
        import spacy

        nlp = spacy.load("ja_ginza")

        def run(lines: Sequence[str]) -> list[list[Tok]]:
            docs = (nlp.tokenizer(x) for x in lines) if tokenizer_only else nlp.pipe(lines)
            out = []
            for line, doc in zip(lines, docs, strict=True):
                items = []
                for t in doc:
                    parts = str(t.tag_).split("-")
                    by_upos = _upos_kind(t.text, t.pos_, parts)
                    kind = by_upos if upos else unidic_kind(t.text, parts)
                    tags = ",".join(parts)
                    pos = f"{t.pos_},{tags}" if upos else f"{tags} ({t.pos_})"
                    items.append((t.text, t.idx, kind, pos, t.lemma_))
                out.append(with_offsets(line, items))
            return out

        return run

    return make


BACKENDS = [
    Backend("janome", "janome (IPADIC)", ("janome.tokenizer",), ("janome",), _make_janome),
    *(
        Backend(
            f"sudachi-{m}",
            f"SudachiPy mode {m}",
            ("sudachipy", "sudachidict_core"),
            ("sudachipy", "sudachidict-core"),
            _make_sudachi(m),
            note="without the yomigana plugin",
        )
        for m in "ABC"
    ),
    Backend(
        "sudachi-C-stock",
        "SudachiPy mode C, stock configuration",
        ("sudachipy", "sudachidict_core"),
        ("sudachipy", "sudachidict-core"),
        _make_sudachi("C", stock=True),
        note="with the yomigana plugin, as GiNZA uses it",
    ),
    Backend(
        "fugashi",
        "fugashi + unidic-lite",
        ("fugashi", "unidic_lite"),
        ("fugashi", "unidic-lite"),
        _make_fugashi,
    ),
    Backend(
        "mecab-ipadic",
        "MeCab + ipadic",
        ("MeCab", "ipadic"),
        ("mecab-python3", "ipadic"),
        _make_mecab_ipadic,
        note="the dictionary janome ships, read by MeCab in C",
    ),
    Backend(
        "ginza",
        "GiNZA (full pipeline)",
        ("spacy", "ginza", "ja_ginza"),
        ("ginza", "ja-ginza"),
        _make_ginza(False),
    ),
    Backend(
        "ginza-upos",
        "GiNZA (full pipeline), nouns by its predicted UPOS",
        ("spacy", "ginza", "ja_ginza"),
        ("ginza", "ja-ginza"),
        _make_ginza(False, upos=True),
        note="its model's NOUN/PROPN/NUM instead of Sudachi's 名詞",
    ),
    Backend(
        "ginza-tok",
        "GiNZA (tokenizer only)",
        ("spacy", "ginza", "ja_ginza"),
        ("ginza", "ja-ginza"),
        _make_ginza(True),
    ),
]
BY_NAME = {b.name: b for b in BACKENDS}


# --------------------------------------------------------------------------------------------
# Data: the Japanese articles and gold lists


def japanese_articles() -> list[tuple[Path, Path]]:
    """(article, gold list) for the Japanese articles of the ``articles`` and ``dev`` sets."""
    sys.path.insert(0, str(ROOT))
    from tests.data.evaluation import articles

    return [(a, g) for a, g, _ in articles(("articles", "dev")) if a.stem.endswith("_ja")]


def corpus_text() -> str:
    """The Japanese Markdown and text articles, concatenated (the throughput corpus).

    Each is read with ``load_article`` (one of them is in Shift JIS with CRLF line ends).
    """
    from flashcards.core.generate import load_article

    paths = [
        p
        for folder in ("tests/data/articles", "tests/data/dev")
        for p in sorted((ROOT / folder).iterdir())
        if p.suffix in (".md", ".txt") and p.stem.endswith("_ja")
    ]
    paths.append(ROOT / "resources" / "articles" / "llm_basics_ja.txt")
    return "\n".join(load_article(p).text for p in paths)


def lines_of(text: str) -> list[str]:
    """The non-empty lines of a text (what is tokenized, one call per line)."""
    return [line for line in text.splitlines() if line.strip()]


def kb(text: str) -> float:
    """The size of a text in kB (1000 bytes) of UTF-8."""
    return len(text.encode("utf-8")) / 1000


# --------------------------------------------------------------------------------------------
# 1. Install


def _requirement_names(dist: metadata.Distribution) -> list[str]:
    names = []
    for req in dist.requires or []:
        name = re.match(r"[A-Za-z0-9._-]+", req)
        if not name:
            continue
        marker = req.split(";", 1)[1] if ";" in req else ""
        if marker:
            try:
                from packaging.markers import Marker

                if not Marker(marker).evaluate({"extra": ""}):
                    continue
            except ImportError:
                if "extra" in marker or "darwin" in marker or "win32" in marker:
                    continue
        names.append(name.group(0))
    return names


def installed_size(dists: Iterable[str]) -> tuple[float, list[str]]:
    """MB on disk of the distributions and everything they require, and their names."""
    seen: dict[str, metadata.Distribution] = {}
    todo = list(dists)
    while todo:
        key = re.sub(r"[-_.]+", "-", todo.pop()).lower()
        if key in seen:
            continue
        try:
            dist = metadata.distribution(key)
        except metadata.PackageNotFoundError:
            continue
        seen[key] = dist
        todo.extend(_requirement_names(dist))
    total = 0
    for dist in seen.values():
        for f in dist.files or []:
            path = Path(str(dist.locate_file(f)))
            if path.is_file():
                total += path.stat().st_size
    return total / 1e6, sorted(seen)


# --------------------------------------------------------------------------------------------
# 2. Speed


def child(name: str, text_file: str | None) -> None:
    """Import, load and tokenize in this (fresh) process and print the timings as JSON."""
    if name == "none":  # the baseline: Python and this script's own imports
        print(json.dumps(dict.fromkeys(("import", "load", "first", "article", "rss_mb"), 0.0)))
        return
    t0 = time.perf_counter()
    backend = BY_NAME[name]
    for module in backend.modules:
        importlib.import_module(module)
    t1 = time.perf_counter()
    tokenize = backend.make()
    t2 = time.perf_counter()
    tokens = tokenize([SENTENCE])[0]
    t3 = time.perf_counter()
    article = 0.0
    if text_file:
        tokenize(lines_of(Path(text_file).read_text(encoding="utf-8")))
        article = time.perf_counter() - t3
    import resource

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "import": t1 - t0,
        "load": t2 - t1,
        "first": t3 - t2,
        "article": article,
        "rss_mb": rss,
        "tokens": len(tokens),
    }
    print(json.dumps(result))


def _child_cmd(name: str, text_file: str | None, *flags: str) -> list[str]:
    cmd = [sys.executable, *flags, str(Path(__file__).resolve()), "--child", name]
    return [*cmd, "--text", text_file] if text_file else cmd


def _run(cmd: list[str]) -> tuple[float, dict[str, float], str]:
    """Run a child; its wall time, its JSON (with its CPU time as ``cpu``) and its stderr."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, {**result, "cpu": cpu}, proc.stderr


_PREFIXES = ("janome", "sudachipy", "sudachidict", "fugashi", "unidic", "MeCab", "ipadic")
_PREFIXES_GINZA = ("spacy", "ginza", "ja_ginza", "thinc", "numpy")


def import_time_ms(stderr: str) -> float:
    """The cumulative import time (ms) of the top-level tokenizer modules in -X importtime."""
    total = 0
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|", 2)
        if not cumulative.strip().isdigit():
            continue
        if name.startswith("  "):  # a nested import: counted in its parent
            continue
        if name.strip().split(".")[0] in _PREFIXES + _PREFIXES_GINZA:
            total += int(cumulative)
    return total / 1000


def offline_works() -> bool:
    """Whether child processes can be run without network (``unshare -n``, needs root)."""
    if not shutil.which("unshare"):
        return False
    proc = subprocess.run(["unshare", "-n", "true"], capture_output=True, check=False)
    return proc.returncode == 0


@dataclass
class Startup:
    """Fresh-process timings, medians over the runs, in seconds."""

    sentence_wall: float
    sentence_cpu: float
    net: float
    article_wall: float
    article_cpu: float
    import_s: float
    load_s: float
    first_s: float
    article_s: float
    importtime_ms: float
    rss_mb: float
    offline: str


def startup(backend: Backend, runs: int, article_file: str, offline: bool) -> Startup:
    """Time fresh processes that load the tokenizer and tokenize a sentence or a 10 kB text."""
    walls, details, article_walls, cpus, article_cpus, nets = [], [], [], [], [], []
    for _ in range(runs):
        # The baseline (the same process without a tokenizer) is run next to each measured run,
        # so that both see the same load on the machine.
        base, _, _ = _run(_child_cmd("none", None))
        wall, detail, _ = _run(_child_cmd(backend.name, None))
        nets.append(wall - base)
        walls.append(wall)
        cpus.append(detail["cpu"])
        details.append(detail)
        wall, detail, _ = _run(_child_cmd(backend.name, article_file))
        article_walls.append(wall)
        article_cpus.append(detail["cpu"])
        details.append(detail)
    _, _, stderr = _run(_child_cmd(backend.name, None, "-X", "importtime"))
    offline_result = "not tested"
    if offline:
        try:
            _run(["unshare", "-n", *_child_cmd(backend.name, None)])
            offline_result = "yes"
        except RuntimeError as error:
            offline_result = f"NO: {error}"[:60]

    def med(key: str) -> float:
        return statistics.median(d[key] for d in details)

    return Startup(
        sentence_wall=statistics.median(walls),
        sentence_cpu=statistics.median(cpus),
        net=statistics.median(nets),
        article_wall=statistics.median(article_walls),
        article_cpu=statistics.median(article_cpus),
        import_s=med("import"),
        load_s=med("load"),
        first_s=med("first"),
        article_s=statistics.median(d["article"] for d in details if d["article"]),
        importtime_ms=import_time_ms(stderr),
        rss_mb=max(d["rss_mb"] for d in details),
        offline=offline_result,
    )


def throughput(tokenize: Tokenize, text: str, repeat: int) -> tuple[float, int]:
    """kB/s tokenizing ``text`` line by line and the token count.

    The best of ``repeat`` runs (fewer past 30 s): other load on the machine only adds time.
    """
    lines = lines_of(text)
    times = []
    count = 0
    for _ in range(repeat):
        start = time.perf_counter()
        result = tokenize(lines)
        times.append(time.perf_counter() - start)
        count = sum(1 for toks in result for t in toks if t.kind != "space")
        if sum(times) > 30:  # a slow one (GiNZA's whole pipeline): one run says enough
            break
    return kb(text) / min(times), count


# --------------------------------------------------------------------------------------------
# 3. Term boundaries


@dataclass
class Occurrence:
    """One place a gold form occurs: its article, line and offsets in the line."""

    article: str
    form: str
    line: str
    start: int
    end: int


def _ascii_word(form: str, line: str, start: int, end: int) -> bool:
    """Whether a Latin form's occurrence is a whole word (not ``f`` inside ``forte``)."""
    before = line[start - 1] if start else ""
    after = line[end] if end < len(line) else ""
    if _latin(form[0]) and before and _latin(before):
        return False
    return not (_latin(form[-1]) and after and _latin(after))


def gold_occurrences() -> tuple[list[Occurrence], dict[str, list[str]], list[str]]:
    """Every occurrence of every Japanese gold term and alias (but readings in hiragana).

    A Latin form counts only as a whole word (``p`` inside ``piano`` is no occurrence).

    Returns:
        The occurrences, each form's gold term (``article: term``) and the forms never found.
    """
    from flashcards.core.generate import load_article

    occurrences: list[Occurrence] = []
    missing: list[str] = []
    owner: dict[str, list[str]] = {}
    for article, gold in japanese_articles():
        text = load_article(article).text
        lines = lines_of(text)
        data = tomllib.loads(gold.read_text(encoding="utf-8"))
        for entry in data.get("terms", []):
            for form in dict.fromkeys([entry["term"], *entry.get("aliases", [])]):
                if all("\u3040" <= ch <= "\u309f" for ch in form):
                    continue  # a reading (けびいし): never a term (terms.is_stop)
                key = f"{article.stem}: {form}"
                owner.setdefault(key, []).append(entry["term"])
                found = 0
                for line in lines:
                    start = line.find(form)
                    while start >= 0:
                        end = start + len(form)
                        if _ascii_word(form, line, start, end):
                            occurrences.append(Occurrence(article.stem, form, line, start, end))
                            found += 1
                        start = line.find(form, end)
                if not found:
                    missing.append(key)
    return occurrences, owner, missing


@dataclass
class Verdict:
    """What one tokenizer makes of one occurrence."""

    bounds: bool  # a token boundary at both ends
    nouns: bool  # and every token inside a noun, prefix, suffix or joining connector
    chain: bool  # and the noun-chain builder makes exactly this span
    shown: str  # the tokens over the occurrence, for the disagreement list


def judge(tokens: Sequence[Tok], occ: Occurrence, spans: set[tuple[int, int]]) -> Verdict:
    """Judge the tokenization of one occurrence."""
    starts = {t.start for t in tokens if t.kind != "space"}
    ends = {t.end for t in tokens if t.kind != "space"}
    bounds = occ.start in starts and occ.end in ends
    inside = [i for i, t in enumerate(tokens) if t.start >= occ.start and t.end <= occ.end]
    nouns = bounds and all(tokens[i].kind in TERM_KINDS or _joinable(tokens, i) for i in inside)
    chain = nouns and (occ.start, occ.end) in spans
    over = [t for t in tokens if t.end > occ.start and t.start < occ.end and t.kind != "space"]
    shown = "|".join(
        t.surface + ("" if t.kind in TERM_KINDS else f"/{t.pos.split(',')[0]}") for t in over
    )
    return Verdict(bounds, nouns, chain, shown)


def boundaries(
    backend_tokenizers: dict[str, Tokenize], occurrences: list[Occurrence]
) -> dict[str, list[Verdict]]:
    """Every occurrence judged by every tokenizer (each distinct line is tokenized once)."""
    lines = list(dict.fromkeys(o.line for o in occurrences))
    out: dict[str, list[Verdict]] = {}
    for name, tokenize in backend_tokenizers.items():
        tokenized = dict(zip(lines, tokenize(lines), strict=True))
        spans = {line: chains(toks) for line, toks in tokenized.items()}
        out[name] = [judge(tokenized[o.line], o, spans[o.line]) for o in occurrences]
    return out


def _japanese(form: str) -> bool:
    return any(
        "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" or ch == "々" for ch in form
    )


def boundary_tables(
    occurrences: list[Occurrence], verdicts: dict[str, list[Verdict]], show: int
) -> None:
    """Print the shares per tokenizer and the forms they disagree on."""
    keys = [f"{o.article}: {o.form}" for o in occurrences]
    forms = list(dict.fromkeys(keys))
    ja_forms = [k for k in forms if _japanese(k.split(": ", 1)[1])]
    print(
        f"\n{len(occurrences)} occurrences of {len(forms)} distinct forms (term or alias, per "
        f"article); {len(ja_forms)} forms with kana or kanji."
    )
    header = (
        "| tokenizer | level | occurrences | forms (≥1 ok) | forms (all ok) | "
        "ja forms (≥1 ok) | ja occurrences |"
    )
    print(header)
    print("|" + "---|" * header.count(" | ") + "---|")
    per_form: dict[str, dict[str, bool]] = {}
    for name, vs in verdicts.items():
        for level in ("bounds", "nouns", "chain"):
            ok = [getattr(v, level) for v in vs]
            by_form: dict[str, list[bool]] = {}
            for k, value in zip(keys, ok, strict=True):
                by_form.setdefault(k, []).append(value)
            any_ok = {k: any(v) for k, v in by_form.items()}
            all_ok = {k: all(v) for k, v in by_form.items()}
            if level == "nouns":
                per_form[name] = any_ok
            ja_occ = [v for k, v in zip(keys, ok, strict=True) if k in set(ja_forms)]

            def pct(values: Sequence[bool]) -> str:
                return f"{100 * sum(values) / len(values):.1f}% ({sum(values)}/{len(values)})"

            print(
                f"| {name} | {level} | {pct(ok)} | {pct(list(any_ok.values()))} | "
                f"{pct(list(all_ok.values()))} | {pct([any_ok[k] for k in ja_forms])} | "
                f"{pct(ja_occ)} |"
            )
    for level in ("nouns", "chain"):
        disagreements(keys, forms, verdicts, level, show)


def disagreements(
    keys: list[str], forms: list[str], verdicts: dict[str, list[Verdict]], level: str, show: int
) -> None:
    """Print the forms on which the tokenizers do not get the same occurrences right."""
    names = list(verdicts)
    index: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        index.setdefault(k, []).append(i)
    counts = {
        n: {k: sum(getattr(verdicts[n][i], level) for i in idx) for k, idx in index.items()}
        for n in names
    }
    disagree = [k for k in forms if len({counts[n][k] for n in names}) > 1]
    print(
        f"\nForms on which the tokenizers disagree (level {level}): {len(disagree)}. Each cell: "
        "occurrences ok / occurrences, and the tokens over the first occurrence it gets wrong "
        "(else the first); a token that is no noun, prefix or suffix shows its part of speech."
    )
    if not disagree:
        return
    print("| form | " + " | ".join(names) + " |")
    print("|" + "---|" * (len(names) + 1))
    for k in disagree[:show]:
        cells = []
        for n in names:
            idx = index[k]
            bad = [i for i in idx if not getattr(verdicts[n][i], level)]
            i = bad[0] if bad else idx[0]
            cells.append(f"{counts[n][k]}/{len(idx)} {verdicts[n][i].shown}")
        print(f"| {k} | " + " | ".join(cells) + " |")
    if len(disagree) > show:
        print(f"(and {len(disagree) - show} more: --all-disagreements)")


# --------------------------------------------------------------------------------------------
# 4. Parts of speech the generator relies on

PROBES = [
    ("面取り", "面取り"),
    ("面取り", "大根は面取りをしてから煮る。"),
    ("落としぶた", "落としぶた"),
    ("落としぶた", "落としぶたをして弱火で煮る。"),
    ("アク抜き", "アク抜き"),
    ("アク抜き", "ごぼうはアク抜きが必要です。"),
    ("下ゆで", "下ゆで"),
    ("下ゆで", "本調理の前に下ゆでしておく。"),
    ("極軸", "極軸"),
    ("極軸", "赤道儀の極軸を北極星に合わせる。"),
    ("マルチヘッドアテンション", "マルチヘッドアテンションを使う。"),
    ("リモート追跡ブランチ", "リモート追跡ブランチを更新する。"),
    ("ソフトマックス関数", "ソフトマックス関数で正規化する。"),
    ("Attention機構", "特にAttention機構によって性能が向上した。"),
    ("7B", "7Bのモデル（FP16で約14GB）"),
    ("INT8", "INT8で量子化すると1バイトになる。"),
    ("担います", "Transformerの各層で中心的な役割を担います。"),
]


def probe_table(backend_tokenizers: dict[str, Tokenize]) -> None:
    """Print how each tokenizer reads each probe word in its context."""
    names = list(backend_tokenizers)
    print("\n| word (context) | " + " | ".join(names) + " |")
    print("|" + "---|" * (len(names) + 1))
    for word, context in PROBES:
        start = context.find(word)
        occ = Occurrence("probe", word, context, start, start + len(word))
        cells = []
        for name in names:
            toks = backend_tokenizers[name]([context])[0]
            over = [t for t in toks if t.end > occ.start and t.start < occ.end]
            shown = "|".join(f"{t.surface}/{t.pos.split(',')[0]}" for t in over)
            if word.endswith("ます"):
                verb = next((t for t in over if t.pos.startswith(("動詞", "VERB"))), None)
                cells.append(f"{shown} → base {verb.base if verb else '?'}")
            else:
                v = judge(toks, occ, chains(toks))
                mark = "✓" if v.chain else ("~" if v.nouns else "✗")
                cells.append(f"{mark} {shown}")
        label = word if context == word else f"{word} ({context})"
        print(f"| {label} | " + " | ".join(cells) + " |")
    print("✓ the chain builder makes the word; ~ nouns only but in a longer chain; ✗ not")


# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the measurements and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated tokenizer names")
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per timing")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-install", action="store_true")
    parser.add_argument("--all-disagreements", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--text", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.text)
        return 0

    chosen = [BY_NAME[n] for n in args.only.split(",")] if args.only else BACKENDS
    backends = []
    for b in chosen:
        if b.available():
            backends.append(b)
        else:
            print(f"skipped {b.name}: not installed ({', '.join(b.dists)})")
    print(f"Python {sys.version.split()[0]} on {sys.platform}")
    for b in backends:
        print(f"- {b.name}: {b.label}; {b.version()}" + (f" ({b.note})" if b.note else ""))

    if not args.skip_install:
        print("\n## Install: size on disk of the distributions and their requirements")
        print("| tokenizer | MB | distributions |")
        print("|---|---|---|")
        for b in backends:
            if b.name in ("sudachi-B", "sudachi-C", "sudachi-C-stock", "ginza-upos", "ginza-tok"):
                continue
            size, dists = installed_size(b.dists)
            print(f"| {b.name} | {size:.0f} | {', '.join(dists)} |")

    corpus = corpus_text()
    large = corpus * -(-int(LARGE) // len(corpus.encode("utf-8")))
    loaded: dict[str, Tokenize] = {}
    if not args.skip_speed:
        offline = offline_works()
        article = ""
        for line in corpus.splitlines(keepends=True):
            if kb(article) * 1000 >= TEN_KB:
                break
            article += line
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write(article)
        print(f"\n## Start-up: fresh processes, median of {args.runs}; seconds")
        print(
            f"sentence: import, load, tokenize one sentence; article: the same and a "
            f"{kb(article):.1f} kB text; offline: the sentence run with no network"
        )
        base_runs = [_run(_child_cmd("none", None)) for _ in range(args.runs)]
        base = statistics.median(r[0] for r in base_runs)
        base_cpu = statistics.median(r[1]["cpu"] for r in base_runs)
        print(
            f"(the same process without a tokenizer, Python and this script's imports, takes "
            f"{base:.3f} s wall, {base_cpu:.3f} s CPU; net = sentence wall minus that, the median "
            "of the differences with a baseline run next to each run; CPU = user + system time "
            "of the process)"
        )
        header = (
            "| tokenizer | sentence wall | sentence CPU | net | article wall | article CPU | "
            "import | load | first sentence | 10 kB tokenize | -X importtime ms | max RSS MB | "
            "offline |"
        )
        print(header)
        print("|" + "---|" * header.count(" | ") + "---|")
        for b in backends:
            try:
                s = startup(b, args.runs, f.name, offline)
            except RuntimeError as error:
                print(f"| {b.name} | failed: {error} |")
                continue
            print(
                f"| {b.name} | {s.sentence_wall:.3f} | {s.sentence_cpu:.3f} | "
                f"{s.net:.3f} | {s.article_wall:.3f} | {s.article_cpu:.3f} | "
                f"{s.import_s:.3f} | {s.load_s:.3f} | {s.first_s:.3f} | {s.article_s:.3f} | "
                f"{s.importtime_ms:.0f} | {s.rss_mb:.0f} | {s.offline} |"
            )
        os.unlink(f.name)

        print(
            f"\n## Throughput: line by line, tokens with part of speech; corpus {kb(corpus):.1f} "
            f"kB ({len(lines_of(corpus))} lines, best of 5), large {kb(large):.1f} kB (best of 3)"
        )
        print("| tokenizer | corpus kB/s | large kB/s | large seconds | tokens (corpus) |")
        print("|---|---|---|---|---|")
        for b in backends:
            tokenize = loaded.setdefault(b.name, b.make())
            speed, count = throughput(tokenize, corpus, 5)
            large_speed, _ = throughput(tokenize, large, 3)
            print(
                f"| {b.name} | {speed:.0f} | {large_speed:.0f} | {kb(large) / large_speed:.2f} "
                f"| {count} |"
            )

    for b in backends:
        loaded.setdefault(b.name, b.make())
    print("\n## Term boundaries of the Japanese gold terms")
    print(
        "bounds: a token boundary at both ends; nouns: and every token inside a noun, prefix, "
        "suffix or connector; chain: and the noun-chain builder makes exactly the term there"
    )
    occurrences, _, missing = gold_occurrences()
    if missing:
        print(f"forms never found in their article's text ({len(missing)}): {'; '.join(missing)}")
    verdicts = boundaries(loaded, occurrences)
    boundary_tables(occurrences, verdicts, 10_000 if args.all_disagreements else 40)

    print("\n## Parts of speech the generator relies on")
    probe_table(loaded)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
