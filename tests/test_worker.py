"""The analysis process: same result as in-process, steps on long texts, cancel, restart."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from libya_reader.analysis.analyser import Analyser
from libya_reader.analysis.model import Analysis
from libya_reader.analysis.parallel import processes_to_use
from libya_reader.analysis.worker import NICENESS, AnalysisError, AnalysisProcess, Cancelled


@pytest.fixture(scope="module")
def process():  # type: ignore[no-untyped-def]
    child = AnalysisProcess()
    yield child
    child.close()


def _helpers(process: AnalysisProcess) -> list[str]:
    """The analysis process's own children: the forks that share a long text's rounds."""
    pid = process.pid
    assert pid is not None
    return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()


def test_the_analysis_runs_below_the_reader_in_priority(process: AnalysisProcess) -> None:
    process.analyse("Tripoli.")
    assert process.pid is not None
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    assert os.getpriority(os.PRIO_PROCESS, process.pid) == min(mine + NICENESS, 19)


def test_same_analysis_as_in_process(process: AnalysisProcess, seed_article, seed_analysis) -> None:  # type: ignore[no-untyped-def]
    assert process.analyse(seed_article.text).to_dict() == seed_analysis.to_dict()


def test_long_text_arrives_in_growing_steps(process: AnalysisProcess, seed_article) -> None:  # type: ignore[no-untyped-def]
    steps: list[tuple[int, int]] = []
    helpers: list[str] = []

    def on_step(_analysis: Analysis, done: int, total: int) -> None:
        steps.append((done, total))
        helpers.extend(_helpers(process))

    long_text = "\n\n".join([seed_article.text] * 6)
    final = process.analyse(long_text, on_step=on_step)
    assert steps, "a long article must show highlights before it is done"
    if processes_to_use() > 1:
        assert helpers, "a long article's rounds are shared with a helper"
    assert not _helpers(process), "the helper ends with the job"
    dones = [done for done, _ in steps]
    assert dones == sorted(dones) and all(total == steps[0][1] for _, total in steps)
    assert final.mentions()[-1][0].end > len(long_text) - len(seed_article.text)


def test_cancel_stops_a_job_and_the_next_one_runs(process: AnalysisProcess, seed_article) -> None:  # type: ignore[no-untyped-def]
    long_text = "\n\n".join([seed_article.text] * 40)
    started = threading.Event()

    def on_step(_analysis: Analysis, _done: int, _total: int) -> None:
        started.set()
        process.cancel()

    with pytest.raises(Cancelled):
        process.analyse(long_text, on_step=on_step)
    assert started.is_set()
    assert not _helpers(process), "a cancelled job's helper is stopped"
    assert process.analyse("Turkey backs the Government of National Accord.").entities


def test_a_process_that_dies_is_an_error_then_restarts(seed_article) -> None:  # type: ignore[no-untyped-def]
    child = AnalysisProcess()
    long_text = "\n\n".join([seed_article.text] * 6)

    def kill(_analysis: Analysis, _done: int, _total: int) -> None:
        assert child._process is not None
        child._process.kill()

    try:
        with pytest.raises(AnalysisError, match="stopped unexpectedly"):
            child.analyse(long_text, on_step=kill)
        # Killed while idle, too: the next job simply starts a new process.
        assert child.analyse(seed_article.text).entities
        assert child._process is not None
        child._process.kill()
        child._process.wait()
        assert child.analyse(seed_article.text).entities
    finally:
        child.close()


def test_in_steps_ends_with_the_whole_analysis(analyser: Analyser, seed_article) -> None:  # type: ignore[no-untyped-def]
    *_, (last, done, total) = analyser.analyse_in_steps(seed_article.text, first_step=1)
    assert done == total and last.to_dict() == analyser.analyse(seed_article.text).to_dict()
