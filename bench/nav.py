"""Navigation keys on the 1 MB article in the headless pilot, with a ready-made analysis.

`python bench/nav.py PRESSES [CAP]` prints {"pagedown": [ms, ...], "n": [...], ...} as JSON;
a key stops early once its presses took CAP seconds (a slow reader would take many minutes). The
analysis is built from the generator's own record of where it put each name (about 20,000
mentions), so no spaCy is involved and the figure is the UI's alone.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import big_article
from libya_reader.analysis.model import Analysis, Entity, Group, Mention, Relation
from libya_reader.articles import Article, from_text
from libya_reader.config import Config
from libya_reader.ui import ReaderApp
from libya_reader.ui.widgets import ArticleView


def synthetic() -> tuple[Article, Analysis]:
    piece = big_article()
    article = from_text(piece.text + "\n", path="big.txt")
    if not article.text.startswith(piece.text):
        raise SystemExit("the reader changed the generated text; offsets would not match")
    by_name: dict[tuple[str, str], Entity] = {}
    for start, end, name, group in piece.mentions:
        key = (name, group)
        if key not in by_name:
            by_name[key] = Entity(name, Group(group))
        by_name[key].mentions.append(Mention(start, end, article.text[start:end]))
    backs: defaultdict[str, set[str]] = defaultdict(set)
    for backer, faction in piece.relations:
        backs[backer].add(faction)
    for (name, group), entity in by_name.items():
        if group == "backer":
            entity.backs = sorted(backs[name])
    relations = [Relation(b, f, "") for b, fs in sorted(backs.items()) for f in sorted(fs)]
    return article, Analysis(entities=list(by_name.values()), relations=relations)


async def measure(presses: int, cap: float) -> dict[str, list[float]]:
    """Milliseconds from a key event to the next frame the app produces, per key.

    `pilot.press` itself cannot time this: it waits for the process to be idle twice, in
    steps of 20 ms, so even a key that does nothing takes it 40 ms or more. Here the key is
    posted as the terminal driver would post it, and the clock stops when the compositor
    hands the app its next frame (`App._display`, called headless too, after every visible
    line was rendered). The pilot's own round trip is kept as an extra, for comparison.
    """
    article, analysis = synthetic()
    app = ReaderApp([article], analyse=lambda _text: analysis, config=Config(), save_config=False)
    frames: list[float] = []
    display = app._display

    def timed_display(screen: object, renderable: object) -> None:
        display(screen, renderable)  # type: ignore[arg-type]
        if renderable is not None:
            frames.append(time.perf_counter())

    app._display = timed_display  # type: ignore[method-assign]
    times: dict[str, list[float]] = {}
    async with app.run_test(size=(160, 45)) as pilot:
        # The analysis is asked for after the first paint: wait until it is on screen.
        while getattr(app.screen, "analysis", None) is None:
            await app.workers.wait_for_complete()
            await pilot.pause(0.01)
        await pilot.pause()
        view = app.screen.query_one(ArticleView)

        async def to_frame(key: str, before: str | None = None) -> float:
            if before:
                await pilot.press(before)
            await pilot.pause()  # settled: nothing else is about to draw
            frames.clear()
            start = time.perf_counter()
            app.simulate_key(key)
            while not frames and time.perf_counter() - start < 5:
                await asyncio.sleep(0.0002)
            return ((frames[0] if frames else time.perf_counter()) - start) * 1000

        async def series(key: str, before: str | None = None) -> list[float]:
            out: list[float] = []
            while len(out) < presses and sum(out) < cap * 1000:
                out.append(await to_frame(key, before))
            return out

        async def round_trips(key: str) -> list[float]:
            out = []
            for _ in range(10):
                start = time.perf_counter()
                await pilot.press(key)
                out.append((time.perf_counter() - start) * 1000)
            return out

        view.focus()
        times["pagedown"] = await series("pagedown")
        times["]"] = await series("right_square_bracket")
        times["n"] = await series("n")  # `]` selected an entity
        view.focus()
        # `g` first, untimed, so that every `G` has the whole article to cross.
        times["G"] = await series("G", before="g")
        view.focus()
        times["pagedown: pilot.press"] = await round_trips("pagedown")
        times["_mentions"] = [float(len(analysis.mentions()))]
    return times


def main() -> None:
    presses = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    cap = float(sys.argv[2]) if len(sys.argv) > 2 else 1e9
    print(json.dumps(asyncio.run(measure(presses, cap))))


if __name__ == "__main__":
    main()
