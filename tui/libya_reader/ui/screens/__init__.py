"""Screens of the reader: the article, the library, the overview, help and small dialogs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from libya_reader.ui.screens.dialogs import AskScreen, ChoiceScreen
from libya_reader.ui.screens.help import HelpScreen
from libya_reader.ui.screens.overview import OverviewScreen
from libya_reader.ui.screens.reader import ReaderScreen

if TYPE_CHECKING:
    from libya_reader.ui.screens.library import LibraryScreen

__all__ = [
    "AskScreen",
    "ChoiceScreen",
    "HelpScreen",
    "LibraryScreen",
    "OverviewScreen",
    "ReaderScreen",
]


def __getattr__(name: str) -> object:
    # On first use: one article never needs the library screen, nor its DataTable import.
    if name == "LibraryScreen":
        from libya_reader.ui.screens.library import LibraryScreen

        return LibraryScreen
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
