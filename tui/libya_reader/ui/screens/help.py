"""The help screen: every binding of the app, generated from the bindings themselves."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close help")]

    def __init__(self, bindings: list[Binding]) -> None:
        super().__init__()
        self.bindings_shown = bindings

    def compose(self) -> ComposeResult:
        table = Table(title="libya-reader keys", show_header=True, expand=True)
        table.add_column("Key", style="bold", no_wrap=True)
        table.add_column("Action")
        for binding in self.bindings_shown:
            key = binding.key_display or binding.key.replace(",", " / ")
            table.add_row(key, binding.description)
        table.add_row("ctrl+p", "Command palette: jump to an entity, copy a group")
        with VerticalScroll(id="help-body"):
            yield Static(table)
