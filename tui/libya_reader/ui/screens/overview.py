"""The overview: factions, places and backers ranked across the library, and who backs whom."""

from __future__ import annotations

from rich.console import Group as Stack
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from libya_reader.analysis.model import Group
from libya_reader.library import Overview

RANKED = (Group.FACTION, Group.PLACE, Group.BACKER, Group.PERSON, Group.ORGANIZATION)
TOP = 25  # per group; the rest is a count


class OverviewScreen(Screen[None]):
    BINDINGS = [
        Binding("escape,o", "app.pop_screen", "Close", id="overview-close"),
        Binding("j,down", "scroll_down", "Down", show=False, id="overview-down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="overview-up"),
    ]

    def __init__(self, overview: Overview, titles: dict[int, str]) -> None:
        super().__init__()
        self.overview = overview
        self.titles = titles  # article id -> title, to name the evidence's source

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="overview-body"):
            yield Static(self._groups(), id="overview-groups")
            yield Static(self._relations(), id="overview-relations")
        yield Footer()

    def action_scroll_down(self) -> None:
        self.query_one(VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one(VerticalScroll).scroll_up()

    def _groups(self) -> Table:
        grid = Table.grid(padding=(0, 2), expand=True)
        for _ in RANKED[:3]:
            grid.add_column(ratio=1)
        tables = [self._ranking(group) for group in RANKED]
        grid.add_row(*tables[:3])
        grid.add_row(*tables[3:], "")
        return grid

    def _ranking(self, group: Group) -> Table:
        stats = self.overview.groups.get(group, [])
        table = Table(title=f"{group.title} ({len(stats)})", expand=True, title_justify="left")
        table.add_column("Name", ratio=1, overflow="ellipsis", no_wrap=True)
        table.add_column("Articles", justify="right")
        table.add_column("Mentions", justify="right")
        for stat in stats[:TOP]:
            table.add_row(Text(stat.name), str(stat.articles), str(stat.mentions))
        if len(stats) > TOP:
            table.add_row(Text(f"… and {len(stats) - TOP} more", style="dim"), "", "")
        return table

    def _relations(self) -> Stack:
        parts: list[Text | Table] = [
            Text(f"\nWho backs whom ({len(self.overview.relations)})", style="bold")
        ]
        if not self.overview.relations:
            parts.append(Text("No backer → faction relation found yet.", style="dim"))
        for relation in self.overview.relations:
            count = len(relation.article_ids)
            heading = Text(f"{relation.backer} → {relation.faction}", style="bold")
            heading.append(f"  in {count} article{'s' if count != 1 else ''}", style="dim")
            parts.append(heading)
            for evidence in relation.evidence[:5]:
                line = Text("  “")
                line.append(evidence.sentence)
                line.append("”")
                title = self.titles.get(evidence.article_id)
                if title:
                    line.append(f"  ({title})", style="dim italic")
                parts.append(line)
            if len(relation.evidence) > 5:
                parts.append(Text(f"  … {len(relation.evidence) - 5} more", style="dim"))
        return Stack(*parts)
