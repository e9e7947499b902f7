"""Article text is untrusted: nothing in it may drive the terminal or be read as markup.

Each hostile sequence is put next to an entity, so it would travel into entity names,
evidence sentences and titles if the sanitiser let it through. The check is the same for
every output: the CLI's four formats, the app's rendered screen, error lines.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from libya_reader.analysis.model import Analysis, Entity, Group, Mention
from libya_reader.articles import ArticleError, from_text, load_article, sanitise
from libya_reader.export import FORMATS, render

ESC = "\x1b"
SEQUENCES = {
    "CSI clear screen": f"{ESC}[2J{ESC}[H",
    "CSI colour": f"{ESC}[31;1m",
    "OSC 52 clipboard write": f"{ESC}]52;c;ZWNobyBwd25lZA==\x07",
    "OSC 8 hyperlink": f"{ESC}]8;;https://e.x/{ESC}\\click me{ESC}]8;;{ESC}\\",
    "OSC title": f"{ESC}]0;owned{ESC}\\",
    "DCS": f"{ESC}P+q544e{ESC}\\",
    "C1 CSI": "\x9b2J",
    "C1 OSC": "\x9d52;c;eA==\x9c",
    "bidi override": "\u202enoitcaf\u202c",
    "bidi isolate": "\u2066x\u2069\u2067y\u2069\u2068z\u2069",
    "NUL, BEL, BS, VT, FF, DEL": "\x00\x07\x08\x0b\x0c\x7f",
}
MARKUP = ["[bold red]x[/]", "[link=https://e.x]y[/link]", "[@click=app.quit]z[/]"]

HOSTILE = (
    "TRIPOLI, Libya (AP) — "
    + "".join(SEQUENCES.values())
    + " Turkey backs the Government of National Accord in Tripoli, officials said. "
    + " ".join(MARKUP)
    + "\n\nKhalifa Hifter"
    + SEQUENCES["OSC 52 clipboard write"]
    + " said his forces would take Tripoli.\x1b[0m\n"
)


def forbidden(text: str) -> list[str]:
    """Every character that could act on a terminal (or break its output) found in text."""
    bad = []
    for ch in text:
        code = ord(ch)
        if ch == "\n":
            continue
        if (
            code < 0x20
            or 0x7F <= code < 0xA0
            or 0x202A <= code <= 0x202E
            or 0x2066 <= code <= 0x2069
            or 0xD800 <= code < 0xE000
        ):
            bad.append(f"U+{code:04X}")
    return bad


def assert_clean(text: str) -> None:
    assert forbidden(text) == []


@pytest.mark.parametrize("name", SEQUENCES)
def test_each_sequence_is_replaced_one_for_one(name: str) -> None:
    hostile = f"Tripoli {SEQUENCES[name]} Sirte"
    clean = sanitise(hostile)
    assert_clean(clean)
    assert len(clean) == len(hostile)  # offsets into the article stay where they were
    assert clean.startswith("Tripoli ") and clean.endswith(" Sirte")
    assert clean != hostile  # visibly marked, not silently dropped


def test_the_article_title_dateline_and_text_are_clean() -> None:
    article = from_text(HOSTILE)
    for value in (article.text, article.title, article.dateline or ""):
        assert_clean(value)
    assert "\u241b" in article.text  # the reader can see an ESC was there
    for markup in MARKUP:
        assert markup in article.text


def test_a_hostile_file_name_does_not_leak(tmp_path: Path) -> None:
    path = tmp_path / f"a{ESC}]52;c;eA==\x07.txt"
    path.write_text("Clashes near Gharyan on Monday, officials said.")
    assert_clean(load_article(path).path or "")
    try:
        load_article(tmp_path / f"gone{ESC}[2J.txt")
    except ArticleError as exc:
        assert_clean(str(exc))


@pytest.fixture(scope="module")
def hostile_analysis(analyser) -> tuple[object, Analysis]:  # type: ignore[no-untyped-def]
    article = from_text(HOSTILE)
    return article, analyser.analyse(article.text)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_export_format_is_clean(hostile_analysis, fmt: str) -> None:  # type: ignore[no-untyped-def]
    article, analysis = hostile_analysis
    assert analysis.entities, "the test needs entities next to the hostile bytes"
    output = render(analysis, article, fmt)  # type: ignore[arg-type]
    assert_clean(output)
    if fmt == "json":
        data = json.loads(output)
        for entity in data["entities"]:
            for mention in entity["mentions"]:
                assert article.text[mention["start"] : mention["end"]] == mention["text"]


def test_entities_cli_output_is_clean_in_every_format(tmp_path: Path) -> None:
    path = tmp_path / f"hostile{ESC}[31m.txt"
    path.write_bytes(HOSTILE.encode())
    for fmt in FORMATS:
        result = subprocess.run(
            [sys.executable, "-m", "libya_reader", "entities", str(path), "--format", fmt],
            capture_output=True,
            timeout=120,
            env={**os.environ},
        )
        assert result.returncode == 0, result.stderr
        assert_clean(result.stdout.decode())
        assert_clean(result.stderr.decode())


# --- the app ------------------------------------------------------------------------------


def fake_analysis(text: str) -> Analysis:
    def entity(word: str, group: Group) -> Entity:
        found, start = [], text.find(word)
        while start >= 0:
            found.append(Mention(start, start + len(word), word))
            start = text.find(word, start + 1)
        return Entity(word, group, mentions=found)

    return Analysis(
        entities=[
            entity("Tripoli", Group.PLACE),
            entity("Turkey", Group.BACKER),
            entity("Khalifa Hifter", Group.PERSON),
        ]
    )


def hostile_article():  # type: ignore[no-untyped-def]
    article = from_text(
        HOSTILE, title="[bold red]Title[/] [@click=app.quit]q[/] \x1b]52;c;eA==\x07"
    )
    article.path = "[link=https://e.x]p[/link]"
    return article


def make_app():  # type: ignore[no-untyped-def]
    from libya_reader.ui.app import ReaderApp

    return ReaderApp([hostile_article()], analyse=fake_analysis, save_config=False)


def article_lines(app) -> list[str]:  # type: ignore[no-untyped-def]
    from libya_reader.ui.widgets import ArticleView

    view = app.query_one(ArticleView)
    return [view.render_line(y).text for y in range(view.size.height)]


async def ready(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_markup_in_the_text_is_shown_literally() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        # lines wrap at spaces, so compare without them
        shown = "".join("".join(article_lines(app)).split())
        for markup in MARKUP:
            assert "".join(markup.split()) in shown
        header = str(app.query_one("#article-header").render())
        assert "[bold red]Title[/]" in header and "[@click=app.quit]q[/]" in header
        assert "[link=https://e.x]p[/link]" in header
        for line in article_lines(app):
            assert_clean(line)
        assert_clean(header)


async def test_no_control_character_anywhere_on_screen() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("right_square_bracket", "n")  # highlight and select, as a reader would
        await pilot.pause()
        # The screenshot is every cell the terminal would get, header, panel and footer.
        assert_clean(app.export_screenshot())


async def test_clicking_the_click_markup_does_not_quit() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        target = "[@click=app.quit]z[/]"  # has no space, so it is on one line
        lines = article_lines(app)
        row = next(i for i, line in enumerate(lines) if target in line)
        column = lines[row].index(target) + 3
        await pilot.click("ArticleView", offset=(column, row))
        await pilot.pause()
        assert app.is_running and app.return_code is None
        # the header's markup is inert too
        await pilot.click("#article-header", offset=(len("[bold red]Title[/] ") + 3, 0))
        await pilot.pause()
        assert app.is_running and app.return_code is None
