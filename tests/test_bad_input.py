"""Every bad input gets one line naming the path and the reason, never a traceback.

Each case is tested twice: `sources.collect` (what the app uses: an error, the rest carry
on) and the CLI in a subprocess (exit status 2 and exactly one line on stderr).
"""

from __future__ import annotations

import io
import itertools
import os
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from libya_reader import cli
from libya_reader.analysis.model import Analysis
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

    def fake_run(articles, config, library=None):  # type: ignore[no-untyped-def]
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


# --- huge input -------------------------------------------------------------------------

SENTENCE = "Turkey backs the Government of National Accord in Tripoli, officials said. "


def test_a_10_mb_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    paragraph = SENTENCE * 10 + "\n\n"
    path.write_text(paragraph * (10_000_000 // len(paragraph) + 1))
    article = load_article(path)
    assert len(article.text) > 10_000_000 and len(article.parts) > 10_000
    assert article.title.startswith("Turkey backs")


def test_an_extremely_long_line_loads_and_cuts_into_pieces(tmp_path: Path) -> None:
    from libya_reader.analysis.analyser import PIECE_CHARS, paragraphs

    path = tmp_path / "line.txt"
    path.write_text("x" * 3_000_000)  # one "word" of 3 MB: no space to cut at
    article = load_article(path)
    assert len(article.title) <= 72
    pieces = list(paragraphs(article.text))
    assert all(len(piece) <= PIECE_CHARS for _, piece in pieces)
    assert "".join(piece for _, piece in pieces) == article.text


def test_pieces_of_a_2_mb_text_map_back_exactly() -> None:
    from libya_reader.analysis.analyser import PIECE_CHARS, paragraphs

    run_on = "Tripoli Sirte Misrata Government of National Accord " * 40_000  # no sentence end
    text = (SENTENCE * 200 + "\n\n" + run_on).strip()
    assert len(text) > 2_000_000
    pieces = list(paragraphs(text))
    covered = 0
    for offset, piece in pieces:
        assert len(piece) <= PIECE_CHARS
        assert text[offset : offset + len(piece)] == piece
        assert offset >= covered  # in order, never overlapping
        covered = offset + len(piece)
    # cut at spaces: no word (so no name) is split between two pieces
    for offset, piece in pieces[:-1]:
        end = offset + len(piece)
        assert text[end - 1].isspace() or text[end].isspace()
    non_space = sum(not ch.isspace() for ch in text)
    assert sum(sum(not ch.isspace() for ch in piece) for _, piece in pieces) == non_space


@pytest.mark.parametrize(
    "filler",
    [
        pytest.param(
            "Officials met on Monday and talked for a long time about it. ", id="sentences"
        ),
        pytest.param("officials met on monday and talked for a long time about it ", id="run-on"),
    ],
)
def test_offsets_stay_right_right_after_a_cut(
    analyser,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
    filler: str,
) -> None:
    from libya_reader.analysis import analyser as analyser_module

    # A limit just past the filler puts the first cut immediately before "Tripoli".
    monkeypatch.setattr(analyser_module, "PIECE_CHARS", len(filler) + 5)
    text, expected = "", []
    for _ in range(4):
        text += filler
        expected.append(len(text))
        text += "Tripoli was calm" + (". " if filler.endswith(". ") else " ")
    pieces = list(analyser_module.paragraphs(text, len(filler) + 5))
    starts = {offset + len(piece) - len(piece.lstrip()) for offset, piece in pieces}
    assert expected[0] in starts, "a Tripoli must open a piece"
    analysis = analyser.analyse(text)
    tripoli = analysis.find("Tripoli")
    assert tripoli is not None
    assert [m.start for m in tripoli.mentions] == expected
    for entity in analysis.entities:
        for mention in entity.mentions:
            assert text[mention.start : mention.end] == mention.text


def test_text_longer_than_spacy_max_length(analyser) -> None:  # type: ignore[no-untyped-def]
    nlp = analyser.pipeline.nlp
    saved = nlp.max_length
    nlp.max_length = 5_000  # what spaCy would refuse in one doc
    try:
        text = (SENTENCE * 200).strip()  # 15,000 chars in one paragraph
        assert len(text) > nlp.max_length
        analysis = analyser.analyse(text)
    finally:
        nlp.max_length = saved
    turkey = analysis.find("Turkey")
    assert turkey is not None and len(turkey.mentions) == 200
    for entity in analysis.entities:
        for mention in entity.mentions:
            assert text[mention.start : mention.end] == mention.text


def test_one_huge_paragraph_without_sentence_breaks(analyser) -> None:  # type: ignore[no-untyped-def]
    text = "fighters came from Misrata then Tripoli then Sirte " * 1_000  # 51,000 chars, no "."
    analysis = analyser.analyse(text)
    mentions = sorted(m for e in analysis.entities for m in e.mentions)
    assert mentions, "entities are found in a run-on paragraph"
    # every piece was analysed: mentions from the first to the last stretch of the text
    assert mentions[0].start < 1_000 and mentions[-1].end > len(text) - 1_000
    for before, after in itertools.pairwise(mentions):
        assert before.end <= after.start
    assert all(text[m.start : m.end] == m.text for m in mentions)


def fifty_thousand() -> tuple[str, Analysis]:
    from libya_reader.analysis.model import Entity, Group, Mention

    unit = "Tripoli and Sirte. "
    text = unit * 25_000
    tripoli = [Mention(i * len(unit), i * len(unit) + 7, "Tripoli") for i in range(25_000)]
    sirte = [Mention(i * len(unit) + 12, i * len(unit) + 17, "Sirte") for i in range(25_000)]
    return text, Analysis(
        entities=[
            Entity("Tripoli", Group.PLACE, mentions=tripoli),
            Entity("Sirte", Group.PLACE, mentions=sirte),
        ]
    )


def test_50000_mentions_export_and_round_trip() -> None:
    import json

    from libya_reader.articles import from_text
    from libya_reader.export import FORMATS, render

    text, analysis = fifty_thousand()
    article = from_text(text)
    assert sum(len(e.mentions) for e in analysis.entities) == 50_000
    for fmt in FORMATS:
        assert render(analysis, article, fmt)
    data = json.loads(render(analysis, article, "json"))
    assert Analysis.from_dict(data).to_dict() == analysis.to_dict()


async def test_50000_mentions_open_in_the_app() -> None:
    from libya_reader.articles import from_text
    from libya_reader.ui.app import ReaderApp

    text, analysis = fifty_thousand()
    app = ReaderApp([from_text(text)], analyse=lambda _: analysis, save_config=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("right_square_bracket", "n", "N", "G", "g")
        await pilot.pause()
        assert app.is_running and app.screen.analysis is analysis


def test_2000_real_mentions(analyser) -> None:  # type: ignore[no-untyped-def]
    text = "Tripoli and Sirte. " * 1_000
    analysis = analyser.analyse(text)
    total = sum(len(e.mentions) for e in analysis.entities)
    assert total >= 2_000


# --- configuration ------------------------------------------------------------------------


def write_config(text: str) -> Path:
    from libya_reader import paths

    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param('theme = "nord"\nmodel = \n', 2, id="missing value"),
        pytest.param('theme = "nord\n', 1, id="unclosed string"),
        pytest.param('show_panel = true\n\n[ui\ntheme = "x"\n', 3, id="broken table"),
        pytest.param('theme = "a"\ntheme = "b"\n', 2, id="duplicate key"),
    ],
)
def test_config_syntax_error_names_file_and_line(text: str, line: int) -> None:
    from libya_reader import config

    path = write_config(text)
    loaded = config.load()
    assert loaded == config.Config()  # defaults, all of them
    assert len(loaded.warnings) == 1
    warning = loaded.warnings[0]
    assert warning.startswith(f"{path}: ") and f"line {line}" in warning
    assert "\n" not in warning


def test_config_unknown_keys_name_their_line() -> None:
    from libya_reader import config

    path = write_config('# mine\nthemes = "x"\ntheme = "nord"\n\n[colours]\nred = 1\n')
    loaded = config.load()
    assert loaded.theme == "nord"  # the good keys still count
    assert loaded.warnings == [
        f"{path}: line 2: unknown key 'themes'",
        f"{path}: line 5: unknown key 'colours'",
    ]


def test_cli_warns_about_a_broken_config_and_runs_with_defaults(tmp_path: Path) -> None:
    path = write_config("theme = \n")
    article = tmp_path / "a.txt"
    article.write_text(GOOD)
    result = run_cli("entities", str(article), "--format", "text")
    assert result.returncode == 0
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "line 1" in lines[0]


def test_config_save_keeps_the_users_comments_and_keys() -> None:
    from libya_reader import config

    path = write_config('# my settings\ntheme = "nord"  # dark\nfuture_option = 3\n\n[ui]\nx = 1\n')
    config.save(config.Config(theme="textual-light", model="en_core_web_md"))
    text = path.read_text()
    assert "# my settings" in text and "future_option = 3" in text and "[ui]\nx = 1" in text
    loaded = config.load()
    assert loaded.theme == "textual-light" and loaded.model == "en_core_web_md"


def test_config_save_refuses_to_overwrite_a_broken_file() -> None:
    from libya_reader import config

    path = write_config('theme = "nord\n# a long comment the user wrote\n')
    before = path.read_bytes()
    with pytest.raises(config.ConfigError, match="not saved") as caught:
        config.save(config.Config(theme="textual-light"))
    assert str(path) in str(caught.value)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("where", "error"),
    [
        pytest.param("os.fsync", OSError(28, "No space left on device"), id="full disk"),
        pytest.param("os.replace", OSError(30, "Read-only file system"), id="read-only"),
    ],
)
def test_a_failed_config_save_leaves_the_old_file(
    monkeypatch: pytest.MonkeyPatch, where: str, error: OSError
) -> None:
    from libya_reader import config

    path = write_config('theme = "nord"\n')
    before = path.read_bytes()

    def fail(*args: object) -> None:
        raise error

    monkeypatch.setattr(where, fail)
    with pytest.raises(config.ConfigError) as caught:
        config.save(config.Config(theme="textual-light"))
    message = str(caught.value)
    assert str(path) in message and error.strerror in message and "unchanged" in message
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["config.toml"]  # no temporary


def test_config_save_into_a_read_only_folder(reader_home: Path) -> None:
    from libya_reader import config

    path = write_config('theme = "nord"\n')
    path.parent.chmod(0o555)
    try:
        if os.geteuid() == 0 or os.access(path.parent, os.W_OK):
            pytest.skip("running as root: folder permissions are not enforced")
        with pytest.raises(config.ConfigError, match="not saved"):
            config.save(config.Config(theme="textual-light"))
        assert path.read_text() == 'theme = "nord"\n'
    finally:
        path.parent.chmod(0o755)


def test_a_symlinked_config_stays_a_link(tmp_path: Path) -> None:
    from libya_reader import config, paths

    real = tmp_path / "dotfiles" / "libya-reader.toml"
    real.parent.mkdir()
    real.write_text('theme = "nord"\n')
    link = paths.config_file()
    link.parent.mkdir(parents=True)
    link.symlink_to(real)
    config.save(config.Config(theme="textual-light"))
    assert link.is_symlink() and 'theme = "textual-light"' in real.read_text()


async def test_the_app_says_when_it_cannot_save_the_theme() -> None:
    from libya_reader import paths
    from libya_reader.articles import from_text
    from libya_reader.config import Config
    from libya_reader.ui.app import ReaderApp

    paths.config_file().mkdir(parents=True)  # a folder where the file should be
    app = ReaderApp(
        [from_text(GOOD)], analyse=lambda _: Analysis(), config=Config(), save_config=True
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        app.theme = "textual-light"
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("Could not save the theme" in m and "config.toml" in m for m in messages)
        assert app.is_running


@pytest.mark.parametrize("terminal", [True, False])
def test_reader_on_stdin_gives_the_keys_back_to_the_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], terminal: bool
) -> None:
    import libya_reader.ui

    calls: list[str] = []

    def reattach() -> None:
        calls.append("reattach")
        if not terminal:
            raise OSError(6, "No such device or address", "/dev/tty")

    monkeypatch.setattr(cli, "reattach_terminal", reattach)
    monkeypatch.setattr(libya_reader.ui, "run_reader", lambda *_: calls.append("run"))
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(GOOD.encode())))
    status = cli.main(["-"])
    if terminal:
        assert status == 0 and calls == ["reattach", "run"]
    else:
        assert status == 2 and calls == ["reattach"]
        assert capsys.readouterr().err.strip().splitlines() == [
            "libya-reader: no terminal for the keys; use 'libya-reader entities -'"
        ]
