"""Loading, decoding, sanitising and recognising the parts of an article."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from libya_reader.articles import ArticleError, from_text, load_article, sanitise

from .conftest import SEED

ARTICLE = "TRIPOLI, Libya (AP) — Fighting resumed on Monday near Gharyan.\n\nMore text here.\n"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_seed_parts_dateline_and_title() -> None:
    article = load_article(SEED)
    kinds = [part.kind for part in article.parts]
    assert kinds[0] == "caption" and kinds[-1] == "trailer"
    assert set(kinds[1:-1]) == {"body"}
    assert article.dateline == "CAIRO (AP)"
    assert article.source == "AP"
    assert article.title_derived
    assert article.title.startswith("Forces allied with the U.N.-supported government")
    assert len(article.title) <= 72
    assert article.date == date(2020, 6, 3)
    caption = article.parts[0]
    assert article.text[caption.start : caption.end].startswith("FILE")


def test_markdown_heading_is_the_title(tmp_path: Path) -> None:
    path = write(tmp_path, "a.md", f"# Clashes near Gharyan\n\n{ARTICLE}".encode())
    article = load_article(path)
    assert article.title == "Clashes near Gharyan"
    assert not article.title_derived
    assert article.text.startswith("TRIPOLI")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Misrata’s port".encode(), "Misrata’s port"),
        ("\ufeffMisrata’s port".encode("utf-8"), "Misrata’s port"),
        ("Misrata’s port".encode("utf-16"), "Misrata’s port"),
        ("café in Benghazi – “quoted”".encode("cp1252"), "café in Benghazi – “quoted”"),
        (b"Tobruk\r\nDerna\rSirte\n", "Tobruk\nDerna\nSirte\n"),
    ],
)
def test_decoding(tmp_path: Path, data: bytes, expected: str) -> None:
    assert load_article(write(tmp_path, "a.txt", data)).text == expected


def test_invalid_utf8_in_the_middle_keeps_the_rest(tmp_path: Path) -> None:
    data = "Misrata’s port ".encode() + b"\xff\xfe bad " + "and Sirte’s".encode()
    text = load_article(write(tmp_path, "a.txt", data)).text
    assert "Misrata’s port" in text and "Sirte’s" in text and "\ufffd" in text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "is empty"),
        (b"  \n\t \n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG image"),
        (b"PK\x03\x04rest", "zip archive"),
        (b"abc\x00\x01\x02def", "binary file"),
    ],
)
def test_bad_files_get_one_line(tmp_path: Path, data: bytes, reason: str) -> None:
    path = write(tmp_path, "bad.txt", data)
    with pytest.raises(ArticleError) as caught:
        load_article(path)
    message = str(caught.value)
    assert str(path) in message and reason in message and "\n" not in message


def test_missing_directory_and_broken_link(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="no such file"):
        load_article(tmp_path / "nope.txt")
    with pytest.raises(ArticleError, match="directory"):
        load_article(tmp_path)
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "gone.txt")
    with pytest.raises(ArticleError, match="broken symbolic link"):
        load_article(link)


def test_escape_sequences_are_replaced_one_for_one() -> None:
    hostile = "a\x1b]52;c;ZXZpbA==\x07b\x1b[31mred\x9b2J\u202eevil\x00"
    clean = sanitise(hostile)
    assert len(clean) == len(hostile)
    assert "\x1b" not in clean and "\x07" not in clean and "\x9b" not in clean
    assert "\u202e" not in clean and "\x00" not in clean
    assert "\u241b" in clean  # the reader can still see an ESC was there


def test_markup_is_kept_as_text() -> None:
    article = from_text("[bold red]Tripoli[/] and [@click=app.quit]x[/]\n")
    assert article.text.startswith("[bold red]Tripoli[/]")


@given(st.text())
def test_sanitise_keeps_length_and_removes_controls(text: str) -> None:
    normalised = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    clean = sanitise(text)
    assert len(clean) == len(normalised)
    assert all(ch == "\n" or (ord(ch) >= 0x20 and not 0x7F <= ord(ch) < 0xA0) for ch in clean)


def test_articles_compare_and_print_by_their_fields() -> None:
    first = from_text("TRIPOLI, Libya (AP) — Fighting resumed.")
    again = from_text("TRIPOLI, Libya (AP) — Fighting resumed.")
    assert first == again and first.parts == again.parts
    again.source = "Reuters"
    assert first != again
    assert repr(first.parts[0]) == "Part(end=39, kind='body', start=0)"
