"""The Textual app: the only layer of libya-reader that imports textual."""

from libya_reader.ui.app import ReaderApp, run_reader

__all__ = ["ReaderApp", "run_reader"]
