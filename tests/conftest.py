"""Shared fixtures: every test gets its own LIBYA_READER_HOME; one analyser per session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_a01ad5c3024aa903.txt"
SEED_GOLD = ROOT / "eval" / "seed" / "000_a01ad5c3024aa903.json"


@pytest.fixture(autouse=True)
def reader_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("LIBYA_READER_HOME", str(home))
    monkeypatch.delenv("LIBYA_READER_MODEL", raising=False)
    return home


@pytest.fixture(scope="session")
def analyser():  # type: ignore[no-untyped-def]
    from libya_reader.analysis.analyser import Analyser

    return Analyser()


@pytest.fixture(scope="session")
def seed_article():  # type: ignore[no-untyped-def]
    from libya_reader.articles import load_article

    return load_article(SEED)


@pytest.fixture(scope="session")
def seed_analysis(analyser, seed_article):  # type: ignore[no-untyped-def]
    return analyser.analyse(seed_article.text)


@pytest.fixture(scope="session")
def seed_gold() -> dict:
    return json.loads(SEED_GOLD.read_text(encoding="utf-8"))
