"""Copy text to the system clipboard through whichever command the desktop provides.

Plain module, no Textual: the app also copies through the terminal (OSC 52), which works over
SSH but not in every terminal; a local clipboard command covers the rest.
"""

from __future__ import annotations

import shutil
import subprocess

# First found on PATH wins: Wayland, then the two X11 tools, then macOS.
COMMANDS: tuple[tuple[str, ...], ...] = (
    ("wl-copy",),
    ("xclip", "-selection", "clipboard"),
    ("xsel", "--clipboard", "--input"),
    ("pbcopy",),
)
TIMEOUT = 2.0  # seconds; a clipboard tool that hangs (no display) must not freeze the reader


def find_command() -> list[str] | None:
    """The clipboard command to use here, or None when there is none."""
    for command in COMMANDS:
        found = shutil.which(command[0])
        if found:
            return [found, *command[1:]]
    return None


def copy(text: str) -> bool:
    """Pipe `text` to the clipboard command; whether it worked. Never raises."""
    try:
        command = find_command()
        if command is None:
            return False
        # xclip and wl-copy stay alive to serve the selection: don't wait on their output.
        completed = subprocess.run(
            command,
            input=text.encode("utf-8"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=TIMEOUT,
            check=False,
        )
        return completed.returncode == 0
    except Exception:  # copying is best effort; the caller reports the failure
        return False
