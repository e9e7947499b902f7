"""A real terminal for the benchmark: programs run in detached tmux sessions on a private
server (its own socket), and the screen is read back with `capture-pane`."""

from __future__ import annotations

import os
import shlex
import subprocess
import time
from collections.abc import Callable, Mapping

WIDTH, HEIGHT = 160, 45
POLL = 0.01  # seconds between two captures; a capture itself costs a few ms


class Timeout(Exception):
    """The screen never showed what was waited for."""


class Tmux:
    def __init__(self) -> None:
        self.socket = f"libya-bench-{os.getpid()}"
        self._count = 0
        # A server with one idle session, so that starting a measured session does not also
        # pay for starting the server.
        self._tmux("new-session", "-d", "-s", "idle", "sleep 86400")
        self._tmux("set-option", "-g", "remain-on-exit", "on")

    def _tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"tmux {args[0]}: {done.stderr.strip()}")
        return done.stdout

    def start(self, argv: list[str], env: Mapping[str, str]) -> tuple[str, float]:
        """Start `argv` in a new session; (session name, the perf_counter at the start)."""
        self._count += 1
        name = f"s{self._count}"
        assignments = [f"{k}={v}" for k, v in env.items()]
        command = shlex.join(["env", *assignments, *argv])
        started = time.perf_counter()
        self._tmux("new-session", "-d", "-x", str(WIDTH), "-y", str(HEIGHT), "-s", name, command)
        return name, started

    def capture(self, name: str) -> str:
        return self._tmux("capture-pane", "-p", "-t", name)

    def look(self, name: str) -> tuple[str, bool]:
        """The screen, and whether the program has exited: one tmux call for both."""
        out = self._tmux(
            "capture-pane", "-p", "-t", name, ";", "display-message", "-p", "-t", name,
            "#{pane_dead}",
        )  # fmt: skip
        screen, _, flag = out.rstrip("\n").rpartition("\n")
        return screen, flag.strip() == "1"

    def wait(
        self, name: str, started: float, seen: Callable[[str], bool], timeout: float = 120.0
    ) -> float:
        """Seconds from `started` until a capture satisfies `seen`."""
        while True:
            screen, dead = self.look(name)
            now = time.perf_counter()
            if seen(screen):
                return now - started
            if now - started > timeout:
                raise Timeout(f"not seen within {timeout:.0f} s; screen:\n{screen}")
            if dead:
                raise Timeout(f"the program exited; screen:\n{screen}")
            time.sleep(POLL)

    def keys(self, name: str, *keys: str) -> None:
        self._tmux("send-keys", "-t", name, *keys)

    def kill(self, name: str) -> None:
        self._tmux("kill-session", "-t", name)

    def close(self) -> None:
        self._tmux("kill-server")
