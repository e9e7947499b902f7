"""The shipped knowledge base validates; user overrides merge, and bad lines are named."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from libya_reader.knowledge import normalise_form
from libya_reader.knowledge.loader import (
    KnowledgeError,
    build,
    check_references,
    parse_lines,
    shipped_text,
)


def test_shipped_knowledge_is_valid_and_large_enough() -> None:
    kb = build(shipped_text(), None)
    assert kb.version and not kb.warnings
    counts = Counter(e.kind for e in kb.entries.values())
    assert counts["faction"] >= 50
    assert counts["place"] >= 120
    assert counts["state"] >= 15
    assert counts["person"] >= 50
    assert check_references(kb) == []
    forms = Counter(normalise_form(f) for e in kb.entries.values() for f in e.forms)
    assert [f for f, n in forms.items() if n > 1] == []
    for place in kb.of_kind("place"):
        assert place.lat is not None and place.lon is not None


def test_variants_resolve_to_one_entry() -> None:
    kb = build(shipped_text(), None)
    for a, b in [
        ("Hifter", "Haftar"),
        ("Gadhafi", "Qaddafi"),
        ("Misrata", "Misurata"),
        ("Watiya", "al-Watiya"),
        ("Tarhouna", "Tarhuna"),
        ("Sirte", "Surt"),
    ]:
        first, second = kb.lookup(a), kb.lookup(b)
        assert first is not None and first is second, (a, b)


def test_override_replaces_and_extends(tmp_path: Path) -> None:
    override = tmp_path / "knowledge.jsonl"
    override.write_text(
        '{"id": "bir-ghanam", "name": "Bir al-Ghanam", "kind": "place", "lat": 32.3, "lon": 12.6}\n'
    )
    kb = build(shipped_text(), override)
    assert kb.lookup("Bir al-Ghanam") is not None
    assert "+user1" in kb.version


def test_bad_override_line_is_named(tmp_path: Path) -> None:
    override = tmp_path / "knowledge.jsonl"
    override.write_text(
        '{"id": "a", "name": "A", "kind": "place", "lat": 1, "lon": 2}\n'
        '{"id": "b", "name": "B", "kind": "galaxy"}\n'
    )
    kb = build(shipped_text(), override)
    assert len(kb.warnings) == 1
    assert f"{override}: line 2" in kb.warnings[0] and "galaxy" in kb.warnings[0]
    assert kb.get("a") is None  # a bad file is applied whole or not at all


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("{not json", "not valid JSON"),
        ('{"id": "x", "kind": "place"}', "missing or empty 'name'"),
        ('{"id": "x", "name": "X", "kind": "place"}', "needs numeric lat and lon"),
        ('{"id": "x", "name": "X", "kind": "faction", "side": "north"}', "side 'north'"),
        (
            '{"id": "x", "name": "X", "kind": "faction", "case_sensitive": ["Y"]}',
            "case_sensitive form 'Y' is not a name or alias",
        ),
    ],
)
def test_entry_errors(line: str, reason: str) -> None:
    with pytest.raises(KnowledgeError, match=reason):
        parse_lines(line, "k.jsonl")


def test_acronyms_match_only_in_their_own_case() -> None:
    kb = build(shipped_text(), None)
    for acronym, name in [
        ("UN", "United Nations"),
        ("IS", "Islamic State in Libya"),
        ("FACT", "Front for Change and Concord in Chad"),
        ("AP", "Associated Press"),
        ("Amnesty", "Amnesty International"),
    ]:
        entry = kb.lookup(acronym)
        assert entry is not None and entry.name == name, acronym
        assert kb.lookup(acronym.lower()) is None, acronym
    assert kb.lookup("SIRTE") is kb.lookup("Sirte")  # long names still match in any case
