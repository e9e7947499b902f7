"""Batch import: store and analyse many articles without the UI (`libya-reader add`).

Workers only analyse; the parent writes each result to the library as soon as it arrives, so
an interrupted import keeps every article finished so far. Articles already analysed under
the current pipeline fingerprint are skipped without loading spaCy.
"""

from __future__ import annotations

import multiprocessing
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any, Protocol

from libya_reader.analysis.fingerprint import pipeline_fingerprint
from libya_reader.analysis.model import Analysis
from libya_reader.articles import Article
from libya_reader.library import Library, text_sha


class AnalyserLike(Protocol):
    def analyse(self, text: str) -> Analysis: ...


# Articles per task of a worker: the Analyser batches their paragraphs together, and the
# last task still finishes soon after the others.
WORKER_CHUNK = 12


def _analyse_all(analyser: AnalyserLike, texts: list[str]) -> Iterator[Analysis]:
    """Each text's analysis in order; batched across texts where the analyser can."""
    many = getattr(analyser, "analyse_many", None)
    return many(texts) if many is not None else map(analyser.analyse, texts)


# Builds the analyser in each worker; a module-level function, so spawn can pickle it.
AnalyserFactory = Callable[[str | None], AnalyserLike]


def real_analyser(model_name: str | None) -> AnalyserLike:
    from libya_reader.analysis.analyser import Analyser

    return Analyser(model_name)


@dataclass(slots=True)
class BatchResult:
    total: int = 0
    new: int = 0
    skipped: int = 0
    words: int = 0
    entities: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    warning: str | None = None

    def summary(self) -> str:
        """The final line: articles (new/skipped); words and entities of the new ones; time."""
        return (
            f"{self.new + self.skipped} articles ({self.new} new, {self.skipped} skipped); "
            f"analysed {self.words:,} words, {self.entities:,} entities in {self.seconds:.1f} s"
        )


# --- the worker side ----------------------------------------------------------------------

_worker_analyser: AnalyserLike | None = None


def _init_worker(factory: AnalyserFactory, model_name: str | None) -> None:
    global _worker_analyser
    # ctrl+c reaches the whole process group: the parent alone decides what to keep.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_analyser = factory(model_name)


def _analyse_in_worker(
    jobs: list[tuple[int, str]],
) -> list[tuple[int, Analysis, str | None]]:
    analyser = _worker_analyser
    assert analyser is not None
    analyses = _analyse_all(analyser, [text for _, text in jobs])
    return [
        (index, analysis, getattr(analyser, "warning", None))
        for (index, _), analysis in zip(jobs, analyses, strict=True)
    ]


# --- the parent side ----------------------------------------------------------------------


def _progress(enabled: bool) -> Any:
    """A rich progress bar on stderr, when stderr is a terminal (logs get the summary only)."""
    if not enabled:
        return None
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(stderr=True)
    if not console.is_terminal:
        return None
    return Progress(
        TextColumn("analysing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def _in_process(
    jobs: list[tuple[int, str]], factory: AnalyserFactory, model_name: str | None
) -> Iterator[tuple[int, Analysis, str | None]]:
    if not jobs:
        return  # nothing new: spaCy stays unimported
    analyser = factory(model_name)
    analyses = _analyse_all(analyser, [text for _, text in jobs])
    for (index, _), analysis in zip(jobs, analyses, strict=True):
        yield index, analysis, getattr(analyser, "warning", None)


def add_articles(
    articles: Sequence[Article],
    library: Library,
    model_name: str | None = None,
    jobs: int = 1,
    factory: AnalyserFactory = real_analyser,
    progress: bool = True,
    fingerprint: str | None = None,
) -> BatchResult:
    """Store every article and analyse those not analysed under the current pipeline.

    On KeyboardInterrupt the result says `interrupted` and counts what was kept.
    """
    started = time.monotonic()
    fingerprint = fingerprint or pipeline_fingerprint(model_name)
    result = BatchResult(total=len(articles))
    todo: list[Article] = []
    seen: set[str] = set()
    for article in articles:
        sha = text_sha(article.text)
        if sha in seen or library.has_analysis(sha, fingerprint):
            library.add(article)  # known text: refresh a missing path, nothing else
            result.skipped += 1
            continue
        seen.add(sha)
        todo.append(article)

    bar = _progress(progress and bool(todo))
    context: AbstractContextManager[Any] = bar if bar is not None else nullcontext()
    pool = None
    try:
        with context:
            task = bar.add_task("analysing", total=len(todo)) if bar is not None else None
            work = [(index, article.text) for index, article in enumerate(todo)]
            if jobs > 1 and len(work) > 1:
                # spawn: a clean interpreter per worker, each loading the model once.
                pool = multiprocessing.get_context("spawn").Pool(
                    min(jobs, len(work)), initializer=_init_worker, initargs=(factory, model_name)
                )
                tasks = [work[at : at + WORKER_CHUNK] for at in range(0, len(work), WORKER_CHUNK)]
                results: Iterator[tuple[int, Analysis, str | None]] = (
                    found
                    for done in pool.imap_unordered(_analyse_in_worker, tasks, chunksize=1)
                    for found in done
                )
            else:
                results = _in_process(work, factory, model_name)
            for index, analysis, warning in results:
                article = todo[index]
                if warning:
                    # A fallback pipeline's output is not what the fingerprint names: keep
                    # the article, do not cache the analysis.
                    result.warning = warning
                    library.add(article)
                else:
                    library.add_analysed(article, fingerprint, analysis)
                result.new += 1
                result.words += len(article.text.split())
                result.entities += len(analysis.entities)
                if bar is not None and task is not None:
                    bar.advance(task)
    except KeyboardInterrupt:
        result.interrupted = True
        # ctrl+c can land between a committed write and the count: count what is stored.
        result.new = sum(library.has_analysis(text_sha(a.text), fingerprint) for a in todo)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        result.seconds = time.monotonic() - started
    return result
