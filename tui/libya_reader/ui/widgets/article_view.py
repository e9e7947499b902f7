"""The article pane: the text wrapped to the pane, mentions highlighted, drawn line by line.

A ScrollView with the Line API: only visible lines are rendered, each from a small cache of
Strips, so a long article with thousands of mentions scrolls as fast as a short one.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from libya_reader.analysis.model import Analysis, Entity, Mention
from libya_reader.articles import Article


@dataclass(frozen=True, slots=True)
class Line:
    start: int  # offsets into the article text
    end: int
    part: str  # body, caption or trailer


def wrap(article: Article, width: int) -> list[Line]:
    """Lines of at most `width` cells covering the text; paragraphs keep a blank line."""
    lines: list[Line] = []
    width = max(width, 10)
    for part in article.parts or []:
        if lines:
            lines.append(Line(part.start, part.start, "gap"))
        paragraph = article.text[part.start : part.end]
        offset = part.start
        for row in paragraph.split("\n"):
            pieces = _wrap_row(row, width)
            for piece in pieces:
                lines.append(Line(offset, offset + len(piece), part.kind))
                offset += len(piece)
            offset += 1  # the newline
    return lines


def _wrap_row(row: str, width: int) -> list[str]:
    """Cut a row at spaces; each space stays at the end of its line, so offsets add up."""
    pieces: list[str] = []
    while len(row) > width:
        cut = row.rfind(" ", 0, width + 1)
        cut = cut + 1 if cut > 0 else width
        pieces.append(row[:cut])
        row = row[cut:]
    pieces.append(row)
    return pieces


class ArticleView(ScrollView, can_focus=True):
    BINDINGS = [
        Binding("j,down", "scroll_down", "Down", show=False, id="article-down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="article-up"),
        Binding("space,pagedown", "page_down", "Page down", show=False, id="article-page-down"),
        Binding("b,pageup", "page_up", "Page up", show=False, id="article-page-up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="article-top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="article-bottom"),
    ]
    COMPONENT_CLASSES = {
        "article-view--faction",
        "article-view--place",
        "article-view--backer",
        "article-view--person",
        "article-view--organization",
        "article-view--selected",
        "article-view--current",
        "article-view--match",
        "article-view--caption",
    }

    class MentionClicked(Message):
        def __init__(self, entity: Entity, mention: Mention) -> None:
            super().__init__()
            self.entity = entity
            self.mention = mention

    def __init__(self, article: Article, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.article = article
        self.analysis: Analysis | None = None
        self.selected: Entity | None = None
        self.current: tuple[int, int] | None = None
        self.matches: list[tuple[int, int]] = []
        self._lines: list[Line] = []
        self._width = 0
        self._marks: list[tuple[int, int, Entity]] = []
        self._starts: list[int] = []
        self._layers: dict[str, Style] = {}
        self._base: Style | None = None  # the widget's own style; walking the DOM is dear

    # --- state ------------------------------------------------------------------------

    def set_analysis(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self._marks = [(m.start, m.end, e) for m, e in analysis.mentions()]
        self._starts = [start for start, _, _ in self._marks]
        self.refresh_lines()

    def set_article(self, article: Article) -> None:
        self.article = article
        self.analysis = None
        self._marks, self._starts = [], []
        self.selected, self.current, self.matches = None, None, []
        self._width = 0
        self.scroll_to(0, 0, animate=False)
        self._rewrap()  # now, if laid out: the reader may jump to an offset at once
        self.refresh_lines()

    def refresh_lines(self) -> None:
        self._layers.clear()
        self._base = None
        self._render_cached.cache_clear()
        self.refresh()

    def _rewrap(self) -> None:
        """Wrap the text at the pane's width, unless it is wrapped at that width already."""
        if not self.size.width:
            return  # not laid out yet
        # The scrollbar's gutter is kept even without a scrollbar (styles/app.tcss): the
        # width does not change when the text turns out to be long enough for one.
        width = max(self.scrollable_content_region.width - 1, 10)
        if width != self._width:
            self._width = width
            self._lines = wrap(self.article, width)
            self._render_cached.cache_clear()  # its strips are by line number
            self.virtual_size = Size(width, len(self._lines))

    def line_of(self, offset: int) -> int:
        return max(bisect_right(self._lines, offset, key=lambda line: line.start) - 1, 0)

    def show_offset(self, offset: int) -> None:
        y = self.line_of(offset)
        self.scroll_to(y=max(y - self.size.height // 3, 0), animate=False)

    # --- drawing ----------------------------------------------------------------------

    @property
    def base_style(self) -> Style:
        if self._base is None:
            self._base = self.rich_style
        return self._base

    def render_lines(self, crop: Region) -> list[Strip]:
        # Wrapped at the width this frame is drawn at: the Resize event comes only after the
        # first frame, which would show an empty pane if the text waited for it.
        self._rewrap()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        if index >= len(self._lines):
            return Strip.blank(width, self.base_style)
        strip = self._render_cached(index)
        return strip.crop_extend(scroll_x, scroll_x + width, self.base_style)

    def _style(self, name: str) -> Style:
        """A component class as a layer to add over the styles below it.

        The partial style knows which attributes the class sets but drops the alpha of a
        translucent colour; the full style has the colour blended over the background but
        fills in every attribute. Take what is set from the first, its value from the second.
        """
        layer = self._layers.get(name)
        if layer is None:
            component = f"article-view--{name}"
            full = self.get_component_rich_style(component)
            partial = self.get_component_rich_style(component, partial=True)
            layer = (
                Style(
                    color=full.color if partial.color is not None else None,
                    bgcolor=full.bgcolor if partial.bgcolor is not None else None,
                )
                + partial.without_color
            )
            self._layers[name] = layer
        return layer

    def notify_style_update(self) -> None:
        # A new theme or stylesheet: the cached layers and strips hold the old colours.
        super().notify_style_update()
        self.refresh_lines()

    @lru_cache(maxsize=2048)  # noqa: B019 - cleared on every change, one view per app
    def _render_cached(self, index: int) -> Strip:
        line = self._lines[index]
        base = self.base_style
        if line.part in ("caption", "trailer"):
            base = base + self._style("caption")
        text = self.article.text[line.start : line.end]
        if not text:
            return Strip([Segment("", base)])
        segments: list[Segment] = []
        position = line.start
        for start, end, style in self._spans(line.start, line.end):
            if start > position:
                segments.append(Segment(self.article.text[position:start], base))
            segments.append(Segment(self.article.text[start:end], base + style))
            position = end
        if position < line.end:
            segments.append(Segment(self.article.text[position : line.end], base))
        return Strip(segments)

    def _spans(self, start: int, end: int) -> list[tuple[int, int, Style]]:
        spans: list[tuple[int, int, Style]] = []
        # Marks are sorted and disjoint: the one before `start` may reach into the line.
        first = max(bisect_right(self._starts, start) - 1, 0)
        last = bisect_left(self._starts, end, lo=first)
        for m_start, m_end, entity in self._marks[first:last]:
            if m_end <= start:
                continue
            style = self._style(str(entity.group))
            if self.selected is not None and entity.key == self.selected.key:
                style = style + self._style("selected")
            if self.current == (m_start, m_end):
                style = style + self._style("current")
            spans.append((max(m_start, start), min(m_end, end), style))
        for m_start, m_end in self.matches:
            if (
                m_start < end
                and m_end > start
                and not any(s < m_end and e > m_start for s, e, _ in spans)
            ):
                style = self._style("match")
                if self.current == (m_start, m_end):
                    style = style + self._style("current")
                spans.append((max(m_start, start), min(m_end, end), style))
        spans.sort(key=lambda s: s[0])
        return spans

    # --- keys: jumps land at once (an animated scroll of a long article takes a second) ---

    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)

    def action_scroll_home(self) -> None:
        self.scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        self.scroll_end(animate=False)

    # --- mouse ------------------------------------------------------------------------

    def on_click(self, event: object) -> None:
        x, y = event.x, event.y  # type: ignore[attr-defined]
        index = self.scroll_offset.y + y
        if not (0 <= index < len(self._lines)):
            return
        offset = self._lines[index].start + self.scroll_offset.x + x
        at = bisect_right(self._starts, offset) - 1
        if at >= 0 and offset < self._marks[at][1]:
            start, _end, entity = self._marks[at]
            mention = next(m for m in entity.mentions if m.start == start)
            self.post_message(self.MentionClicked(entity, mention))
