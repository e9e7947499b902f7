"""The reader carries on when its model or the user's knowledge file is bad, and says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from libya_reader.analysis.analyser import Analyser
from libya_reader.analysis.model import Group
from libya_reader.analysis.pipeline import INSTALL_HINT, build_pipeline
from libya_reader.articles import from_text
from libya_reader.config import Config
from libya_reader.knowledge import load_knowledge
from libya_reader.knowledge.loader import knowledge_warnings
from libya_reader.ui import ReaderApp

from .test_cli import run
from .test_ui_pilot import fixed_analysis, ready, status

WIRE = (
    "TRIPOLI, Libya (AP) — Turkey sent drones to the Government of National Accord, "
    "whose forces pushed toward Sirte on Tuesday.\n"
)
BAD_OVERRIDE = (
    '{"id": "bir-ghanam", "name": "Bir al-Ghanam", "kind": "place", "lat": 32.3, "lon": 12.6}\n'
    '{"id": "mystery", "name": "Mystery Brigade", "kind": "faction", "side": "north"}\n'
)


@pytest.fixture
def bad_override(reader_home: Path) -> Path:
    override = reader_home / "config" / "knowledge.jsonl"
    override.parent.mkdir(parents=True)
    override.write_text(BAD_OVERRIDE, encoding="utf-8")
    load_knowledge.cache_clear()
    yield override
    load_knowledge.cache_clear()


def notices(app: ReaderApp) -> list[str]:
    return [n.message for n in app._notifications]


# --- no statistical model -----------------------------------------------------------------


def test_a_missing_model_leaves_the_knowledge_base_with_a_plain_warning() -> None:
    pipeline = build_pipeline("no_such_model")
    assert not pipeline.statistical
    assert pipeline.warning is not None
    assert "'no_such_model' could not be loaded" in pipeline.warning
    assert INSTALL_HINT in pipeline.warning and "\n" not in pipeline.warning

    analysis = Analyser("no_such_model").analyse(WIRE)
    groups = {entity.name: entity.group for entity in analysis.entities}
    assert groups["Government of National Accord"] is Group.FACTION
    assert groups["Sirte"] is Group.PLACE
    assert groups["Tripoli"] is Group.PLACE


def test_no_installed_model_says_how_to_install_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from libya_reader.analysis import pipeline

    monkeypatch.setattr(pipeline, "DEFAULT_MODELS", ("no_such_model_a", "no_such_model_b"))
    built = pipeline.build_pipeline()
    assert built.warning is not None
    assert built.warning.startswith("no spaCy model is installed")
    assert built.warning.endswith(INSTALL_HINT)


def test_entities_without_a_model_warns_on_stderr_and_still_answers(tmp_path: Path) -> None:
    article = tmp_path / "wire.txt"
    article.write_text(WIRE, encoding="utf-8")
    result = run("entities", "--model", "no_such_model", str(article))
    assert result.returncode == 0
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and INSTALL_HINT in lines[0], lines
    names = {entity["name"] for entity in json.loads(result.stdout)["entities"]}
    assert {"Government of National Accord", "Sirte"} <= names
    # The poorer answer is never cached: a second run warns again instead of reusing it.
    again = run("entities", "--model", "no_such_model", str(article))
    assert INSTALL_HINT in again.stderr.decode()


async def test_the_app_says_once_that_it_reads_without_a_model() -> None:
    # The real analysis process, with a model that does not exist: two articles, one notice.
    articles = [from_text(WIRE), from_text(WIRE.replace("Sirte", "Misrata"))]
    app = ReaderApp(articles, config=Config(model="no_such_model"), save_config=False)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):
            await ready(pilot)
            if len(app._raw) == 2:
                break
            await pilot.pause(0.05)
        assert len(app._raw) == 2
        fallback = [m for m in notices(app) if INSTALL_HINT in m]
        assert len(fallback) == 1 and "no_such_model" in fallback[0]
        # spaCy's "[E050]" is text, not a markup tag to swallow.
        assert "[E050]" in fallback[0]
        assert not any(n.markup for n in app._notifications)
        await pilot.press("enter")
        await ready(pilot)
        assert "knowledge base only" in status(app)
        assert "places" in status(app)


# --- a bad knowledge-base override ---------------------------------------------------------


def test_a_bad_override_is_named_and_the_shipped_base_stays(bad_override: Path) -> None:
    warnings = knowledge_warnings()
    assert len(warnings) == 1
    assert f"{bad_override}: line 2" in warnings[0] and "'north'" in warnings[0]
    kb = load_knowledge()
    assert kb.get("bir-ghanam") is None and kb.lookup("Tripoli") is not None


def test_an_override_pointing_at_an_unknown_id_is_applied_with_a_warning(
    reader_home: Path,
) -> None:
    override = reader_home / "config" / "knowledge.jsonl"
    override.parent.mkdir(parents=True)
    override.write_text(
        '{"id": "dr", "name": "Desert Rangers", "kind": "faction", "side": "east"}\n'
        '{"id": "amr", "name": "Amr Zawi", "kind": "person", "affiliation": "no-such-id"}\n',
        encoding="utf-8",
    )
    load_knowledge.cache_clear()
    try:
        kb = load_knowledge()
        assert kb.get("dr") is not None and kb.get("amr") is not None
        assert knowledge_warnings() == [
            f"{override}: amr: refers to unknown id 'no-such-id' (ignored)"
        ]
    finally:
        load_knowledge.cache_clear()


def test_no_override_costs_nothing_and_warns_of_nothing() -> None:
    load_knowledge.cache_clear()
    assert knowledge_warnings() == []
    assert load_knowledge.cache_info().currsize == 0  # not even loaded


def test_entities_names_the_bad_override_line_on_stderr(bad_override: Path) -> None:
    result = run("entities", "-", stdin=WIRE.encode())
    assert result.returncode == 0
    stderr = result.stderr.decode()
    assert f"{bad_override}: line 2" in stderr and "not applied" in stderr
    assert len(stderr.splitlines()) == 1
    names = {entity["name"] for entity in json.loads(result.stdout)["entities"]}
    assert "Sirte" in names


async def test_the_app_notifies_a_bad_override_and_reads_on(bad_override: Path) -> None:
    app = ReaderApp([from_text(WIRE)], analyse=fixed_analysis, config=Config(), save_config=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        named = [m for m in notices(app) if f"{bad_override}: line 2" in m]
        assert len(named) == 1
        assert "not applied" in named[0]
        assert "factions" in status(app)
