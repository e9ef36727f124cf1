"""Reading articles: encodings, BOMs, and one-sentence errors for everything else."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from flashcards.core.errors import InputError
from flashcards.core.generate import MAX_ARTICLE_BYTES, decode_article, read_article

SEED = Path(__file__).parents[3] / "resources" / "articles" / "llm_basics_ja.txt"
TEXT = "データベースとは、整理されたデータの集まりのことです。\nSQLは問い合わせ言語です。\n"


@pytest.mark.parametrize("encoding", ["utf-8", "cp932", "shift_jis", "euc_jp"])
def test_decodes_each_encoding(encoding: str) -> None:
    article = decode_article(TEXT.encode(encoding), "a.txt")
    assert article.text == TEXT


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_decodes_with_bom(bom: bytes, encoding: str) -> None:
    article = decode_article(bom + TEXT.encode(encoding), "a.txt")
    assert article.text == TEXT


def test_seed_in_legacy_encodings_round_trips() -> None:
    seed = SEED.read_text(encoding="utf-8")
    for encoding in ("cp932", "euc_jp"):
        # Keep only what the legacy encoding can hold (no en dash in JIS, no ① in EUC-JP).
        text = "".join(ch for ch in seed if _encodable(ch, encoding))
        assert decode_article(text.encode(encoding), "seed").text == text


def _encodable(ch: str, encoding: str) -> bool:
    try:
        ch.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def test_crlf_is_normalised_and_title_taken_from_first_line() -> None:
    article = decode_article(b"# My notes\r\n\r\nA packet is a unit.\r\n", "n.md")
    assert article.text == "# My notes\n\nA packet is a unit.\n"
    assert article.title == "My notes"


def test_title_falls_back_to_file_name() -> None:
    article = decode_article(b"A packet is a small unit of data.", "net.md")
    assert article.title == "net"


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (b"  \n\t \n", "empty"),
        ("　\n".encode(), "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes(range(256)) * 4, "binary"),
        (b"\xff\xfe\x00", "UTF-16"),
        (b"\x80\x81\xfd\xfe\xff" * 20, "not text"),
        (b"abc\x01\x02def", "control characters"),
    ],
)
def test_rejects_unusable_bytes_with_one_sentence(data: bytes, fragment: str) -> None:
    with pytest.raises(InputError) as info:
        decode_article(data, "bad.txt")
    message = str(info.value)
    assert fragment in message
    assert message.endswith(".") and "\n" not in message


def test_rejects_huge_article(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(b"a" * (MAX_ARTICLE_BYTES + 1))
    with pytest.raises(InputError, match="larger than 256 KiB"):
        read_article(path)
    with pytest.raises(InputError, match="larger than 256 KiB"):
        decode_article(b"a" * (MAX_ARTICLE_BYTES + 1), "huge.txt")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="Cannot read"):
        read_article(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="folder"):
        read_article(tmp_path)


def test_read_article_keeps_path_and_sidecar_attribution(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# Notes\n\nA packet is a unit.\n", encoding="utf-8")
    assert read_article(path).attribution == ""
    (tmp_path / "notes.source.toml").write_text('attribution = "by me, CC0"\n', encoding="utf-8")
    article = read_article(path)
    assert article.path == path
    assert article.attribution == "by me, CC0"


def test_seed_article_reads_with_title() -> None:
    article = read_article(SEED)
    assert article.title == "今更聞けないLLM解説まとめ①LLMって何ぞ"
    assert "Matsuo" in article.attribution
