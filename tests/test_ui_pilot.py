"""Pilot tests of every binding, with a fixed analysis so spaCy is not needed."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from textual.worker import WorkerCancelled

from libya_reader.analysis.model import Analysis, Entity, Group, Mention, Relation
from libya_reader.articles import from_text
from libya_reader.config import Config
from libya_reader.ui import ReaderApp
from libya_reader.ui.widgets import ArticleView, EntityPanel

TEXT = (
    "FILE - Fighters in Tripoli, Libya. (AP Photo/Some One, File)\n\n"
    "TRIPOLI, Libya (AP) — Turkey backs the Government of National Accord in Tripoli, "
    "officials said. [bold red]not markup[/] and [@click=app.quit]x[/]\n\n"
    "Khalifa Hifter said his forces would take Tripoli. Amnesty International objected.\n"
)


def mentions(text: str, word: str) -> list[Mention]:
    found, start = [], text.find(word)
    while start >= 0:
        found.append(Mention(start, start + len(word), word))
        start = text.find(word, start + 1)
    return found


def fixed_analysis(text: str = TEXT) -> Analysis:
    gna = Entity(
        "Government of National Accord",
        Group.FACTION,
        mentions=mentions(text, "Government of National Accord"),
    )
    tripoli = Entity("Tripoli", Group.PLACE, mentions=mentions(text, "Tripoli"))
    turkey = Entity(
        "Turkey",
        Group.BACKER,
        mentions=mentions(text, "Turkey"),
        backs=["Government of National Accord"],
    )
    hifter = Entity("Khalifa Hifter", Group.PERSON, mentions=mentions(text, "Khalifa Hifter"))
    amnesty = Entity(
        "Amnesty International",
        Group.ORGANIZATION,
        mentions=mentions(text, "Amnesty International"),
    )
    return Analysis(
        entities=[gna, tripoli, turkey, hifter, amnesty],
        relations=[Relation("Turkey", gna.name, "Turkey backs the GNA.")],
    )


def make_app(analyse=None, articles=None) -> ReaderApp:  # type: ignore[no-untyped-def]
    articles = articles or [from_text(TEXT)]
    return ReaderApp(
        articles,
        analyse=analyse or (lambda text: fixed_analysis(text)),
        config=Config(),
        save_config=False,
    )


def status(app: ReaderApp) -> str:
    return str(app.screen.query_one("#status").render())


def screen_text(app: ReaderApp) -> str:
    view = app.screen.query_one(ArticleView)
    return "\n".join(view.render_line(y).text for y in range(view.size.height))


async def ready(pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait until no worker runs and every message they posted is handled.

    A finished analysis starts the next one in the background (with several articles), and
    starting an exclusive worker cancels the one that just posted its result: so wait again.
    """
    for _ in range(50):
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in pilot.app.workers):
            return


async def test_text_first_then_highlights_and_panel() -> None:
    release = threading.Event()

    def slow(text: str) -> Analysis:
        release.wait(5)
        return fixed_analysis(text)

    app = make_app(slow)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "Turkey backs the Government" in screen_text(app)
        assert status(app) == "analysing…"
        release.set()
        await ready(pilot)
        assert "1 factions" in status(app)
        panel = app.screen.query_one(EntityPanel)
        assert panel.highlighted_entity is not None
        assert panel.highlighted_entity.name == "Government of National Accord"


async def test_markup_in_the_text_is_literal() -> None:
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await ready(pilot)
        shown = "".join(screen_text(app).split())
        assert "[boldred]notmarkup[/]" in shown and "[@click=app.quit]x[/]" in shown
        assert app.is_running


async def test_enter_n_and_N_walk_mentions_with_wrap() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("tab")
        assert app.focused is app.screen.query_one(EntityPanel)
        await pilot.press("j", "enter")  # the second entity: Tripoli (3 mentions)
        assert status(app) == "Tripoli 1/3"
        await pilot.press("n")
        assert status(app) == "Tripoli 2/3"
        await pilot.press("N", "N")
        assert status(app) == "Tripoli 3/3"
        await pilot.press("k", "enter")
        assert status(app).startswith("Government of National Accord 1/1")


async def test_brackets_move_to_any_entity() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("right_square_bracket")
        assert status(app) == "Tripoli 1/3"
        await pilot.press("right_square_bracket")
        assert status(app) == "Turkey 1/1"
        await pilot.press("left_square_bracket")
        assert status(app) == "Tripoli 1/3"


async def test_copy_group_and_all(monkeypatch: pytest.MonkeyPatch) -> None:
    copied: list[str] = []
    monkeypatch.setattr("libya_reader.clipboard.copy", lambda text: copied.append(text) or True)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        monkeypatch.setattr(app, "copy_to_clipboard", lambda text: copied.append(text))
        await pilot.press("tab", "j", "c")
        assert copied[-1] == "Tripoli\n"
        await pilot.press("C")
        assert "## Backers" in copied[-1] and "Turkey" in copied[-1]
        assert len(copied) == 4  # terminal and system clipboard, twice


async def test_export_writes_a_file(reader_home: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("e")
        exported = list((reader_home / "data" / "exports").glob("*.md"))
        assert len(exported) == 1 and "## Factions" in exported[0].read_text()


async def test_search_then_n_walks_matches() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"said", "enter")
        assert status(app) == "search “said” 1/2"
        await pilot.press("n")
        assert status(app) == "search “said” 2/2"
        await pilot.press("slash", *"zzz", "enter")
        assert "not found" in status(app)
        await pilot.press("slash", "escape")
        assert not app.screen.query_one("#search").display


async def test_search_typed_before_the_box_is_mounted(monkeypatch: pytest.MonkeyPatch) -> None:
    """The box comes right after the first frame; a / typed before it is not lost, and an
    escape then has nothing to close."""
    from libya_reader.ui.screens.reader import ReaderScreen

    async def not_yet(self: ReaderScreen) -> None:
        pass

    monkeypatch.setattr(ReaderScreen, "_after_first_frame", not_yet)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("escape")
        assert not app.screen.query("#search") and app.is_running
        await pilot.press("slash", *"said", "enter")
        assert status(app) == "search “said” 1/2"
        assert len(app.screen.query("#search")) == 1


async def test_panel_toggle_help_and_quit() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("p")
        assert not app.screen.query_one("#side").display
        await pilot.press("p", "question_mark")
        assert app.screen.__class__.__name__ == "HelpScreen"
        await pilot.press("escape")
        assert app.screen.__class__.__name__ != "HelpScreen"
        await pilot.press("q")
    assert not app.is_running


async def test_library_lists_opens_and_walks_articles() -> None:
    first = from_text(TEXT)
    second = from_text("BENGHAZI, Libya (AP) — Tripoli was quiet on Sunday, June 7, 2020.\n")
    app = make_app(articles=[first, second])
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        library = app.screen
        assert library.__class__.__name__ == "LibraryScreen"
        table = library.query_one("#articles")
        assert table.row_count == 2
        # Newest first: the second article has a date, the first has none.
        await pilot.press("enter")
        await ready(pilot)
        reader = app.screen
        assert app.articles[reader.index] is second
        assert "1/2" not in str(reader.query_one("#article-header").render())
        await pilot.press("J")
        await ready(pilot)
        assert app.articles[reader.index] is first
        await pilot.press("K")
        assert app.articles[reader.index] is second
        await pilot.press("escape")
        assert app.screen is library
        assert app.is_read(0) and app.is_read(1)  # J opened the other one too


async def test_library_sort_and_search() -> None:
    first = from_text(TEXT)
    second = from_text("BENGHAZI, Libya (AP) — Tripoli was quiet on Sunday, June 7, 2020.\n")
    app = make_app(articles=[first, second])
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        library = app.screen
        assert library.shown == [1, 0]
        await pilot.press("s")
        assert library.sort == "title"
        await pilot.press("slash", *"amnesty")
        await pilot.pause()
        assert library.shown == [0]
        await pilot.press("enter", "escape")
        # The search is cleared: both articles again, in the title order chosen with s.
        by_title = sorted(range(2), key=lambda i: app.articles[i].title.casefold())
        assert library.shown == by_title


async def test_failed_analysis_is_a_notification() -> None:
    def broken(text: str) -> Analysis:
        raise RuntimeError("model exploded")

    app = make_app(broken)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert any("model exploded" in n.message for n in app._notifications)
        assert "Turkey backs" in screen_text(app)


async def test_click_on_a_mention_selects_it() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        view = app.screen.query_one(ArticleView)
        line = next(i for i, ln in enumerate(view._lines) if "Turkey" in TEXT[ln.start : ln.end])
        column = TEXT[view._lines[line].start : view._lines[line].end].index("Turkey")
        await pilot.click(ArticleView, offset=(column + 2, line))
        assert status(app) == "Turkey 1/1"


async def test_tiny_terminal_does_not_crash() -> None:
    app = make_app()
    async with app.run_test(size=(40, 12)) as pilot:
        await ready(pilot)
        await pilot.press("p", "right_square_bracket", "n")
        assert app.is_running


async def test_resizes_rewrap_the_text_and_keep_the_selection() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("right_square_bracket")  # a mention selected
        selected = app.screen.selected
        for size in [(40, 12), (20, 6), (160, 45), (60, 20)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            view = app.screen.query_one(ArticleView)
            if not view.size.area:
                continue  # no room at all (20x6): the last wrap waits for a usable size
            # Rewrapped to the new width (a line's last space may hang over), nothing lost.
            width = view._width
            assert width == max(view.scrollable_content_region.width - 1, 10)
            assert view.size.width >= size[0] // 2  # the panel never squeezes the article out
            assert all(len(TEXT[ln.start : ln.end].rstrip(" ")) <= width for ln in view._lines)
            shown = "".join(TEXT[ln.start : ln.end] for ln in view._lines)
            assert shown.replace(" ", "").replace("\n", "") == TEXT.replace(" ", "").replace(
                "\n", ""
            )
            assert app.screen.selected is selected
        await pilot.press("n", "p", "p")
        assert app.is_running


LONG = "\n\n".join(
    f"TRIPOLI, Libya (AP) — Paragraph {n}: Turkey backs the Government of National Accord "
    "in Tripoli, officials said on the day the fighting moved south of the capital."
    for n in range(60)
)


async def test_tab_and_shift_tab_switch_panes() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert isinstance(app.focused, ArticleView)
        await pilot.press("tab")
        assert isinstance(app.focused, EntityPanel)
        await pilot.press("shift+tab")
        assert isinstance(app.focused, ArticleView)


async def test_article_scroll_keys() -> None:
    app = make_app(articles=[from_text(LONG)])
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        view = app.screen.query_one(ArticleView)
        await pilot.press("j", "j")
        assert view.scroll_offset.y == 2
        await pilot.press("k")
        assert view.scroll_offset.y == 1
        await pilot.press("space")
        paged = view.scroll_offset.y
        assert paged > 10
        await pilot.press("b")
        assert view.scroll_offset.y < paged
        await pilot.press("G")
        assert view.scroll_offset.y == view.max_scroll_y > 0
        await pilot.press("g")
        assert view.scroll_offset.y == 0


async def test_panel_first_and_last() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        panel = app.screen.query_one(EntityPanel)
        await pilot.press("tab", "G")
        assert panel.highlighted_entity is not None
        assert panel.highlighted_entity.name == "Amnesty International"
        await pilot.press("g")
        # The first option is a group heading, which is disabled: g lands on the first entity.
        assert panel.highlighted_entity is not None
        assert panel.highlighted_entity.name == "Government of National Accord"


async def test_palette_jumps_to_an_entity() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Jump to: Tripoli")
        await pilot.pause(0.3)
        reader = app.screen_stack[0]
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert reader.selected is not None and reader.selected.name == "Tripoli"
        assert status(app).startswith("Tripoli 1/")


async def test_theme_persists_in_the_config(reader_home: Path) -> None:
    from libya_reader import config as config_file

    app = ReaderApp([from_text(TEXT)], analyse=fixed_analysis, config=Config())
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        app.theme = "textual-light"
        await pilot.pause()
    assert config_file.load().theme == "textual-light"


async def test_the_panel_legend_search_and_footer_come_after_the_first_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from textual.widgets import Footer, Input

    from libya_reader.ui.screens import ReaderScreen
    from libya_reader.ui.widgets import Legend

    seen: list[int] = []
    after = ReaderScreen._after_first_frame

    async def spy(screen: ReaderScreen) -> None:
        seen.append(len(screen.query(EntityPanel)) + len(screen.query(Footer)))
        # A selection made before the panel exists shows in it once it is there.
        assert screen.analysis is not None
        screen.select(screen.analysis.entities[1])
        await after(screen)

    monkeypatch.setattr(ReaderScreen, "_after_first_frame", spy)
    app = make_app()
    app._raw[0] = fixed_analysis()  # as the cache gives it before the first paint
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        side = app.screen.query_one("#side")
        assert [type(w) for w in side.children] == [EntityPanel, Legend]
        panel = app.screen.query_one(EntityPanel)
        assert panel.highlighted_entity is not None
        assert panel.highlighted_entity.name == fixed_analysis().entities[1].name
        assert app.screen.query_one("#search", Input).display is False
        assert len(app.screen.query(Footer)) == 1
    assert seen == [0]


async def test_the_first_frame_draws_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    # The Resize event comes after the first frame is drawn: the text must not wait for it.
    drawn: list[str] = []
    render_lines = ArticleView.render_lines

    def spy(view: ArticleView, crop):  # type: ignore[no-untyped-def]
        strips = render_lines(view, crop)
        drawn.append("\n".join(strip.text for strip in strips))
        return strips

    monkeypatch.setattr(ArticleView, "render_lines", spy)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(ArticleView)
        assert "Turkey backs the Government" in drawn[0]
        assert view.virtual_size.height == len(view._lines)


def test_one_article_imports_no_other_screen() -> None:
    # Each screen class is start-up time before the first paint; they load on first use.
    code = (
        "import sys, libya_reader.cli, libya_reader.ui.app\n"
        "lazy = ['dialogs', 'help', 'library', 'overview']\n"
        "print([m for m in lazy if f'libya_reader.ui.screens.{m}' in sys.modules])\n"
        "from libya_reader.ui import screens\n"
        "print(screens.HelpScreen.__name__, screens.AskScreen.__name__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["[]", "HelpScreen AskScreen"]
