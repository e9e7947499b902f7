"""The reader app: article pane, entity panel, status line; analysis in a worker thread."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.command import Hit, Hits, Provider
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Footer, Input, Static

from libya_reader import clipboard, paths
from libya_reader import config as config_file
from libya_reader.analysis.model import GROUP_ORDER, Analysis, Entity, Group
from libya_reader.analysis.worker import AnalysisProcess, Cancelled
from libya_reader.articles import Article
from libya_reader.export import as_markdown, group_lines
from libya_reader.resources import styles_dir
from libya_reader.ui.screens import HelpScreen
from libya_reader.ui.widgets import ArticleView, EntityPanel, Legend

Analyse = Callable[[str], Analysis]


@dataclass
class AnalysisDone(Message):
    index: int
    analysis: Analysis
    warning: str | None


@dataclass
class AnalysisStep(Message):
    """Part of a long article is analysed: highlights so far, and how far it got."""

    index: int
    analysis: Analysis
    done: int
    total: int


@dataclass
class AnalysisFailed(Message):
    index: int
    reason: str


class ReaderCommands(Provider):
    """Palette commands that read like "Jump to: Tarhouna" and "Copy: places"."""

    async def search(self, query: str) -> Hits:
        app = self.app
        assert isinstance(app, ReaderApp)
        matcher = self.matcher(query)
        commands: list[tuple[str, Callable[[], object]]] = []
        for group in GROUP_ORDER:
            commands.append((f"Copy: {group.plural}", partial(app.copy_group, group)))
        commands.append(("Copy: all groups", app.action_copy_all))
        commands.append(("Export lists", app.action_export))
        commands.append(("Toggle panel", app.action_toggle_panel))
        commands.append(("Help", app.action_help))
        if app.analysis is not None:
            for entity in app.analysis.entities:
                commands.append((f"Jump to: {entity.name}", partial(app.select, entity)))
        for text, callback in commands:
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, help=None)


class ReaderApp(App[None]):
    CSS_PATH = [str(styles_dir() / "app.tcss")]
    TITLE = "libya-reader"
    COMMANDS = App.COMMANDS | {ReaderCommands}
    BINDINGS = [
        Binding("tab", "focus_next", "Switch pane", id="switch-pane", tooltip="Move focus"),
        Binding("shift+tab", "focus_previous", "Switch back", show=False, id="switch-back"),
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
        Binding(
            "c",
            "copy_group",
            "Copy group",
            id="copy-group",
            tooltip="Copy the focused group as a list",
        ),
        Binding("C", "copy_all", "Copy all", id="copy-all", tooltip="Copy all groups as Markdown"),
        Binding("e", "export", "Export", id="export", tooltip="Write the lists to a file"),
        Binding("slash", "search", "Search", key_display="/", id="search"),
        Binding("p", "toggle_panel", "Panel", id="toggle-panel", tooltip="Show or hide the panel"),
        Binding("J", "next_article", "Next article", show=False, id="next-article"),
        Binding("K", "previous_article", "Prev article", show=False, id="previous-article"),
        Binding("question_mark", "help", "Help", key_display="?", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(
        self,
        articles: list[Article],
        analyse: Analyse | None = None,
        config: config_file.Config | None = None,
        save_config: bool = True,
    ) -> None:
        super().__init__()
        self.articles = articles
        self.index = 0
        self._analyse = analyse
        self._process: AnalysisProcess | None = None
        self.config = config or config_file.Config()
        self.save_config = save_config
        self.analysis: Analysis | None = None
        self.analyses: dict[int, Analysis] = {}
        self.selected: Entity | None = None
        self.position: int | None = None
        self.search_term: str | None = None

    @property
    def article(self) -> Article:
        return self.articles[self.index]

    def compose(self) -> ComposeResult:
        yield Static(id="article-header", markup=False)
        with Horizontal(id="main"):
            yield ArticleView(self.article, id="article")
            with Vertical(id="side"):
                yield EntityPanel(id="panel")
                yield Legend(id="legend")
        yield Input(placeholder="search the text, enter to find, escape to close", id="search")
        yield Static("", id="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.theme = (
            self.config.theme if self.config.theme in self.available_themes else "textual-dark"
        )
        self.query_one("#side").display = self.config.show_panel
        self.query_one("#search", Input).display = False
        for warning in self.config.warnings:
            self.notify(warning, severity="warning")
        self.query_one(ArticleView).focus()
        self._open(0)

    def watch_theme(self, theme: str) -> None:
        if self.save_config and theme != self.config.theme:
            self.config.theme = theme
            try:
                config_file.save(self.config)
            except OSError as exc:
                self.notify(f"Could not save the theme: {exc}", severity="error")

    # --- articles and analysis ----------------------------------------------------------

    def _open(self, index: int) -> None:
        self.index = index
        article = self.article
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
        if len(self.articles) > 1:
            meta.insert(0, f"{index + 1}/{len(self.articles)}")
        header.append("\n" + " · ".join(meta), style="dim")
        self.query_one("#article-header", Static).update(header)
        view = self.query_one(ArticleView)
        view.set_article(article)
        self.selected, self.position, self.search_term = None, None, None
        if index in self.analyses:
            self._show(self.analyses[index])
        else:
            self.analysis = None
            self.query_one(EntityPanel).show_analysing()
            self._status("analysing…")
            if self._process is not None:
                self._process.cancel()  # the article being analysed is no longer shown
            self._run_analysis(index, article.text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="analysis")
    def _run_analysis(self, index: int, text: str) -> None:
        warning = None
        try:
            if self._analyse is not None:
                analysis = self._analyse(text)
            else:
                if self._process is None:
                    self._process = AnalysisProcess(
                        self.config.model_name, log=str(paths.analysis_log())
                    )

                def step(partial: Analysis, done: int, total: int) -> None:
                    self.post_message(AnalysisStep(index, partial, done, total))

                analysis = self._process.analyse(text, on_step=step)
                warning = self._process.warning
        except Cancelled:
            return
        except Exception as exc:  # the text stays readable whatever the analysis does
            self.post_message(AnalysisFailed(index, f"Analysis failed: {exc}"))
            return
        self.post_message(AnalysisDone(index, analysis, warning))

    def on_analysis_step(self, message: AnalysisStep) -> None:
        if message.index == self.index and message.index not in self.analyses:
            self._show(message.analysis)
            self._status(f"analysing… {message.done}/{message.total} paragraphs")

    def on_unmount(self) -> None:
        if self._process is not None:
            self._process.close()

    def on_analysis_done(self, message: AnalysisDone) -> None:
        self.analyses[message.index] = message.analysis
        if message.warning:
            self.notify(message.warning, severity="warning", timeout=10)
        if message.index == self.index:
            self._show(message.analysis)

    def on_analysis_failed(self, message: AnalysisFailed) -> None:
        self.notify(message.reason, severity="error")
        if message.index == self.index:
            self._status("analysis failed; the text is shown without highlights")

    def _show(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.query_one(ArticleView).set_analysis(analysis)
        self.query_one(EntityPanel).show(analysis)
        counts = ", ".join(
            f"{len(analysis.by_group(g))} {g.plural}" for g in GROUP_ORDER if analysis.by_group(g)
        )
        self._status(counts or "no entities found")

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    # --- selection and movement ---------------------------------------------------------

    def select(self, entity: Entity, position: int = 0) -> None:
        self.selected = entity
        self.search_term = None
        view = self.query_one(ArticleView)
        view.selected = entity
        view.matches = []
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
        label = f"search “{self.search_term}”" if self.search_term else self.selected.name  # type: ignore[union-attr]
        self._status(f"{label} {self.position + 1}/{len(targets)}")

    @on(EntityPanel.OptionSelected)
    def _picked(self, event: EntityPanel.OptionSelected) -> None:
        entity = self.query_one(EntityPanel).entities.get(event.option.id or "")
        if entity is not None:
            self.select(entity)

    @on(ArticleView.MentionClicked)
    def _clicked(self, event: ArticleView.MentionClicked) -> None:
        self.select(event.entity, event.entity.mentions.index(event.mention))

    def action_next_mention(self) -> None:
        if self.position is None:
            self._go(0)
        else:
            self._go(self.position + 1)

    def action_previous_mention(self) -> None:
        self._go((self.position or 0) - 1)

    def _step_any(self, forward: bool) -> None:
        if self.analysis is None:
            return
        pairs = self.analysis.mentions()
        if not pairs:
            return
        here = self.query_one(ArticleView).current
        at = here[0] if here else (-1 if forward else len(self.article.text) + 1)
        ahead = [p for p in pairs if (p[0].start > at if forward else p[0].start < at)]
        mention, entity = (
            (ahead[0] if forward else ahead[-1]) if ahead else (pairs[0] if forward else pairs[-1])
        )
        self.select(entity, entity.mentions.index(mention))

    def action_next_any(self) -> None:
        self._step_any(True)

    def action_previous_any(self) -> None:
        self._step_any(False)

    # --- copying and export -------------------------------------------------------------

    def _focused_group(self) -> Group:
        panel = self.query_one(EntityPanel)
        if self.focused is panel and panel.highlighted_entity is not None:
            return panel.highlighted_entity.group
        return self.selected.group if self.selected is not None else Group.FACTION

    def _copy(self, text: str, what: str) -> None:
        self.copy_to_clipboard(text)  # OSC 52, through the terminal
        clipboard.copy(text)  # and the platform's clipboard command, where there is one
        self.notify(f"Copied {what}")

    def copy_group(self, group: Group) -> None:
        if self.analysis is None:
            self.notify("Nothing to copy yet: the analysis is still running")
            return
        lines = group_lines(self.analysis, group)
        self._copy("\n".join(lines) + "\n", f"{len(lines)} {group.plural}")

    def action_copy_group(self) -> None:
        self.copy_group(self._focused_group())

    def action_copy_all(self) -> None:
        if self.analysis is None:
            self.notify("Nothing to copy yet: the analysis is still running")
            return
        self._copy(as_markdown(self.analysis, self.article), "all groups as Markdown")

    def action_export(self) -> None:
        if self.analysis is None:
            self.notify("Nothing to export yet: the analysis is still running")
            return
        slug = re.sub(r"[^a-z0-9]+", "-", self.article.title.casefold()).strip("-")[:60]
        target = paths.exports_dir() / f"{slug or 'article'}.md"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_suffix(".md.tmp")
            temporary.write_text(as_markdown(self.analysis, self.article), encoding="utf-8")
            os.replace(temporary, target)
        except OSError as exc:
            self.notify(f"Could not export to {target}: {exc.strerror or exc}", severity="error")
            return
        self.notify(f"Exported the lists to {target}")

    # --- search, panel, articles, help --------------------------------------------------

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
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
        folded = self.article.text.casefold()
        needle = term.casefold()
        matches, start = [], folded.find(needle)
        while start >= 0:
            matches.append((start, start + len(needle)))
            start = folded.find(needle, start + len(needle))
        view.matches = matches
        if not matches:
            view.refresh_lines()
            self._status(f"search “{term}”: not found")
            return
        self.search_term = term
        self._go(0)

    def on_key(self, event: object) -> None:
        search = self.query_one("#search", Input)
        if getattr(event, "key", "") == "escape" and search.display:
            search.display = False
            self.query_one(ArticleView).focus()

    def action_toggle_panel(self) -> None:
        side = self.query_one("#side")
        side.display = not side.display

    def action_next_article(self) -> None:
        if len(self.articles) > 1:
            self._open((self.index + 1) % len(self.articles))

    def action_previous_article(self) -> None:
        if len(self.articles) > 1:
            self._open((self.index - 1) % len(self.articles))

    def action_help(self) -> None:
        self.push_screen(HelpScreen(list(self.BINDINGS)))  # type: ignore[arg-type]


def run_reader(articles: list[Article], config: config_file.Config) -> None:
    ReaderApp(articles, config=config).run()
