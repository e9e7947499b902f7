"""The legend under the panel: each group's marker in the colour its mentions have."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from libya_reader.analysis.model import GROUP_ORDER
from libya_reader.ui.widgets.entity_panel import MARKERS


class Legend(Widget):
    """Colours come from component classes, so the stylesheet and themes decide them."""

    COMPONENT_CLASSES = {f"legend--{group}" for group in GROUP_ORDER}

    def render(self) -> Text:
        legend = Text(justify="left")
        for group in GROUP_ORDER:
            style = self.get_component_rich_style(f"legend--{group}", partial=True)
            legend.append(f"{MARKERS[group]} {group.plural}", style=style)
            legend.append("  ")
        return legend
