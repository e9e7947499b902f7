"""Screens of the reader: the article, the library, the overview, help and small dialogs."""

from libya_reader.ui.screens.dialogs import AskScreen, ChoiceScreen
from libya_reader.ui.screens.help import HelpScreen
from libya_reader.ui.screens.library import LibraryScreen
from libya_reader.ui.screens.overview import OverviewScreen
from libya_reader.ui.screens.reader import ReaderScreen

__all__ = [
    "AskScreen",
    "ChoiceScreen",
    "HelpScreen",
    "LibraryScreen",
    "OverviewScreen",
    "ReaderScreen",
]
