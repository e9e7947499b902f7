"""Screens of the reader: the article, the library, the overview, help and small dialogs."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from libya_reader.ui.screens.reader import ReaderScreen

if TYPE_CHECKING:
    from libya_reader.ui.screens.dialogs import AskScreen, ChoiceScreen
    from libya_reader.ui.screens.help import HelpScreen
    from libya_reader.ui.screens.library import LibraryScreen
    from libya_reader.ui.screens.overview import OverviewScreen

__all__ = [
    "AskScreen",
    "ChoiceScreen",
    "HelpScreen",
    "LibraryScreen",
    "OverviewScreen",
    "ReaderScreen",
]

# Imported on first use: opening one article needs none of them, and defining a screen
# class (Textual's bindings and CSS bookkeeping) is start-up time before the first paint.
_LAZY = {
    "AskScreen": "dialogs",
    "ChoiceScreen": "dialogs",
    "HelpScreen": "help",
    "LibraryScreen": "library",
    "OverviewScreen": "overview",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
