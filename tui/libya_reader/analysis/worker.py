"""The analyser in a process of its own.

Importing spaCy and loading a model is seconds of pure-Python work that holds the
interpreter lock; in a thread it would starve the UI. In a child process it runs on the
other core and the reader stays live. The child (`python -m libya_reader.analysis.worker`)
loads the model once and serves one job at a time: the parent writes requests to its stdin,
the child answers on its stdout with the analysis so far after each step, and stops early
when the parent cancels (the reader moved on to another article). It runs below the reader
in priority, and shares a long article's rounds of paragraphs with a fork of itself
(`parallel`), so the 1 MB article takes both cores and one copy of the model.

A plain subprocess rather than multiprocessing: "spawn" re-imports the parent's main
module, which breaks any program that embeds the reader without a main guard. The frames
are pickles between two copies of this package, so nothing untrusted is unpickled.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import IO, Any

from libya_reader.analysis.model import Analysis
from libya_reader.analysis.parallel import processes_to_use, read_exactly

OnStep = Callable[[Analysis, int, int], None]
_HEADER = struct.Struct("!Q")
NICENESS = 10


class AnalysisError(Exception):
    """The analysis failed or its process died; the message is one line."""


class Cancelled(Exception):
    """The job was cancelled before it finished."""


def _write(stream: IO[bytes], message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read(fd: int) -> Any:
    (size,) = _HEADER.unpack(read_exactly(fd, _HEADER.size))
    return pickle.loads(read_exactly(fd, size))


def serve(model_name: str | None) -> None:
    """The child's loop: requests on fd 0, answers on the original stdout."""
    from libya_reader.analysis.analyser import Analyser

    # Below the reader in priority: on a 2-core machine the model's load and the analysis
    # would otherwise take the CPU the reader (and the terminal) need to draw and answer keys.
    with contextlib.suppress(OSError):
        os.nice(NICENESS)
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever a library prints must not corrupt the frames
    # This loop is single-threaded, so a long article's rounds can be shared with a fork.
    analyser = Analyser(model_name, processes=processes_to_use())
    # The model loads before the first request arrives; a failure here is reported with
    # the first request, which tries again.
    with contextlib.suppress(Exception):
        analyser.pipeline  # noqa: B018
    while True:
        try:
            request = _read(0)
        except EOFError:
            return
        if request is None:
            return
        kind, job, text = request
        if kind != "analyse":
            continue  # a cancel that arrived after its job had ended
        try:
            outcome: tuple[object, ...] | None = None
            for analysis, done, total in analyser.analyse_in_steps(text):
                if select.select([0], [], [], 0)[0]:
                    message = _read(0)
                    if message is None:
                        return
                    if message[:2] == ("cancel", job):
                        outcome = ("cancelled", job, None, None, None)
                        break
                if done < total:
                    _write(answers, ("step", job, analysis, done, total))
            _write(answers, outcome or ("done", job, analysis, analyser.warning, None))
        except Exception as exc:  # reported to the parent, which shows it as one line
            _write(answers, ("error", job, f"{type(exc).__name__}: {exc}", None, None))


class AnalysisProcess:
    """Analyses texts in a child process; `analyse` blocks the calling (worker) thread."""

    def __init__(self, model_name: str | None = None, log: str | None = None) -> None:
        self.model_name = model_name
        self.log = log  # the child's stderr goes here (a Textual screen must not get it)
        self.warning: str | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._job = 0
        self._running: int | None = None
        self._job_lock = threading.Lock()  # one job at a time
        self._send_lock = threading.Lock()  # the child and its stdin, shared with cancel()

    def _child(self) -> subprocess.Popen[bytes]:
        if self._process is None or self._process.poll() is not None:
            command = [sys.executable, "-m", "libya_reader.analysis.worker"]
            if self.model_name:
                command.append(self.model_name)
            env = dict(os.environ)
            # The child must import this very package, also from a source checkout.
            package_root = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
            env["PYTHONPATH"] = os.pathsep.join(
                p for p in (package_root, env.get("PYTHONPATH")) if p
            )
            try:
                errors: Any = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115
            except OSError:
                errors = subprocess.DEVNULL
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                env=env,
            )
            if errors is not subprocess.DEVNULL:
                errors.close()
        return self._process

    @property
    def pid(self) -> int | None:
        """The running child's process id, if there is one."""
        child = self._process
        return child.pid if child is not None and child.poll() is None else None

    def start(self) -> None:
        """Start the child now, so the model loads before the first job; a failure to
        start is left for `analyse` to report."""
        with self._send_lock, contextlib.suppress(OSError):
            self._child()

    def analyse(self, text: str, on_step: OnStep | None = None) -> Analysis:
        with self._job_lock:
            try:
                with self._send_lock:
                    child = self._child()
            except OSError as exc:
                raise AnalysisError(f"could not start the analysis process: {exc}") from None
            assert child.stdin is not None and child.stdout is not None
            self._job += 1
            job = self._job
            try:
                with self._send_lock:
                    _write(child.stdin, ("analyse", job, text))
                    self._running = job
                while True:
                    kind, got, payload, extra, more = _read(child.stdout.fileno())
                    if got != job:
                        continue
                    if kind == "step" and on_step is not None:
                        on_step(payload, extra, more)
                    elif kind == "done":
                        self.warning = extra
                        return payload  # type: ignore[no-any-return]
                    elif kind == "error":
                        raise AnalysisError(str(payload))
                    elif kind == "cancelled":
                        raise Cancelled
            except (EOFError, OSError):
                self._process = None
                raise AnalysisError("the analysis process stopped unexpectedly") from None
            finally:
                with self._send_lock:
                    self._running = None

    def cancel(self) -> None:
        """Ask the running job, if any, to stop at its next step."""
        with self._send_lock:
            child = self._process
            if self._running is not None and child is not None and child.stdin is not None:
                with contextlib.suppress(OSError):
                    _write(child.stdin, ("cancel", self._running, None))

    def close(self) -> None:
        child, self._process = self._process, None
        if child is None:
            return
        with self._send_lock:
            try:
                if child.stdin is not None:
                    _write(child.stdin, None)
                    child.stdin.close()
            except OSError:
                pass
        try:
            child.wait(timeout=1)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        if child.stdout is not None:
            child.stdout.close()


if __name__ == "__main__":
    serve(sys.argv[1] if len(sys.argv) > 1 else None)
