"""Write docs/screenshot.svg: the reader on the sample article, analysed by the real pipeline.

Run with `make screenshot` (or `.venv/bin/python docs/screenshot.py`).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from libya_reader.analysis.analyser import Analyser
from libya_reader.articles import load_article, seed_articles
from libya_reader.config import Config
from libya_reader.ui import ReaderApp

TARGET = Path(__file__).with_name("screenshot.svg")


async def main() -> None:
    article = load_article(seed_articles()[0])
    article.path = "seeds/" + Path(article.path or "").name
    analysis = Analyser().analyse(article.text)
    app = ReaderApp([article], analyse=lambda _text: analysis, config=Config(), save_config=False)
    async with app.run_test(size=(140, 42)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("tab", "j", "enter", "n")
        await pilot.pause()
        app.save_screenshot(filename=TARGET.name, path=str(TARGET.parent))
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    asyncio.run(main())
