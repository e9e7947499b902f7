"""Chunks shared with forked helpers: the same results in the same order, whatever a helper does."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from libya_reader.analysis import parallel
from libya_reader.analysis.parallel import can_fork, map_chunks

PARENT = os.getpid()


def _square_and_pid(n: int) -> tuple[int, int]:
    time.sleep(0.002)  # long enough that the parent cannot take every chunk before a fork
    return n * n, os.getpid()


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture(autouse=True)
def _single_threaded() -> None:
    # The helpers are forks, made only in a single-threaded process; a thread another test
    # left behind would quietly turn these tests into sequential runs.
    assert can_fork(), [t.name for t in threading.enumerate()]


def _children() -> set[str]:
    """This process's children, running or exited and never reaped."""
    tasks = Path("/proc/self/task")
    return {pid for task in tasks.iterdir() for pid in (task / "children").read_text().split()}


@pytest.fixture(autouse=True)
def no_helper_left():  # type: ignore[no-untyped-def]
    before = _children()  # other tests' processes may still be about
    yield
    assert not _children() - before, "a helper was left behind"


def test_results_are_in_order_and_some_come_from_a_helper() -> None:
    fds = _open_fds()
    got = list(map_chunks(_square_and_pid, list(range(200)), helpers=1))
    assert [square for square, _ in got] == [n * n for n in range(200)]
    pids = {pid for _, pid in got}
    assert PARENT in pids and len(pids) == 2, pids
    assert _open_fds() == fds


def test_several_helpers_and_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "WINDOW", 7)
    got = list(map_chunks(_square_and_pid, list(range(50)), helpers=2))
    assert [square for square, _ in got] == [n * n for n in range(50)]
    assert len({pid for _, pid in got}) > 3  # each window has helpers of its own


def test_closing_early_stops_the_helpers() -> None:
    results = map_chunks(_square_and_pid, list(range(500)), helpers=1)
    assert next(results)[0] == 0
    results.close()


def _stamp(n: int) -> float:
    time.sleep(0.01)
    return time.monotonic()


def test_helpers_go_on_while_the_caller_holds_a_result() -> None:
    results = map_chunks(_stamp, list(range(40)), helpers=1)
    first = next(results)
    time.sleep(0.15)  # the caller busy with the first result
    stamps = [first, *results]
    # The helper finished chunks while the caller slept; with nobody working in the
    # meantime, every later chunk would be stamped after the pause.
    paused_at = first + 0.15
    assert any(first < stamp < paused_at for stamp in stamps[1:])


def _dies_in_a_helper(n: int) -> int:
    if os.getpid() != PARENT:
        os._exit(3)  # killed mid-job: its chunk never comes back
    return -n


def test_a_helper_that_dies_loses_nothing() -> None:
    got = list(map_chunks(_dies_in_a_helper, list(range(20)), helpers=1))
    assert got == [-n for n in range(20)]


def _fails_on_seven(n: int) -> int:
    if n == 7:
        raise ValueError("chunk seven is bad")
    return n


def test_an_error_reaches_the_caller_wherever_it_happened() -> None:
    with pytest.raises(ValueError, match="chunk seven"):
        list(map_chunks(_fails_on_seven, list(range(20)), helpers=1))


def test_no_fork_while_another_thread_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    forks: list[int] = []
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or 0)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        got = list(map_chunks(_square_and_pid, list(range(10)), helpers=1))
    finally:
        stop.set()
        other.join()
    assert not forks and {pid for _, pid in got} == {PARENT}


def test_nothing_to_share_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked for one chunk"))
    assert list(map_chunks(_square_and_pid, [3], helpers=1)) == [(9, PARENT)]
    assert list(map_chunks(_square_and_pid, [1, 2], helpers=0)) == [(1, PARENT), (4, PARENT)]


def test_the_module_is_free_of_textual_and_spacy() -> None:
    source = Path(parallel.__file__).read_text(encoding="utf-8")
    assert "textual" not in source and "spacy" not in source
