"""Every bad input gets one line naming the path and the reason, never a traceback.

Each case is tested twice: `sources.collect` (what the app uses: an error, the rest carry
on) and the CLI in a subprocess (exit status 2 and exactly one line on stderr).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from libya_reader import cli
from libya_reader.articles import ArticleError, load_article, load_stream
from libya_reader.sources import collect

GOOD = "TRIPOLI, Libya (AP) — Fighting resumed near Gharyan on Monday, officials said.\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("article.txt", GOOD)
    return buffer.getvalue()


def run_cli(*args: str, stdin: object = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "libya_reader", *args],
        stdin=stdin,  # type: ignore[arg-type]
        capture_output=True,
        timeout=120,
    )


def one_line(result: subprocess.CompletedProcess[bytes]) -> str:
    """The single stderr line of a failed run; no traceback, no extra log lines."""
    assert result.returncode == 2, result.stderr
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1, lines
    assert "Traceback" not in lines[0]
    assert result.stdout == b""
    return lines[0]


def only_error(paths: list[str]) -> ArticleError:
    articles, errors = collect(paths)
    assert articles == [] and len(errors) == 1, (articles, errors)
    assert "\n" not in str(errors[0])
    return errors[0]


# --- the cases that must fail, each with its reason ------------------------------------


def _bad_cases(tmp: Path) -> Iterator[tuple[str, Path, str]]:
    """(case, path, reason) for every bad file; built fresh in each test's tmp folder."""
    yield "missing path", tmp / "nope.txt", "no such file"
    empty_dir = tmp / "empty_dir"
    empty_dir.mkdir()
    (empty_dir / "notes.log").write_text("not an article")
    yield "folder with no articles", empty_dir, "holds no articles"
    for case, name, data, reason in [
        ("empty file", "empty.txt", b"", "is empty"),
        ("whitespace only", "blank.txt", b" \n\t\r\n  \n", "is empty"),
        ("PNG image", "photo.txt", PNG, "is a PNG image"),
        ("zip archive", "bundle.txt", zip_bytes(), "is a zip archive"),
        ("random binary", "blob.txt", bytes(range(256)) * 4, "is a binary file"),
        (
            "HTML with no article body",
            "portal.html",
            b"<!doctype html><html><head><title>Libya Wire</title></head><body>"
            b"<nav><a href='/'>Home</a> <a href='/libya'>Libya</a></nav>"
            b"<ul><li><a href='/a'>Clashes near Gharyan</a></li></ul></body></html>",
            "no article text found",
        ),
        ("empty HTML", "empty.html", b"<html><body></body></html>", "no article text found"),
    ]:
        path = tmp / name
        path.write_bytes(data)
        yield case, path, reason
    link = tmp / "link.txt"
    link.symlink_to(tmp / "gone.txt")
    yield "broken symlink", link, "broken symbolic link"


BAD_CASES = [
    "missing path",
    "folder with no articles",
    "empty file",
    "whitespace only",
    "PNG image",
    "zip archive",
    "random binary",
    "HTML with no article body",
    "empty HTML",
    "broken symlink",
]


def bad_case(tmp: Path, wanted: str) -> tuple[Path, str]:
    for case, path, reason in _bad_cases(tmp):
        if case == wanted:
            return path, reason
    raise KeyError(wanted)


@pytest.mark.parametrize("case", BAD_CASES)
def test_collect_reports_each_bad_input(tmp_path: Path, case: str) -> None:
    path, reason = bad_case(tmp_path, case)
    error = only_error([str(path)])
    assert error.path == str(path) and reason in error.reason


@pytest.mark.parametrize("case", BAD_CASES)
def test_entities_prints_one_line_and_exits_2(tmp_path: Path, case: str) -> None:
    path, reason = bad_case(tmp_path, case)
    line = one_line(run_cli("entities", str(path)))
    assert str(path) in line and reason in line


def test_unreadable_file_without_root(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(GOOD)
    path.chmod(0)
    try:
        if os.geteuid() == 0 or os.access(path, os.R_OK):
            pytest.skip("running as root: file permissions are not enforced")
        assert "permission denied" in only_error([str(path)]).reason
        line = one_line(run_cli("entities", str(path)))
        assert str(path) in line and "permission denied" in line
    finally:
        path.chmod(0o644)


def test_unreadable_file_as_the_os_reports_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same path through the loader when the OS refuses (works as root too).
    path = tmp_path / "secret.txt"
    path.write_text(GOOD)
    real_open = Path.open

    def refuse(self: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    error = only_error([str(path)])
    assert error.path == str(path) and error.reason == "permission denied"


def test_fifo_in_a_folder_is_skipped_not_waited_on(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "good.txt").write_text(GOOD)
    articles, errors = collect([str(tmp_path)])
    assert [a.path for a in articles] == [str(tmp_path / "good.txt")]
    assert len(errors) == 1 and "not a regular file" in errors[0].reason


# --- texts that must load, decoded rather than rejected --------------------------------

CAFE = "Le café de Benghazi – « calme » ; Misrata’s port reopened on Monday, officials said."


LATIN1 = "Le café de Benghazi, où l'on parle de Syrte à côté de Misrata."


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(LATIN1.encode("latin-1"), LATIN1, id="Latin-1"),
        pytest.param(CAFE.encode("cp1252"), CAFE, id="Windows-1252"),
        pytest.param(CAFE.encode("utf-16"), CAFE, id="UTF-16 with BOM"),
        pytest.param(b"\xfe\xff" + CAFE.encode("utf-16-be"), CAFE, id="UTF-16 BE with BOM"),
        pytest.param(CAFE.encode("utf-16-le"), CAFE, id="UTF-16 LE without BOM"),
        pytest.param(CAFE.encode("utf-8-sig"), CAFE, id="UTF-8 with BOM"),
        pytest.param(CAFE.encode("utf-32"), CAFE, id="UTF-32 with BOM"),
    ],
)
def test_encodings_are_decoded(tmp_path: Path, data: bytes, expected: str) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    assert load_article(path).text == expected


def test_mixed_line_endings_are_normalised_and_offsets_hold(tmp_path: Path) -> None:
    raw = b"TRIPOLI (AP) \xe2\x80\x94 One.\r\nTwo Gharyan.\rThree.\n\r\nFour Sirte.\r"
    path = tmp_path / "a.txt"
    path.write_bytes(raw)
    article = load_article(path)
    assert "\r" not in article.text
    assert article.text == "TRIPOLI (AP) — One.\nTwo Gharyan.\nThree.\n\nFour Sirte.\n"
    start = article.text.index("Gharyan")
    assert article.text[start : start + 7] == "Gharyan"
    for part in article.parts:
        assert 0 <= part.start < part.end <= len(article.text)


def test_invalid_utf8_in_the_middle(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("Misrata’s port ".encode() + b"\xc3\x28 \xff\xfe " + "and Sirte’s".encode())
    text = load_article(path).text
    assert text.startswith("Misrata’s port") and text.endswith("Sirte’s")
    assert "\ufffd" in text


def test_a_stray_nul_in_prose_is_replaced_not_rejected(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(GOOD.encode() * 5 + b"\x00" + GOOD.encode() * 5)
    text = load_article(path).text
    assert "\x00" not in text and "\u2400" in text


def test_good_cp1252_file_through_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(CAFE.encode("cp1252"))
    result = run_cli("entities", str(path), "--format", "text")
    assert result.returncode == 0, result.stderr
    assert "Misrata" in result.stdout.decode() or "Benghazi" in result.stdout.decode()


# --- standard input: a named pipe whose writer goes away -------------------------------


def feed_fifo(fifo: Path, payload: bytes) -> threading.Thread:
    """A writer that opens the pipe, writes a few bytes (or none) and closes early."""

    def write() -> None:
        with open(fifo, "wb") as writer:
            writer.write(payload)

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize(
    ("payload", "outcome"),
    [
        (b"", "is empty"),
        (b"  \n", "is empty"),
        (b"\x89PNG\r\n", "PNG image"),
        (b"TRIPOLI (AP) \xe2\x80", "TRIPOLI (AP) \ufffd"),  # cut inside a UTF-8 character
        ("Tripoli".encode("utf-16")[:7], "Tr\ufffd"),  # cut inside a UTF-16 character
    ],
)
def test_fifo_that_closes_early(tmp_path: Path, payload: bytes, outcome: str) -> None:
    fifo = tmp_path / "stdin"
    os.mkfifo(fifo)
    writer = feed_fifo(fifo, payload)
    with open(fifo, "rb") as stream:
        try:
            article = load_stream(stream)
        except ArticleError as exc:
            assert exc.path == "<stdin>" and outcome in exc.reason
        else:
            assert article.text.startswith(outcome)
    writer.join(5)


def test_cli_on_a_fifo_that_closes_with_nothing(tmp_path: Path) -> None:
    fifo = tmp_path / "stdin"
    os.mkfifo(fifo)
    writer = feed_fifo(fifo, b"")
    with open(fifo, "rb") as stream:
        line = one_line(run_cli("entities", "-", stdin=stream))
    writer.join(5)
    assert line == "libya-reader: <stdin>: is empty"


def test_cli_on_a_fifo_that_closes_after_a_few_bytes(tmp_path: Path) -> None:
    fifo = tmp_path / "stdin"
    os.mkfifo(fifo)
    writer = feed_fifo(fifo, b"Clashes in Tripo")
    with open(fifo, "rb") as stream:
        result = run_cli("entities", "-", "--format", "json", stdin=stream)
    writer.join(5)
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr


# --- several paths, some bad ------------------------------------------------------------


def test_collect_keeps_the_good_ones(tmp_path: Path) -> None:
    good = tmp_path / "folder" / "deep" / "good.txt"
    good.parent.mkdir(parents=True)
    good.write_text(GOOD)
    (tmp_path / "folder" / "empty.md").write_text("")
    (tmp_path / "folder" / "page.html").write_bytes(
        b"<html><head><title>Oil ports reopen</title></head><body><article>"
        b"<p>The National Oil Corporation said exports from Ras Lanuf resumed on Sunday.</p>"
        b"</article></body></html>"
    )
    (tmp_path / "folder" / ".hidden.txt").write_text(GOOD)
    missing = tmp_path / "missing.txt"
    articles, errors = collect([str(tmp_path / "folder"), str(missing)])
    assert sorted(Path(a.path or "").name for a in articles) == ["good.txt", "page.html"]
    assert [(e.path, e.reason) for e in errors] == [
        (str(tmp_path / "folder" / "empty.md"), "is empty"),
        (str(missing), "no such file"),
    ]


def test_reader_reports_bad_paths_and_opens_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import libya_reader.ui

    good = tmp_path / "good.txt"
    good.write_text(GOOD)
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    opened = {}

    def fake_run(articles, config):  # type: ignore[no-untyped-def]
        opened["articles"], opened["warnings"] = articles, list(config.warnings)

    monkeypatch.setattr(libya_reader.ui, "run_reader", fake_run)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    status = cli.main([str(tmp_path / "nope.txt"), str(good), str(empty)])
    assert status == 0
    assert [a.path for a in opened["articles"]] == [str(good)]
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [
        f"libya-reader: {tmp_path / 'nope.txt'}: no such file",
        f"libya-reader: {empty}: is empty",
    ]
    # the app gets the same lines to show as notifications
    assert opened["warnings"] == [line.removeprefix("libya-reader: ") for line in lines]


def test_reader_with_only_bad_paths_exits_2(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("   ")
    result = run_cli(str(tmp_path / "nope.txt"), str(empty))
    assert result.returncode == 2
    assert result.stderr.decode().strip().splitlines() == [
        f"libya-reader: {tmp_path / 'nope.txt'}: no such file",
        f"libya-reader: {empty}: is empty",
    ]
