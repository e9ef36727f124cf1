"""A media file never lands on another: two writers of one name both keep their file.

A sync's downloads write the media folder on their own thread while the editor may add files;
a name found free can be taken before a file gets there (issue 15: the media steps left the
collection's executor).
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from flashcards.core.media import MediaFolder, NameTakenError, place


def test_place_never_replaces_a_file(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(b"first")
    (tmp_path / ".adding-1").write_bytes(b"second")
    with pytest.raises(NameTakenError):
        place(tmp_path / ".adding-1", tmp_path / "a.png")
    assert (tmp_path / "a.png").read_bytes() == b"first"
    assert (tmp_path / ".adding-1").read_bytes() == b"second"  # left for its writer
    place(tmp_path / ".adding-1", tmp_path / "b.png")
    assert (tmp_path / "b.png").read_bytes() == b"second"
    assert not (tmp_path / ".adding-1").exists()


def test_two_threads_adding_one_name_keep_both_files(tmp_path: Path) -> None:
    (tmp_path / "collection.media").mkdir()
    media = MediaFolder(tmp_path / "collection.media")
    rounds = 200
    contents = [(f"round {n} from A".encode(), f"round {n} from B".encode()) for n in range(rounds)]
    stored: list[list[str]] = [[], []]

    def writer(side: int, start: threading.Barrier) -> None:
        for n in range(rounds):
            start.wait()  # both at the same name at once
            stored[side].append(media.add_bytes(f"same{n}.png", contents[n][side]))

    start = threading.Barrier(2)
    threads = [threading.Thread(target=writer, args=(side, start)) for side in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    folder = media.folder
    assert folder is not None
    for n in range(rounds):
        names = {stored[0][n], stored[1][n]}
        assert len(names) == 2  # one got the name, the other Anki's hashed name
        for side in (0, 1):
            assert (folder / stored[side][n]).read_bytes() == contents[n][side]
    assert not [p for p in folder.iterdir() if p.name.startswith(".adding-")]
