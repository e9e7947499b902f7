"""Chunks of one long job shared with forked helpers, so a long article uses both cores.

A helper is a fork of this process made after the model has loaded: it starts at once, and
the model's memory stays shared with it (copy on write) instead of being loaded twice. The
chunks' indexes wait in a pipe and each process takes the next one when it is free, so a
helper slowed by other load simply does fewer. A helper sends each result back as soon as it
has it and exits when the pipe is empty; a chunk a helper took and never sent back (it died,
or its work raised) is done here at the end, so nothing is lost and an error is raised where
the caller can see it.

Only a single-threaded process forks: a fork copies the calling thread alone, and a lock
another thread held at that moment would stay locked in the helper forever.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

_INDEX = struct.Struct("!I")
_RESULT = struct.Struct("!IQ")  # chunk index, pickle length
# Every index is written before the fork and must fit the pipe's buffer (64 KiB on Linux,
# 16 KiB on some BSDs): a longer job is shared out in windows of this many chunks.
WINDOW = 1024


def processes_to_use() -> int:
    """How many processes one analysis may use: the cores this process may run on, at most
    two (each one more holds a round's memory, and the reader's UI needs a core too)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, 2))


def can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


def map_chunks(work: Callable[[T], R], chunks: Sequence[T], helpers: int = 1) -> Iterator[R]:
    """`map(work, chunks)`, with `helpers` forked processes taking chunks too.

    Results come in order, each as soon as it and those before it are done; the helpers go
    on working while the caller handles one. Closing the iterator early stops them. Runs
    everything here when there is nothing to share or forking is not safe. `work`'s results
    must pickle.
    """
    if helpers < 1 or len(chunks) < 2 or not can_fork():
        yield from map(work, chunks)
        return
    for start in range(0, len(chunks), WINDOW):
        yield from _shared(work, chunks[start : start + WINDOW], helpers)


def _take(tasks: int) -> int | None:
    """The next chunk's index, or None when every chunk is taken.

    A read of 4 bytes from a pipe of 4-byte records takes one whole record: the kernel
    serialises readers of a pipe.
    """
    data = os.read(tasks, _INDEX.size)
    return _INDEX.unpack(data)[0] if len(data) == _INDEX.size else None


def read_exactly(fd: int, size: int) -> bytes:
    """`size` bytes from a pipe; EOFError if it ends first."""
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _help(work: Callable[[T], R], chunks: Sequence[T], tasks: int, answers: int) -> None:
    """A helper's whole life; it never returns into the caller's code."""
    try:
        # ctrl+c reaches the whole process group: the parent alone decides what happens.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        while (index := _take(tasks)) is not None:
            data = pickle.dumps(work(chunks[index]), protocol=pickle.HIGHEST_PROTOCOL)
            os.write(answers, _RESULT.pack(index, len(data)))
            view = memoryview(data)
            while view:
                view = view[os.write(answers, view) :]
    finally:
        os._exit(0)  # no atexit handlers, no second flush of the parent's buffers


def _shared(work: Callable[[T], R], chunks: Sequence[T], helpers: int) -> Iterator[R]:
    done: dict[int, R] = {}
    tasks_read, tasks_write = os.pipe()
    pids: list[int] = []
    collectors: list[threading.Thread] = []
    answers: list[int] = []  # our end of each helper's own pipe: big writes would interleave

    def collect(fd: int) -> None:
        # A thread per helper, so that a helper never blocks on a full pipe while this
        # process works on a chunk of its own.
        with contextlib.suppress(EOFError, OSError):
            while True:
                index, size = _RESULT.unpack(read_exactly(fd, _RESULT.size))
                done[index] = pickle.loads(read_exactly(fd, size))

    try:
        os.write(tasks_write, b"".join(_INDEX.pack(i) for i in range(len(chunks))))
        os.close(tasks_write)  # an empty pipe now reads as the end: nobody waits on it
        tasks_write = -1
        for _ in range(helpers):
            ours, theirs = os.pipe()
            pid = os.fork()
            if pid == 0:
                for fd in (ours, *answers):  # so a dead parent means a broken pipe here
                    os.close(fd)
                _help(work, chunks, tasks_read, theirs)
            os.close(theirs)
            answers.append(ours)
            pids.append(pid)
        collectors = [threading.Thread(target=collect, args=(fd,), daemon=True) for fd in answers]
        for collector in collectors:
            collector.start()
        given = 0  # results handed to the caller: 0 .. given - 1
        while True:
            while given in done:
                yield done.pop(given)
                given += 1
            if (index := _take(tasks_read)) is None:
                break
            done[index] = work(chunks[index])
        for collector in collectors:
            collector.join()  # its helper has exited, or at least closed its end
        for index in range(given, len(chunks)):
            # A chunk missing now was taken by a helper that did not finish it.
            yield done.pop(index) if index in done else work(chunks[index])
    finally:
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)  # a no-op for a helper that has exited
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        for collector in collectors:
            collector.join()  # its helper is gone, so its pipe is at its end
        for fd in (tasks_read, tasks_write, *answers):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
