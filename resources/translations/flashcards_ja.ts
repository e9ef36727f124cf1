<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>About</name>
    <message>
        <source>the Matsuo Lab LLM course (松尾研 LLM講座)</source>
        <translation>松尾研 LLM講座</translation>
    </message>
    <message>
        <source>Spaced-repetition flashcards generated from the articles you read, scheduled with FSRS, at home in Anki.</source>
        <translation>読んだ記事から作る間隔反復の単語帳です。FSRS でスケジュールし、Anki とも行き来できます。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Code licence.&lt;/b&gt; The program is free software under the {licence} (the LICENSE file that comes with it); copyright © 2026 The Flashcards authors.</source>
        <translation>&lt;b&gt;コードのライセンス&lt;/b&gt; このプログラムは {licence}（同梱の LICENSE ファイル）によるフリーソフトウェアです。© 2026 The Flashcards authors.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Shipped article.&lt;/b&gt; The shipped article and the deck derived from it are {title} by {author}, based on {course}, licensed under {licence} (attribution, non-commercial, share-alike). The flashcards are adapted from it (terms and definitions extracted into cards) and shared under the same licence; every deck exported from it carries this attribution.</source>
        <translation>&lt;b&gt;同梱の記事&lt;/b&gt; 同梱の記事とそこから作ったデッキは、{author} による {title}（{course} に基づく）で、{licence}（表示・非営利・継承）の下で公開されています。カードはこの記事を翻案したもの（用語と定義をカードにしたもの）で、同じライセンスの下で共有します。この記事から書き出したデッキにはすべてこの表示が付きます。</translation>
    </message>
    <message>
        <source>Built with Qt for Python (PySide6, LGPLv3), SQLModel, py-fsrs and genanki.</source>
        <translation>PySide6（Qt、LGPLv3）、SQLModel、py-fsrs、genanki を使って作られています。</translation>
    </message>
    <message>
        <source>About Flashcards</source>
        <translation>Flashcards について</translation>
    </message>
</context>
<context>
    <name>AnswerButton</name>
    <message>
        <source>{name} (key {key})</source>
        <translation>{name}（{key} キー）</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>The collection could not be opened.</source>
        <extracomment>With this environment variable set to 1 the app prints start-up timings and quits. Python&apos;s cycle collection, kept on the GUI thread while the app runs. Runs operations on the open collection and announces their changes. Backups every 30 minutes of use and on close (for a SQLite collection). Damaged-file recovery and File → Restore Backup… (built by :func:`setup_recovery`). The data directory&apos;s lock (released by :func:`shutdown`); None in tests that take none. Set once :func:`shutdown` has run. Ends the event loop when the main window closes (default: ``app.quit``).</extracomment>
        <translation>コレクションを開けませんでした。</translation>
    </message>
    <message>
        <source>The collection could not be opened</source>
        <translation>コレクションを開けませんでした</translation>
    </message>
</context>
<context>
    <name>AutoBackup</name>
    <message>
        <source>Backed up the collection to {name}.</source>
        <extracomment>How often the backup timer looks at the clock (the interval itself is the core&apos;s 30 minutes). A one-sentence report for the status bar (a backup taken, or why it failed).</extracomment>
        <translation>コレクションを {name} にバックアップしました。</translation>
    </message>
    <message>
        <source>The backup could not be written</source>
        <translation>バックアップを書き込めませんでした</translation>
    </message>
</context>
<context>
    <name>BrowserController</name>
    <message>
        <source>The search could not be run</source>
        <extracomment>The changes that can change what the table shows. The changes that can change what the sidebar lists (decks, tags, saved searches). The table may show old rows: searched again when the window is shown. The sidebar may list old decks or tags: read again when the window is shown.</extracomment>
        <translation>検索を実行できませんでした</translation>
    </message>
    <message>
        <source>Save Current Search</source>
        <translation>現在の検索を保存</translation>
    </message>
    <message>
        <source>Name for the search {query}:</source>
        <translation>検索 {query} の名前:</translation>
    </message>
    <message>
        <source>Name for the search “all cards”:</source>
        <translation>検索「すべてのカード」の名前:</translation>
    </message>
    <message>
        <source>{n} note updated.</source>
        <translation>ノート {n} 件を更新しました。</translation>
    </message>
    <message>
        <source>{n} notes updated.</source>
        <translation>ノート {n} 件を更新しました。</translation>
    </message>
    <message>
        <source>Select the notes to change first.</source>
        <translation>変更するノートを先に選んでください。</translation>
    </message>
    <message>
        <source>Change Note Type</source>
        <translation>ノートタイプを変更</translation>
    </message>
    <message>
        <source>Select notes of one note type.</source>
        <translation>同じノートタイプのノートを選んでください。</translation>
    </message>
    <message>
        <source>No note was changed</source>
        <translation>ノートは変更されませんでした</translation>
    </message>
    <message>
        <source>Find and Replace</source>
        <translation>検索と置換</translation>
    </message>
    <message>
        <source>Nothing was replaced</source>
        <translation>何も置換されませんでした</translation>
    </message>
    <message>
        <source>The note was not saved</source>
        <translation>ノートを保存できませんでした</translation>
    </message>
    <message>
        <source>Note saved.</source>
        <translation>ノートを保存しました。</translation>
    </message>
    <message>
        <source>Delete notes</source>
        <translation>ノートを削除</translation>
    </message>
    <message>
        <source>Delete {n} note with its cards and review history?</source>
        <translation>ノート {n} 件をカードと復習履歴ごと削除しますか？</translation>
    </message>
    <message>
        <source>Delete {n} notes with their cards and review history?</source>
        <translation>ノート {n} 件をカードと復習履歴ごと削除しますか？</translation>
    </message>
    <message>
        <source>Deleted {n} note.</source>
        <translation>ノート {n} 件を削除しました。</translation>
    </message>
    <message>
        <source>Deleted {n} notes.</source>
        <translation>ノート {n} 件を削除しました。</translation>
    </message>
    <message>
        <source>The notes were not deleted</source>
        <translation>ノートを削除できませんでした</translation>
    </message>
    <message>
        <source>Suspended {n} card.</source>
        <translation>カード {n} 枚を保留しました。</translation>
    </message>
    <message>
        <source>Suspended {n} cards.</source>
        <translation>カード {n} 枚を保留しました。</translation>
    </message>
    <message>
        <source>Unsuspended {n} card.</source>
        <translation>カード {n} 枚の保留を解除しました。</translation>
    </message>
    <message>
        <source>Unsuspended {n} cards.</source>
        <translation>カード {n} 枚の保留を解除しました。</translation>
    </message>
    <message>
        <source>The cards were not changed</source>
        <translation>カードを変更できませんでした</translation>
    </message>
    <message>
        <source>Flagged {n} card {name}.</source>
        <translation>カード {n} 枚に{name}のフラグを付けました。</translation>
    </message>
    <message>
        <source>Flagged {n} cards {name}.</source>
        <translation>カード {n} 枚に{name}のフラグを付けました。</translation>
    </message>
    <message>
        <source>Removed the {name} flag from {n} card.</source>
        <translation>カード {n} 枚から{name}のフラグを外しました。</translation>
    </message>
    <message>
        <source>Removed the {name} flag from {n} cards.</source>
        <translation>カード {n} 枚から{name}のフラグを外しました。</translation>
    </message>
    <message>
        <source>Change deck</source>
        <translation>デッキを変更</translation>
    </message>
    <message>
        <source>Move {n} note to deck:</source>
        <translation>ノート {n} 件の移動先デッキ:</translation>
    </message>
    <message>
        <source>Move {n} notes to deck:</source>
        <translation>ノート {n} 件の移動先デッキ:</translation>
    </message>
    <message>
        <source>The notes were not moved</source>
        <translation>ノートを移動できませんでした</translation>
    </message>
</context>
<context>
    <name>BrowserSidebar</name>
    <message>
        <source>New</source>
        <extracomment>The collection setting that holds the saved searches (JSON: name -&gt; search). What an item holds: its search, and for a saved search its name. The card states (title, search), as Anki&apos;s sidebar lists them.</extracomment>
        <translation>新規</translation>
    </message>
    <message>
        <source>Learning</source>
        <translation>学習中</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>復習</translation>
    </message>
    <message>
        <source>Due today</source>
        <translation>今日が期日</translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation>保留中</translation>
    </message>
    <message>
        <source>Buried</source>
        <translation>延期中</translation>
    </message>
    <message>
        <source>Marked</source>
        <translation>マーク付き</translation>
    </message>
    <message>
        <source>Save Current Search…</source>
        <extracomment>An item was clicked (or activated with the keyboard): run its search. Save the current search under a name (asked by the controller). Delete the saved search of this name.</extracomment>
        <translation>現在の検索を保存…</translation>
    </message>
    <message>
        <source>Saved Searches</source>
        <translation>保存した検索</translation>
    </message>
    <message>
        <source>Card State</source>
        <translation>カードの状態</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>フラグ</translation>
    </message>
    <message>
        <source>Decks</source>
        <translation>デッキ</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>タグ</translation>
    </message>
    <message>
        <source>Note Types</source>
        <translation>ノートタイプ</translation>
    </message>
    <message>
        <source>All cards</source>
        <translation>すべてのカード</translation>
    </message>
    <message>
        <source>No flag</source>
        <translation>フラグなし</translation>
    </message>
    <message>
        <source>Every card</source>
        <translation>すべてのカード</translation>
    </message>
    <message>
        <source>Delete Saved Search</source>
        <translation>保存した検索を削除</translation>
    </message>
</context>
<context>
    <name>BrowserWindow</name>
    <message>
        <source>Browse</source>
        <extracomment>The GUI setting that lists the hidden columns (their keys). The search to run (typed and paused, or Return). Ctrl+1..7: toggle that flag on the selected cards (as in Anki). Card Info for the current card. The window was shown (a stale table is refreshed now). The window is closing (a pending edit is saved now).</extracomment>
        <translation>ブラウズ</translation>
    </message>
    <message>
        <source>Search: words, deck:NAME, tag:NAME, is:new / is:due / is:suspended, flag:1  (Ctrl+F)</source>
        <translation>検索: 単語、deck:名前、tag:名前、is:new / is:due / is:suspended、flag:1  (Ctrl+F)</translation>
    </message>
    <message>
        <source>Save note</source>
        <translation>ノートを保存</translation>
    </message>
    <message>
        <source>&amp;Cards</source>
        <translation>カード(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Delete Notes</source>
        <translation>ノートを削除(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Toggle Suspend</source>
        <translation>保留を切り替え(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Change Deck…</source>
        <translation>デッキを変更(&amp;C)…</translation>
    </message>
    <message>
        <source>Card &amp;Info…</source>
        <translation>カード情報(&amp;I)…</translation>
    </message>
    <message>
        <source>F&amp;lag</source>
        <translation>フラグ(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>検索(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Save Note</source>
        <translation>ノートを保存(&amp;S)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <source>&amp;Notes</source>
        <translation>ノート(&amp;N)</translation>
    </message>
    <message>
        <source>Find and &amp;Replace…</source>
        <translation>検索と置換(&amp;R)…</translation>
    </message>
    <message>
        <source>Find &amp;Duplicates…</source>
        <translation>重複を検索(&amp;D)…</translation>
    </message>
    <message>
        <source>Change &amp;Note Type…</source>
        <translation>ノートタイプを変更(&amp;N)…</translation>
    </message>
    <message>
        <source>{n} card</source>
        <translation>カード {n} 枚</translation>
    </message>
    <message>
        <source>{n} cards</source>
        <translation>カード {n} 枚</translation>
    </message>
</context>
<context>
    <name>CardInfoDialog</name>
    <message>
        <source>Date</source>
        <extracomment>The review log&apos;s columns.</extracomment>
        <translation>日付</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>種類</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>評価</translation>
    </message>
    <message>
        <source>Interval</source>
        <translation>間隔</translation>
    </message>
    <message>
        <source>Stability</source>
        <translation>安定性</translation>
    </message>
    <message>
        <source>Difficulty</source>
        <translation>難度</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>時間</translation>
    </message>
    <message>
        <source>Learn</source>
        <translation>学習</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>復習</translation>
    </message>
    <message>
        <source>Relearn</source>
        <translation>再学習</translation>
    </message>
    <message>
        <source>Manual</source>
        <extracomment>The type of a reset (Forget) in the log, as Anki&apos;s card info names it.</extracomment>
        <translation>手動</translation>
    </message>
    <message>
        <source>New</source>
        <extracomment>The card states (the core names them in English).</extracomment>
        <translation>新規</translation>
    </message>
    <message>
        <source>Learning</source>
        <translation>学習中</translation>
    </message>
    <message>
        <source>Relearning</source>
        <translation>再学習中</translation>
    </message>
    <message>
        <source>Again</source>
        <extracomment>The answer buttons&apos; names (as the review&apos;s buttons).</extracomment>
        <translation>もう一度</translation>
    </message>
    <message>
        <source>Hard</source>
        <translation>難しい</translation>
    </message>
    <message>
        <source>Good</source>
        <translation>正解</translation>
    </message>
    <message>
        <source>Easy</source>
        <translation>簡単</translation>
    </message>
    <message>
        <source>{n} min</source>
        <translation>{n} 分</translation>
    </message>
    <message>
        <source>{n} h</source>
        <translation>{n} 時間</translation>
    </message>
    <message>
        <source>{n} day</source>
        <translation>{n} 日</translation>
    </message>
    <message>
        <source>{n} days</source>
        <translation>{n} 日</translation>
    </message>
    <message>
        <source>{n} months</source>
        <translation>{n} か月</translation>
    </message>
    <message>
        <source>{n} years</source>
        <translation>{n} 年</translation>
    </message>
    <message>
        <source>{n} s</source>
        <translation>{n} 秒</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>追加日</translation>
    </message>
    <message>
        <source>First Review</source>
        <translation>最初の復習</translation>
    </message>
    <message>
        <source>Latest Review</source>
        <translation>最新の復習</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>期日</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Retrievability</source>
        <translation>推定正答率</translation>
    </message>
    <message>
        <source>Reviews</source>
        <translation>復習回数</translation>
    </message>
    <message>
        <source>Lapses</source>
        <translation>忘却回数</translation>
    </message>
    <message>
        <source>Average Time</source>
        <translation>平均時間</translation>
    </message>
    <message>
        <source>Total Time</source>
        <translation>合計時間</translation>
    </message>
    <message>
        <source>Card Type</source>
        <translation>カードタイプ</translation>
    </message>
    <message>
        <source>Note Type</source>
        <translation>ノートタイプ</translation>
    </message>
    <message>
        <source>Deck</source>
        <translation>デッキ</translation>
    </message>
    <message>
        <source>Card ID</source>
        <translation>カード ID</translation>
    </message>
    <message>
        <source>Note ID</source>
        <translation>ノート ID</translation>
    </message>
    <message>
        <source>Card Info</source>
        <translation>カード情報</translation>
    </message>
    <message>
        <source>No reviews yet.</source>
        <translation>まだ復習していません。</translation>
    </message>
</context>
<context>
    <name>CardTableModel</name>
    <message>
        <source>Question</source>
        <extracomment>The columns (title, key), in their logical order (titles marked, shown translated: see :func:`column_title`); the window shows &quot;Answer&quot; second and hides those of :data:`HIDDEN_BY_DEFAULT` until the learner asks for them (header menu).</extracomment>
        <translation>質問</translation>
    </message>
    <message>
        <source>Deck</source>
        <translation>デッキ</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>期日</translation>
    </message>
    <message>
        <source>Interval</source>
        <translation>間隔</translation>
    </message>
    <message>
        <source>Stability</source>
        <translation>安定性</translation>
    </message>
    <message>
        <source>Difficulty</source>
        <translation>難度</translation>
    </message>
    <message>
        <source>Retrievability</source>
        <translation>推定正答率</translation>
    </message>
    <message>
        <source>Lapses</source>
        <translation>忘却回数</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>解答</translation>
    </message>
    <message>
        <source>Reviews</source>
        <translation>復習回数</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>カード</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>タグ</translation>
    </message>
    <message>
        <source>new</source>
        <extracomment>Columns shown left-aligned (text); the others are numbers and dates, right-aligned. Rows are read this many at a time, so a screenful costs one query. Blocks kept in memory before the oldest are dropped. The card states as the tooltips name them (marked, shown translated).</extracomment>
        <translation>新規</translation>
    </message>
    <message>
        <source>learning</source>
        <translation>学習中</translation>
    </message>
    <message>
        <source>review</source>
        <translation>復習</translation>
    </message>
    <message>
        <source>relearning</source>
        <translation>再学習中</translation>
    </message>
    <message>
        <source>Predicted probability of recall now</source>
        <extracomment>Anki&apos;s browser colours for the other distinct rows: suspended yellow, buried grey, marked purple-ish. A flag wins over marked, marked over suspended, suspended over buried (as Anki). How strongly a row is tinted (of 255): the text stays readable in light and dark themes.</extracomment>
        <translation>現時点で思い出せる確率の予測</translation>
    </message>
    <message>
        <source> (suspended)</source>
        <translation>（保留中）</translation>
    </message>
    <message>
        <source> (buried)</source>
        <translation>（延期中）</translation>
    </message>
    <message>
        <source>, {flag} flag</source>
        <translation>、{flag}のフラグ</translation>
    </message>
    <message>
        <source>, marked</source>
        <translation>、マーク付き</translation>
    </message>
</context>
<context>
    <name>ChangeNotetypeDialog</name>
    <message>
        <source>Change Note Type</source>
        <extracomment>A note type offered: its id, the name shown and its field names.</extracomment>
        <translation>ノートタイプを変更</translation>
    </message>
    <message>
        <source>1 note of the note type {name}.</source>
        <translation>ノートタイプ {name} のノート 1 件。</translation>
    </message>
    <message>
        <source>{n} notes of the note type {name}.</source>
        <translation>ノートタイプ {name} のノート {n} 件。</translation>
    </message>
    <message>
        <source>A card the new note type does not make is removed if it was never reviewed; a change that would remove a card with review history is refused.</source>
        <translation>新しいノートタイプが作らないカードは、一度も復習していなければ削除されます。復習履歴のあるカードが削除されることになる変更は行いません。</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>変更</translation>
    </message>
    <message>
        <source>New note type</source>
        <translation>新しいノートタイプ</translation>
    </message>
    <message>
        <source>(nothing)</source>
        <translation>(なし)</translation>
    </message>
</context>
<context>
    <name>ChartPanel</name>
    <message>
        <source>Save as PNG…</source>
        <translation>PNG で保存…</translation>
    </message>
    <message>
        <source>Save the {title} chart as a PNG picture</source>
        <translation>「{title}」のグラフを PNG 画像で保存</translation>
    </message>
</context>
<context>
    <name>CheckMediaController</name>
    <message>
        <source>This collection is not a file, so it has no media folder.</source>
        <translation>このコレクションはファイルではないため、メディアフォルダーがありません。</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>チェック中…</translation>
    </message>
    <message>
        <source>Check Media failed</source>
        <translation>メディアのチェックに失敗しました</translation>
    </message>
    <message>
        <source>Moving unused media failed</source>
        <translation>未使用のメディアを移動できませんでした</translation>
    </message>
    <message>
        <source>Moved {n} unused media file to {folder}.</source>
        <translation>未使用のメディアファイル {n} 個を {folder} に移動しました。</translation>
    </message>
    <message>
        <source>Moved {n} unused media files to {folder}.</source>
        <translation>未使用のメディアファイル {n} 個を {folder} に移動しました。</translation>
    </message>
</context>
<context>
    <name>CheckMediaDialog</name>
    <message>
        <source>{n} file in the media folder;</source>
        <translation>メディアフォルダーのファイル {n} 個、</translation>
    </message>
    <message>
        <source>{n} files in the media folder;</source>
        <translation>メディアフォルダーのファイル {n} 個、</translation>
    </message>
    <message>
        <source>{n} name used by notes or note types.</source>
        <translation>ノートやノートタイプが使っている名前 {n} 個。</translation>
    </message>
    <message>
        <source>{n} names used by notes or note types.</source>
        <translation>ノートやノートタイプが使っている名前 {n} 個。</translation>
    </message>
    <message>
        <source>Missing ({n}): used by notes, not in the folder</source>
        <translation>見つからないファイル（{n} 個）: ノートが使っているが、フォルダーにない</translation>
    </message>
    <message>
        <source>{n} note</source>
        <translation>ノート {n} 件</translation>
    </message>
    <message>
        <source>{n} notes</source>
        <translation>ノート {n} 件</translation>
    </message>
    <message>
        <source>Unused ({n}): in the folder, used by no note</source>
        <translation>未使用のファイル（{n} 個）: フォルダーにあるが、どのノートも使っていない</translation>
    </message>
    <message>
        <source>Nothing is missing and nothing is unused.</source>
        <translation>見つからないファイルも、未使用のファイルもありません。</translation>
    </message>
    <message>
        <source>Check Media</source>
        <translation>メディアをチェック</translation>
    </message>
    <message>
        <source>Move Unused to Trash</source>
        <translation>未使用のファイルをゴミ箱へ移動</translation>
    </message>
    <message>
        <source>Media folder: {folder}</source>
        <translation>メディアフォルダー: {folder}</translation>
    </message>
</context>
<context>
    <name>CountBar</name>
    <message>
        <source>new</source>
        <extracomment>The count bar&apos;s tooltips: what each count is (Anki&apos;s words).</extracomment>
        <translation>新規</translation>
    </message>
    <message>
        <source>learn</source>
        <translation>学習中</translation>
    </message>
    <message>
        <source>review</source>
        <translation>復習</translation>
    </message>
    <message>
        <source>{queue}: {n}</source>
        <translation>{queue}: {n}</translation>
    </message>
</context>
<context>
    <name>CustomStudyDialog</name>
    <message>
        <source>Custom Study</source>
        <extracomment>&quot;Study by card state or tag&quot;: the card kinds, in Anki&apos;s order. The deck to study once the operation is done.</extracomment>
        <translation>カスタム学習</translation>
    </message>
    <message>
        <source>Increase today&apos;s new card limit</source>
        <translation>今日の新規カードの上限を増やす</translation>
    </message>
    <message>
        <source>Increase today&apos;s review card limit</source>
        <translation>今日の復習カードの上限を増やす</translation>
    </message>
    <message>
        <source>Review forgotten cards</source>
        <translation>忘れたカードを復習</translation>
    </message>
    <message>
        <source>Review ahead</source>
        <translation>先取り復習</translation>
    </message>
    <message>
        <source>Preview new cards</source>
        <translation>新規カードのプレビュー</translation>
    </message>
    <message>
        <source>Study by card state or tag</source>
        <translation>カードの状態またはタグで学習</translation>
    </message>
    <message>
        <source>New cards only</source>
        <translation>新規カードのみ</translation>
    </message>
    <message>
        <source>Due cards only</source>
        <translation>期日の来たカードのみ</translation>
    </message>
    <message>
        <source>All review cards in random order</source>
        <translation>すべての復習カードをランダムな順で</translation>
    </message>
    <message>
        <source>All cards in random order</source>
        <translation>すべてのカードをランダムな順で</translation>
    </message>
    <message>
        <source>Only cards with one of these tags (none: any):</source>
        <translation>次のタグのどれかがあるカードのみ（空欄ならすべて）：</translation>
    </message>
    <message>
        <source>New cards available: {n}</source>
        <translation>学習できる新規カード：{n}</translation>
    </message>
    <message>
        <source>Increase today&apos;s new card limit by</source>
        <translation>今日の新規カードの上限を増やす枚数</translation>
    </message>
    <message>
        <source>Review cards available: {n}</source>
        <translation>学習できる復習カード：{n}</translation>
    </message>
    <message>
        <source>Increase today&apos;s review limit by</source>
        <translation>今日の復習の上限を増やす枚数</translation>
    </message>
    <message>
        <source>Review cards forgotten in the last</source>
        <translation>忘れた復習カード（さかのぼる日数）</translation>
    </message>
    <message>
        <source>Review ahead by</source>
        <translation>先取りする日数</translation>
    </message>
    <message>
        <source>Preview new cards added in the last</source>
        <translation>追加した新規カードのプレビュー（さかのぼる日数）</translation>
    </message>
    <message>
        <source>Select</source>
        <translation>選ぶカード</translation>
    </message>
    <message>
        <source>card</source>
        <translation>枚</translation>
    </message>
    <message>
        <source>cards</source>
        <translation>枚</translation>
    </message>
    <message>
        <source>day</source>
        <translation>日</translation>
    </message>
    <message>
        <source>days</source>
        <translation>日</translation>
    </message>
    <message>
        <source>card from the deck</source>
        <translation>枚（デッキから）</translation>
    </message>
    <message>
        <source>cards from the deck</source>
        <translation>枚（デッキから）</translation>
    </message>
    <message>
        <source>Custom study failed.</source>
        <translation>カスタム学習を始められませんでした。</translation>
    </message>
</context>
<context>
    <name>DeckListView</name>
    <message>
        <source>&amp;Options…</source>
        <extracomment>The column of each deck&apos;s gear button (its menu: Options, Rename, Delete, Export). What a deck&apos;s gear menu offers: the action&apos;s name (as :attr:`deck_action_requested` says it) and its text.</extracomment>
        <translation>オプション(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Rename…</source>
        <translation>名前を変更(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>削除(&amp;D)…</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>エクスポート(&amp;E)…</translation>
    </message>
    <message>
        <source>Decks</source>
        <extracomment>A deck was dropped: its id, and the id of its new parent (0 for the top level). Create Deck was clicked. A deck&apos;s gear menu (or its context menu) asked for an action: its name, the deck&apos;s id.</extracomment>
        <translation>デッキ</translation>
    </message>
    <message>
        <source>Deck</source>
        <translation>デッキ</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新規</translation>
    </message>
    <message>
        <source>Learn</source>
        <translation>学習中</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>復習</translation>
    </message>
    <message>
        <source>Opening your collection…</source>
        <translation>コレクションを開いています…</translation>
    </message>
    <message>
        <source>Study now</source>
        <translation>スタート</translation>
    </message>
    <message>
        <source>Create Deck…</source>
        <translation>デッキを作成…</translation>
    </message>
    <message>
        <source>{n} card</source>
        <translation>カード {n} 枚</translation>
    </message>
    <message>
        <source>{n} cards</source>
        <translation>カード {n} 枚</translation>
    </message>
    <message>
        <source>{n} new</source>
        <translation>新規 {n}</translation>
    </message>
    <message>
        <source>{n} learn</source>
        <translation>学習中 {n}</translation>
    </message>
    <message>
        <source>{n} review</source>
        <translation>復習 {n}</translation>
    </message>
    <message>
        <source>No decks yet: add a note, generate cards from an article or import.</source>
        <translation>デッキはまだありません。ノートを追加するか、記事からカードを生成するか、インポートしてください。</translation>
    </message>
    <message>
        <source>Options, rename, delete, export</source>
        <translation>オプション、名前の変更、削除、エクスポート</translation>
    </message>
    <message>
        <source>Studied {n} card in {minutes} min today</source>
        <translation>今日は {n} 枚のカードを {minutes} 分で学習しました</translation>
    </message>
    <message>
        <source>Studied {n} cards in {minutes} min today</source>
        <translation>今日は {n} 枚のカードを {minutes} 分で学習しました</translation>
    </message>
    <message>
        <source>{n}-day streak</source>
        <translation>{n} 日連続</translation>
    </message>
</context>
<context>
    <name>DoneView</name>
    <message>
        <source>Done for today!</source>
        <translation>今日の学習は終わりました！</translation>
    </message>
    <message>
        <source>Back to decks</source>
        <translation>デッキ一覧に戻る</translation>
    </message>
    <message>
        <source>Esc</source>
        <translation>Esc キー</translation>
    </message>
    <message>
        <source>Custom Study</source>
        <translation>カスタム学習</translation>
    </message>
    <message>
        <source>Done for today with {deck}!</source>
        <translation>「{deck}」の今日の学習は終わりました！</translation>
    </message>
</context>
<context>
    <name>DuplicatesDialog</name>
    <message>
        <source>Find Duplicates</source>
        <extracomment>Find duplicates of this field among the notes of this search. Show a group&apos;s notes in the browser (its search).</extracomment>
        <translation>重複を検索</translation>
    </message>
    <message>
        <source>Optional: a search that limits the notes</source>
        <translation>任意: ノートを絞り込む検索</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>検索(&amp;S)</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>ノート</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>テキスト</translation>
    </message>
    <message>
        <source>Search in:</source>
        <translation>検索するフィールド:</translation>
    </message>
    <message>
        <source>Optional limit:</source>
        <translation>絞り込み（任意）:</translation>
    </message>
    <message>
        <source>{n} set of duplicates</source>
        <translation>重複 {n} 組</translation>
    </message>
    <message>
        <source>{n} sets of duplicates</source>
        <translation>重複 {n} 組</translation>
    </message>
    <message>
        <source>{sets}, {n} notes.</source>
        <translation>{sets}、ノート {n} 件。</translation>
    </message>
    <message>
        <source>No duplicates found.</source>
        <translation>重複は見つかりませんでした。</translation>
    </message>
</context>
<context>
    <name>EasyDays</name>
    <message>
        <source>Normal</source>
        <extracomment>Every day normal: what an empty choice means (Anki&apos;s default).</extracomment>
        <translation>通常</translation>
    </message>
    <message>
        <source>Reduced</source>
        <translation>少なめ</translation>
    </message>
    <message>
        <source>Minimum</source>
        <translation>最小</translation>
    </message>
</context>
<context>
    <name>EasyDaysDialog</name>
    <message>
        <source>Easy Days</source>
        <translation>復習を減らす日</translation>
    </message>
    <message>
        <source>Fewer reviews fall on reduced and minimum days; the others take them.</source>
        <translation>少なめ・最小の日には復習が少なくなり、その分はほかの日に回ります。</translation>
    </message>
</context>
<context>
    <name>EasyDaysRow</name>
    <message>
        <source>Edit…</source>
        <translation>編集…</translation>
    </message>
    <message>
        <source>Days on which you want fewer reviews (as Anki&apos;s easy days).</source>
        <translation>復習を減らしたい曜日（Anki の同じ設定にあたります）。</translation>
    </message>
    <message>
        <source>{day}: {level}</source>
        <translation>{day}: {level}</translation>
    </message>
    <message>
        <source>Every day normal</source>
        <translation>毎日通常</translation>
    </message>
</context>
<context>
    <name>ErrorBoundary</name>
    <message>
        <source>Something went wrong</source>
        <extracomment>The lead of the sentence for an error that is not one of the core&apos;s own (shown translated; any lead given in English and found in the &quot;ErrorBoundary&quot; context is translated too).</extracomment>
        <translation>問題が発生しました</translation>
    </message>
    <message>
        <source>The details are in {file}.</source>
        <extracomment>The message box on screen, if any (tests answer it). Errors logged but not shown because a box was already on screen.</extracomment>
        <translation>詳細は {file} にあります。</translation>
    </message>
    <message>
        <source>No log could be written.</source>
        <translation>ログを書き込めませんでした。</translation>
    </message>
</context>
<context>
    <name>ExchangeController</name>
    <message>
        <source>Decks, packages and articles (*.toml *.apkg *.colpkg *.csv *.txt *.tsv *.md *.markdown);;Deck files (*.toml);;Anki packages (*.apkg *.colpkg);;Text files (*.csv *.txt *.tsv);;Articles (*.txt *.md *.markdown);;All files (*)</source>
        <extracomment>The Import dialog&apos;s file types (marked for translation; translated where shown).</extracomment>
        <translation>デッキ・パッケージ・記事 (*.toml *.apkg *.colpkg *.csv *.txt *.tsv *.md *.markdown);;デッキファイル (*.toml);;Anki パッケージ (*.apkg *.colpkg);;テキストファイル (*.csv *.txt *.tsv);;記事 (*.txt *.md *.markdown);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>{n} added</source>
        <extracomment>Files File → Import reads as text tables (after the options dialog). Files that may hold an article rather than an Anki text file (``.csv``/``.tsv`` are tables). How much of a file :func:`looks_like_article` reads, and how many rows it looks at. The share of rows that must look like a table for the file to be imported as one. The ``#key:value`` headers of Anki&apos;s text files (any of them marks an Anki file). Warnings listed after an import (the rest are counted).</extracomment>
        <translation>追加 {n}</translation>
    </message>
    <message>
        <source>{n} updated</source>
        <translation>更新 {n}</translation>
    </message>
    <message>
        <source>{n} unchanged</source>
        <translation>変更なし {n}</translation>
    </message>
    <message>
        <source>{n} media file added</source>
        <translation>メディアファイル追加 {n}</translation>
    </message>
    <message>
        <source>{n} media files added</source>
        <translation>メディアファイル追加 {n}</translation>
    </message>
    <message>
        <source>{n} refused</source>
        <translation>拒否 {n}</translation>
    </message>
    <message>
        <source>{n} skipped</source>
        <translation>スキップ {n}</translation>
    </message>
    <message>
        <source>, </source>
        <comment>between the parts of an import&apos;s summary</comment>
        <translation>、</translation>
    </message>
    <message>
        <source>Deck {name}: {parts}.</source>
        <translation>デッキ {name}: {parts}。</translation>
    </message>
    <message>
        <source>{n} note of the deck is not in the file (kept, not deleted): {notes}.</source>
        <translation>デッキのノート {n} 件がファイルにありません（削除せずに残しました）: {notes}。</translation>
    </message>
    <message>
        <source>{n} notes of the deck are not in the file (kept, not deleted): {notes}.</source>
        <translation>デッキのノート {n} 件がファイルにありません（削除せずに残しました）: {notes}。</translation>
    </message>
    <message>
        <source>…and {n} more.</source>
        <translation>…ほか {n} 件。</translation>
    </message>
    <message>
        <source>The import was cancelled; nothing was changed.</source>
        <extracomment>What the status bar says after the user cancelled an import (as ImportCancelled says).</extracomment>
        <translation>インポートを中止しました。何も変更していません。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <extracomment>File → Import chose a file that reads as an article (:func:`looks_like_article`). Set by the progress dialog&apos;s Cancel button; read by the running import (a thread). The last text options and import result dialogs opened (None before the first). Names the deck File → Export offers first (the main window&apos;s selected deck). The last export result box opened (None before the first).</extracomment>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>中止しています…</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>インポート</translation>
    </message>
    <message>
        <source>Importing {name}…</source>
        <translation>{name} をインポートしています…</translation>
    </message>
    <message>
        <source>{name} could not be imported</source>
        <translation>{name} をインポートできませんでした</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>エクスポート</translation>
    </message>
    <message>
        <source>Exporting to {name}…</source>
        <translation>{name} にエクスポートしています…</translation>
    </message>
    <message>
        <source>The export to {name} failed</source>
        <translation>{name} へのエクスポートに失敗しました</translation>
    </message>
    <message>
        <source>Exported {n} note to {path}.</source>
        <translation>ノート {n} 件を {path} にエクスポートしました。</translation>
    </message>
    <message>
        <source>Exported {n} notes to {path}.</source>
        <translation>ノート {n} 件を {path} にエクスポートしました。</translation>
    </message>
    <message>
        <source>{m} media file</source>
        <translation>メディアファイル {m} 個</translation>
    </message>
    <message>
        <source>{m} media files</source>
        <translation>メディアファイル {m} 個</translation>
    </message>
    <message>
        <source>Exported {n} note with {files} to {path}.</source>
        <translation>ノート {n} 件と{files}を {path} にエクスポートしました。</translation>
    </message>
    <message>
        <source>Exported {n} notes with {files} to {path}.</source>
        <translation>ノート {n} 件と{files}を {path} にエクスポートしました。</translation>
    </message>
</context>
<context>
    <name>ExportOptions</name>
    <message>
        <source>Export</source>
        <translation>エクスポート</translation>
    </message>
    <message>
        <source>All decks</source>
        <translation>すべてのデッキ</translation>
    </message>
    <message>
        <source>Anki package (.apkg)</source>
        <translation>Anki パッケージ (.apkg)</translation>
    </message>
    <message>
        <source>Anki text file (.txt)</source>
        <translation>Anki テキストファイル (.txt)</translation>
    </message>
    <message>
        <source>Include scheduling and review history</source>
        <translation>スケジュールと復習履歴を含める</translation>
    </message>
    <message>
        <source>&amp;Deck</source>
        <translation>デッキ(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Format</source>
        <translation>形式(&amp;F)</translation>
    </message>
</context>
<context>
    <name>FieldsEditor</name>
    <message>
        <source>Bold (Ctrl+B)</source>
        <extracomment>Where an image name resolves to a file of the media folder (None: not there, not shown). The editor&apos;s keys, as Anki&apos;s editor has them; handled by the focused field (see :meth:`FieldTextEdit.event`) so that they never clash with a window&apos;s shortcuts. Images wider than this are shown scaled down in the editor (the file is untouched). An image&apos;s ``&lt;img …&gt;`` tag as the field had it, and the size its format had once shown (a different size later: the learner resized it). A tag (attribute values may hold &quot;&gt;&quot;); group 1 is &quot;/&quot; for a closing tag, group 2 its name. Tags that make blocks in a QTextDocument.</extracomment>
        <translation>太字 (Ctrl+B)</translation>
    </message>
    <message>
        <source>Italic (Ctrl+I)</source>
        <translation>斜体 (Ctrl+I)</translation>
    </message>
    <message>
        <source>Underline (Ctrl+U)</source>
        <translation>下線 (Ctrl+U)</translation>
    </message>
    <message>
        <source>Text colour</source>
        <translation>文字の色</translation>
    </message>
    <message>
        <source>Bulleted list</source>
        <translation>箇条書き</translation>
    </message>
    <message>
        <source>Numbered list</source>
        <translation>番号付きリスト</translation>
    </message>
    <message>
        <source>Link</source>
        <translation>リンク</translation>
    </message>
    <message>
        <source>Make the selection a link</source>
        <translation>選択部分をリンクにする</translation>
    </message>
    <message>
        <source>Cloze deletion with the next number (Ctrl+Shift+C)</source>
        <translation>次の番号で穴埋めにする (Ctrl+Shift+C)</translation>
    </message>
    <message>
        <source>Image…</source>
        <translation>画像…</translation>
    </message>
    <message>
        <source>Add a picture from a file (or paste or drop one)</source>
        <translation>ファイルから画像を追加（貼り付けやドロップもできます）</translation>
    </message>
    <message>
        <source>Show or edit the field&apos;s HTML (Ctrl+Shift+X)</source>
        <translation>フィールドの HTML を表示・編集 (Ctrl+Shift+X)</translation>
    </message>
    <message>
        <source>Address (URL):</source>
        <translation>アドレス (URL):</translation>
    </message>
    <message>
        <source>Add a picture</source>
        <translation>画像を追加</translation>
    </message>
    <message>
        <source>Images ({suffixes})</source>
        <translation>画像 ({suffixes})</translation>
    </message>
</context>
<context>
    <name>FindReplaceDialog</name>
    <message>
        <source>All fields</source>
        <extracomment>The first choice of &quot;In&quot; (marked; shown translated).</extracomment>
        <translation>すべてのフィールド</translation>
    </message>
    <message>
        <source>Find and Replace</source>
        <extracomment>The field&apos;s name, or None for every field.</extracomment>
        <translation>検索と置換</translation>
    </message>
    <message>
        <source>Selected notes only ({n})</source>
        <translation>選択したノートのみ（{n} 件）</translation>
    </message>
    <message>
        <source>Ignore case</source>
        <translation>大文字と小文字を区別しない</translation>
    </message>
    <message>
        <source>Treat input as regular expression</source>
        <translation>入力を正規表現として扱う</translation>
    </message>
    <message>
        <source>Python syntax: \1 or \g&lt;name&gt; in the replacement for a group</source>
        <translation>Python の構文: 置換後の文字列ではグループを \1 や \g&lt;name&gt; で参照します</translation>
    </message>
    <message>
        <source>&amp;Find:</source>
        <translation>検索(&amp;F):</translation>
    </message>
    <message>
        <source>Replace &amp;With:</source>
        <translation>置換後(&amp;W):</translation>
    </message>
    <message>
        <source>&amp;In:</source>
        <translation>対象(&amp;I):</translation>
    </message>
    <message>
        <source>The regular expression is not valid: {error}.</source>
        <translation>正規表現が正しくありません: {error}。</translation>
    </message>
</context>
<context>
    <name>Flag</name>
    <message>
        <source>Red</source>
        <extracomment>Anki&apos;s flags: their names (marked, shown translated: see :func:`flag_name`) and the colours its browser tints a flagged card&apos;s row with.</extracomment>
        <translation>赤</translation>
    </message>
    <message>
        <source>Orange</source>
        <translation>オレンジ</translation>
    </message>
    <message>
        <source>Green</source>
        <translation>緑</translation>
    </message>
    <message>
        <source>Blue</source>
        <translation>青</translation>
    </message>
    <message>
        <source>Pink</source>
        <translation>ピンク</translation>
    </message>
    <message>
        <source>Turquoise</source>
        <translation>ターコイズ</translation>
    </message>
    <message>
        <source>Purple</source>
        <translation>紫</translation>
    </message>
</context>
<context>
    <name>GenerateController</name>
    <message>
        <source>Choose an article file or paste its text (or give a web address) first.</source>
        <translation>先に記事のファイルを選ぶか、本文を貼り付けてください（ウェブアドレスでも構いません）。</translation>
    </message>
    <message>
        <source>No cards could be generated</source>
        <extracomment>A generation or an import is running (its result comes back to this controller).</extracomment>
        <translation>カードを生成できませんでした</translation>
    </message>
    <message>
        <source>The cards could not be imported</source>
        <translation>カードをインポートできませんでした</translation>
    </message>
</context>
<context>
    <name>GenerateDialog</name>
    <message>
        <source>Basic</source>
        <extracomment>The kinds of the proposed cards (shown translated).</extracomment>
        <translation>基本</translation>
    </message>
    <message>
        <source>Basic + reversed</source>
        <translation>基本（逆方向付き）</translation>
    </message>
    <message>
        <source>Cloze</source>
        <translation>穴埋め</translation>
    </message>
    <message>
        <source>Generate Cards from an Article</source>
        <translation>記事からカードを生成</translation>
    </message>
    <message>
        <source>No file chosen: choose a file, type a web address or paste the text below.</source>
        <translation>ファイルが選ばれていません。ファイルを選ぶか、ウェブアドレスを入力するか、下に本文を貼り付けてください。</translation>
    </message>
    <message>
        <source>Choose File…</source>
        <translation>ファイルを選択…</translation>
    </message>
    <message>
        <source>…or a web address: https://… (a page or a PDF)</source>
        <translation>…またはウェブアドレス: https://…（ページまたは PDF）</translation>
    </message>
    <message>
        <source>…or paste the article here (Japanese or English).</source>
        <translation>…または記事をここに貼り付け（日本語または英語）。</translation>
    </message>
    <message>
        <source>default: the article&apos;s title</source>
        <translation>既定: 記事のタイトル</translation>
    </message>
    <message>
        <source>Detect</source>
        <translation>自動判定</translation>
    </message>
    <message>
        <source>Japanese</source>
        <translation>日本語</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英語</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>上限なし</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>生成(&amp;G)</translation>
    </message>
    <message>
        <source>Front</source>
        <translation>表面</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>裏面</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>種類</translation>
    </message>
    <message>
        <source>Select all</source>
        <translation>すべて選択</translation>
    </message>
    <message>
        <source>Select none</source>
        <translation>選択をすべて解除</translation>
    </message>
    <message>
        <source>&amp;Import Selected</source>
        <translation>選択したカードをインポート(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;Deck</source>
        <translation>デッキ(&amp;D)</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>言語</translation>
    </message>
    <message>
        <source>At most</source>
        <translation>最大枚数</translation>
    </message>
    <message>
        <source>No file chosen.</source>
        <translation>ファイルが選ばれていません。</translation>
    </message>
    <message>
        <source>{name} reads as an article, not as an Anki text file, so cards are generated from it instead: keep the ones you want and import them (a table to import as it is needs a .csv or .tsv name).</source>
        <translation>{name} は Anki のテキストファイルではなく記事として読めるため、代わりにここからカードを生成します。必要なカードを残してインポートしてください（表をそのままインポートするには、ファイル名を .csv または .tsv にしてください）。</translation>
    </message>
    <message>
        <source>Choose an article</source>
        <translation>記事を選択</translation>
    </message>
    <message>
        <source>Articles (*.txt *.md *.markdown *.html *.htm *.xhtml *.pdf);;Web pages (*.html *.htm *.xhtml);;PDF (*.pdf);;All files (*)</source>
        <translation>記事 (*.txt *.md *.markdown *.html *.htm *.xhtml *.pdf);;ウェブページ (*.html *.htm *.xhtml);;PDF (*.pdf);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Using the pasted text.</source>
        <translation>貼り付けた本文を使います。</translation>
    </message>
    <message>
        <source>Using the web address.</source>
        <translation>ウェブアドレスを使います。</translation>
    </message>
    <message>
        <source>Generating…</source>
        <translation>生成中…</translation>
    </message>
    <message>
        <source>No definitions found in this text.</source>
        <translation>この本文には定義が見つかりませんでした。</translation>
    </message>
    <message>
        <source>{n} card proposed. Uncheck the ones you do not want; double-click a cell to edit it.</source>
        <translation>{n} 枚のカードを提案しました。不要なカードはチェックを外してください。セルをダブルクリックすると編集できます。</translation>
    </message>
    <message>
        <source>{n} cards proposed. Uncheck the ones you do not want; double-click a cell to edit it.</source>
        <translation>{n} 枚のカードを提案しました。不要なカードはチェックを外してください。セルをダブルクリックすると編集できます。</translation>
    </message>
    <message>
        <source>Already in the collection (deck “{deck}”): unticked.</source>
        <translation>コレクションにすでにあります（デッキ「{deck}」）。チェックを外しました。</translation>
    </message>
    <message>
        <source>in “{deck}”</source>
        <translation>「{deck}」にあり</translation>
    </message>
    <message>
        <source>{n} of the {total} proposed card is in the collection already and was unticked; tick it to add it again.</source>
        <translation>提案した {total} 枚のうち {n} 枚はコレクションにすでにあるため、チェックを外しました。もう一度追加するにはチェックを入れてください。</translation>
    </message>
    <message>
        <source>{n} of the {total} proposed cards are in the collection already and were unticked; tick them to add them again.</source>
        <translation>提案した {total} 枚のうち {n} 枚はコレクションにすでにあるため、チェックを外しました。もう一度追加するにはチェックを入れてください。</translation>
    </message>
    <message>
        <source>{n} of {total} selected</source>
        <translation>{total} 枚中 {n} 枚を選択</translation>
    </message>
</context>
<context>
    <name>HeatMap</name>
    <message>
        <source>{date}: {n} review</source>
        <extracomment>The height of every chart (the grid&apos;s rows stay even; the window scrolls).</extracomment>
        <translation>{date}: 復習 {n} 回</translation>
    </message>
    <message>
        <source>{date}: {n} reviews</source>
        <translation>{date}: 復習 {n} 回</translation>
    </message>
    <message>
        <source>ddd dd MMM yyyy</source>
        <comment>date (QLocale pattern)</comment>
        <translation>yyyy年M月d日(ddd)</translation>
    </message>
</context>
<context>
    <name>ImportResultDialog</name>
    <message>
        <source>Deck</source>
        <extracomment>The table&apos;s columns: header (shown translated), and the report&apos;s outcome each counts.</extracomment>
        <translation>デッキ</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>追加</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>Unchanged</source>
        <translation>変更なし</translation>
    </message>
    <message>
        <source>Left (reviews)</source>
        <translation>そのまま（復習履歴あり）</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>インポート</translation>
    </message>
</context>
<context>
    <name>Interval</name>
    <message>
        <source>{n}mo</source>
        <extracomment>The languages the app has translations for (English is the source language). The app&apos;s catalogue: ``flashcards_&lt;lang&gt;.qm`` in :func:`translations_dir`. The translators installed by :func:`install_translator` (kept alive; removed by :func:`remove_translators`). The units of :func:`flashcards.core.scheduling.format_interval`&apos;s labels, longest first.</extracomment>
        <translation>{n}か月</translation>
    </message>
    <message>
        <source>{n}m</source>
        <translation>{n}分</translation>
    </message>
    <message>
        <source>{n}h</source>
        <translation>{n}時間</translation>
    </message>
    <message>
        <source>{n}d</source>
        <translation>{n}日</translation>
    </message>
    <message>
        <source>{n}y</source>
        <translation>{n}年</translation>
    </message>
    <message>
        <source>(end)</source>
        <translation>(終了)</translation>
    </message>
</context>
<context>
    <name>MainController</name>
    <message>
        <source>Study</source>
        <extracomment>The Generate dialog&apos;s controller while the dialog is open. The last Custom Study dialog opened (from the done screen).</extracomment>
        <translation>学習する</translation>
    </message>
    <message>
        <source>Options…</source>
        <translation>オプション…</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>名前を変更…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>削除…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>エクスポート…</translation>
    </message>
    <message>
        <source>Rename deck</source>
        <translation>デッキの名前を変更</translation>
    </message>
    <message>
        <source>New name:</source>
        <translation>新しい名前:</translation>
    </message>
    <message>
        <source>The deck was not renamed</source>
        <translation>デッキの名前を変更できませんでした</translation>
    </message>
    <message>
        <source>Create deck</source>
        <translation>デッキを作成</translation>
    </message>
    <message>
        <source>Name (Parent::Child makes a subdeck):</source>
        <translation>名前（親::子 でサブデッキになります）:</translation>
    </message>
    <message>
        <source>The deck was not created</source>
        <translation>デッキを作成できませんでした</translation>
    </message>
    <message>
        <source>Move deck</source>
        <translation>デッキを移動</translation>
    </message>
    <message>
        <source>The deck was not moved</source>
        <translation>デッキを移動できませんでした</translation>
    </message>
    <message>
        <source>Delete the deck {name} with its subdecks and {n} card (and their review history)?</source>
        <translation>デッキ {name} をサブデッキとカード {n} 枚（と復習履歴）ごと削除しますか？</translation>
    </message>
    <message>
        <source>Delete the deck {name} with its subdecks and {n} cards (and their review history)?</source>
        <translation>デッキ {name} をサブデッキとカード {n} 枚（と復習履歴）ごと削除しますか？</translation>
    </message>
    <message>
        <source>Delete deck</source>
        <translation>デッキを削除</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>&amp;File</source>
        <extracomment>The window is closing (the app ends with it: see :func:`flashcards.gui.app.wire_window`).</extracomment>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Add Note…</source>
        <translation>ノートを追加(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Generate from Article…</source>
        <translation>記事から生成(&amp;G)…</translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation>インポート(&amp;I)…</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>エクスポート(&amp;E)…</translation>
    </message>
    <message>
        <source>S&amp;ync</source>
        <translation>同期(&amp;Y)</translation>
    </message>
    <message>
        <source>Sync Se&amp;ttings…</source>
        <translation>同期の設定(&amp;T)…</translation>
    </message>
    <message>
        <source>Check &amp;Media…</source>
        <translation>メディアをチェック(&amp;M)…</translation>
    </message>
    <message>
        <source>&amp;Restore Backup…</source>
        <translation>バックアップから復元(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>編集(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Undo Answer</source>
        <translation>元に戻す - 回答(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>設定(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>拡大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>縮小(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Actual Size</source>
        <translation>実際のサイズ(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>移動(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Study Selected Deck</source>
        <translation>選択したデッキを学習(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Browse</source>
        <translation>ブラウズ(&amp;B)</translation>
    </message>
    <message>
        <source>S&amp;tatistics</source>
        <translation>統計(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Deck List</source>
        <translation>デッキ一覧(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Review</source>
        <translation>復習(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Show Answer / Good</source>
        <translation>解答を表示 / 正解(&amp;S)</translation>
    </message>
    <message>
        <source>Again</source>
        <translation>もう一度</translation>
    </message>
    <message>
        <source>Hard</source>
        <translation>難しい</translation>
    </message>
    <message>
        <source>Good</source>
        <translation>正解</translation>
    </message>
    <message>
        <source>Easy</source>
        <translation>簡単</translation>
    </message>
    <message>
        <source>&amp;Edit Note…</source>
        <translation>ノートを編集(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Bury Card</source>
        <translation>カードを延期(&amp;B)</translation>
    </message>
    <message>
        <source>S&amp;uspend Card</source>
        <translation>カードを保留(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Replay Audio</source>
        <translation>音声を再生(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Flag Card</source>
        <translation>カードにフラグ(&amp;F)</translation>
    </message>
    <message>
        <source>Red</source>
        <translation>赤</translation>
    </message>
    <message>
        <source>Orange</source>
        <translation>オレンジ</translation>
    </message>
    <message>
        <source>Green</source>
        <translation>緑</translation>
    </message>
    <message>
        <source>Blue</source>
        <translation>青</translation>
    </message>
    <message>
        <source>Pink</source>
        <translation>ピンク</translation>
    </message>
    <message>
        <source>Turquoise</source>
        <translation>ターコイズ</translation>
    </message>
    <message>
        <source>Purple</source>
        <translation>紫</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Flashcards</source>
        <translation>Flashcards について(&amp;A)</translation>
    </message>
</context>
<context>
    <name>NoteController</name>
    <message>
        <source>The picture was not added</source>
        <extracomment>The collection setting that keeps the note type of the last note added.</extracomment>
        <translation>画像を追加できませんでした</translation>
    </message>
    <message>
        <source>Choose or type a deck.</source>
        <translation>デッキを選ぶか入力してください。</translation>
    </message>
    <message>
        <source>The note was not saved</source>
        <translation>ノートを保存できませんでした</translation>
    </message>
</context>
<context>
    <name>NoteDialog</name>
    <message>
        <source>Edit Note</source>
        <translation>ノートを編集</translation>
    </message>
    <message>
        <source>Add Note</source>
        <translation>ノートを追加</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>追加</translation>
    </message>
    <message>
        <source>Discard the changes to this note?</source>
        <extracomment>The box asking whether to discard the changes, while it is open.</extracomment>
        <translation>このノートへの変更を破棄しますか？</translation>
    </message>
    <message>
        <source>&amp;Discard</source>
        <translation>破棄(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Keep Editing</source>
        <translation>編集を続ける(&amp;K)</translation>
    </message>
    <message>
        <source>Add Note ({n} added)</source>
        <translation>ノートを追加（{n} 件追加済み）</translation>
    </message>
</context>
<context>
    <name>NoteForm</name>
    <message>
        <source>Basic</source>
        <extracomment>The shipped note types the form adds, by kind (marked for translation; shown translated).</extracomment>
        <translation>基本</translation>
    </message>
    <message>
        <source>Basic and reversed</source>
        <translation>基本（逆方向付き）</translation>
    </message>
    <message>
        <source>Cloze</source>
        <translation>穴埋め</translation>
    </message>
    <message>
        <source>space-separated, e.g. llm basics</source>
        <translation>スペース区切り（例: LLM 基礎）</translation>
    </message>
    <message>
        <source>&amp;Front</source>
        <translation>表面(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Back</source>
        <translation>裏面(&amp;B)</translation>
    </message>
    <message>
        <source>[…] Cloze</source>
        <translation>[…] 穴埋め</translation>
    </message>
    <message>
        <source>Make the selected text a cloze deletion (Ctrl+Shift+C)</source>
        <translation>選択したテキストを穴埋めにする (Ctrl+Shift+C)</translation>
    </message>
    <message>
        <source>Note t&amp;ype</source>
        <translation>ノートタイプ(&amp;Y)</translation>
    </message>
    <message>
        <source>Note type</source>
        <translation>ノートタイプ</translation>
    </message>
    <message>
        <source>&amp;Deck</source>
        <translation>デッキ(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Tags</source>
        <translation>タグ(&amp;T)</translation>
    </message>
    <message>
        <source>Te&amp;xt</source>
        <translation>テキスト(&amp;X)</translation>
    </message>
    <message>
        <source>&amp;Extra</source>
        <translation>追加情報(&amp;E)</translation>
    </message>
</context>
<context>
    <name>Recovery</name>
    <message>
        <source>The collection could not be opened.</source>
        <extracomment>The message box or dialog on screen (tests answer it).</extracomment>
        <translation>コレクションを開けませんでした。</translation>
    </message>
    <message>
        <source>The collection could not be opened</source>
        <translation>コレクションを開けませんでした</translation>
    </message>
    <message>
        <source>The collection cannot be used; looking for a good backup…</source>
        <translation>コレクションを使えません。正常なバックアップを探しています…</translation>
    </message>
    <message>
        <source>No backup could be checked</source>
        <translation>バックアップを確認できませんでした</translation>
    </message>
    <message>
        <source>{error} No good backup was found in {folder}; move the file aside to start a new collection.</source>
        <translation>{error} {folder} に正常なバックアップが見つかりませんでした。新しいコレクションを始めるには、ファイルを別の場所に移してください。</translation>
    </message>
    <message>
        <source>The collection cannot be used.</source>
        <translation>コレクションを使えません。</translation>
    </message>
    <message>
        <source>{error} Restore the newest good backup, {name} ({time})? The damaged file is kept aside.</source>
        <translation>{error} 最新の正常なバックアップ {name}（{time}）を復元しますか？ 破損したファイルは別に保管されます。</translation>
    </message>
    <message>
        <source>{error} Restore the newest good backup, {name} ({time})? The current file is kept aside.</source>
        <translation>{error} 最新の正常なバックアップ {name}（{time}）を復元しますか？ 現在のファイルは別に保管されます。</translation>
    </message>
    <message>
        <source>&amp;Restore</source>
        <translation>復元(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <source>Restoring {name}…</source>
        <translation>{name} を復元しています…</translation>
    </message>
    <message>
        <source>Restored {name}.</source>
        <translation>{name} を復元しました。</translation>
    </message>
    <message>
        <source>The previous file was kept as {file}.</source>
        <translation>以前のファイルは {file} として保管しました。</translation>
    </message>
    <message>
        <source>{name} could not be restored</source>
        <translation>{name} を復元できませんでした</translation>
    </message>
</context>
<context>
    <name>RestoreDialog</name>
    <message>
        <source>{n} bytes</source>
        <translation>{n} バイト</translation>
    </message>
    <message>
        <source>Restore Backup</source>
        <translation>バックアップから復元</translation>
    </message>
    <message>
        <source>Choose the backup to restore. The collection as it is now is kept aside in the same folder, never overwritten.</source>
        <translation>復元するバックアップを選んでください。現在のコレクションは上書きされず、同じフォルダーに別に保管されます。</translation>
    </message>
    <message>
        <source>No backups yet: one is taken when you close the app and every 30 minutes of use. You can restore another collection file.</source>
        <translation>バックアップはまだありません。アプリを閉じるときと、使用中 30 分ごとに作成されます。別のコレクションファイルから復元することもできます。</translation>
    </message>
    <message>
        <source>Backup</source>
        <translation>バックアップ</translation>
    </message>
    <message>
        <source>Taken</source>
        <translation>作成日時</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>サイズ</translation>
    </message>
    <message>
        <source>&amp;Restore</source>
        <translation>復元(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Other File…</source>
        <translation>別のファイル(&amp;O)…</translation>
    </message>
    <message>
        <source>Restore from file</source>
        <translation>ファイルから復元</translation>
    </message>
    <message>
        <source>Collections (*.db *.sqlite *.sqlite3);;All files (*)</source>
        <translation>コレクション (*.db *.sqlite *.sqlite3);;すべてのファイル (*)</translation>
    </message>
</context>
<context>
    <name>ReviewController</name>
    <message>
        <source>{name} is not in the media folder.</source>
        <extracomment>The sound names of the card&apos;s question and answer, in marker order. Each side&apos;s face as rendered, and the hints opened on it (shown again on a click).</extracomment>
        <translation>{name} はメディアフォルダーにありません。</translation>
    </message>
    <message>
        <source>The next card is due {when}.</source>
        <translation>次のカードの期日は{when}です。</translation>
    </message>
    <message>
        <source>{n} review will be due tomorrow.</source>
        <translation>明日は {n} 枚の復習があります。</translation>
    </message>
    <message>
        <source>{n} reviews will be due tomorrow.</source>
        <translation>明日は {n} 枚の復習があります。</translation>
    </message>
    <message>
        <source>{n} card due today is held back by the deck&apos;s daily limits (Options raise them).</source>
        <translation>今日が期日のカード {n} 枚は、デッキの1日の上限で保留されています（オプションで上限を上げられます）。</translation>
    </message>
    <message>
        <source>{n} cards due today are held back by the deck&apos;s daily limits (Options raise them).</source>
        <translation>今日が期日のカード {n} 枚は、デッキの1日の上限で保留されています（オプションで上限を上げられます）。</translation>
    </message>
    <message>
        <source>{n} card is buried until tomorrow (siblings of cards you answered, or buried by you).</source>
        <translation>{n} 枚のカードが明日まで延期されています（回答したカードの兄弟カード、または手動で延期したカード）。</translation>
    </message>
    <message>
        <source>{n} cards are buried until tomorrow (siblings of cards you answered, or buried by you).</source>
        <translation>{n} 枚のカードが明日まで延期されています（回答したカードの兄弟カード、または手動で延期したカード）。</translation>
    </message>
    <message>
        <source>{n} new card is waiting; today&apos;s limit is reached, more come tomorrow.</source>
        <translation>新規カードが {n} 枚待っています。今日の上限に達したので、続きは明日です。</translation>
    </message>
    <message>
        <source>{n} new cards are waiting; today&apos;s limit is reached, more come tomorrow.</source>
        <translation>新規カードが {n} 枚待っています。今日の上限に達したので、続きは明日です。</translation>
    </message>
    <message>
        <source>This deck has no cards yet: add notes or generate them from an article.</source>
        <translation>このデッキにはまだカードがありません。ノートを追加するか、記事から生成してください。</translation>
    </message>
    <message>
        <source>&amp;Undo {action}</source>
        <translation>元に戻す - {action}(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>元に戻す(&amp;U)</translation>
    </message>
    <message>
        <source>Nothing to undo.</source>
        <translation>元に戻す操作はありません。</translation>
    </message>
    <message>
        <source>{action} undone.</source>
        <translation>「{action}」を元に戻しました。</translation>
    </message>
    <message>
        <source>Card buried until tomorrow.</source>
        <translation>カードを明日まで延期しました。</translation>
    </message>
    <message>
        <source>Card suspended.</source>
        <translation>カードを保留しました。</translation>
    </message>
    <message>
        <source>Flag {name} set.</source>
        <translation>フラグ「{name}」を付けました。</translation>
    </message>
    <message>
        <source>Flag {name} removed.</source>
        <translation>フラグ「{name}」を外しました。</translation>
    </message>
    <message>
        <source>in {n} min (at {time})</source>
        <translation>{n} 分後（{time}）</translation>
    </message>
    <message>
        <source>in {n} h (at {time})</source>
        <translation>{n} 時間後（{time}）</translation>
    </message>
    <message>
        <source>ddd dd MMM</source>
        <comment>date (QLocale pattern)</comment>
        <translation>M月d日(ddd)</translation>
    </message>
    <message>
        <source>in {n} day ({date})</source>
        <translation>{n} 日後（{date}）</translation>
    </message>
    <message>
        <source>in {n} days ({date})</source>
        <translation>{n} 日後（{date}）</translation>
    </message>
</context>
<context>
    <name>ReviewView</name>
    <message>
        <source>Again</source>
        <extracomment>The answer buttons&apos; names (English: object names; shown translated, as Anki&apos;s).</extracomment>
        <translation>もう一度</translation>
    </message>
    <message>
        <source>Hard</source>
        <translation>難しい</translation>
    </message>
    <message>
        <source>Good</source>
        <translation>正解</translation>
    </message>
    <message>
        <source>Easy</source>
        <translation>簡単</translation>
    </message>
    <message>
        <source>Type the answer, then Enter</source>
        <extracomment>A replay marker was clicked: the side (&quot;question&quot; or &quot;answer&quot;) and the sound&apos;s number. A hint link was clicked: the side and the hint&apos;s number.</extracomment>
        <translation>解答を入力して Enter キー</translation>
    </message>
    <message>
        <source>Show answer</source>
        <translation>解答を表示</translation>
    </message>
    <message>
        <source>Space or Enter</source>
        <translation>Space キーまたは Enter キー</translation>
    </message>
</context>
<context>
    <name>SettingsController</name>
    <message>
        <source>Log loss: {value}</source>
        <translation>対数損失: {value}</translation>
    </message>
    <message>
        <source>RMSE (bins): {value}</source>
        <translation>RMSE（ビン）: {value}</translation>
    </message>
    <message>
        <source>Add Preset</source>
        <translation>プリセットを追加</translation>
    </message>
    <message>
        <source>Clone Preset</source>
        <translation>プリセットを複製</translation>
    </message>
    <message>
        <source>Rename Preset</source>
        <translation>プリセットの名前を変更</translation>
    </message>
    <message>
        <source>Fitted to {n} review; Save keeps them.</source>
        <translation>{n} 回の復習に合わせました。保存すると反映されます。</translation>
    </message>
    <message>
        <source>Fitted to {n} reviews; Save keeps them.</source>
        <translation>{n} 回の復習に合わせました。保存すると反映されます。</translation>
    </message>
    <message>
        <source>The current parameters are already optimal.</source>
        <translation>現在のパラメータはすでに最適です。</translation>
    </message>
    <message>
        <source>Optimizing…</source>
        <translation>最適化しています…</translation>
    </message>
    <message>
        <source>The FSRS parameters must be 21 numbers.</source>
        <translation>FSRS のパラメータは 21 個の数値にしてください。</translation>
    </message>
    <message>
        <source>Evaluating…</source>
        <translation>評価しています…</translation>
    </message>
    <message>
        <source>The parameters were not computed</source>
        <translation>パラメータを計算できませんでした</translation>
    </message>
    <message>
        <source>The settings were not saved</source>
        <translation>設定を保存できませんでした</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <extracomment>Fit the FSRS parameters to the deck&apos;s history / evaluate the ones in the field. Another deck was picked (its options are shown by the controller). Another preset was picked for the deck shown. The preset menu&apos;s actions (as Anki&apos;s deck options: add, clone, rename, delete).</extracomment>
        <translation>設定</translation>
    </message>
    <message>
        <source>The options preset this deck uses; decks on one preset share its options.</source>
        <translation>このデッキが使うオプションのプリセットです。同じプリセットのデッキはオプションを共有します。</translation>
    </message>
    <message>
        <source>Add Preset</source>
        <translation>プリセットを追加</translation>
    </message>
    <message>
        <source>Clone Preset</source>
        <translation>プリセットを複製</translation>
    </message>
    <message>
        <source>Rename Preset</source>
        <translation>プリセットの名前を変更</translation>
    </message>
    <message>
        <source>Delete Preset</source>
        <translation>プリセットを削除</translation>
    </message>
    <message>
        <source>Presets</source>
        <translation>プリセット</translation>
    </message>
    <message>
        <source>The share of reviews you want to remember. Higher means more reviews.</source>
        <translation>復習で思い出せてほしい割合。高くするほど復習が増えます。</translation>
    </message>
    <message>
        <source>e.g. 1m 10m</source>
        <translation>例: 1m 10m</translation>
    </message>
    <message>
        <source>e.g. 10m</source>
        <translation>例: 10m</translation>
    </message>
    <message>
        <source>&amp;Deck</source>
        <translation>デッキ(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Preset</source>
        <translation>プリセット(&amp;P)</translation>
    </message>
    <message>
        <source>Desired &amp;retention</source>
        <translation>目標定着率(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;New cards/day</source>
        <translation>新規カード/日(&amp;N)</translation>
    </message>
    <message>
        <source>Maximum revie&amp;ws/day</source>
        <translation>最大復習数/日(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;Learning steps</source>
        <translation>学習ステップ(&amp;L)</translation>
    </message>
    <message>
        <source>Relearnin&amp;g steps</source>
        <translation>再学習ステップ(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Maximum interval</source>
        <translation>最大間隔(&amp;M)</translation>
    </message>
    <message>
        <source>Default parameters</source>
        <translation>既定のパラメータ</translation>
    </message>
    <message>
        <source>FSRS&apos;s 21 parameters, as Anki shows them. Press Optimize now and then to fit them to your own reviews; editing them by hand is not advised.</source>
        <translation>FSRS の 21 個のパラメータ（Anki と同じ表示）。ときどき「最適化」を押して自分の復習に合わせてください。手で編集するのはおすすめしません。</translation>
    </message>
    <message>
        <source>&amp;Optimize</source>
        <translation>最適化(&amp;O)</translation>
    </message>
    <message>
        <source>Fit the preset&apos;s parameters to the reviews of this deck and its subdecks (at least 400).</source>
        <translation>このデッキとサブデッキの復習にプリセットのパラメータを合わせます（400件以上）。</translation>
    </message>
    <message>
        <source>Options belong to the preset: every deck that uses it has them. A deck&apos;s daily limits also cap its subdecks.</source>
        <translation>オプションはプリセットに属し、そのプリセットを使うすべてのデッキに適用されます。デッキの1日の上限はサブデッキにも適用されます。</translation>
    </message>
    <message>
        <source>E&amp;valuate</source>
        <translation>評価(&amp;V)</translation>
    </message>
    <message>
        <source>How well the parameters above predict this deck&apos;s reviews.</source>
        <translation>上のパラメータがこのデッキの復習をどれだけよく予測するか。</translation>
    </message>
    <message>
        <source>Reschedule cards</source>
        <translation>カードを再スケジュール</translation>
    </message>
    <message>
        <source>On Save, recompute the cards&apos; memory and due days with changed parameters.</source>
        <translation>保存するとき、変更したパラメータでカードの記憶状態と期日を計算し直します。</translation>
    </message>
    <message>
        <source>&amp;FSRS parameters</source>
        <translation>FSRS パラメータ(&amp;F)</translation>
    </message>
    <message>
        <source>Cards due today stay due until this hour the next morning.</source>
        <translation>今日が期日のカードは翌朝のこの時刻まで期日のままです。</translation>
    </message>
    <message>
        <source>Backups are taken when the app closes and every 30 minutes of use; older ones are deleted.</source>
        <translation>アプリを閉じるときと使用中30分ごとにバックアップします。古いものは削除されます。</translation>
    </message>
    <message>
        <source>Play audio &amp;automatically</source>
        <translation>音声を自動再生(&amp;A)</translation>
    </message>
    <message>
        <source>A card&apos;s sounds play when its question or answer shows; R plays them again.</source>
        <translation>質問や解答が表示されるとカードの音声が再生されます。R キーでもう一度再生します。</translation>
    </message>
    <message>
        <source>Next day &amp;starts at</source>
        <translation>次の日の開始時刻(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Backups to keep</source>
        <translation>保存するバックアップ数(&amp;B)</translation>
    </message>
    <message>
        <source>Audio</source>
        <translation>音声</translation>
    </message>
    <message>
        <source>Load balancer</source>
        <translation>負荷分散</translation>
    </message>
    <message>
        <source>Within the fuzz range of a review interval, prefer the days with fewer cards due, so that the daily workload stays even.</source>
        <translation>復習間隔のゆらぎの範囲内で、期日のカードが少ない日を優先し、毎日の復習量を平均化します。</translation>
    </message>
    <message>
        <source>Reviews</source>
        <translation>復習</translation>
    </message>
    <message>
        <source>Deck options</source>
        <translation>デッキのオプション</translation>
    </message>
    <message>
        <source>General</source>
        <translation>全般</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新規</translation>
    </message>
    <message>
        <source>Interday learning</source>
        <translation>日をまたぐ学習</translation>
    </message>
    <message>
        <source>Bury siblings</source>
        <translation>兄弟カードを延期</translation>
    </message>
    <message>
        <source>Answering a card hides its siblings of these kinds until the next day.</source>
        <translation>カードに解答すると、この種類の兄弟カードを翌日まで延期します。</translation>
    </message>
    <message>
        <source>Lapses after which a card is a leech (its note is tagged leech); 0: never.</source>
        <translation>この回数忘れたカードはリーチになります（ノートに leech タグが付きます）。0 ならリーチになりません。</translation>
    </message>
    <message>
        <source>Tag Only</source>
        <translation>タグのみ</translation>
    </message>
    <message>
        <source>Suspend Card</source>
        <translation>カードを保留</translation>
    </message>
    <message>
        <source>Leech threshold</source>
        <translation>リーチのしきい値</translation>
    </message>
    <message>
        <source>Deck</source>
        <translation>デッキ</translation>
    </message>
    <message>
        <source>Deck, then random notes</source>
        <translation>デッキ順、ノートはランダム</translation>
    </message>
    <message>
        <source>Ascending position</source>
        <translation>位置の昇順</translation>
    </message>
    <message>
        <source>Descending position</source>
        <translation>位置の降順</translation>
    </message>
    <message>
        <source>Random notes</source>
        <translation>ランダムなノート</translation>
    </message>
    <message>
        <source>Random cards</source>
        <translation>ランダムなカード</translation>
    </message>
    <message>
        <source>Card template</source>
        <translation>カードテンプレート</translation>
    </message>
    <message>
        <source>Order gathered</source>
        <translation>収集した順</translation>
    </message>
    <message>
        <source>Card template, then random</source>
        <translation>カードテンプレート順、次にランダム</translation>
    </message>
    <message>
        <source>Random note, then card template</source>
        <translation>ランダムなノート、次にカードテンプレート順</translation>
    </message>
    <message>
        <source>Sequential</source>
        <translation>順番通り</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>ランダム</translation>
    </message>
    <message>
        <source>New card gather order</source>
        <translation>新規カードの収集順</translation>
    </message>
    <message>
        <source>New card sort order</source>
        <translation>新規カードの並び順</translation>
    </message>
    <message>
        <source>New card insertion order</source>
        <translation>新規カードの挿入順</translation>
    </message>
    <message>
        <source>Easy days</source>
        <translation>復習を減らす日</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>デフォルト</translation>
    </message>
    <message>
        <source>Used by {n} deck</source>
        <translation>{n} 個のデッキで使用中</translation>
    </message>
    <message>
        <source>Used by {n} decks</source>
        <translation>{n} 個のデッキで使用中</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名前:</translation>
    </message>
    <message>
        <source> day</source>
        <translation> 日</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 日</translation>
    </message>
    <message>
        <source>Light or dark; the first follows your system&apos;s setting as it changes.</source>
        <translation>ライトかダーク。「システムと同じ」はシステムの設定の変更に従います。</translation>
    </message>
    <message>
        <source>T&amp;heme</source>
        <translation>テーマ(&amp;H)</translation>
    </message>
    <message>
        <source>The interface&apos;s language; System follows your system&apos;s language.</source>
        <translation>画面の言語。「システム」はシステムの言語に従います。</translation>
    </message>
    <message>
        <source>Applies on restart</source>
        <translation>再起動後に反映されます</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>言語(&amp;L)</translation>
    </message>
</context>
<context>
    <name>SoundPlayer</name>
    <message>
        <source>Sounds cannot play: Qt Multimedia is not available here.</source>
        <extracomment>The only link target card text may hold: ``replay:N`` plays the face&apos;s N-th sound. One tag of the sanitiser&apos;s output: its attribute values are always in double quotes, with any ``&quot;`` inside written as ``&amp;quot;``; a ``&gt;`` in text is always ``&amp;gt;``. A one-line message for the status bar (sounds cannot play on this machine). A file (a :class:`~pathlib.Path`) was handed to the player.</extracomment>
        <translation>音声を再生できません: この環境では Qt Multimedia を使えません。</translation>
    </message>
    <message>
        <source>A sound could not play: {reason}</source>
        <translation>音声を再生できませんでした: {reason}</translation>
    </message>
    <message>
        <source>A sound could not play.</source>
        <translation>音声を再生できませんでした。</translation>
    </message>
</context>
<context>
    <name>StatsController</name>
    <message>
        <source>The statistics could not be read</source>
        <extracomment>What the summary line says when a report cannot be read (then why, in one line).</extracomment>
        <translation>統計を読み込めませんでした</translation>
    </message>
    <message>
        <source>Save chart as PNG</source>
        <extracomment>Wait this long after the last change before reloading (a burst of changes loads once). The changes that change the statistics.</extracomment>
        <translation>グラフを PNG で保存</translation>
    </message>
    <message>
        <source>PNG pictures (*.png)</source>
        <translation>PNG 画像 (*.png)</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>{path} に保存しました</translation>
    </message>
    <message>
        <source>Save chart</source>
        <translation>グラフを保存</translation>
    </message>
    <message>
        <source>The chart could not be written to {path}.</source>
        <translation>グラフを {path} に書き込めませんでした。</translation>
    </message>
</context>
<context>
    <name>StatsView</name>
    <message>
        <source>All decks</source>
        <extracomment>The deck combo&apos;s entry for every deck.</extracomment>
        <translation>すべてのデッキ</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今日</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>昨日</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>過去7日間</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>過去30日間</translation>
    </message>
    <message>
        <source>Last 365 days</source>
        <translation>過去365日間</translation>
    </message>
    <message>
        <source>Young</source>
        <translation>未習熟</translation>
    </message>
    <message>
        <source>Mature</source>
        <translation>習熟</translation>
    </message>
    <message>
        <source>All</source>
        <translation>すべて</translation>
    </message>
    <message>
        <source>Learn</source>
        <translation>学習中</translation>
    </message>
    <message>
        <source>Relearn</source>
        <translation>再学習</translation>
    </message>
    <message>
        <source>1 month</source>
        <translation>1か月</translation>
    </message>
    <message>
        <source>month</source>
        <translation>1か月</translation>
    </message>
    <message>
        <source>3 months</source>
        <translation>3か月</translation>
    </message>
    <message>
        <source>1 year</source>
        <translation>1年</translation>
    </message>
    <message>
        <source>year</source>
        <translation>1年</translation>
    </message>
    <message>
        <source>{rate} % of {total}</source>
        <translation>{total} 回中 {rate} %</translation>
    </message>
    <message>
        <source>-{n}w</source>
        <translation>{n}週前</translation>
    </message>
    <message>
        <source>-{n}d</source>
        <translation>{n}日前</translation>
    </message>
    <message>
        <source>today</source>
        <translation>今日</translation>
    </message>
    <message>
        <source>now</source>
        <translation>今週</translation>
    </message>
    <message>
        <source>+{n}w</source>
        <translation>{n}週後</translation>
    </message>
    <message>
        <source>+{n}d</source>
        <translation>{n}日後</translation>
    </message>
    <message>
        <source>ddd dd MMM</source>
        <comment>date (QLocale pattern)</comment>
        <translation>M月d日(ddd)</translation>
    </message>
    <message>
        <source>dd MMM</source>
        <comment>date without weekday (QLocale pattern)</comment>
        <translation>M月d日</translation>
    </message>
    <message>
        <source>week of {date}</source>
        <translation>{date}からの週</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>読み込み中…</translation>
    </message>
    <message>
        <source>Calendar</source>
        <translation>カレンダー</translation>
    </message>
    <message>
        <source>Reviews</source>
        <translation>学習</translation>
    </message>
    <message>
        <source>Future due</source>
        <translation>今後の課題</translation>
    </message>
    <message>
        <source>True retention</source>
        <translation>実際の定着率</translation>
    </message>
    <message>
        <source>Card counts</source>
        <translation>カード枚数</translation>
    </message>
    <message>
        <source>Answer buttons</source>
        <translation>回答ボタン</translation>
    </message>
    <message>
        <source>Review time</source>
        <translation>学習時間</translation>
    </message>
    <message>
        <source>Card intervals</source>
        <translation>復習間隔</translation>
    </message>
    <message>
        <source>Card stability</source>
        <translation>カードの安定性</translation>
    </message>
    <message>
        <source>Card difficulty</source>
        <translation>カードの難度</translation>
    </message>
    <message>
        <source>Card retrievability</source>
        <translation>カードの推定正答率</translation>
    </message>
    <message>
        <source>Deck:</source>
        <translation>デッキ:</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>期間:</translation>
    </message>
    <message>
        <source>{reviews} reviews on {days} days in the last year; busiest day {busiest}</source>
        <translation>過去1年間: {days} 日で復習 {reviews} 回、最多の日は {busiest} 回</translation>
    </message>
    <message>
        <source>{n} in the last {span}</source>
        <translation>過去{span}で {n} 回</translation>
    </message>
    <message>
        <source>Minutes</source>
        <translation>分</translation>
    </message>
    <message>
        <source>{n} min in the last {span}</source>
        <translation>過去{span}で {n} 分</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>期日</translation>
    </message>
    <message>
        <source>{n} in the next {span}; {today} due today</source>
        <translation>今後{span}で {n} 枚、今日が期日 {today} 枚</translation>
    </message>
    <message>
        <source>{passed} passed, {failed} failed (Again)</source>
        <translation>正解 {passed} 回、不正解（もう一度） {failed} 回</translation>
    </message>
    <message>
        <source>first reviews of review cards</source>
        <translation>復習カードのその日最初の復習</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新規</translation>
    </message>
    <message>
        <source>Learning</source>
        <translation>学習中</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>復習</translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation>保留中</translation>
    </message>
    <message>
        <source>{n} cards</source>
        <translation>{n} 枚</translation>
    </message>
    <message>
        <source>Again</source>
        <translation>もう一度</translation>
    </message>
    <message>
        <source>Hard</source>
        <translation>難しい</translation>
    </message>
    <message>
        <source>Good</source>
        <translation>正解</translation>
    </message>
    <message>
        <source>Easy</source>
        <translation>簡単</translation>
    </message>
    <message>
        <source>last 30 days</source>
        <translation>過去30日間</translation>
    </message>
    <message>
        <source>{range} days</source>
        <translation>{range} 日</translation>
    </message>
    <message>
        <source>{range} %</source>
        <translation>{range} %</translation>
    </message>
    <message>
        <source>days until due</source>
        <translation>期日までの日数</translation>
    </message>
    <message>
        <source>days until recall falls to 90 %</source>
        <translation>正答率が 90 % に下がるまでの日数</translation>
    </message>
    <message>
        <source>FSRS difficulty, 1-10</source>
        <translation>FSRS の難度（1〜10）</translation>
    </message>
    <message>
        <source>chance of recall now, %</source>
        <translation>現在の推定正答率（%）</translation>
    </message>
    <message>
        <source>Cards</source>
        <translation>カード</translation>
    </message>
    <message>
        <source>{n} cards; {what}</source>
        <translation>{n} 枚・{what}</translation>
    </message>
    <message>
        <source>Today: {n} review in {minutes} min</source>
        <translation>今日: 復習 {n} 回（{minutes} 分）</translation>
    </message>
    <message>
        <source>Today: {n} reviews in {minutes} min</source>
        <translation>今日: 復習 {n} 回（{minutes} 分）</translation>
    </message>
    <message>
        <source>Streak: {n} day</source>
        <translation>連続学習: {n} 日</translation>
    </message>
    <message>
        <source>Streak: {n} days</source>
        <translation>連続学習: {n} 日</translation>
    </message>
    <message>
        <source>Retention (30 days): {rate}</source>
        <translation>定着率（30日間）: {rate}</translation>
    </message>
    <message>
        <source>Due tomorrow: {n}</source>
        <translation>明日が期日: {n} 枚</translation>
    </message>
</context>
<context>
    <name>StatsWindow</name>
    <message>
        <source>Statistics</source>
        <translation>統計</translation>
    </message>
</context>
<context>
    <name>SyncController</name>
    <message>
        <source>The sync settings were not kept</source>
        <extracomment>A sentence for the status bar (what a sync moved). A sync ended (successfully or not): views refresh from ``changed`` as usual. What the running sync does now, a sentence for the status bar. The running network step&apos;s thread (joined on the GUI thread when it reports).</extracomment>
        <translation>同期の設定を保存できませんでした</translation>
    </message>
    <message>
        <source>Syncing: preparing…</source>
        <translation>同期中：準備しています…</translation>
    </message>
    <message>
        <source>Syncing: connecting to the server…</source>
        <translation>同期中：サーバーに接続しています…</translation>
    </message>
    <message>
        <source>Syncing: media files…</source>
        <translation>同期中：メディアファイル…</translation>
    </message>
    <message>
        <source>Syncing: receiving changes…</source>
        <translation>同期中：変更を受信しています…</translation>
    </message>
    <message>
        <source>Syncing: merging {n} changes…</source>
        <translation>同期中：{n} 件の変更を統合しています…</translation>
    </message>
    <message>
        <source>Syncing: gathering changes…</source>
        <translation>同期中：変更を集めています…</translation>
    </message>
    <message>
        <source>Syncing: sending {n} changes…</source>
        <translation>同期中：{n} 件の変更を送信しています…</translation>
    </message>
    <message>
        <source>Syncing: finishing…</source>
        <translation>同期中：完了処理をしています…</translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>同期しています…</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>同期</translation>
    </message>
    <message>
        <source>The sync failed</source>
        <translation>同期に失敗しました</translation>
    </message>
</context>
<context>
    <name>SyncSettingsDialog</name>
    <message>
        <source>Sync Settings</source>
        <extracomment>The GUI settings&apos; keys: the server URL, and whether to sync when the app opens and closes.</extracomment>
        <translation>同期の設定</translation>
    </message>
    <message>
        <source>kept in the system keyring, not here</source>
        <translation>ここではなくシステムのキーリングに保存されます</translation>
    </message>
    <message>
        <source>Sync when the app opens and closes</source>
        <translation>アプリを開くときと閉じるときに同期する</translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation>サーバー(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>パスワード(&amp;P)</translation>
    </message>
</context>
<context>
    <name>TextImportDialog</name>
    <message>
        <source>Detect</source>
        <translation>自動判定</translation>
    </message>
    <message>
        <source>Tab</source>
        <translation>タブ</translation>
    </message>
    <message>
        <source>Comma</source>
        <translation>カンマ</translation>
    </message>
    <message>
        <source>Semicolon</source>
        <translation>セミコロン</translation>
    </message>
    <message>
        <source>Space</source>
        <translation>スペース</translation>
    </message>
    <message>
        <source>Pipe (|)</source>
        <translation>縦線 (|)</translation>
    </message>
    <message>
        <source>Colon</source>
        <translation>コロン</translation>
    </message>
    <message>
        <source>Front</source>
        <translation>表面</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>裏面</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>タグ</translation>
    </message>
    <message>
        <source>Deck</source>
        <translation>デッキ</translation>
    </message>
    <message>
        <source>Nothing</source>
        <translation>使わない</translation>
    </message>
    <message>
        <source>Update them</source>
        <translation>更新する</translation>
    </message>
    <message>
        <source>Leave them as they are</source>
        <translation>そのままにする</translation>
    </message>
    <message>
        <source>Keep both (add as new notes)</source>
        <translation>両方残す（新しいノートとして追加）</translation>
    </message>
    <message>
        <source>Import {name}</source>
        <extracomment>Header names that say what their column holds (a spreadsheet&apos;s &quot;Tags&quot; column). The most columns the mapping offers (a wider file maps the rest to nothing).</extracomment>
        <translation>{name} をインポート</translation>
    </message>
    <message>
        <source>The first row names the columns</source>
        <translation>1行目は列の名前</translation>
    </message>
    <message>
        <source>Fields are HTML</source>
        <translation>フィールドは HTML</translation>
    </message>
    <message>
        <source>tags for every note, separated by spaces</source>
        <translation>すべてのノートに付けるタグ（スペース区切り）</translation>
    </message>
    <message>
        <source>Field separator</source>
        <translation>フィールドの区切り文字</translation>
    </message>
    <message>
        <source>Encoding</source>
        <translation>文字コード</translation>
    </message>
    <message>
        <source>File</source>
        <translation>ファイル</translation>
    </message>
    <message>
        <source>Columns</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Note type</source>
        <translation>ノートタイプ</translation>
    </message>
    <message>
        <source>Notes the collection has</source>
        <translation>コレクションにすでにあるノート</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>ノート</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>インポート</translation>
    </message>
    <message>
        <source>Column {n}</source>
        <translation>列 {n}</translation>
    </message>
</context>
<context>
    <name>Theme</name>
    <message>
        <source>Same as the system</source>
        <extracomment>The theme choices of Settings: the value kept, and what the learner reads. The texts are marked for translation (&quot;Theme&quot; context) and translated where shown.</extracomment>
        <translation>システムと同じ</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>ライト</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>ダーク</translation>
    </message>
</context>
<context>
    <name>Undo</name>
    <message>
        <source>Answer</source>
        <extracomment>Longer thinking than this counts as this long (as in Anki), so a coffee break is not study. How Anki&apos;s reviewer marks a typed answer (its own style sheet, before the note type&apos;s). The names of the actions recorded for Undo (the core keeps them in English): the review&apos;s, the browser&apos;s and the Edit Note dialog&apos;s. Edit → Undo shows them translated (:func:`undo_name`).</extracomment>
        <translation>回答</translation>
    </message>
    <message>
        <source>Bury</source>
        <translation>延期</translation>
    </message>
    <message>
        <source>Suspend</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>Unsuspend</source>
        <translation>保留の解除</translation>
    </message>
    <message>
        <source>Flag</source>
        <translation>フラグ</translation>
    </message>
    <message>
        <source>Edit Note</source>
        <translation>ノートの編集</translation>
    </message>
    <message>
        <source>Delete Note</source>
        <translation>ノートの削除</translation>
    </message>
    <message>
        <source>Change Deck</source>
        <translation>デッキの変更</translation>
    </message>
    <message>
        <source>Find and Replace</source>
        <translation>検索と置換</translation>
    </message>
</context>
<context>
    <name>i18n</name>
    <message>
        <source>System</source>
        <extracomment>``translate(&quot;Context&quot;, &quot;text&quot;)``: what plain functions call (lupdate knows the name). The QSettings key of the Language setting: one of :data:`LANGUAGES`&apos; codes. The Language setting&apos;s choices: its stored value and how the choice is named (each in its own language, as language pickers do; &quot;System&quot; is translated where it is shown).</extracomment>
        <translation>システム</translation>
    </message>
</context>
</TS>
