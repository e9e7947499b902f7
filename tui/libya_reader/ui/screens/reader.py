"""The reader screen: one article with its highlights, the entity panel, the status line."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from libya_reader.analysis.model import GROUP_ORDER, Analysis, Entity, Group, Mention
from libya_reader.corrections import Correction
from libya_reader.export import as_markdown, group_lines
from libya_reader.ui import screens
from libya_reader.ui.widgets import ArticleView, EntityPanel, Legend

if TYPE_CHECKING:
    from libya_reader.ui.app import ReaderApp


class ReaderScreen(Screen[None]):
    BINDINGS = [
        Binding("tab", "app.focus_next", "Switch pane", id="switch-pane", tooltip="Move focus"),
        Binding("shift+tab", "app.focus_previous", "Switch back", show=False, id="switch-back"),
        Binding(
            "n",
            "next_mention",
            "Next mention",
            id="next-mention",
            tooltip="Next mention of the selected entity or search match",
        ),
        Binding(
            "N",
            "previous_mention",
            "Prev mention",
            id="previous-mention",
            tooltip="Previous mention of the selected entity or search match",
        ),
        Binding(
            "right_square_bracket",
            "next_any",
            "Next entity",
            key_display="]",
            id="next-any",
            tooltip="Next mention of any entity",
        ),
        Binding(
            "left_square_bracket",
            "previous_any",
            "Prev entity",
            key_display="[",
            id="previous-any",
            tooltip="Previous mention of any entity",
        ),
        Binding("c", "copy_group", "Copy group", id="copy-group", tooltip="Copy the group"),
        Binding("C", "copy_all", "Copy all", id="copy-all", tooltip="Copy all groups as Markdown"),
        Binding("e", "export", "Export", id="export", tooltip="Write the lists to a file"),
        Binding("slash", "search", "Search", key_display="/", id="search"),
        Binding("p", "toggle_panel", "Panel", id="toggle-panel", tooltip="Show or hide the panel"),
        Binding(
            "a",
            "entity_articles",
            "Other articles naming the entity",
            show=False,
            id="entity-articles",
        ),
        Binding("x", "hide_entity", "Correct: hide the entity", show=False, id="hide-entity"),
        Binding(
            "m",
            "move_entity",
            "Correct: move the entity to another group",
            show=False,
            id="move-entity",
        ),
        Binding("r", "rename_entity", "Correct: rename the entity", show=False, id="rename-entity"),
        Binding(
            "M",
            "merge_entity",
            "Correct: merge the entity into another",
            show=False,
            id="merge-entity",
        ),
        Binding(
            "u", "undo_correction", "Undo the last correction", show=False, id="undo-correction"
        ),
        Binding("J", "next_article", "Next article", show=False, id="next-article"),
        Binding("K", "previous_article", "Prev article", show=False, id="previous-article"),
        Binding(
            "escape,backspace", "back", "Back to the library", show=False, id="back-to-library"
        ),
    ]

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index
        self.analysis: Analysis | None = None
        self.selected: Entity | None = None
        self.position: int | None = None
        self.search_term: str | None = None
        self._pairs: list[tuple[Mention, Entity]] = []
        self._pair_starts: list[int] = []
        self._rank: dict[int, int] = {}
        self._panel_ready = False  # mounted after the first frame: see _after_first_frame

    @property
    def reader(self) -> ReaderApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        article = self.reader.articles[self.index]
        yield Static(id="article-header", markup=False)
        with Horizontal(id="main"):
            yield ArticleView(article, id="article")
            yield Vertical(id="side")  # its panel and legend come after the first frame
        yield Static("", id="status", markup=False)

    def on_mount(self) -> None:
        self.query_one("#side").display = self.reader.config.show_panel
        self.query_one(ArticleView).focus()
        self.open(self.index)
        self.call_after_refresh(self._after_first_frame)

    async def _after_first_frame(self) -> None:
        """What the first frame does without, since the text comes first: the entity panel
        and the legend (mounting and drawing them is most of that frame after the text), the
        footer (a widget per key) and the hidden search box. The side column is there from
        the start, so the text keeps its width."""
        await self.query_one("#side").mount_all([EntityPanel(id="panel"), Legend(id="legend")])
        self._panel_ready = True
        self._fill_panel()
        await self._search_box()
        await self.mount(Footer())
        self.refresh_bindings()  # a footer fills in when the bindings are announced

    def _fill_panel(self) -> None:
        if not self._panel_ready:
            return
        panel = self.query_one(EntityPanel)
        if self.analysis is None:
            panel.show_analysing()
            return
        panel.show(self.analysis)
        if self.selected is not None:
            panel.focus_entity(self.selected)

    # --- the article and its analysis ---------------------------------------------------

    def open(self, index: int) -> None:
        self.index = index
        article = self.reader.articles[index]
        header = Text(article.title, style="bold")
        meta = [
            m
            for m in (
                article.dateline,
                article.source,
                article.date.isoformat() if article.date else None,
                article.path,
            )
            if m
        ]
        if len(self.reader.articles) > 1:
            meta.insert(0, f"{index + 1}/{len(self.reader.articles)}")
        header.append("\n" + " · ".join(meta), style="dim")
        self.query_one("#article-header", Static).update(header)
        self.query_one(ArticleView).set_article(article)
        self.selected, self.position, self.search_term = None, None, None
        self.analysis = None
        analysis = self.reader.analysis_for(index)
        if analysis is not None:
            self.show(analysis)
        else:
            self._fill_panel()
            self.status("analysing…")
        # The text is drawn first; the library write and the analysis process come after.
        self.call_after_refresh(self._after_first_paint, index)

    def _after_first_paint(self, index: int) -> None:
        if index != self.index:
            return  # the reader has moved on to another article meanwhile
        self.reader.mark_read(index)
        if self.analysis is None:
            self.reader.request_analysis(index)

    def show(self, analysis: Analysis, progress: str | None = None) -> None:
        """Draw `analysis`, keeping the selected entity (by name) when it is still there."""
        self.analysis = analysis
        # Sorted once here, not on every ] or [: a long article has tens of thousands.
        self._pairs = analysis.mentions()
        self._pair_starts = [mention.start for mention, _ in self._pairs]
        self._rank = {
            id(mention): number
            for entity in analysis.entities
            for number, mention in enumerate(entity.mentions)
        }
        self.query_one(ArticleView).set_analysis(analysis)
        self._fill_panel()
        if progress is not None:
            self.status(progress)
            return
        if self.selected is not None:
            entity = analysis.find(self.selected.name)
            if entity is not None:
                self.select(entity, self.position or 0)
                return
            self.selected = self.query_one(ArticleView).selected = None
            self.position = None
        counts = ", ".join(
            f"{len(analysis.by_group(g))} {g.plural}" for g in GROUP_ORDER if analysis.by_group(g)
        )
        status = counts or "no entities found"
        if self.reader.fallback:
            status += " · knowledge base only: no spaCy model (see the notice)"
        self.status(status)

    def status(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    # --- selection and movement ---------------------------------------------------------

    def select(self, entity: Entity, position: int = 0) -> None:
        self.selected = entity
        self.search_term = None
        view = self.query_one(ArticleView)
        view.selected = entity
        view.matches = []
        if self._panel_ready:  # else the panel, once mounted, finds the selection itself
            self.query_one(EntityPanel).focus_entity(entity)
        self._go(position)

    def _targets(self) -> list[tuple[int, int]]:
        if self.search_term is not None:
            return self.query_one(ArticleView).matches
        if self.selected is not None:
            return [(m.start, m.end) for m in self.selected.mentions]
        return []

    def _go(self, position: int) -> None:
        targets = self._targets()
        if not targets:
            return
        self.position = position % len(targets)
        start, end = targets[self.position]
        view = self.query_one(ArticleView)
        view.current = (start, end)
        view.show_offset(start)
        view.refresh_lines()
        if self.search_term is not None:
            self.status(f"search “{self.search_term}” {self.position + 1}/{len(targets)}")
            return
        assert self.selected is not None
        line = f"{self.selected.name} {self.position + 1}/{len(targets)}"
        count = self.reader.entity_article_count(self.selected)
        if count > 1:
            line += f" · in {count} articles (a: list them)"
        self.status(line)

    def go_to_offset(self, offset: int) -> None:
        """Select the entity mentioned at `offset` (a jump from another article)."""
        # The first mention starting at or after `offset` (the index gives its start).
        found = bisect_left(self._pair_starts, offset)
        if found < len(self._pairs):
            mention, entity = self._pairs[found]
            self.select(entity, self._rank.get(id(mention), 0))

    @on(EntityPanel.OptionSelected)
    def _picked(self, event: EntityPanel.OptionSelected) -> None:
        entity = self.query_one(EntityPanel).entities.get(event.option.id or "")
        if entity is not None:
            self.select(entity)

    @on(ArticleView.MentionClicked)
    def _clicked(self, event: ArticleView.MentionClicked) -> None:
        self.select(event.entity, event.entity.mentions.index(event.mention))

    def action_next_mention(self) -> None:
        self._go(0 if self.position is None else self.position + 1)

    def action_previous_mention(self) -> None:
        self._go((self.position or 0) - 1)

    def _step_any(self, forward: bool) -> None:
        if self.analysis is None or not self._pairs:
            return
        here = self.query_one(ArticleView).current
        text_length = len(self.reader.articles[self.index].text)
        at = here[0] if here else (-1 if forward else text_length + 1)
        if forward:
            found = bisect_right(self._pair_starts, at)
            mention, entity = self._pairs[found % len(self._pairs)]
        else:
            found = bisect_left(self._pair_starts, at) - 1
            mention, entity = self._pairs[found]  # -1 wraps to the last
        self.select(entity, self._rank.get(id(mention), 0))

    def action_next_any(self) -> None:
        self._step_any(True)

    def action_previous_any(self) -> None:
        self._step_any(False)

    # --- copying and export -------------------------------------------------------------

    def _target_entity(self) -> Entity | None:
        """The entity a panel key acts on: the panel's cursor when it has focus."""
        panel = self.focused
        if isinstance(panel, EntityPanel) and panel.highlighted_entity is not None:
            return panel.highlighted_entity
        return self.selected

    def _focused_group(self) -> Group:
        entity = self._target_entity()
        return entity.group if entity is not None else Group.FACTION

    def _not_ready(self, what: str) -> bool:
        if self.analysis is None:
            self.notify(f"Nothing to {what} yet: the analysis is still running")
            return True
        return False

    def copy_group(self, group: Group) -> None:
        if self._not_ready("copy"):
            return
        assert self.analysis is not None
        lines = group_lines(self.analysis, group)
        self.reader.copy_text("\n".join(lines) + "\n", f"{len(lines)} {group.plural}")

    def action_copy_group(self) -> None:
        self.copy_group(self._focused_group())

    def action_copy_all(self) -> None:
        if self._not_ready("copy"):
            return
        assert self.analysis is not None
        article = self.reader.articles[self.index]
        self.reader.copy_text(as_markdown(self.analysis, article), "all groups as Markdown")

    def action_export(self) -> None:
        if self._not_ready("export"):
            return
        assert self.analysis is not None
        article = self.reader.articles[self.index]
        slug = re.sub(r"[^a-z0-9]+", "-", article.title.casefold()).strip("-")[:60]
        self.reader.export_text(as_markdown(self.analysis, article), f"{slug or 'article'}.md")

    # --- search, panel, articles --------------------------------------------------------

    async def _search_box(self) -> Input:
        """The search box, mounted hidden by whichever needs it first: the moment after the
        first frame, or a / typed before it (a key that must not be lost)."""
        found = self.query("#search")
        if found:
            return found.first(Input)
        search = Input(placeholder="search the text, enter to find, escape to close", id="search")
        search.display = False
        await self.mount(search)  # registered at once, so the other caller finds it
        return search

    async def action_search(self) -> None:
        search = await self._search_box()
        search.display = True
        search.focus()

    @on(Input.Submitted, "#search")
    def _searched(self, event: Input.Submitted) -> None:
        term = event.value.strip()
        event.input.display = False
        view = self.query_one(ArticleView)
        view.focus()
        if not term:
            return
        folded = self.reader.articles[self.index].text.casefold()
        needle = term.casefold()
        matches, start = [], folded.find(needle)
        while start >= 0:
            matches.append((start, start + len(needle)))
            start = folded.find(needle, start + len(needle))
        view.matches = matches
        if not matches:
            view.refresh_lines()
            self.status(f"search “{term}”: not found")
            return
        self.search_term = term
        self._go(0)

    def action_back(self) -> None:
        found = self.query("#search")  # none yet: nothing to close
        if found and found.first(Input).display:
            found.first(Input).display = False
            self.query_one(ArticleView).focus()
        elif self.reader.has_library_screen:
            self.dismiss()

    def action_toggle_panel(self) -> None:
        side = self.query_one("#side")
        side.display = not side.display

    def action_next_article(self) -> None:
        if len(self.reader.articles) > 1:
            self.open((self.index + 1) % len(self.reader.articles))

    def action_previous_article(self) -> None:
        if len(self.reader.articles) > 1:
            self.open((self.index - 1) % len(self.reader.articles))

    def action_entity_articles(self) -> None:
        entity = self._target_entity()
        if entity is None:
            self.notify("Select an entity first (enter in the panel)")
            return
        self.reader.show_entity_articles(entity)

    # --- corrections --------------------------------------------------------------------

    def _correct(self, kind: str, value: str | None = None) -> None:
        entity = self._target_entity()
        if entity is not None:
            self.reader.correct(Correction(kind, entity.name, value))  # type: ignore[arg-type]

    def _needs_entity(self) -> Entity | None:
        entity = self._target_entity()
        if entity is None:
            self.notify("Move the panel's cursor to an entity first (tab, then j/k)")
        return entity

    def action_hide_entity(self) -> None:
        if self._needs_entity() is not None:
            self._correct("hide")

    def action_move_entity(self) -> None:
        entity = self._needs_entity()
        if entity is None:
            return
        choices = [(str(g), g.title) for g in GROUP_ORDER if g != entity.group]
        self.app.push_screen(
            screens.ChoiceScreen(f"Move “{entity.name}” to", choices),
            partial(self._answered, "move", entity),
        )

    def action_rename_entity(self) -> None:
        entity = self._needs_entity()
        if entity is not None:
            self.app.push_screen(
                screens.AskScreen(f"Rename “{entity.name}” to", entity.name),
                partial(self._answered, "rename", entity),
            )

    def action_merge_entity(self) -> None:
        entity = self._needs_entity()
        if entity is None or self.analysis is None:
            return
        choices = [(e.name, f"{e.name} ({e.group.title})") for e in self.analysis.entities]
        choices = [c for c in choices if c[0] != entity.name]
        self.app.push_screen(
            screens.ChoiceScreen(f"Merge “{entity.name}” into", choices),
            partial(self._answered, "merge", entity),
        )

    def _answered(self, kind: str, entity: Entity, value: str | None) -> None:
        if value and value != entity.name:
            self.reader.correct(Correction(kind, entity.name, value))  # type: ignore[arg-type]

    def action_undo_correction(self) -> None:
        self.reader.undo_correction()
