"""The reader app: the articles, their analyses and the library; screens show them.

The app owns what outlives a screen: the articles opened, the analysis process, the
library (cache, read state, corrections). Screens own what is on them.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.command import Hit, Hits, Provider
from textual.message import Message
from textual.notifications import SeverityLevel

from libya_reader import clipboard, paths
from libya_reader import config as config_file
from libya_reader.analysis.fingerprint import pipeline_fingerprint, quick_fingerprint
from libya_reader.analysis.model import GROUP_ORDER, Analysis, Entity
from libya_reader.analysis.worker import AnalysisProcess, Cancelled
from libya_reader.articles import Article
from libya_reader.corrections import Correction, apply_corrections
from libya_reader.library import ArticleRecord, Library, LibraryError, text_sha
from libya_reader.resources import styles_dir
from libya_reader.ui import screens
from libya_reader.ui.screens import ReaderScreen
from libya_reader.ui.widgets import ArticleView, EntityPanel

if TYPE_CHECKING:
    # Imported where used: one article never needs it, nor its DataTable.
    from libya_reader.ui.screens.library import LibraryScreen

Analyse = Callable[[str], Analysis]
# An analysis with this many mentions is big enough for the cyclic collector's full passes
# over it to cost a frame (~100 ms at 20,000 mentions): park it out of the collector's way.
PARK_MENTIONS = 2_000
# Up to this size a cached analysis is read before the first paint (decoding one of a 1 MB
# article's 20,000 mentions takes a tenth of a second: that one waits for the intake).
PEEK_CHARS = 100_000


def park_long_lived(analysis: Analysis) -> None:
    """Collect once now, then freeze what survives, so that no full collection walks a long
    article's objects again in the middle of a key press."""
    if sum(len(entity.mentions) for entity in analysis.entities) >= PARK_MENTIONS:
        gc.unfreeze()  # what was parked before may be garbage by now
        gc.collect()
        gc.freeze()


# Messages from the worker threads. Plain classes, not dataclasses: each dataclass costs
# about half a millisecond to define, before the first paint.


class AnalysisStep(Message):
    """Part of a long article is analysed: the highlights so far, and how far it got."""

    def __init__(self, index: int, analysis: Analysis, done: int, total: int) -> None:
        super().__init__()
        self.index, self.analysis, self.done, self.total = index, analysis, done, total


class AnalysisDone(Message):
    def __init__(
        self, index: int, analysis: Analysis, warning: str | None, fallback: str | None = None
    ) -> None:
        super().__init__()
        self.index = index
        self.analysis = analysis
        self.warning = warning  # the library could not store it
        self.fallback = fallback  # no statistical model: what happened and how to install one


class ArticlesTakenIn(Message):
    """The library has the articles: their records and the analyses it already had."""

    def __init__(
        self,
        found: list[tuple[int, ArticleRecord, Analysis | None]],
        fingerprint: str | None,
        error: str | None,
    ) -> None:
        super().__init__()
        self.found, self.fingerprint, self.error = found, fingerprint, error


class AnalysisFailed(Message):
    def __init__(self, index: int, reason: str) -> None:
        super().__init__()
        self.index, self.reason = index, reason


class CorrectionsChanged(Message):
    """A correction was stored or undone; `note` says which, for the notification."""

    def __init__(self, note: str) -> None:
        super().__init__()
        self.note = note


class ReaderCommands(Provider):
    """Palette commands that read like "Jump to: Tarhouna" and "Copy: places"."""

    async def search(self, query: str) -> Hits:
        app = self.app
        assert isinstance(app, ReaderApp)
        matcher = self.matcher(query)
        commands: list[tuple[str, Callable[[], object]]] = []
        # The screen the palette was opened from (app.screen is the palette itself).
        screen = self.screen if isinstance(self.screen, ReaderScreen) else None
        if screen is not None:
            for group in GROUP_ORDER:
                commands.append((f"Copy: {group.plural}", partial(screen.copy_group, group)))
            commands.append(("Copy: all groups", screen.action_copy_all))
            commands.append(("Export lists", screen.action_export))
            commands.append(("Toggle panel", screen.action_toggle_panel))
            commands.append(("Undo the last correction", screen.action_undo_correction))
            if screen.analysis is not None:
                for entity in screen.analysis.entities:
                    commands.append((f"Jump to: {entity.name}", partial(screen.select, entity)))
        if app.library is not None:
            commands.append(("Overview of the library", app.action_overview))
        commands.append(("Help", app.action_help))
        for text, callback in commands:
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, help=None)


class ReaderApp(App[None]):
    CSS_PATH = [str(styles_dir() / "app.tcss")]
    TITLE = "libya-reader"
    COMMANDS = App.COMMANDS | {ReaderCommands}
    BINDINGS = [
        Binding("o", "overview", "Overview", id="overview", tooltip="The whole library at once"),
        Binding("question_mark", "help", "Help", key_display="?", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(
        self,
        articles: list[Article],
        analyse: Analyse | None = None,
        config: config_file.Config | None = None,
        save_config: bool = True,
        library: Library | None = None,
        fingerprint: str | None = None,
    ) -> None:
        """`analyse` replaces the analysis process (tests); `library` turns on the cache: an
        article analysed under the pipeline `fingerprint` (by default, the configured
        model's) is never analysed again."""
        super().__init__()
        self.articles = articles
        self.config = config or config_file.Config()
        self.save_config = save_config
        self.library = library
        self.fingerprint = fingerprint
        self._analyse = analyse
        # Made now, started (a child process) only once some article needs analysing.
        self._process = (
            AnalysisProcess(self.config.model_name, log=str(paths.analysis_log()))
            if analyse is None
            else None
        )
        self._raw: dict[int, Analysis] = {}  # as analysed; corrections apply on top
        self._shown: dict[int, Analysis] = {}  # corrected, as the screens show them
        self._ids: dict[int, int] = {}  # article index -> library id
        self._read: set[int] = set()
        self._failed: set[int] = set()
        self._corrections: list[Correction] = []  # kept here only without a library
        # Set once an analysis ran without a statistical model; the reader's status says so.
        self.fallback: str | None = None
        # Until the library has said what it knows, no analysis starts (it may be cached).
        self._taken_in = library is None
        self._waiting: int | None = None  # the article a reader asked for meanwhile
        self._sure_miss = False  # found before the first paint: see _peek_cache

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Notifications carry file names, error messages and entity names from articles:
        plain text unless a caller asks for markup ("[E050]" must not vanish as a tag)."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    # --- start and stop -----------------------------------------------------------------

    def on_mount(self) -> None:
        self.theme = (
            self.config.theme if self.config.theme in self.available_themes else "textual-dark"
        )
        for warning in self.config.warnings:
            self.notify(warning, severity="warning", timeout=10)
        if self.library is not None and self.library.notice:
            self.notify(self.library.notice, severity="warning", timeout=15)
        self.call_after_refresh(self._check_knowledge)
        # After the first paint: on a first run the fingerprint reads package metadata, pure
        # Python that would hold the interpreter while the first screen is drawn.
        self.call_after_refresh(self._start_background)

    def _start_background(self) -> None:
        if self.library is not None:
            self._take_in_articles()
        elif self.has_library_screen:
            self._analyse_next()

    @work(thread=True, exit_on_error=False, group="startup")
    def _check_knowledge(self) -> None:
        """A bad knowledge file is named (file: line) while the shipped one carries on."""
        from libya_reader.knowledge.loader import knowledge_warnings  # after the first paint

        for warning in knowledge_warnings():
            self.call_from_thread(self.notify, warning, severity="warning", timeout=15)

    def get_default_screen(self) -> LibraryScreen | ReaderScreen:
        if self.has_library_screen:
            from libya_reader.ui.screens.library import LibraryScreen

            return LibraryScreen()
        self._peek_cache(0)
        return ReaderScreen(0)

    def _peek_cache(self, index: int) -> None:
        """A cached article is highlighted on its first paint, when finding out costs a few
        milliseconds: a short text, one read. Otherwise the intake, after the first paint,
        finds it. A sure miss (no analysis under this pipeline, or, before the version
        stamp exists, under any) starts the analysis process as the intake begins."""
        text = self.articles[index].text
        if self.library is None or len(text) > PEEK_CHARS:
            return
        sha = text_sha(text)
        fingerprint = self.fingerprint or quick_fingerprint(self.config.model_name)
        try:
            if fingerprint is None:
                self._sure_miss = not self.library.has_analysis(sha, None)
                return
            cached = self.library.cached_analysis(sha, fingerprint)
        except LibraryError:
            return  # the intake reports it
        self._sure_miss = cached is None
        if cached is not None:
            self._raw[index] = cached
            self.fingerprint = fingerprint  # the intake needs it too

    @work(thread=True, exit_on_error=False, group="startup")
    def _take_in_articles(self) -> None:
        """Put the articles in the library and fetch the analyses it has, off the UI thread:
        the text never waits for the cache."""
        assert self.library is not None
        if self._sure_miss and self._process is not None:
            self._process.start()  # not waiting for the fingerprint (package metadata)
        found: list[tuple[int, ArticleRecord, Analysis | None]] = []
        fingerprint, error = self.fingerprint, None
        try:
            if fingerprint is None:
                fingerprint = pipeline_fingerprint(self.config.model_name)
            for index, article in enumerate(self.articles):
                record = self.library.add(article)
                if index in self._raw:  # read before the first paint: not again
                    found.append((index, record, None))
                    continue
                cached = self.library.cached_analysis(record.sha, fingerprint)
                if cached is None and self._process is not None:
                    self._process.start()  # loading spaCy takes seconds: begin now
                found.append((index, record, cached))
        except Exception as exc:  # whatever breaks here, analyses must not wait forever
            error = f"{exc}; going on without the library"
        self.post_message(ArticlesTakenIn(found, fingerprint, error))

    def on_articles_taken_in(self, message: ArticlesTakenIn) -> None:
        self.fingerprint = message.fingerprint
        if message.error:
            self.notify(message.error, severity="warning")
            self.library = None
        else:
            for index, record, cached in message.found:
                self._adopt(index, record, cached)
                if cached is not None:
                    park_long_lived(cached)
        self._taken_in = True
        for screen in self.screen_stack:
            # A screen not mounted yet finds the analysis itself when it opens the article.
            if isinstance(screen, ReaderScreen) and screen.is_mounted and screen.analysis is None:
                analysis = self.analysis_for(screen.index)
                if analysis is not None:
                    screen.show(analysis)
        library_screen = self._library_screen()
        if library_screen is not None and library_screen.is_mounted:
            library_screen.refill()
        waiting, self._waiting = self._waiting, None
        if waiting is not None and waiting not in self._raw:
            self.request_analysis(waiting)
        elif self.has_library_screen:
            self._analyse_next()

    def _adopt(self, index: int, record: ArticleRecord, cached: Analysis | None) -> None:
        """Take the library's id, read state and cached analysis for article `index`."""
        self._ids[index] = record.id
        if record.read:
            self._read.add(index)
        if cached is not None and index not in self._raw:
            self._raw[index] = cached

    def on_unmount(self) -> None:
        if self._process is not None:
            self._process.close()

    def watch_theme(self, theme: str) -> None:
        if self.save_config and theme != self.config.theme:
            self.config.theme = theme
            try:
                config_file.save(self.config)
            except OSError as exc:
                self.notify(f"Could not save the theme: {exc}", severity="error")

    @property
    def has_library_screen(self) -> bool:
        return len(self.articles) > 1

    # --- analyses -----------------------------------------------------------------------

    def _corrections_now(self) -> list[Correction]:
        return self.library.corrections() if self.library is not None else self._corrections

    def analysis_for(self, index: int) -> Analysis | None:
        """The article's analysis with the corrections applied, or None while unknown."""
        if index not in self._shown and index in self._raw:
            corrections = self._corrections_now()
            # No corrections, no copy: a long article's analysis is large.
            raw = self._raw[index]
            self._shown[index] = apply_corrections(raw, corrections) if corrections else raw
        return self._shown.get(index)

    def request_analysis(self, index: int) -> None:
        """A reader waits for this article: analyse it now, before any background work."""
        if not self._taken_in:
            self._waiting = index  # the library may have it: ask once it has answered
            return
        if self._process is not None:
            self._process.cancel()
        self._run_analysis(index, self.articles[index].text)

    def _analyse_next(self) -> None:
        """Analyse, one at a time, the articles of the library screen nobody has asked for."""
        for index in range(len(self.articles)):
            if index not in self._raw and index not in self._failed:
                self._run_analysis(index, self.articles[index].text)
                return

    @work(thread=True, exclusive=True, exit_on_error=False, group="analysis")
    def _run_analysis(self, index: int, text: str) -> None:
        warning = fallback = None
        try:
            if self._analyse is not None:
                analysis = self._analyse(text)
            else:
                assert self._process is not None

                def step(partial_analysis: Analysis, done: int, total: int) -> None:
                    self.post_message(AnalysisStep(index, partial_analysis, done, total))

                analysis = self._process.analyse(text, on_step=step)
                fallback = self._process.warning
        except Cancelled:
            return
        except Exception as exc:  # the text stays readable whatever the analysis does
            self.post_message(AnalysisFailed(index, f"Analysis failed: {exc}"))
            return
        if self.library is not None and self.fingerprint is not None and fallback is None:
            # A fallback pipeline's poorer result is shown but never cached.
            try:
                self.library.store_analysis(text_sha(text), self.fingerprint, analysis)
            except LibraryError as exc:
                warning = f"{exc}; this analysis is not saved"
        self.post_message(AnalysisDone(index, analysis, warning, fallback))

    def _reader_on(self, index: int) -> ReaderScreen | None:
        screen = self.screen
        if isinstance(screen, ReaderScreen) and screen.index == index:
            return screen
        for screen in self.screen_stack:
            if isinstance(screen, ReaderScreen) and screen.index == index:
                return screen
        return None

    def _library_screen(self) -> LibraryScreen | None:
        if not self.has_library_screen:
            return None  # then there is none, and its module need not be imported
        from libya_reader.ui.screens.library import LibraryScreen

        return next((s for s in self.screen_stack if isinstance(s, LibraryScreen)), None)

    def on_analysis_step(self, message: AnalysisStep) -> None:
        reader = self._reader_on(message.index)
        if reader is not None and message.index not in self._raw:
            shown = apply_corrections(message.analysis, self._corrections_now())
            reader.show(shown, progress=f"analysing… {message.done}/{message.total} paragraphs")

    def on_analysis_done(self, message: AnalysisDone) -> None:
        self._raw[message.index] = message.analysis
        park_long_lived(message.analysis)
        self._shown.pop(message.index, None)
        if message.warning:
            self.notify(message.warning, severity="warning", timeout=10)
        if message.fallback and self.fallback is None:
            # Once, not once per article of a library.
            self.fallback = message.fallback
            self.notify(message.fallback, title="No spaCy model", severity="error", timeout=30)
        reader = self._reader_on(message.index)
        analysis = self.analysis_for(message.index)
        if reader is not None and analysis is not None:
            reader.show(analysis)
        library_screen = self._library_screen()
        if library_screen is not None:
            library_screen.refresh_article(message.index)
        if self.has_library_screen:
            self._analyse_next()

    def on_analysis_failed(self, message: AnalysisFailed) -> None:
        self._failed.add(message.index)
        self.notify(message.reason, severity="error")
        reader = self._reader_on(message.index)
        if reader is not None:
            reader.status("analysis failed; the text is shown without highlights")
        if self.has_library_screen:
            self._analyse_next()

    # --- articles -----------------------------------------------------------------------

    def open_article(self, index: int, offset: int | None = None) -> None:
        screen = self.screen
        if isinstance(screen, ReaderScreen):
            screen.open(index)
        else:
            screen = ReaderScreen(index)
            self.push_screen(screen)
        if offset is not None:
            # Once the analysis is there (at once when cached), land on that mention.
            self.call_after_refresh(screen.go_to_offset, offset)

    def mark_read(self, index: int) -> None:
        if index in self._read:
            return
        self._read.add(index)
        if self.library is not None and index in self._ids:
            try:
                self.library.mark_read(self._ids[index])
            except LibraryError as exc:
                self.notify(str(exc), severity="warning")
        library_screen = self._library_screen()
        if library_screen is not None:
            library_screen.refresh_article(index)

    def is_read(self, index: int) -> bool:
        return index in self._read

    def matching_articles(self, query: str) -> list[int]:
        """Indexes of the articles matching `query` (words or entity names), best first."""
        if not query:
            return list(range(len(self.articles)))
        if self.library is not None:
            by_id = {article_id: index for index, article_id in self._ids.items()}
            hits = self.library.search(query, limit=max(len(self._ids), 1))
            return [by_id[h.article.id] for h in hits if h.article.id in by_id]
        needle = query.casefold()
        return [i for i, a in enumerate(self.articles) if needle in a.text.casefold()]

    def entity_article_count(self, entity: Entity) -> int:
        if self.library is None:
            return 0
        try:
            return self.library.entity_article_count(entity.name)
        except LibraryError:
            return 0

    def show_entity_articles(self, entity: Entity) -> None:
        if self.library is None:
            self.notify("The list across articles needs the library, which is not open")
            return
        found = self.library.articles_with_entity(entity.name, entity.group)
        if not found:
            self.notify(f"“{entity.name}” is in no other analysed article")
            return
        choices = [
            (
                f"{hit.article.id}:{hit.first}",
                f"{hit.article.date.isoformat() if hit.article.date else 'undated':10}  "
                f"{hit.article.title}",
            )
            for hit in found
        ]
        self.push_screen(
            screens.ChoiceScreen(f"“{entity.name}” appears in {len(found)} articles", choices),
            self._chose_article,
        )

    def _chose_article(self, choice: str | None) -> None:
        if not choice or self.library is None:
            return
        article_id, first = (int(part) for part in choice.split(":"))
        index = next((i for i, known in self._ids.items() if known == article_id), None)
        if index is None:
            record = self.library.get(article_id)
            if record is None:
                return
            self.articles.append(self.library.load_article(record))
            index = len(self.articles) - 1
            cached = None
            if self.fingerprint is not None:
                cached = self.library.cached_analysis(record.sha, self.fingerprint)
            self._adopt(index, record, cached)
        self.open_article(index, offset=first)

    # --- corrections --------------------------------------------------------------------

    def correct(self, correction: Correction) -> None:
        self._change_corrections(correction)

    def undo_correction(self) -> None:
        self._change_corrections(None)

    @work(thread=True, exclusive=True, exit_on_error=False, group="corrections")
    def _change_corrections(self, correction: Correction | None) -> None:
        """Store or undo off the UI thread: the library re-indexes the articles it touches."""
        try:
            if correction is not None:
                if self.library is not None:
                    self.library.add_correction(correction)
                else:
                    self._corrections.append(correction)
                note = f"Correction: {correction.describe()} (u undoes it)"
            else:
                undone = (
                    self.library.undo_last_correction()
                    if self.library is not None
                    else (self._corrections.pop() if self._corrections else None)
                )
                note = f"Undone: {undone.describe()}" if undone else "No correction to undo"
        except LibraryError as exc:
            note = f"Correction not saved: {exc}"
        self.post_message(CorrectionsChanged(note))

    def on_corrections_changed(self, message: CorrectionsChanged) -> None:
        self._shown.clear()
        for screen in self.screen_stack:
            if isinstance(screen, ReaderScreen):
                analysis = self.analysis_for(screen.index)
                if analysis is not None:
                    screen.show(analysis)
        library_screen = self._library_screen()
        if library_screen is not None:
            library_screen.refill()
        self.notify(message.note)

    # --- copying, export, overview, help -------------------------------------------------

    def copy_text(self, text: str, what: str) -> None:
        self.copy_to_clipboard(text)  # OSC 52, through the terminal
        clipboard.copy(text)  # and the platform's clipboard command, where there is one
        self.notify(f"Copied {what}")

    def export_text(self, text: str, name: str) -> None:
        target = paths.exports_dir() / name
        temporary = target.with_name(target.name + ".tmp")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, target)  # a failed write never replaces a good file
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            self.notify(f"Could not export to {target}: {exc.strerror or exc}", severity="error")
            return
        self.notify(f"Exported the lists to {target}")

    def action_overview(self) -> None:
        if self.library is None:
            self.notify("The overview needs the library, which is not open")
            return
        if isinstance(self.screen, screens.OverviewScreen):
            return
        titles = {s.id: s.title for s in self.library.articles()}
        self.push_screen(screens.OverviewScreen(self.library.overview(), titles))

    def action_help(self) -> None:
        if isinstance(self.screen, screens.HelpScreen):
            return
        bindings = [*self.screen.BINDINGS, *self.BINDINGS]
        if isinstance(self.screen, ReaderScreen):
            bindings += [*ArticleView.BINDINGS, *EntityPanel.BINDINGS]
        self.push_screen(screens.HelpScreen([b for b in bindings if isinstance(b, Binding)]))


def run_reader(
    articles: list[Article], config: config_file.Config, library: Library | None = None
) -> None:
    # The app works out the pipeline fingerprint itself, after the first paint.
    ReaderApp(articles, config=config, library=library).run()
