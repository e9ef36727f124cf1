# ruff: noqa: E501  (tables of example sentences read better unwrapped)
"""Each definition pattern, Japanese and English, through the public generate_deck."""

from __future__ import annotations

import pytest

from flashcards.core.deckfile import NoteSpec
from flashcards.core.generate import decode_article, generate_deck


def _notes(text: str, lang: str = "auto") -> dict[str, NoteSpec]:
    article = decode_article(text.encode("utf-8"), "t.md")
    deck = generate_deck(article, deck_name="T", lang=lang)
    return {
        note.front if note.kind != "cloze" else note.id.split("/", 1)[1]: note
        for note in deck.notes
    }


@pytest.mark.parametrize(
    ("text", "front", "back"),
    [
        (
            "# T\n\nデータベースとは、整理されたデータの集まりのことです。\n",
            "データベース",
            "整理されたデータの集まり",
        ),
        (
            "# T\n\nAIの研究ではRAG(Retrieval Augmented Generation)がよく使われます。\n",
            "RAG",
            "Retrieval Augmented Generation",
        ),
        (
            "# T\n\nまず Retrieval Augmented Generation(RAG)を説明します。\n",
            "RAG",
            "Retrieval Augmented Generation",
        ),
        (
            "# T\n\nDBMS(Database Management System)を使います。\n",
            "DBMS",
            "Database Management System",
        ),
        (
            "# T\n\nJOIN…複数のテーブルを共通の列で結びつける操作。\n",
            "JOIN",
            "複数のテーブルを共通の列で結びつける操作",
        ),
        (
            "# T\n\nキーと値の組で保存するデータベースをキーバリューストアと呼びます。\n",
            "キーバリューストア",
            "キーと値の組で保存するデータベース",
        ),
        ("# T\n\n各行を一意に識別する列を主キーといいます。\n", "主キー", "各行を一意に識別する列"),
        (
            "# T\n\nくわえて、ファインチューニングと言って、学習済みモデルを追加のデータで調整する手法があります。\n",
            "ファインチューニング",
            "学習済みモデルを追加のデータで調整する手法",
        ),
        (
            "# T\n\n検索を速くするための索引(インデックス)を作ります。\n",
            "インデックス",
            "検索を速くするための索引",
        ),
        (
            "# T\n\nGPUはGraphics Processing Unitです。GPUは速いです。\n",
            "GPU",
            "Graphics Processing Unit",
        ),
        ("# T\n\nAI(人工知能)の話をします。\n", "AI", "人工知能"),
    ],
)
def test_japanese_patterns(text: str, front: str, back: str) -> None:
    notes = _notes(text)
    assert front in notes, list(notes)
    assert back in notes[front].back


@pytest.mark.parametrize(
    ("text", "front", "back"),
    [
        (
            "# T\n\nA packet is a small chunk of data. Packets travel alone.\n",
            "packet",
            "a small chunk of data",
        ),
        (
            "# T\n\nWe use TCP (Transmission Control Protocol) here.\n",
            "TCP",
            "Transmission Control Protocol",
        ),
        ("# T\n\nThe Domain Name System (DNS) maps names.\n", "DNS", "Domain Name System"),
        (
            "# T\n\nUDP, also called the User Datagram Protocol, is a simple protocol.\n",
            "UDP",
            "a simple protocol (also called the User Datagram Protocol)",
        ),
        ("# T\n\nLatency refers to the delay of a packet.\n", "Latency", "the delay of a packet"),
        (
            "# T\n\nBandwidth means the amount of data per second.\n",
            "Bandwidth",
            "the amount of data per second",
        ),
        (
            "# T\n\nA device that forwards packets is called a router.\n",
            "router",
            "A device that forwards packets",
        ),
        (
            "# T\n\nPort: a number that identifies a program.\n",
            "Port",
            "a number that identifies a program",
        ),
    ],
)
def test_english_patterns(text: str, front: str, back: str) -> None:
    notes = _notes(text)
    assert front in notes, list(notes)
    assert notes[front].back == back


@pytest.mark.parametrize(
    ("text", "front", "back"),
    [
        (
            "# T\n\n重ね合わせ(superposition)は、複数の状態が同時に存在する性質です。\n",
            "重ね合わせ (superposition)",
            "複数の状態が同時に存在する性質",
        ),
        (
            "# T\n\n量子もつれ(entanglement)と言って、離れた量子ビット同士の状態が相関する現象もあります。\n",
            "量子もつれ (entanglement)",
            "離れた量子ビット同士の状態が相関する現象",
        ),
        (
            "# T\n\nいわゆる量子超越性は、古典コンピュータでは解けない問題を解くことを指します。\n",
            "量子超越性",
            "古典コンピュータでは解けない問題を解くこと",
        ),
        (
            "# T\n\n大名は、1万石以上の領地を与えられた武士を指します。\n",
            "大名",
            "1万石以上の領地を与えられた武士",
        ),
        (
            "# T\n\n寺請制度(てらうけせいど)は、人を寺に登録させる制度を意味します。\n",
            "寺請制度",
            "人を寺に登録させる制度",
        ),
        ("# T\n\n大名の領地とその仕組みを総称して藩と呼びます。\n", "藩", "大名の領地とその仕組み"),
        (
            "# T\n\n長崎の出島は、オランダとの貿易の窓口となった島です。\n",
            "出島",
            "オランダとの貿易の窓口となった島",
        ),
        (
            "# T\n\n親藩は徳川家の一族の大名、譜代大名は古くからの家臣の大名のことです。\n",
            "譜代大名",
            "古くからの家臣の大名",
        ),
        (
            "# T\n\n昆布とかつお節を組み合わせると、うま味が強くなります。これを相乗効果と呼びます。\n",
            "相乗効果",
            "昆布とかつお節を組み合わせると、うま味が強くなる",
        ),
    ],
)
def test_japanese_generalised_patterns(text: str, front: str, back: str) -> None:
    notes = _notes(text)
    assert front in notes, list(notes)
    assert notes[front].back == back


@pytest.mark.parametrize(
    ("text", "front", "back"),
    [
        (
            "# T\n\nIt takes place in the chloroplast, an organelle found in the cells of leaves.\n",
            "chloroplast",
            "an organelle found in the cells of leaves",
        ),
        (
            "# T\n\nChlorophyll is the green pigment that absorbs red and blue light.\n",
            "Chlorophyll",
            "the green pigment that absorbs red and blue light",
        ),
        (
            "# T\n\nThe Calvin cycle, also called the light-independent reactions, uses ATP to fix carbon.\n",
            "Calvin cycle",
            "uses ATP to fix carbon (also called the light-independent reactions)",
        ),
        (
            "# T\n\nRuBisCO (ribulose-1,5-bisphosphate carboxylase/oxygenase) is the enzyme that fixes carbon dioxide; it is abundant.\n",
            "RuBisCO",
            "ribulose-1,5-bisphosphate carboxylase/oxygenase / the enzyme that fixes carbon dioxide",
        ),
        (
            "# T\n\nStomata are the small pores on the leaf surface that let gas in.\n",
            "Stomata",
            "the small pores on the leaf surface that let gas in",
        ),
        (
            "# T\n\nIts main tool is the interest rate, or the price of borrowing money.\n",
            "interest rate",
            "the price of borrowing money",
        ),
        (
            "# T\n\nThe opposite, deflation, is a sustained fall in prices, and it sounds nice.\n",
            "deflation",
            "a sustained fall in prices",
        ),
        (
            "# T\n\nThe time signature tells you the beats in a bar, and syncopation means accenting a weak beat.\n",
            "syncopation",
            "accenting a weak beat",
        ),
        (
            "# T\n\nThe smallest step is the semitone, also called a half step, which is the distance between adjacent keys.\n",
            "semitone",
            "the distance between adjacent keys (also called a half step)",
        ),
    ],
)
def test_english_generalised_patterns(text: str, front: str, back: str) -> None:
    notes = _notes(text)
    assert front in notes, list(notes)
    assert notes[front].back == back


@pytest.mark.parametrize(
    "text",
    [
        "# T\n\nCoffee is a must before the next post.\n",
        "# T\n\nTea, or coffee, is fine in the morning.\n",
        "# T\n\nIn the US this is the Federal Reserve.\n",
        "# T\n\n今日はカレーを食べました。おいしかったです。\n",
        "# T\n\n僕の趣味は、週末に友達とカレーを作ることです。\n",
        "# T\n\n間違っていたらこっそり教えてください。\n",
        "# T\n\n卒論は、先生に毎週見てもらう大変な文章です。\n",
    ],
)
def test_chatty_sentences_make_no_definition(text: str) -> None:
    for note in _notes(text).values():
        assert note.kind == "cloze", note


def test_enumeration_becomes_a_cloze_of_its_items() -> None:
    text = "# T\n\n## 性質\n\nトランザクションの性質は、主に\n原子性\n一貫性\n独立性\n永続性\nの4つです。\n"
    (note,) = [n for n in _notes(text).values() if n.kind == "cloze"]
    for item in ("原子性", "一貫性", "独立性", "永続性"):
        assert "{{c1::" + item + "}}" in note.front


def test_so_called_term_without_definition_becomes_cloze() -> None:
    notes = _notes("# T\n\nすべての接続はいわゆるハンドシェイクという手順で始まります。\n")
    note = notes["ハンドシェイク"]
    assert note.kind == "cloze" and "{{c1::ハンドシェイク}}" in note.front


@pytest.mark.parametrize(
    "text",
    [
        "# T\n\nTransformer…前述のネットワーク。\n",  # anaphor: 前述
        "# T\n\nXYZとは\nの規模を大きくした物です。\n",  # back would start with a particle
        "# T\n\nこのうちBaselineとはそれのことです。\n",
        "# T\n\nコーヒーは大事です。コーヒーは好きです。\n",  # an evaluation, not a definition
        "# T\n\n私の趣味は写真です。\n",
        "# T\n\nCoffee is a necessity for this kind of work.\n",  # one mention, everyday word
        "# T\n\nThis is a problem. It is the worst.\n",
        "# T\n\nPizza is a good reward after a long rebase.\n",  # weak and unsupported: not even a cloze
    ],
)
def test_bad_backs_are_not_made(text: str) -> None:
    for note in _notes(text).values():
        assert note.kind == "cloze" or note.back not in ("ネットワーク", "")
        assert not note.back.startswith(("の", "を", "これ", "それ", "前述"))
        assert note.front not in ("コーヒー", "私の趣味", "Coffee", "This", "It")
        assert "Pizza" not in note.front


def test_chatty_asides_are_dropped_from_cards() -> None:
    text = "# T\n\nこの仕組み、特にその中のAttention機構(論文の題名ですね)が重要で、Attentionは頻出です。\n"
    for note in _notes(text).values():
        assert "ですね" not in note.front + note.back


def test_back_never_equals_front() -> None:
    notes = _notes("# T\n\nAPIとはAPIのことです。\nAPI…API。\n")
    for note in notes.values():
        assert note.front.strip() != note.back.strip()


def test_so_called_takes_a_multi_word_name() -> None:
    notes = _notes("# T\n\nMerging the same lines causes a so-called merge conflict in Git.\n")
    assert "{{c1::merge conflict}}" in notes["merge-conflict"].front
