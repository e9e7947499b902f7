"""The `textual_min` baseline: the smallest Textual app that shows an article in a scrolling
pane. `python bench/minimal_app.py FILE` runs it in the terminal; with `--headless` it runs
under `run_test()`, prints "composed" once the first screen is up, and exits.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static


class MinimalApp(App[None]):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.text, markup=False)


async def headless(app: MinimalApp) -> None:
    async with app.run_test(size=(160, 45)):
        # run_test hands over the pilot once the app is mounted and its screen composed.
        print("composed", flush=True)


def main(argv: list[str]) -> None:
    text = Path(argv[0]).read_text(encoding="utf-8")
    app = MinimalApp(text)
    if "--headless" in argv:
        asyncio.run(headless(app))
    else:
        app.run()


if __name__ == "__main__":
    main(sys.argv[1:])
