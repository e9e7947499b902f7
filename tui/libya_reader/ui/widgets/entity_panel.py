"""The side panel: factions, places, backers, people, organisations, with mention counts."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from libya_reader.analysis.model import GROUP_ORDER, Analysis, Entity, Group

MARKERS = {
    Group.FACTION: "⚑",
    Group.PLACE: "◆",
    Group.BACKER: "⇢",
    Group.PERSON: "●",
    Group.ORGANIZATION: "■",
}


class EntityPanel(OptionList):
    """One option per entity; group headings are disabled options, so j/k skip them."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="panel-down"),
        Binding("k", "cursor_up", "Up", show=False, id="panel-up"),
        Binding("g", "first", "First", show=False, id="panel-first"),
        Binding("G", "last", "Last", show=False, id="panel-last"),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.entities: dict[str, Entity] = {}

    def show_analysing(self) -> None:
        self.clear_options()
        self.add_option(Option(Text("analysing…", style="italic"), disabled=True))

    def show(self, analysis: Analysis) -> None:
        self.clear_options()
        self.entities = {}
        for group in GROUP_ORDER:
            members = analysis.by_group(group)
            if not members:
                continue
            heading = Text(f"{MARKERS[group]} {group.title} ({len(members)})", style="bold")
            self.add_option(Option(heading, id=f"group:{group}", disabled=True))
            for entity in members:
                label = Text(f"  {entity.name}", no_wrap=True, overflow="ellipsis")
                label.append(f"  {len(entity.mentions)}", style="dim")
                # One line per side backed, indented under the backer, so a long faction
                # name is cut with an ellipsis instead of wrapping to the margin.
                for faction in entity.backs:
                    label.append(f"\n    → {faction}", style="italic")
                self.entities[entity.key] = entity
                self.add_option(Option(label, id=entity.key))
        first = next((i for i, o in enumerate(self.options) if not o.disabled), None)
        self.highlighted = first

    @property
    def highlighted_entity(self) -> Entity | None:
        if self.highlighted is None:
            return None
        option = self.get_option_at_index(self.highlighted)
        return self.entities.get(option.id or "")

    def focus_entity(self, entity: Entity) -> None:
        for index, option in enumerate(self.options):
            if option.id == entity.key:
                self.highlighted = index
                return
