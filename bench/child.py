"""Work the benchmark runs in a child process of its own, one subcommand each, so that every
figure starts from a fresh interpreter and its memory is measured alone.

Each prints one JSON object on its last line of standard output, with the process's peak RSS.
    spacy_raw MODEL FILE        spacy.load + nlp(text)
    pipe_raw MODEL DIR SLICES [ner]
                                nlp.pipe over every .txt in DIR, timed per slice; with
                                `ner`, the NER alone (the ceiling of any exact shortcut)
    analyse reader FILE [memory]
                                FILE through the reader's own analysis process, as the reader
                                sends it (model loaded first, untimed); with `memory`, the
                                peak memory of that process and its helpers
    analyse single MODEL FILE   one Doc through the full pipeline (max_length raised)
    analyse ner MODEL FILE      the NER alone over FILE's paragraphs (blank-line separated)
    reference FILE...           the reader's analysis with no shortcuts, as the JSON contract
"""

from __future__ import annotations

import inspect
import json
import os
import resource
import sys
import threading
import time
from pathlib import Path
from typing import Any


def spacy_raw(model: str, path: str) -> dict[str, Any]:
    import spacy

    nlp = spacy.load(model)
    doc = nlp(Path(path).read_text(encoding="utf-8"))
    return {"tokens": len(doc)}


def _load(model: str, ner_only: bool) -> Any:
    """The model; with `ner_only`, every other component disabled (the NER of the small
    English models embeds the words itself, so it runs alone)."""
    import spacy

    nlp = spacy.load(model)
    if ner_only:
        nlp.select_pipes(enable=["ner"])
    return nlp


def pipe_raw(model: str, folder: str, slices: int, ner_only: bool = False) -> dict[str, Any]:
    nlp = _load(model, ner_only)
    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(folder).glob("*.txt"))]
    size = -(-len(texts) // slices)
    rates: list[float] = []
    tokens = 0
    seconds = 0.0
    for at in range(0, len(texts), size):
        start = time.perf_counter()
        count = sum(len(doc) for doc in nlp.pipe(texts[at : at + size], batch_size=64))
        took = time.perf_counter() - start
        rates.append(count / took)
        tokens += count
        seconds += took
    return {"tokens": tokens, "seconds": seconds, "rates": rates, "texts": len(texts)}


def analyse(kind: str, args: list[str]) -> dict[str, Any]:
    if kind == "reader":
        return _reader(args[0], args[1:] == ["memory"])
    model, path = args
    text = Path(path).read_text(encoding="utf-8")
    nlp = _load(model, kind == "ner")
    if kind == "ner":
        pieces = [piece for piece in text.split("\n\n") if piece.strip()]
        start = time.perf_counter()
        ents = sum(len(doc.ents) for doc in nlp.pipe(pieces, batch_size=64))
        return {"seconds": time.perf_counter() - start, "ents": ents}
    nlp.max_length = len(text) + 1
    start = time.perf_counter()
    doc = nlp(text)
    took = time.perf_counter() - start
    return {"seconds": took, "ents": len(doc.ents)}


def _reader(path: str, memory: bool) -> dict[str, Any]:
    """The reader's analysis process on FILE; with `memory`, its tree's memory sampled too (in
    a run of its own: reading smaps costs CPU the timed run must not lose)."""
    from libya_reader.analysis.worker import AnalysisProcess

    text = Path(path).read_text(encoding="utf-8")
    process = AnalysisProcess()
    process.analyse("Tripoli.")  # the model loads outside the timed part
    assert process.pid is not None
    sampler = _TreeMemory(process.pid) if memory else None
    steps = 0

    def on_step(*_: object) -> None:
        nonlocal steps
        steps += 1

    start = time.perf_counter()
    analysis = process.analyse(text, on_step)
    took = time.perf_counter() - start
    process.close()
    result = {
        "seconds": took,
        "mentions": sum(len(e.mentions) for e in analysis.entities),
        "steps": steps,
    }
    if sampler is not None:
        pss, rss, processes = sampler.stop()
        result |= {"pss_mb": pss, "rss_sum_mb": rss, "processes": processes}
    return result


class _TreeMemory:
    """Samples, every 50 ms, the memory of a process and all its descendants: the peak of the
    summed PSS (a page shared by n processes counts 1/n in each, so shared pages count once)
    and of the summed RSS (shared pages counted in every process: an upper bound)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.pss = self.rss = 0
        self.pids: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree(self, pid: int) -> list[int]:
        found = [pid]
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as children:
                    for child in children.read().split():
                        found += self._tree(int(child))
        except OSError:
            pass
        return found

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            pss = rss = 0
            for pid in self._tree(self.pid):
                try:
                    with open(f"/proc/{pid}/smaps_rollup") as rollup:
                        for line in rollup:
                            key, value, *_ = line.split()
                            if key == "Pss:":
                                pss += int(value)
                            elif key == "Rss:":
                                rss += int(value)
                    self.pids.add(pid)
                except OSError:
                    pass
            self.pss, self.rss = max(self.pss, pss), max(self.rss, rss)

    def stop(self) -> tuple[float, float, int]:
        """(peak PSS MB, peak RSS sum MB, processes seen)."""
        self._stop.set()
        self._thread.join()
        return self.pss / 1024, self.rss / 1024, len(self.pids)


def _full_analyser() -> tuple[Any, str]:
    """The reader's Analyser asked for no shortcuts, if it offers a switch for that."""
    from libya_reader.analysis.analyser import Analyser

    params = inspect.signature(Analyser).parameters
    if "full" in params:
        return Analyser(full=True), "Analyser(full=True)"  # type: ignore[call-arg]
    if "shortcuts" in params:
        return Analyser(shortcuts=False), "Analyser(shortcuts=False)"  # type: ignore[call-arg]
    return Analyser(), "Analyser() (it has no switch for the full pipeline)"


def reference(paths: list[str]) -> dict[str, Any]:
    from libya_reader.articles import load_article
    from libya_reader.export import render

    analyser, how = _full_analyser()
    out = {}
    for path in paths:
        article = load_article(path)
        out[path] = json.loads(render(analyser.analyse(article.text), article, "json"))
    return {"how": how, "results": out}


def main(argv: list[str]) -> None:
    command, rest = argv[0], argv[1:]
    if command == "spacy_raw":
        result = spacy_raw(*rest)
    elif command == "pipe_raw":
        result = pipe_raw(rest[0], rest[1], int(rest[2]), rest[3:] == ["ner"])
    elif command == "analyse":
        result = analyse(rest[0], rest[1:])
    elif command == "reference":
        result = reference(rest)
    else:
        raise SystemExit(f"unknown command {command!r}")
    # This process's own peak resident memory (ru_maxrss is in KB on Linux).
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
