"""The analysis in one call: article text in, `Analysis` out.

The text is analysed a paragraph at a time through `nlp.pipe`: memory stays flat on long
articles, spaCy's `max_length` never bites, and offsets are mapped back to the article.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

from libya_reader.analysis.model import Analysis
from libya_reader.articles import latest_date

PIECE_CHARS = 20_000  # a paragraph longer than this is cut at sentence ends
_PARAGRAPH = re.compile(r"\S(?:.|\n(?![ \t]*\n))*")


def _cut(chunk: str, limit: int) -> int:
    """Where to end a piece of at most `limit` chars: a sentence end, else a space."""
    cut = max(chunk.rfind(". ", 0, limit), chunk.rfind("\n", 0, limit))
    if cut > 0:
        return cut + 1
    # No sentence end (a run-on paragraph): a space at least keeps words, and names, whole.
    cut = max(chunk.rfind(" ", 0, limit), chunk.rfind("\t", 0, limit))
    return cut + 1 if cut > 0 else limit


def paragraphs(text: str, limit: int = PIECE_CHARS) -> Iterator[tuple[int, str]]:
    """(offset, text) of each paragraph; long ones cut into pieces of at most `limit`.

    Invariant the analysis relies on: text[offset : offset + len(piece)] == piece.
    """
    for match in _PARAGRAPH.finditer(text):
        start, chunk = match.start(), match.group()
        while len(chunk) > limit:
            cut = _cut(chunk, limit)
            yield start, chunk[:cut]
            start, chunk = start + cut, chunk[cut:]
        if chunk.strip():
            yield start, chunk


class Analyser:
    """Loads the pipeline on first use (seconds) and analyses texts; safe to share."""

    def __init__(self, model_name: str | None = None) -> None:
        self.model_name = model_name
        self._pipeline = None
        self._lock = threading.Lock()

    @property
    def pipeline(self):  # type: ignore[no-untyped-def]
        with self._lock:
            if self._pipeline is None:
                from libya_reader.analysis.pipeline import build_pipeline

                self._pipeline = build_pipeline(self.model_name)
            return self._pipeline

    @property
    def warning(self) -> str | None:
        return self._pipeline.warning if self._pipeline is not None else None

    def analyse(self, text: str) -> Analysis:
        *_, (analysis, _done, _total) = self.analyse_in_steps(text, first_step=None)
        return analysis

    def analyse_in_steps(
        self, text: str, first_step: int | None = 16
    ) -> Iterator[tuple[Analysis, int, int]]:
        """(analysis so far, paragraphs done, paragraphs in all), from the top of the text down.

        Steps double in size, so a long article shows its first highlights after a few
        paragraphs while regrouping everything read so far costs O(n log n) in all.
        `first_step=None` makes a single step: the whole text.
        """
        from libya_reader.analysis.candidates import read_paragraph
        from libya_reader.analysis.groups import ArticleGrouper
        from libya_reader.knowledge import load_knowledge

        pipeline = self.pipeline
        kb = load_knowledge()
        found = latest_date(text)
        year = found.year if found else None
        # spaCy refuses a doc over nlp.max_length; pieces stay below it whatever it is set to
        limit = min(PIECE_CHARS, pipeline.nlp.max_length)
        pieces = list(paragraphs(text, limit))
        docs = pipeline.nlp.pipe((piece for _, piece in pieces), batch_size=16)
        read = []
        step = first_step or len(pieces)
        goal = step
        for (offset, _), doc in zip(pieces, docs, strict=True):
            read.append(read_paragraph(doc, offset, kb, year))
            if len(read) == goal and len(read) < len(pieces):
                yield ArticleGrouper(kb, year).build(read), len(read), len(pieces)
                step *= 2
                goal += step
        yield ArticleGrouper(kb, year).build(read), len(pieces), len(pieces)
