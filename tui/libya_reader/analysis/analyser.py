"""The analysis in one call: article text in, `Analysis` out.

The text is analysed a paragraph at a time: memory stays flat on long articles, spaCy's
`max_length` never bites, and offsets are mapped back to the article.

Every paragraph gets the knowledge ruler and the NER, first; only the paragraphs where a
rule could read the dependency parse (`needs_parse`) then get the tagger and the parser,
which cost as much again. The output is the same as with every component on every paragraph
(`Analyser(full=True)`, the reference the tests compare against). The NER running before the
parser, not after it as in the model's own order, is what makes that exact: it cannot see the
parser's sentence starts either way. It costs nothing: on the eval articles and the benchmark
corpus, no entity differs from the model's order.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import closing
from itertools import islice
from typing import TYPE_CHECKING

from libya_reader.analysis.model import Analysis
from libya_reader.articles import latest_date

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from libya_reader.analysis.candidates import Paragraph
    from libya_reader.analysis.pipeline import Pipeline

PIECE_CHARS = 20_000  # a paragraph longer than this is cut at sentence ends
# Paragraphs per round of the models: big batches run faster, and a round's docs are all
# that is held in memory. A multiple of FULL_BATCH, so the reference batches as it always did.
CHUNK = 64
FULL_BATCH = 16
# Rounds shared with a forked helper are smaller: a round's activations are most of a
# process's peak memory (80 MB at 64 paragraphs, 20 at 16), and two processes hold one each.
SHARED_CHUNK = 16
# A piece starts at a non-space and runs to a blank line; `[^\n]+` takes a line's run at
# once instead of a character at a time (the same matches, a tenth of the time).
_PARAGRAPH = re.compile(r"\S(?:[^\n]+|\n(?![ \t]*\n))*")

Job = tuple[int, str, int | None]  # a piece's offset in its article, its text, the year


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


def _year(text: str) -> int | None:
    found = latest_date(text)
    return found.year if found else None


class Analyser:
    """Loads the pipeline on first use (seconds) and analyses texts; safe to share.

    `full=True` runs every component on every paragraph: slower, and the reference the fast
    path must equal. With `processes=n` (n > 1), a text of several rounds of paragraphs
    shares them with n - 1 forks of this process (`parallel`); the result is the same.
    """

    def __init__(
        self, model_name: str | None = None, full: bool = False, processes: int = 1
    ) -> None:
        self.model_name = model_name
        self.full = full
        self.processes = processes
        self._pipeline: Pipeline | None = None
        self._lock = threading.Lock()

    @property
    def pipeline(self) -> Pipeline:
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

    def analyse_many(self, texts: Iterable[str]) -> Iterator[Analysis]:
        """The analysis of each text, in order; the paragraphs of several texts share a
        batch, which short articles need to keep the models busy."""
        from libya_reader.analysis.groups import ArticleGrouper
        from libya_reader.knowledge import load_knowledge

        kb = load_knowledge()
        pending: deque[tuple[int | None, int]] = deque()  # (year, pieces) of texts begun
        read: list[Paragraph] = []

        def jobs() -> Iterator[Job]:
            for text in texts:
                year = _year(text)
                pieces = self._pieces(text)
                pending.append((year, len(pieces)))
                for offset, piece in pieces:
                    yield offset, piece, year

        def finished() -> Iterator[Analysis]:
            while pending and len(read) >= pending[0][1]:
                year, count = pending.popleft()
                done = read[:count]
                del read[:count]
                yield ArticleGrouper(kb, year).build(done)

        for paragraph in self._read(jobs()):
            read.append(paragraph)
            yield from finished()
        yield from finished()

    def analyse_in_steps(
        self, text: str, first_step: int | None = 16
    ) -> Iterator[tuple[Analysis, int, int]]:
        """(analysis so far, paragraphs done, paragraphs in all), from the top of the text down.

        Steps double in size, so a long article shows its first highlights after a few
        paragraphs while regrouping everything read so far costs O(n log n) in all.
        `first_step=None` makes a single step: the whole text.
        """
        from libya_reader.analysis.groups import ArticleGrouper
        from libya_reader.knowledge import load_knowledge

        kb = load_knowledge()
        year = _year(text)
        pieces = self._pieces(text)
        read: list[Paragraph] = []
        step = first_step or len(pieces)
        goal = step
        # One stream over the whole text: a helper goes on reading while a step is grouped.
        with closing(self._read((o, p, year) for o, p in pieces)) as stream:
            for paragraph in stream:
                read.append(paragraph)
                if len(read) == goal and goal < len(pieces):
                    yield ArticleGrouper(kb, year).build(read), len(read), len(pieces)
                    step *= 2
                    goal += step
        yield ArticleGrouper(kb, year).build(read), len(pieces), len(pieces)

    def _pieces(self, text: str) -> list[tuple[int, str]]:
        # spaCy refuses a doc over nlp.max_length; pieces stay below it whatever it is set to
        return list(paragraphs(text, min(PIECE_CHARS, self.pipeline.nlp.max_length)))

    def _read(self, jobs: Iterable[Job]) -> Iterator[Paragraph]:
        """The paragraph of each job, in order, CHUNK jobs to a round of the models
        (SHARED_CHUNK when the rounds are shared with forks)."""
        stream = iter(jobs)
        if self.processes > 1:
            from libya_reader.analysis.parallel import map_chunks

            rounds = list(iter(lambda: list(islice(stream, SHARED_CHUNK)), []))
            with closing(map_chunks(self._round, rounds, self.processes - 1)) as results:
                for paragraphs in results:
                    yield from paragraphs
            return
        while chunk := list(islice(stream, CHUNK)):
            yield from self._round(chunk)

    def _round(self, chunk: list[Job]) -> list[Paragraph]:
        from libya_reader.analysis.candidates import read_paragraph
        from libya_reader.knowledge import load_knowledge

        kb = load_knowledge()
        docs = self._docs([piece for _, piece, _ in chunk])
        return [
            read_paragraph(doc, offset, kb, year, parsed)
            for (offset, _, year), (doc, parsed) in zip(chunk, docs, strict=True)
        ]

    def _docs(self, texts: list[str]) -> list[tuple[Doc, bool]]:
        """Each text's doc, and whether the parse components ran on it.

        The knowledge ruler and the NER run first, the parse after them: they read nothing
        it sets, so a paragraph the parse is skipped on has the entities it would have had.
        """
        pipeline = self.pipeline
        nlp = pipeline.nlp
        if pipeline.parse_components is None:
            return [(doc, True) for doc in nlp.pipe(texts, batch_size=FULL_BATCH)]
        from libya_reader.analysis.candidates import needs_parse
        from libya_reader.analysis.pipeline import RULER_NAME
        from libya_reader.knowledge import load_knowledge

        kb = load_knowledge()
        ruler, ner = nlp.get_pipe(RULER_NAME), nlp.get_pipe("ner")
        docs = list(ner.pipe((ruler(nlp.make_doc(text)) for text in texts), batch_size=CHUNK))
        wanted = [self.full or needs_parse(doc, kb) for doc in docs]
        parsed = [doc for doc, want in zip(docs, wanted, strict=True) if want]
        for name in pipeline.parse_components:
            if name == "attribute_ruler" and pipeline.attributes is not None:
                parsed = [pipeline.attributes(doc) for doc in parsed]  # the same, 5x faster
            else:
                parsed = list(nlp.get_pipe(name).pipe(parsed, batch_size=CHUNK))
        return list(zip(docs, wanted, strict=True))
