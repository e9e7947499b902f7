"""The library screen: the articles opened together, with their entity counts and read state."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from libya_reader.analysis.model import GROUP_ORDER
from libya_reader.ui.widgets.entity_panel import MARKERS

if TYPE_CHECKING:
    from libya_reader.ui.app import ReaderApp

SORTS = ("date", "title")


class LibraryScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "open", "Open", id="library-open", tooltip="Read the article"),
        Binding("slash", "filter", "Search", key_display="/", id="library-search"),
        Binding("s", "sort", "Sort", id="library-sort", tooltip="Sort by date or by title"),
        Binding("j", "down", "Down", show=False, id="library-down"),
        Binding("k", "up", "Up", show=False, id="library-up"),
        Binding("escape", "clear_filter", "Clear search", show=False, id="library-clear"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sort = "date"
        self.shown: list[int] = []  # article indexes in the order the table shows them
        self.query_text = ""

    @property
    def reader(self) -> ReaderApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="library-header", markup=False)
        yield Input(
            placeholder="words or entity names; enter to keep, escape to clear", id="filter"
        )
        yield DataTable(id="articles", cursor_type="row", zebra_stripes=True)
        yield Static("", id="library-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(" ", key="read", width=1)
        table.add_column("Title", key="title")
        table.add_column("Date", key="date", width=10)
        table.add_column("Source", key="source", width=10)
        table.add_column("Words", key="words", width=6)
        for group in GROUP_ORDER:
            table.add_column(MARKERS[group], key=str(group), width=3)
        self.query_one("#filter", Input).display = False
        self.refill()
        table.focus()

    # --- contents -----------------------------------------------------------------------

    def _order(self, indexes: list[int]) -> list[int]:
        articles = self.reader.articles
        if self.sort == "title":
            return sorted(indexes, key=lambda i: articles[i].title.casefold())
        # Newest first, undated last; the title breaks ties.
        return sorted(
            indexes,
            key=lambda i: (
                articles[i].date is None,
                -(articles[i].date or date.min).toordinal(),
                articles[i].title.casefold(),
            ),
        )

    def _row(self, index: int) -> list[Text | str]:
        article = self.reader.articles[index]
        analysis = self.reader.analysis_for(index)
        unread = not self.reader.is_read(index)
        counts = [
            str(len(analysis.by_group(g))) if analysis is not None else "…" for g in GROUP_ORDER
        ]
        return [
            Text("●" if unread else " ", style="bold"),
            Text(article.title, style="bold" if unread else ""),
            article.date.isoformat() if article.date else "",
            article.source or "",
            str(len(article.text.split())),
            *counts,
        ]

    def refill(self) -> None:
        """Rebuild the table for the current filter and sort, keeping the cursor's article."""
        table = self.query_one(DataTable)
        keep = self.shown[table.cursor_row] if self.shown and table.row_count else None
        indexes = self.reader.matching_articles(self.query_text)
        # A search shows the best matches first; otherwise the chosen sort holds.
        self.shown = indexes if self.query_text else self._order(indexes)
        table.clear()
        for index in self.shown:
            table.add_row(*self._row(index), key=str(index))
        if keep in self.shown:
            table.move_cursor(row=self.shown.index(keep))
        self._header()

    def refresh_article(self, index: int) -> None:
        """An article's analysis or read state changed: redraw its row."""
        if index not in self.shown:
            return
        table = self.query_one(DataTable)
        for column, value in zip(table.columns, self._row(index), strict=True):
            table.update_cell(str(index), column, value)
        self._header()

    def _header(self) -> None:
        total = len(self.reader.articles)
        unread = sum(not self.reader.is_read(i) for i in range(total))
        analysed = sum(self.reader.analysis_for(i) is not None for i in range(total))
        line = f"{total} articles, {unread} unread, {analysed} analysed"
        if self.query_text:
            line += f" · {len(self.shown)} match “{self.query_text}”, best first"
        else:
            line += f" · sorted by {self.sort}"
        self.query_one("#library-header", Static).update(Text(line, style="bold"))

    # --- actions ------------------------------------------------------------------------

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if self.shown:
            self.reader.open_article(self.shown[table.cursor_row])

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.reader.open_article(int(str(event.row_key.value)))

    def action_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.refill()

    def action_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.display = True
        field.focus()

    @on(Input.Changed, "#filter")
    def _typed(self, event: Input.Changed) -> None:
        self.query_text = event.value.strip()
        self.refill()

    @on(Input.Submitted, "#filter")
    def _kept(self, _event: Input.Submitted) -> None:
        self.query_one(DataTable).focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.value = ""
        field.display = False
        self.query_text = ""
        self.refill()
        self.query_one(DataTable).focus()
