"""Screens of the reader."""

from libya_reader.ui.screens.help import HelpScreen

__all__ = ["HelpScreen"]
