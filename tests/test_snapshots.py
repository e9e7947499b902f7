"""Snapshot tests of the main screens, on the sample article with a frozen analysis.

The analysis is read from tests/data/seed_analysis.json (written once by the real analyser),
so these pictures change when the UI changes, not when a rule of the analysis does.
Update them deliberately with `pytest tests/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import json
from pathlib import Path

from textual.pilot import Pilot

from libya_reader.analysis.model import Analysis
from libya_reader.articles import load_article, seed_articles
from libya_reader.config import Config
from libya_reader.ui import ReaderApp

from .test_ui_pilot import ready

FROZEN = Path(__file__).parent / "data" / "seed_analysis.json"
SIZE = (120, 40)


def seed_app(theme: str = "textual-dark") -> ReaderApp:
    article = load_article(seed_articles()[0])
    analysis = Analysis.from_dict(json.loads(FROZEN.read_text(encoding="utf-8")))
    # The path is machine-specific and shown in the header: keep it out of the picture.
    article.path = "seeds/sample.txt"
    return ReaderApp(
        [article], analyse=lambda _text: analysis, config=Config(theme=theme), save_config=False
    )


async def analysed(pilot: Pilot[None]) -> None:
    await ready(pilot)  # the analysis starts after the first paint: wait for it to end


def test_main_screen(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(seed_app(), terminal_size=SIZE, run_before=analysed)


def test_main_screen_light_theme(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(seed_app("textual-light"), terminal_size=SIZE, run_before=analysed)


def test_entity_selected_on_a_mention(snap_compare) -> None:  # type: ignore[no-untyped-def]
    # Into the panel, down to the second faction, select it, then on to its second mention.
    assert snap_compare(
        seed_app(),
        terminal_size=SIZE,
        run_before=analysed,
        press=["tab", "j", "enter", "n"],
    )


def test_help_screen(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        seed_app(), terminal_size=SIZE, run_before=analysed, press=["question_mark"]
    )
