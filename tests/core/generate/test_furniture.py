"""Web pages pasted as text: their menus, share buttons, bylines and related links make no card."""

from __future__ import annotations

import time
from pathlib import Path

from flashcards.core.generate import decode_article, generate_deck, load_article
from flashcards.core.generate.furniture import drop_furniture, is_furniture

PASTED_JA = """メニュー
ログイン
新規会員登録
トップ ＞ 暮らし ＞ 手芸 ＞ 編み物の基本用語
編み物の基本用語
2025.02.03
ライター：手芸部 あおい
この記事をシェア
X
はてブ

編み物の説明には、なじみのない言葉が出てきます。

作り目とは、編み始めに針にかける最初の目のことです。
ゲージは、決まった大きさの中に何目何段あるかを数えた編み目の密度です。

この記事を書いた人
ニットラボ編集部
編み物好きのスタッフが、毛糸と道具の選び方をお届けします。
関連記事
初心者向けの毛糸の選び方
かぎ針と棒針の違い
プライバシーポリシー
© 2025 Handmade Inc.
"""

PASTED_EN = """Skip to content
Menu
Home / Guides / Knitting words
Knitting words, explained
Posted on May 3, 2024 by Ada Brooks
4 min read
Share on Facebook
Pin it

A gauge swatch is a small square knitted first to measure how many stitches fit in ten
centimetres.
Casting on: making the first row of loops on the needle
Binding off: finishing the last row so the stitches do not unravel

Related posts
Choosing your first yarn
Tags: knitting, glossary
Leave a comment
Newsletter
Get 10% off your first order
Subscribe
© 2024 Yarn Corner. All rights reserved.
Privacy Policy
Terms of Service
"""


def test_furniture_lines_are_recognised_and_prose_is_not() -> None:
    for line in (
        "ログイン",
        "トップ ＞ 暮らし ＞ 手芸",
        "Home / Guides / Knitting words",
        "2025.02.03",
        "公開日：2024年8月19日",
        "Posted on May 3, 2024 by Ada Brooks",
        "ライター：手芸部 あおい",
        "5 min read",
        "© 2025 Handmade Inc.",
        "#編み物 #毛糸",
        "Share: Facebook  X  Email",
        "Terms of Service",
    ):
        assert is_furniture(line), line
    for line in (
        "作り目とは、編み始めに針にかける最初の目のことです。",
        "Casting on: making the first row of loops on the needle",
        "Home is where the first row of loops sits",
        "ゲージ",
    ):
        assert not is_furniture(line), line


def test_a_tail_heading_drops_the_short_lines_after_it_only() -> None:
    tail = ["本文です。", "関連記事", "記事A", "記事B"]
    assert drop_furniture(tail, "ja") == ["本文です。", "", "", ""]
    # A long paragraph after it: the article goes on, only the heading line goes.
    long = (
        "この段落は関連記事という見出しの後に続く本文で、"
        "四十文字をはるかに超える長さで書かれています。"
    )
    assert drop_furniture(["関連記事", long], "ja") == ["", long]


def test_a_pasted_page_makes_cards_of_its_terms_only() -> None:
    for text, name, terms in (
        (PASTED_JA, "knitting_ja.txt", {"作り目", "ゲージ"}),
        (PASTED_EN, "knitting_en.txt", {"gauge swatch", "Casting on", "Binding off"}),
    ):
        deck = generate_deck(decode_article(text.encode(), name))
        fronts = {note.front for note in deck.notes}
        assert fronts == terms, fronts


def test_the_dev_sets_pasted_pages_make_no_card_of_their_furniture() -> None:
    # These made "新規会員登録 → トップ ＞ 暮らし ＞ …", "グリーンライフ編集部 → 園芸店スタッフと…"
    # and "Privacy Policy → Terms of Service" before the furniture was blanked.
    dev = Path(__file__).resolve().parents[2] / "data" / "dev"
    for name in ("houseplants_ja.txt", "coffee_brewing_en.txt", "kitchen_prep_ja.txt"):
        article = load_article(dev / name)
        lines = article.text.split("\n")
        furniture = {line.strip() for line in lines if is_furniture(line.strip())}
        furniture |= {"グリーンライフ編集部", "Privacy Policy", "料理教室ことこと 編集部"}
        for note in generate_deck(article).notes:
            assert note.front not in furniture and note.back not in furniture, note
            assert "＞" not in note.back and " / " not in note.front, note


def test_a_pasted_pages_title_is_the_line_after_its_breadcrumb() -> None:
    assert decode_article(PASTED_JA.encode(), "k_ja.txt").title == "編み物の基本用語"
    assert decode_article(PASTED_EN.encode(), "k_en.txt").title == "Knitting words, explained"
    notes = "# My notes\n\nHome / Guides / Knitting\nSome text here.\n"
    assert decode_article(notes.encode(), "n.md").title == "My notes"


def test_many_tail_headings_are_read_in_linear_time() -> None:
    # Each tail heading used to look at every line after it.
    long = "この行は四十文字をはるかに超える長さで書かれた本文の行で、見出しの後にも続いています。"
    lines = ["コメント", long] * 20_000
    start = time.perf_counter()
    out = drop_furniture(lines, "ja")
    assert time.perf_counter() - start < 5
    assert out.count("") == 20_000 and out.count(long) == 20_000
