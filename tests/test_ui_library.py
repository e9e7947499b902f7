"""Pilot tests of the library side of the reader: cache, corrections and undo, the entity's
other articles, the overview. Fixed analyses stand in for spaCy."""

from __future__ import annotations

from pathlib import Path

import pytest

from libya_reader.analysis.fingerprint import pipeline_fingerprint
from libya_reader.analysis.model import Analysis, Group
from libya_reader.articles import from_text
from libya_reader.config import Config
from libya_reader.library import Library
from libya_reader.ui import ReaderApp
from libya_reader.ui.widgets import EntityPanel
from tests.test_ui_pilot import TEXT, fixed_analysis, ready, status

OTHER = "MISRATA, Libya (AP) — Turkey sent drones to Tripoli on Monday, June 8, 2020.\n"


def open_library(home: Path) -> Library:
    return Library.open(home / "data" / "library.sqlite3")


def app_with(library: Library, texts: list[str], calls: list[str] | None = None) -> ReaderApp:
    def analyse(text: str) -> Analysis:
        if calls is not None:
            calls.append(text)
        return fixed_analysis(text)

    return ReaderApp(
        [from_text(t) for t in texts],
        analyse=analyse,
        config=Config(),
        save_config=False,
        library=library,
        fingerprint="test-pipeline",
    )


async def test_an_analysed_article_reopens_from_the_cache(reader_home: Path) -> None:
    calls: list[str] = []
    with open_library(reader_home) as library:
        async with app_with(library, [TEXT], calls).run_test() as pilot:
            await ready(pilot)
        assert len(calls) == 1
        app = app_with(library, [TEXT], calls)
        async with app.run_test() as pilot:
            # Highlighted on the first paint: read from the library before the screen mounts.
            assert app.screen.analysis is not None
            await pilot.pause()
            assert "factions" in status(app)
        assert len(calls) == 1


async def test_corrections_apply_persist_and_undo(reader_home: Path) -> None:
    with open_library(reader_home) as library:
        app = app_with(library, [TEXT])
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            panel = app.screen.query_one(EntityPanel)
            await pilot.press("tab", "j")  # Tripoli, in the panel
            assert panel.highlighted_entity is not None
            assert panel.highlighted_entity.name == "Tripoli"
            await pilot.press("x")
            await ready(pilot)
            assert app.screen.analysis.find("Tripoli") is None
            await pilot.press("u")
            await ready(pilot)
            assert app.screen.analysis.find("Tripoli") is not None
            # Move: m, then pick "Factions" from the dialog.
            await pilot.press("j", "m")
            await pilot.pause()
            await pilot.press("enter")  # the first group offered: Factions
            await ready(pilot)
            assert app.screen.analysis.find("Tripoli").group == Group.FACTION
            # Rename: r, type the new name.
            panel.focus_entity(app.screen.analysis.find("Tripoli"))
            await pilot.press("r", *"Tripoli city", "enter")  # typing replaces the selected name
            await ready(pilot)
            assert app.screen.analysis.find("Tripoli city") is not None
        assert [c.kind for c in library.corrections()] == ["move", "rename"]
        # Merge, in a new session: the corrections so far still hold there.
        app = app_with(library, [TEXT])
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            analysis = app.screen.analysis
            assert analysis.find("Tripoli city").group == Group.FACTION
            panel = app.screen.query_one(EntityPanel)
            await pilot.press("tab")
            panel.focus_entity(analysis.find("Khalifa Hifter"))
            await pilot.press("M")
            await pilot.pause()
            dialog = app.screen
            options = dialog.query_one("OptionList")
            target = next(
                i
                for i in range(options.option_count)
                if options.get_option_at_index(i).id == "Amnesty International"
            )
            options.highlighted = target
            await pilot.press("enter")
            await ready(pilot)
            merged = app.screen.analysis.find("Amnesty International")
            assert "Khalifa Hifter" in merged.aliases
            assert app.screen.analysis.find("Khalifa Hifter") is None


async def test_entity_articles_list_jumps_to_the_other_article(reader_home: Path) -> None:
    with open_library(reader_home) as library:
        app = app_with(library, [TEXT, OTHER])
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)  # the library screen analyses both in the background
            library_screen = app.screen
            first = library_screen.shown.index(0)
            library_screen.query_one("#articles").move_cursor(row=first)
            await pilot.press("enter")
            await ready(pilot)
            reader = app.screen
            reader.select(reader.analysis.find("Turkey"))
            assert "in 2 articles" in status(app)
            await pilot.press("a")
            await pilot.pause()
            choices = app.screen.query_one("OptionList")
            assert choices.option_count == 2
            index = next(
                i
                for i in range(choices.option_count)
                if str(choices.get_option_at_index(i).prompt).find("MISRATA") >= 0
                or "Turkey sent" in str(choices.get_option_at_index(i).prompt)
                or "2020-06-08" in str(choices.get_option_at_index(i).prompt)
            )
            choices.highlighted = index
            await pilot.press("enter")
            await ready(pilot)
            assert app.articles[reader.index].text == from_text(OTHER).text
            assert reader.selected is not None and reader.selected.name == "Turkey"


async def test_overview_ranks_across_articles(reader_home: Path) -> None:
    with open_library(reader_home) as library:
        app = app_with(library, [TEXT, OTHER])
        async with app.run_test(size=(160, 50)) as pilot:
            await ready(pilot)
            await pilot.press("o")
            await pilot.pause()
            assert app.screen.__class__.__name__ == "OverviewScreen"
            overview = app.screen.overview
            tripoli = next(s for s in overview.groups[Group.PLACE] if s.name == "Tripoli")
            assert tripoli.articles == 2
            assert overview.relations and overview.relations[0].backer == "Turkey"
            await pilot.press("escape")
            assert app.screen.__class__.__name__ == "LibraryScreen"


async def test_a_library_that_breaks_at_intake_leaves_the_reader_working(
    reader_home: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    def broken(*_args: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    calls: list[str] = []
    with open_library(reader_home) as library:
        monkeypatch.setattr(library, "add", broken)
        app = app_with(library, [TEXT], calls)
        async with app.run_test() as pilot:
            await ready(pilot)
            assert any("going on without the library" in n.message for n in app._notifications)
            assert app.library is None
            assert len(calls) == 1 and "factions" in status(app)  # analysed all the same


class RecordingProcess:
    """Stands in for the analysis process and notes what the app asks of it, and whether
    the app had handed the terminal its first frame by then."""

    warning: str | None = None

    def __init__(self, app: ReaderApp, calls: list[tuple[str, bool]]) -> None:
        self.app = app
        self.calls = calls
        self.frames = 0
        display = app._display

        def counted(screen: object, renderable: object) -> None:
            display(screen, renderable)  # type: ignore[arg-type]
            self.frames += 1

        app._display = counted  # type: ignore[method-assign]

    def _note(self, call: str) -> None:
        self.calls.append((call, self.frames > 0))

    def start(self) -> None:
        self._note("start")

    def analyse(self, text: str, on_step: object = None) -> Analysis:
        self._note("analyse")
        return fixed_analysis(text)

    def cancel(self) -> None:
        pass

    def close(self) -> None:
        pass


@pytest.mark.parametrize("stamped", [True, False])
async def test_a_miss_starts_the_process_after_the_first_frame(
    reader_home: Path, stamped: bool
) -> None:
    """spaCy's import would slow the first frame: the process starts after it, and at once
    when the library has never seen the text (stamp or not), before the intake's answer."""
    if stamped:
        pipeline_fingerprint()  # writes the version stamp: the fingerprint is known at once
    calls: list[tuple[str, bool]] = []
    with open_library(reader_home) as library:
        app = ReaderApp([from_text(TEXT)], config=Config(), save_config=False, library=library)
        app._process = RecordingProcess(app, calls)  # type: ignore[assignment]
        assert app._sure_miss is False
        async with app.run_test() as pilot:
            assert app._sure_miss is True
            await ready(pilot)
            assert "factions" in status(app)
        assert calls[0] == ("start", True) and ("analyse", True) in calls


def test_one_article_does_without_the_library_screen_module() -> None:
    """Its module and the DataTable it imports are part of the start-up only with a list."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "import libya_reader.ui\n"
        "print(sorted({'libya_reader.ui.screens.library', 'textual.widgets._data_table'}"
        " & set(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stderr
